// fuzz_entry_decoder.cc — the strict reader of stored entry bytes.
//
// verify, export and bundle verification read entries through decode_entry,
// from files an attacker may have written. Properties: a refusal is a
// DecodeError; accepted bytes are exactly canonical JSON; and, since a reader
// must accept only the one form the encoder writes (docs/FORMAT.md), encoding
// the decoded entry at its decoded position gives back the very same bytes.
// With protection envelopes the encoder needs them handed back as raw fields,
// which is what the ledger does; they are passed the same way here.
//
// verify reads entries with a one-pass scanner (entry_scan.hpp) and falls
// back to decode_entry only when the scanner is unsure, so the two must give
// the same verdicts: whatever the scanner accepts, decode_entry accepts too,
// with the same fields.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "auditchain/error.hpp"
#include "auditchain/json_io.hpp"
#include "entry_codec.hpp"
#include "entry_scan.hpp"
#include "event_json.hpp"
#include "fuzz_support.hpp"
#include "json.hpp"
#include "validate.hpp"

using namespace auditchain;

namespace {

// What the scanner extracted equals what the decoder read.
void check_scan(const detail::EntryView& v, const detail::DecodedEntry& d) {
  const Entry& e = d.entry;
  const auto same = [](const std::optional<std::string_view>& a, const std::optional<std::string>& b) {
    return a.has_value() == b.has_value() && (!a || *a == *b);
  };
  FUZZ_CHECK(v.ledger_id == d.ledger_id);
  FUZZ_CHECK(v.tenant == e.tenant);
  FUZZ_CHECK(v.seq == e.seq);
  FUZZ_CHECK(v.prev == e.prev_hash);
  FUZZ_CHECK(v.recorded_at == e.recorded_at.to_string());
  FUZZ_CHECK(v.action == e.event.action);
  FUZZ_CHECK(v.actor_id == e.event.actor.id);
  FUZZ_CHECK(same(v.target_type, e.event.target ? std::optional(e.event.target->type) : std::nullopt));
  FUZZ_CHECK(same(v.target_id, e.event.target ? std::optional(e.event.target->id) : std::nullopt));
  FUZZ_CHECK(same(v.idempotency_key, e.event.idempotency_key));
  FUZZ_CHECK(v.flags == detail::flag_bits(e.event));
  FUZZ_CHECK(v.derived_from == e.event.derived_from);
  FUZZ_CHECK(v.overrides == e.event.overrides);
  FUZZ_CHECK(same(v.occurred_at, e.event.occurred_at ? std::optional(e.event.occurred_at->to_string()) : std::nullopt));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::text_of(data, size);
  detail::EntryView view;
  const bool scanned = detail::fast_decode(bytes, view);
  detail::DecodedEntry d;
  try {
    d = detail::decode_entry(bytes);
  } catch (const detail::DecodeError& e) {
    FUZZ_CHECK_MSG(!scanned, std::string("verify's scanner accepts bytes the decoder refuses: ") + e.what());
    return 0;
  }
  if (scanned) check_scan(view, d);
  try {
    FUZZ_CHECK(json::canonical(json::parse(bytes)) == bytes);
  } catch (const json::ParseError& e) {
    fuzz::violated(__FILE__, __LINE__, "accepted entry bytes are not JSON", e.what());
  }
  const Entry& e = d.entry;
  FUZZ_CHECK(e.seq >= 1);
  FUZZ_CHECK(e.event.tenant && *e.event.tenant == e.tenant);
  FUZZ_CHECK(Timestamp::is_canonical(e.recorded_at.to_string()));

  // Envelopes outside before/after are written by the encoder from raw
  // fields; those inside before/after are part of the JSON values.
  std::map<std::string, std::string> raw;
  for (const auto& [pointer, envelope] : d.envelopes) {
    FUZZ_CHECK(!pointer.empty() && pointer[0] == '/');
    if (pointer.rfind("/before", 0) != 0 && pointer.rfind("/after", 0) != 0) raw[pointer] = json::canonical(envelope);
  }
  const detail::ChainFields chain{d.ledger_id, e.tenant, e.seq, e.prev_hash, e.recorded_at};
  const std::string again = detail::encode_entry(e.event, chain, &raw);
  FUZZ_CHECK_MSG(again == bytes, "re-encoded as " + again);

  // What a reader shows of the event has a JSON form that reads back.
  try {
    const std::string shown = detail::event_to_json(e.event);
    FUZZ_CHECK(detail::event_to_json(parse_event_json(shown)) == shown);
  } catch (const Error& err) {
    fuzz::violated(__FILE__, __LINE__, "a decoded event has no JSON form that reads back", err.what());
  }
  return 0;
}
