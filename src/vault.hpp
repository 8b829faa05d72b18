// vault.hpp — keys for protected values: derivation, wrapped data keys,
// envelopes and commitments (docs/SECURITY.md, docs/FORMAT.md "Protected values").
//
// master key --crypto_kdf--> tenant key --crypto_kdf--> wrap / commit / subject keys
// data key (random, one per tenant and UTC day, one per data subject), stored
// only wrapped under the wrap key; a value is sealed under its day key, or
// under BLAKE2b(day key, subject key) when it belongs to a subject, so that
// destroying either key makes it unrecoverable.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/protect.hpp"
#include "auditchain/timestamp.hpp"
#include "json.hpp"
#include "sqlite.hpp"

namespace auditchain::detail {

// 32 secret bytes, wiped when destroyed.
struct Secret {
  std::array<std::uint8_t, 32> bytes{};
  Secret() = default;
  Secret(const Secret&);
  Secret& operator=(const Secret&);
  ~Secret();
};

// The keys of one tenant derived from one master key.
struct TenantKeys {
  std::string master_id;
  Secret wrap;     // wraps data keys
  Secret commit;   // keys secret commitments
  Secret subject;  // turns subject ids into references
};

TenantKeys derive_tenant_keys(const MasterKey& master, std::string_view ledger_id, std::string_view tenant);

// A subject's reference: keyed BLAKE2b of its id, so the ledger never holds the id.
std::string subject_reference(const TenantKeys& keys, std::string_view subject);

struct DataKey {
  std::string id;
  Secret key;
};

// The tenant's data key of `kind` ("day" or "subject") and `label`, under the
// master key of `keys`, created (randomly, stored wrapped) when missing.
DataKey data_key(Database& db, std::int64_t tenant_id, std::string_view kind, std::string_view label,
                 const TenantKeys& keys, std::string_view tenant);

enum class KeyState { kOpen, kErased, kLocked };

// Opens stored data key `id`: kErased when it was destroyed, kLocked when the
// master key it is wrapped under is not among `ring`.
KeyState open_data_key(Database& db, std::int64_t tenant_id, std::string_view id,
                       const std::vector<std::shared_ptr<const MasterKey>>& ring, std::string_view ledger_id,
                       std::string_view tenant, Secret& out);

// The key that seals a value: the day key alone, or both combined.
Secret value_key(const Secret& day, const Secret* subject);

// An encryption envelope {"$protected": {...}} for canonical JSON `plaintext`.
json::Value seal_value(const Secret& key, const std::vector<std::string>& key_ids, std::string_view ledger_id,
                       std::string_view tenant, std::string_view pointer, std::string_view plaintext);

// A commitment envelope for canonical JSON `plaintext`.
json::Value commit_value(const TenantKeys& keys, std::string_view plaintext);

// The parts of a protection envelope.
struct Envelope {
  std::string type;                  // "encrypted" or "secret"
  std::vector<std::string> key_ids;  // encrypted: data keys; secret: the master key id
  std::string nonce, ciphertext;     // encrypted (raw bytes)
  std::string salt, commitment;      // secret (raw bytes)
};
// The envelope inside `v` when `v` is {"$protected": {...}}; nullopt when `v`
// is not an envelope. Throws std::invalid_argument for a malformed one.
std::optional<Envelope> as_envelope(const json::Value& v);

// The plaintext (canonical JSON) of an encryption envelope, or nullopt when
// the key does not open it.
std::optional<std::string> open_value(const Secret& key, const Envelope& e, std::string_view ledger_id,
                                      std::string_view tenant, std::string_view pointer);

// True when `plaintext` (canonical JSON) is what a secret envelope commits to.
bool commitment_matches(const TenantKeys& keys, const Envelope& e, std::string_view plaintext);

// The UTC day of `t`, "YYYY-MM-DD": the label of day keys.
std::string day_label(Timestamp t);

}  // namespace auditchain::detail
