// keys.cc — Ed25519 keys in the signed-note text forms, and signed notes.
#include "auditchain/keys.hpp"

#include <sodium.h>

#include <cstring>

#include "auditchain/error.hpp"
#include "json.hpp"
#include "sha256.hpp"
#include "text_file.hpp"

namespace auditchain {
namespace {

constexpr std::uint8_t kEd25519 = 0x01;
constexpr std::string_view kSecretPrefix = "PRIVATE+KEY+";
constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // em dash U+2014, space

[[noreturn]] void bad_key(const std::string& what) { throw Error(ErrorCode::kInvalidArgument, what, "key"); }

void check_key_name(std::string_view name) {
  if (name.empty()) bad_key("a key name must not be empty");
  if (!json::is_valid_utf8(name)) bad_key("a key name must be UTF-8");
  for (unsigned char c : name) {
    if (c <= 0x20 || c == '+' || c == 0x7f) bad_key("a key name must not contain spaces, control characters or '+'");
  }
}

std::uint32_t compute_key_id(std::string_view name, const std::array<std::uint8_t, 32>& public_key) {
  std::string data(name);
  data += '\n';
  data += static_cast<char>(kEd25519);
  data.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  const Hash h = detail::sha256(data);
  return static_cast<std::uint32_t>(h.bytes[0]) << 24 | static_cast<std::uint32_t>(h.bytes[1]) << 16 |
         static_cast<std::uint32_t>(h.bytes[2]) << 8 | h.bytes[3];
}

std::string key_id_hex(std::uint32_t id) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                             static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return detail::to_hex(b, 4);
}

std::string base64(const std::uint8_t* data, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Decodes strict base64 into `out`; returns the decoded length or -1.
long unbase64(std::string_view text, std::uint8_t* out, std::size_t max) {
  std::size_t len = 0;
  const char* end = nullptr;
  if (!detail::is_base64_text(text) ||
      sodium_base642bin(out, max, text.data(), text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return -1;
  }
  return static_cast<long>(len);
}

// Splits "<name>+<hex id>+<base64>" (the name may not contain '+').
struct KeyParts {
  std::string_view name, id, material;
};
KeyParts split_key(std::string_view text) {
  const auto first = text.find('+');
  const auto second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (second == std::string_view::npos) bad_key("malformed key: expected <name>+<key id>+<key material>");
  return {text.substr(0, first), text.substr(first + 1, second - first - 1), text.substr(second + 1)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  return s;
}

}  // namespace

// ---- VerifierKey ------------------------------------------------------------

VerifierKey VerifierKey::parse(std::string_view text) {
  detail::ensure_sodium();
  const KeyParts parts = split_key(trim(text));
  check_key_name(parts.name);
  std::uint8_t material[33];
  if (unbase64(parts.material, material, sizeof material) != 33 || material[0] != kEd25519) {
    bad_key("verifier key \"" + std::string(parts.name) + "\": key material is not base64 of an Ed25519 key");
  }
  VerifierKey key;
  key.name_ = parts.name;
  std::copy(material + 1, material + 33, key.public_key_.begin());
  key.key_id_ = compute_key_id(key.name_, key.public_key_);
  if (key_id_hex(key.key_id_) != parts.id) {
    bad_key("verifier key \"" + key.name_ + "\": key id " + std::string(parts.id) + " does not match the key");
  }
  return key;
}

VerifierKey VerifierKey::load(const std::string& path) { return parse(detail::read_text_file(path, "verifier key")); }

std::string VerifierKey::to_text() const {
  std::uint8_t material[33];
  material[0] = kEd25519;
  std::copy(public_key_.begin(), public_key_.end(), material + 1);
  return name_ + "+" + key_id_hex(key_id_) + "+" + base64(material, sizeof material);
}

bool VerifierKey::verify(std::string_view message, std::string_view signature) const noexcept {
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     public_key_.data()) == 0;
}

// ---- SignerKey --------------------------------------------------------------

SignerKey::SignerKey(SignerKey&& other) noexcept : verifier_(std::move(other.verifier_)), secret_(other.secret_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SignerKey& SignerKey::operator=(SignerKey&& other) noexcept {
  if (this != &other) {
    verifier_ = std::move(other.verifier_);
    secret_ = other.secret_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SignerKey::~SignerKey() { sodium_memzero(secret_.data(), secret_.size()); }

SignerKey SignerKey::generate(std::string_view name) {
  detail::ensure_sodium();
  check_key_name(name);
  SignerKey key;
  key.verifier_.name_ = name;
  crypto_sign_keypair(key.verifier_.public_key_.data(), key.secret_.data());
  key.verifier_.key_id_ = compute_key_id(name, key.verifier_.public_key_);
  return key;
}

SignerKey SignerKey::parse(std::string_view text) {
  detail::ensure_sodium();
  text = trim(text);
  if (text.substr(0, kSecretPrefix.size()) != kSecretPrefix) bad_key("not a signer key (expected PRIVATE+KEY+...)");
  const KeyParts parts = split_key(text.substr(kSecretPrefix.size()));
  check_key_name(parts.name);
  std::uint8_t material[33];
  const long n = unbase64(parts.material, material, sizeof material);
  if (n != 33 || material[0] != kEd25519) {
    sodium_memzero(material, sizeof material);
    bad_key("signer key \"" + std::string(parts.name) + "\": key material is not an Ed25519 seed");
  }
  SignerKey key;
  key.verifier_.name_ = parts.name;
  crypto_sign_seed_keypair(key.verifier_.public_key_.data(), key.secret_.data(), material + 1);
  sodium_memzero(material, sizeof material);
  key.verifier_.key_id_ = compute_key_id(key.verifier_.name_, key.verifier_.public_key_);
  if (key_id_hex(key.key_id()) != parts.id) {
    bad_key("signer key \"" + key.name() + "\": key id " + std::string(parts.id) + " does not match the key");
  }
  return key;
}

SignerKey SignerKey::load(const std::string& path) {
  return detail::parse_secret_file(path, "signer key", [](const std::string& text) { return parse(text); });
}

std::string SignerKey::to_text() const {
  std::uint8_t material[33];
  material[0] = kEd25519;
  std::copy(secret_.begin(), secret_.begin() + 32, material + 1);  // the seed
  std::string out = std::string(kSecretPrefix) + name() + "+" + key_id_hex(key_id()) + "+" + base64(material, 33);
  sodium_memzero(material, sizeof material);
  return out;
}

std::string SignerKey::sign(std::string_view message) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(), secret_.data());
  return sig;
}

void SignerKey::save(const std::string& path) const { detail::write_secret_file(path, to_text()); }

// ---- signed notes -----------------------------------------------------------

std::string sign_note(std::string_view text, const SignerKey& key) {
  if (text.empty() || text.back() != '\n') {
    throw Error(ErrorCode::kInvalidArgument, "a note's text must be non-empty and end with a newline", "note");
  }
  if (text.find("\n\n") != std::string_view::npos) {
    throw Error(ErrorCode::kInvalidArgument, "a note's text must not contain a blank line", "note");
  }
  if (!json::is_valid_utf8(text)) throw Error(ErrorCode::kInvalidArgument, "a note's text must be UTF-8", "note");
  const std::string sig = key.sign(text);
  std::uint8_t blob[4 + crypto_sign_BYTES];
  const std::uint32_t id = key.key_id();
  blob[0] = static_cast<std::uint8_t>(id >> 24);
  blob[1] = static_cast<std::uint8_t>(id >> 16);
  blob[2] = static_cast<std::uint8_t>(id >> 8);
  blob[3] = static_cast<std::uint8_t>(id);
  std::copy(sig.begin(), sig.end(), blob + 4);
  std::string note(text);
  note += "\n";
  note += kSignaturePrefix;
  note += key.name() + " " + base64(blob, sizeof blob) + "\n";
  return note;
}

SignedNote parse_note(std::string_view note) {
  const auto bad = [](const std::string& what) { return Error(ErrorCode::kInvalidArgument, "malformed signed note: " + what, "note"); };
  if (note.size() > 1 << 20) throw bad("larger than 1 MiB");
  const auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) throw bad("no blank line before the signatures");
  SignedNote out;
  out.text = note.substr(0, split + 1);
  std::string_view rest = note.substr(split + 2);
  if (rest.empty() || rest.back() != '\n') throw bad("the signature block must end with a newline");
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) throw bad("a signature line must start with an em dash");
    line.remove_prefix(kSignaturePrefix.size());
    const auto space = line.find(' ');
    if (space == std::string_view::npos) throw bad("a signature line needs a key name and a signature");
    NoteSignature sig;
    sig.key_name = line.substr(0, space);
    std::uint8_t blob[4 + 256];
    const long n = unbase64(line.substr(space + 1), blob, sizeof blob);
    if (n < 5) throw bad("a signature is not base64 of a key id and signature");
    sig.key_id = static_cast<std::uint32_t>(blob[0]) << 24 | static_cast<std::uint32_t>(blob[1]) << 16 |
                 static_cast<std::uint32_t>(blob[2]) << 8 | blob[3];
    sig.signature.assign(reinterpret_cast<const char*>(blob + 4), static_cast<std::size_t>(n - 4));
    out.signatures.push_back(std::move(sig));
    if (out.signatures.size() > 100) throw bad("more than 100 signatures");
  }
  return out;
}

std::string open_note(std::string_view note, std::span<const VerifierKey> keys) {
  const SignedNote parsed = parse_note(note);
  bool trusted = false;
  for (const NoteSignature& sig : parsed.signatures) {
    for (const VerifierKey& key : keys) {
      if (key.name() != sig.key_name || key.key_id() != sig.key_id) continue;
      if (!key.verify(parsed.text, sig.signature)) {
        throw Error(ErrorCode::kBadSignature,
                    "the signature by key \"" + key.name() + "\" does not verify: the note was altered or forged");
      }
      trusted = true;
    }
  }
  if (!trusted) throw Error(ErrorCode::kBadSignature, "the note is not signed by any trusted key");
  return parsed.text;
}

}  // namespace auditchain
