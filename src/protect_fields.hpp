// protect_fields.hpp — applying a Protection to an event before it is
// encoded, and revealing (or marking) protected values when reading.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auditchain/entry.hpp"
#include "auditchain/protect.hpp"
#include "sqlite.hpp"
#include "vault.hpp"

namespace auditchain::detail {

// Envelopes for string fields outside before/after ("/metadata/k",
// "/actor/ip", ...), written by the encoder in place of the string.
using RawFields = std::map<std::string, std::string>;

// Checks the syntax of a Protection (pointers, subject). Throws
// Error(kInvalidArgument, ..., "protect").
void check_protection(const Protection& p);

// What encrypting needs: the tenant's keys under the current master key and
// a source of data keys.
struct SealContext {
  Database& db;
  std::int64_t tenant_id;
  std::string_view ledger_id;
  std::string_view tenant;
  const TenantKeys& keys;
  Timestamp now;
};

// Replaces the protected values of `event` (prepared) by envelopes: inside
// event.before / event.after directly; for other fields into `raw`, with the
// string field itself set to a marker. Throws Error(kInvalidArgument) naming
// the pointer when it does not point at a value of the event.
void apply_protection(Event& event, RawFields& raw, const SealContext& ctx);

// Opens protected values when reading.
class Revealer {
 public:
  Revealer(Database& db, std::int64_t tenant_id, std::string ledger_id, std::string tenant,
           const std::vector<std::shared_ptr<const MasterKey>>& ring);
  // Rewrites entry.event so protected values show as plaintext, or as a marker
  // when they cannot be read, and fills entry.protected_values. `envelopes`
  // are the decoder's (pointer, envelope) pairs.
  void reveal(Entry& entry, const std::vector<std::pair<std::string, json::Value>>& envelopes);

 private:
  KeyState key(const std::string& id, Secret& out);
  Database& db_;
  std::int64_t tenant_id_;
  std::string ledger_id_;
  std::string tenant_;
  const std::vector<std::shared_ptr<const MasterKey>>& ring_;
  std::map<std::string, std::pair<KeyState, Secret>> cache_;
};

// Splits an RFC 6901 JSON Pointer into its unescaped tokens. Throws
// std::invalid_argument when malformed.
std::vector<std::string> pointer_tokens(std::string_view pointer);

}  // namespace auditchain::detail
