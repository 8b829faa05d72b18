// auditchain/entry.hpp — what an audit entry carries.
//
// An Event is what a host application hands to TenantLedger::append(). The
// ledger adds the tenant, sequence number, recorded time and the previous
// entry's hash, encodes everything as canonical JSON (docs/FORMAT.md) and
// stores those bytes verbatim; the entry hash is SHA-256 of those bytes.
// An Entry is what is read back: the decoded event plus the chain fields and
// the exact bytes.
//
// Field names below match docs/FORMAT.md, which also gives every limit
// (lengths, nesting) and the validation rules. Optional fields that are unset
// are left out of the entry bytes entirely.
//
// Thread safety: plain value types.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/visibility.hpp"
#include "auditchain/protect.hpp"
#include "auditchain/timestamp.hpp"

namespace auditchain {

// A SHA-256 digest.
struct AUDITCHAIN_API Hash {
  static constexpr std::size_t kSize = 32;
  std::array<std::uint8_t, kSize> bytes{};

  // Lowercase hexadecimal, 64 characters.
  std::string hex() const;
  // Parses 64 hexadecimal characters (either case). Throws Error(kInvalidArgument).
  static Hash from_hex(std::string_view hex, std::string_view field = {});

  friend bool operator==(const Hash&, const Hash&) = default;
};

// SHA-256 of `bytes` (an entry's hash is sha256(entry.bytes)).
AUDITCHAIN_API Hash sha256(std::string_view bytes);

enum class ActorKind { kUser, kService, kAiAgent, kSystem };

// "user", "service", "ai_agent", "system".
AUDITCHAIN_API const char* actor_kind_name(ActorKind kind) noexcept;
// The inverse; throws Error(kInvalidArgument) naming `field` for other text.
AUDITCHAIN_API ActorKind parse_actor_kind(std::string_view name, std::string_view field = "actor.kind");

// Who did it.
struct Actor {
  std::string id;                           // required: user id, service name, model agent id
  ActorKind kind = ActorKind::kUser;
  std::optional<std::string> on_behalf_of;  // impersonation: the principal acted for
  std::optional<std::string> ip;            // IPv4 or IPv6 address, in its normal text form
  std::optional<std::string> session_id;
  std::optional<std::string> request_id;
};

// The record acted on: its type (the "doctype", e.g. "invoice") and id.
struct Target {
  std::string type;
  std::string id;
};

// A money amount. `value` is an exact decimal (see decimal.hpp; written in
// canonical form), `currency` an ISO 4217-style code of three capital letters.
struct Amount {
  std::string value;
  std::string currency;
};

// The document an AI decision was based on.
struct SourceDocument {
  std::string uri;
  std::string sha256;  // hex SHA-256 of the document's content (64 hex digits)
};

// The rule an AI decision applied.
struct Rule {
  std::string id;
  std::string version;
};

// Provenance of a decision taken by an AI model.
struct AiProvenance {
  std::string model;                        // required when present
  std::optional<std::string> model_version;
  std::optional<std::string> confidence;    // exact decimal in [0, 1]
  std::optional<SourceDocument> source;
  std::optional<Rule> rule;
};

// What a host application records. Only `action` and `actor.id` are required.
struct Event {
  // When set, must equal the tenant of the handle it is appended through;
  // otherwise the append (the whole batch) is refused. Lets a batch assembled
  // elsewhere say whom it belongs to.
  std::optional<std::string> tenant;

  std::string action;  // e.g. "invoice.update", "auth.login", "permission.change"
  Actor actor;
  std::optional<Target> target;
  std::optional<std::string> before;  // JSON text of the record before the change
  std::optional<std::string> after;   // JSON text of the record after the change
  std::optional<Amount> amount;
  std::map<std::string, std::string> metadata;  // free-form strings
  bool sensitive = false;
  bool high_risk = false;
  std::optional<AiProvenance> ai;
  std::optional<std::uint64_t> derived_from;  // seq of an earlier entry of the tenant
  std::optional<std::uint64_t> overrides;     // seq of the earlier AI decision a human overrides
  std::optional<Timestamp> occurred_at;       // when it happened, if not when recorded
  // Appending a key already used in the tenant writes nothing and returns the
  // first receipt, marked duplicate.
  std::optional<std::string> idempotency_key;
  // Values to store encrypted or only as a commitment (protect.hpp). Needs a
  // master key (OpenOptions::master_keys).
  Protection protect;
};

// An entry as stored.
struct Entry {
  std::string tenant;
  std::uint64_t seq = 0;      // 1, 2, 3, ... per tenant
  Timestamp recorded_at;      // set by the ledger
  Hash prev_hash;             // hash of entry seq-1, or the tenant's genesis value
  Hash hash;                  // SHA-256(bytes)
  std::string bytes;          // the canonical JSON, exactly as hashed
  // Decoded from bytes (event.tenant is set). Protected values appear as
  // their plaintext when the master key was given and the value is readable,
  // else as "[encrypted]", "[erased]" or "[secret]".
  Event event;
  std::vector<ProtectedValue> protected_values;  // one per protected value, in the order found
};

// Proof that an append happened (or had already happened).
struct Receipt {
  std::string tenant;
  std::uint64_t seq = 0;
  Timestamp recorded_at;
  Hash hash;
  bool duplicate = false;  // true: the idempotency key was already used; nothing was written
};

}  // namespace auditchain
