// entry_scan.hpp — a one-pass check of canonical entry bytes, for verify.
//
// The verifier checks every entry's bytes are exactly a canonical entry. The
// full decoder (entry_codec.hpp) builds a JSON tree and re-serialises it; this
// scanner checks the same rules in one pass over the bytes, building nothing,
// and extracts what the verifier compares. Whenever it is not certain (an
// escape in a compared field, deep nesting, a protected value...) it returns
// false and the caller decides with the full decoder, so both give the same
// verdicts.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "auditchain/entry.hpp"

namespace auditchain::detail {

// What the walker needs from an entry's bytes; views into those bytes.
struct EntryView {
  std::string_view ledger_id;
  std::string_view tenant;
  std::uint64_t seq = 0;
  Hash prev;
  std::string_view recorded_at;  // canonical text: text order is time order
  std::string_view action;
  std::string_view actor_id;
  std::optional<std::string_view> target_type;
  std::optional<std::string_view> target_id;
  std::optional<std::string_view> idempotency_key;
  std::int64_t flags = 0;
  std::optional<std::uint64_t> derived_from;
  std::optional<std::uint64_t> overrides;
  std::optional<std::string_view> occurred_at;
};

// Fills `out` and returns true when `bytes` is certainly a canonical entry
// of the format; false when it is not, or when the scanner cannot be sure.
bool fast_decode(std::string_view bytes, EntryView& out);

}  // namespace auditchain::detail
