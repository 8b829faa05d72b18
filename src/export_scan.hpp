// export_scan.hpp — the fields of an entry as an export shows them.
//
// An export filters and formats every entry of a range, so it must not build
// a JSON tree per entry. scan_entry() walks the canonical bytes once and
// returns views of the members an export needs (strings unescaped), and says
// whether the entry holds protected values. It is not a validator: when the
// bytes are not in the shape it expects it returns false and the caller falls
// back to the strict decoder (entry_codec.hpp), which either accepts them or
// says why they are not an entry. fields_from_entry() gives the same fields of
// a decoded Entry, so both paths format identically.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auditchain/entry.hpp"
#include "json.hpp"

namespace auditchain::detail {

// Strings an EntryFields points into when a value had to be unescaped or
// formatted; reused from entry to entry so that steady state allocates nothing.
class FieldScratch {
 public:
  std::string& next();
  void reset() noexcept { used_ = 0; }

 private:
  std::array<std::string, 32> slots_;
  std::size_t used_ = 0;
};

// Text values are unescaped; before, after and metadata are canonical JSON
// text. Views stay valid while the bytes (or Entry) and the scratch do.
struct EntryFields {
  std::string_view ledger;
  std::string_view tenant;
  std::uint64_t seq = 0;
  std::string_view prev;         // 64 lowercase hex digits
  std::string_view recorded_at;  // RFC 3339 as written in the entry
  std::optional<std::string_view> occurred_at;
  std::string_view action;
  std::string_view actor_id;
  std::string_view actor_kind;
  std::optional<std::string_view> on_behalf_of, ip, session_id, request_id;
  std::optional<std::string_view> target_type, target_id;
  std::optional<std::string_view> amount, currency;
  bool sensitive = false;
  bool high_risk = false;
  std::optional<std::string_view> ai_model, ai_model_version, ai_confidence, ai_source_uri, ai_source_sha256,
      ai_rule_id, ai_rule_version;
  std::optional<std::uint64_t> derived_from, overrides;
  std::optional<std::string_view> idempotency_key;
  std::optional<std::string_view> before, after, metadata;
  // The bytes hold protection envelopes: the text fields above then show the
  // envelopes themselves, and a CSV needs the decoded, revealed entry instead.
  bool protected_values = false;
};

// Fills `out` from canonical entry bytes; false when the bytes are not in the
// shape the scanner reads (use decode_entry then).
bool scan_entry(std::string_view bytes, EntryFields& out, FieldScratch& scratch);

// The fields of a decoded entry (protected values as the entry shows them).
void fields_from_entry(const Entry& entry, std::string_view ledger_id, EntryFields& out, FieldScratch& scratch);

// Replaces the protection envelopes of a decoded entry by markers, without
// any key: "[secret]" for commitments, `encrypted_marker` ("[encrypted]" or
// "[erased]") for encrypted values — what an export shows without decrypting.
void mark_protected(Entry& entry, const std::vector<std::pair<std::string, json::Value>>& envelopes,
                    std::string_view encrypted_marker);

// True when the envelopes include an encrypted value (not only secrets).
bool has_encrypted(const std::vector<std::pair<std::string, json::Value>>& envelopes);

}  // namespace auditchain::detail
