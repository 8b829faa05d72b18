// entry_codec.hpp — an entry's canonical bytes: writing and strict reading.
//
// docs/FORMAT.md is the specification; this is its implementation. Encoding
// writes members directly in RFC 8785 order (a test checks the result equals
// the canonical form of its own parse); decoding accepts only bytes that are
// exactly canonical and that have the members and types the format defines.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <map>
#include <string_view>
#include <vector>

#include "auditchain/entry.hpp"
#include "json.hpp"

namespace auditchain::detail {

// The value of the entry's "v" member written by this version.
inline constexpr std::int64_t kEntryVersion = 1;

struct ChainFields {
  std::string_view ledger_id;
  std::string_view tenant;
  std::uint64_t seq = 0;
  Hash prev;
  Timestamp recorded_at;
};

// The canonical bytes of `event` (already normalised by prepare_event) at the
// position given by `chain`.
// `raw` maps JSON Pointers of string fields outside before/after to the
// canonical JSON written in their place (protection envelopes).
std::string encode_entry(const Event& event, const ChainFields& chain,
                         const std::map<std::string, std::string>* raw = nullptr);

// Bytes that are not a well-formed entry: not JSON, not canonical, a missing or
// unknown member, a value of the wrong type or form.
class DecodeError : public std::runtime_error {
 public:
  DecodeError(std::string field, const std::string& message)
      : std::runtime_error(message), field_(std::move(field)) {}
  // The member at fault in FORMAT.md's dotted notation; empty when not one member.
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

struct DecodedEntry {
  std::string ledger_id;
  Entry entry;  // all but `hash` (which the caller sets) and `bytes` (left empty)
  // Protection envelopes found, by JSON Pointer; the fields themselves hold
  // "[encrypted]" / "[secret]" markers (before/after keep the envelopes).
  std::vector<std::pair<std::string, json::Value>> envelopes;
};

// Decodes `bytes` strictly. Throws DecodeError.
DecodedEntry decode_entry(std::string_view bytes);

// Reads an event given by a host as JSON (see json_io.hpp). Throws DecodeError.
Event event_from_json(std::string_view text);
// The same, from JSON already parsed (a batch parses its array once).
Event event_from_json_value(const json::Value& root);
// Runs `read` (one of the two above), turning its DecodeError into
// Error(kInvalidArgument) naming the field, as parse_event_json() reports it.
Event checked_event(const std::function<Event()>& read);

// The canonical bytes whose SHA-256 is the genesis value (docs/FORMAT.md).
std::string genesis_bytes(std::string_view ledger_id, std::string_view tenant);

}  // namespace auditchain::detail
