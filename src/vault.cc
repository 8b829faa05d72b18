// vault.cc — keys for protected values: derivation, wrapped data keys,
// envelopes and commitments.
#include "vault.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

#include "auditchain/error.hpp"
#include "sha256.hpp"

namespace auditchain::detail {
namespace {

constexpr std::int64_t kEnvelopeVersion = 1;

std::string b64(const std::uint8_t* data, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string unb64(const std::string& text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (!is_base64_text(text) ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    throw std::invalid_argument("not base64");
  }
  out.resize(len);
  return out;
}

// crypto_kdf wants a 64-bit id and an 8-byte context.
void kdf(Secret& out, std::uint64_t id, const char (&context)[9], const std::uint8_t* key) {
  crypto_kdf_derive_from_key(out.bytes.data(), out.bytes.size(), id, context, key);
}

std::string associated_data(std::string_view ledger_id, std::string_view tenant, std::string_view pointer) {
  std::string ad = "auditchain/1\n";
  ad.append(ledger_id).append("\n").append(tenant).append("\n").append(pointer);
  return ad;
}

std::string data_key_ad(std::string_view id, std::string_view tenant) {
  return "auditchain/1 data key\n" + std::string(id) + "\n" + std::string(tenant);
}

const std::string& member_string(const json::Value& o, const char* name) {
  const json::Value* v = o.find(name);
  if (v == nullptr || !v->is_string()) throw std::invalid_argument(std::string("envelope lacks ") + name);
  return v->as_string();
}

}  // namespace

Secret::Secret(const Secret& other) : bytes(other.bytes) {}
Secret& Secret::operator=(const Secret& other) {
  bytes = other.bytes;
  return *this;
}
Secret::~Secret() { sodium_memzero(bytes.data(), bytes.size()); }

TenantKeys derive_tenant_keys(const MasterKey& master, std::string_view ledger_id, std::string_view tenant) {
  // The tenant's subkey id: the first 8 bytes of SHA-256(ledger id, tenant),
  // stable for the tenant whatever its row number in the file.
  const Hash h = sha256(std::string(ledger_id) + '\0' + std::string(tenant));
  std::uint64_t id = 0;
  std::memcpy(&id, h.bytes.data(), sizeof id);
  Secret tenant_key;
  kdf(tenant_key, id, "acTenant", master.bytes().data());
  TenantKeys keys;
  keys.master_id = master.id();
  kdf(keys.wrap, 1, "acWrapDk", tenant_key.bytes.data());
  kdf(keys.commit, 2, "acCommit", tenant_key.bytes.data());
  kdf(keys.subject, 3, "acSubjct", tenant_key.bytes.data());
  return keys;
}

std::string subject_reference(const TenantKeys& keys, std::string_view subject) {
  std::uint8_t out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(subject.data()), subject.size(),
                     keys.subject.bytes.data(), keys.subject.bytes.size());
  return to_hex(out, sizeof out);
}

// Unwraps a stored data key with a tenant's wrap key.
static bool unwrap(std::string_view nonce, std::string_view wrapped, std::string_view id, std::string_view tenant,
            const Secret& wrap, Secret& out) {
  const std::string ad = data_key_ad(id, tenant);
  unsigned long long len = 0;
  return nonce.size() == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES &&
         wrapped.size() == out.bytes.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES &&
         crypto_aead_xchacha20poly1305_ietf_decrypt(
             out.bytes.data(), &len, nullptr, reinterpret_cast<const unsigned char*>(wrapped.data()), wrapped.size(),
             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
             reinterpret_cast<const unsigned char*>(nonce.data()), wrap.bytes.data()) == 0;
}

DataKey data_key(Database& db, std::int64_t tenant_id, std::string_view kind, std::string_view label,
                 const TenantKeys& keys, std::string_view tenant) {
  DataKey dk;
  Statement find = db.prepare(
      "SELECT id, nonce, wrapped FROM data_keys WHERE tenant_id = ?1 AND kind = ?2 AND label = ?3"
      " AND master_key_id = ?4");
  find.bind(1, tenant_id).bind(2, kind).bind(3, label).bind(4, keys.master_id);
  if (find.step()) {
    dk.id = find.column_text(0);
    if (!unwrap(find.column_blob(1), find.column_blob(2), dk.id, tenant, keys.wrap, dk.key)) {
      throw Error(ErrorCode::kCorrupt, "a stored data key does not open with its master key");
    }
    return dk;
  }
  dk.id = random_hex(16);
  randombytes_buf(dk.key.bytes.data(), dk.key.bytes.size());
  std::uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::uint8_t wrapped[32 + crypto_aead_xchacha20poly1305_ietf_ABYTES];
  unsigned long long wrapped_len = 0;
  const std::string ad = data_key_ad(dk.id, tenant);
  crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped, &wrapped_len, dk.key.bytes.data(), dk.key.bytes.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
                                             nonce, keys.wrap.bytes.data());
  Statement insert = db.prepare(
      "INSERT INTO data_keys (id, tenant_id, kind, label, master_key_id, nonce, wrapped, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  insert.bind(1, dk.id).bind(2, tenant_id).bind(3, kind).bind(4, label).bind(5, keys.master_id);
  insert.bind_blob(6, nonce, sizeof nonce).bind_blob(7, wrapped, wrapped_len).bind(8, Timestamp::now().to_string());
  insert.run();
  return dk;
}

KeyState open_data_key(Database& db, std::int64_t tenant_id, std::string_view id,
                       const std::vector<std::shared_ptr<const MasterKey>>& ring, std::string_view ledger_id,
                       std::string_view tenant, Secret& out) {
  Statement row = db.prepare("SELECT master_key_id, nonce, wrapped FROM data_keys WHERE id = ?1 AND tenant_id = ?2");
  row.bind(1, id).bind(2, tenant_id);
  if (!row.step()) return KeyState::kErased;
  const std::string master_id(row.column_text(0));
  for (const auto& master : ring) {
    if (!master || master->id() != master_id) continue;
    const TenantKeys keys = derive_tenant_keys(*master, ledger_id, tenant);
    return unwrap(row.column_blob(1), row.column_blob(2), id, tenant, keys.wrap, out) ? KeyState::kOpen
                                                                                      : KeyState::kLocked;
  }
  return KeyState::kLocked;
}

Secret value_key(const Secret& day, const Secret* subject) {
  if (subject == nullptr) return day;
  Secret combined;
  crypto_generichash(combined.bytes.data(), combined.bytes.size(), subject->bytes.data(), subject->bytes.size(),
                     day.bytes.data(), day.bytes.size());
  return combined;
}

json::Value seal_value(const Secret& key, const std::vector<std::string>& key_ids, std::string_view ledger_id,
                       std::string_view tenant, std::string_view pointer, std::string_view plaintext) {
  std::uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::string ct(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long ct_len = 0;
  const std::string ad = associated_data(ledger_id, tenant, pointer);
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(ct.data()), &ct_len,
                                             reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
                                             nonce, key.bytes.data());
  json::Array ids;
  for (const std::string& id : key_ids) ids.emplace_back(id);
  json::Object inner = {
      {"ciphertext", json::Value(b64(reinterpret_cast<const std::uint8_t*>(ct.data()), ct_len))},
      {"keys", json::Value(std::move(ids))},
      {"nonce", json::Value(b64(nonce, sizeof nonce))},
      {"type", json::Value("encrypted")},
      {"v", json::Value(kEnvelopeVersion)},
  };
  return json::Value(json::Object{{"$protected", json::Value(std::move(inner))}});
}

json::Value commit_value(const TenantKeys& keys, std::string_view plaintext) {
  std::uint8_t salt[16];
  randombytes_buf(salt, sizeof salt);
  std::uint8_t mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, keys.commit.bytes.data(), keys.commit.bytes.size());
  crypto_auth_hmacsha256_update(&st, salt, sizeof salt);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size());
  crypto_auth_hmacsha256_final(&st, mac);
  json::Object inner = {
      {"commitment", json::Value(to_hex(mac, sizeof mac))},
      {"keys", json::Value(json::Array{json::Value(keys.master_id)})},
      {"salt", json::Value(b64(salt, sizeof salt))},
      {"type", json::Value("secret")},
      {"v", json::Value(kEnvelopeVersion)},
  };
  return json::Value(json::Object{{"$protected", json::Value(std::move(inner))}});
}

std::optional<Envelope> as_envelope(const json::Value& v) {
  if (!v.is_object() || v.as_object().size() != 1 || v.as_object()[0].first != "$protected") return std::nullopt;
  const json::Value& inner = v.as_object()[0].second;
  if (!inner.is_object()) throw std::invalid_argument("$protected is not an object");
  const json::Value* version = inner.find("v");
  if (version == nullptr || !version->is_integer() || version->as_integer() != kEnvelopeVersion) {
    throw std::invalid_argument("unsupported envelope version");
  }
  Envelope e;
  e.type = member_string(inner, "type");
  const json::Value* keys = inner.find("keys");
  if (keys == nullptr || !keys->is_array() || keys->as_array().empty()) throw std::invalid_argument("envelope lacks keys");
  for (const json::Value& k : keys->as_array()) {
    if (!k.is_string()) throw std::invalid_argument("a key id is not a string");
    e.key_ids.push_back(k.as_string());
  }
  if (e.type == "encrypted") {
    if (inner.as_object().size() != 5) throw std::invalid_argument("unexpected envelope members");
    e.nonce = unb64(member_string(inner, "nonce"));
    e.ciphertext = unb64(member_string(inner, "ciphertext"));
    if (e.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) throw std::invalid_argument("bad nonce");
    if (e.key_ids.size() > 2) throw std::invalid_argument("too many keys");
  } else if (e.type == "secret") {
    if (inner.as_object().size() != 5) throw std::invalid_argument("unexpected envelope members");
    e.salt = unb64(member_string(inner, "salt"));
    std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
    if (!from_hex(member_string(inner, "commitment"), reinterpret_cast<std::uint8_t*>(mac.data()), mac.size())) {
      throw std::invalid_argument("bad commitment");
    }
    e.commitment = mac;
  } else {
    throw std::invalid_argument("unknown envelope type");
  }
  return e;
}

std::optional<std::string> open_value(const Secret& key, const Envelope& e, std::string_view ledger_id,
                                      std::string_view tenant, std::string_view pointer) {
  if (e.ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) return std::nullopt;
  std::string plain(e.ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  const std::string ad = associated_data(ledger_id, tenant, pointer);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &len, nullptr,
          reinterpret_cast<const unsigned char*>(e.ciphertext.data()), e.ciphertext.size(),
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          reinterpret_cast<const unsigned char*>(e.nonce.data()), key.bytes.data()) != 0) {
    return std::nullopt;
  }
  plain.resize(len);
  return plain;
}

bool commitment_matches(const TenantKeys& keys, const Envelope& e, std::string_view plaintext) {
  std::uint8_t mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, keys.commit.bytes.data(), keys.commit.bytes.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(e.salt.data()), e.salt.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return e.commitment.size() == sizeof mac && sodium_memcmp(mac, e.commitment.data(), sizeof mac) == 0;
}

std::string day_label(Timestamp t) { return t.to_string().substr(0, 10); }

}  // namespace auditchain::detail
