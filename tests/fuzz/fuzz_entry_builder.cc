// fuzz_entry_builder.cc — from an event given as JSON to an entry's bytes.
//
// The path an append takes, without the storage: parse_event_json (the form
// the CLI, the C ABI and Python hand in), prepare_event (validation and
// normalisation), encode_entry. Properties:
//   - failures are Error(kInvalidArgument), never another exception;
//   - prepare_event is idempotent, and event_to_json / parse_event_json give
//     back the same prepared event;
//   - the entry bytes are canonical JSON, decode strictly, and decode to the
//     event that was encoded, at the position it was encoded for.
#include <cstddef>
#include <cstdint>
#include <string>

#include "auditchain/error.hpp"
#include "auditchain/json_io.hpp"
#include "entry_codec.hpp"
#include "event_json.hpp"
#include "fuzz_support.hpp"
#include "json.hpp"
#include "validate.hpp"

namespace {

using namespace auditchain;

// Runs `step`; an Error must be kInvalidArgument, and means "refused".
template <class Step>
bool accepted(Step step, const char* what) {
  try {
    step();
    return true;
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, std::string(what) + ": " + e.what());
    return false;
  }
}

std::string as_json(const Event& e, const char* what) {
  try {
    return detail::event_to_json(e);
  } catch (const Error& err) {
    fuzz::violated(__FILE__, __LINE__, what, err.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  Event event;
  if (!accepted([&] { event = parse_event_json(text); }, "parse_event_json")) return 0;
  Event prepared;
  if (!accepted([&] { prepared = detail::prepare_event(event); }, "prepare_event")) return 0;
  const std::string prepared_json = as_json(prepared, "a prepared event has no JSON form");

  // Normalising twice changes nothing.
  Event twice;
  FUZZ_CHECK(accepted([&] { twice = detail::prepare_event(prepared); }, "prepare_event on a prepared event"));
  FUZZ_CHECK(as_json(twice, "event_to_json") == prepared_json);

  // The JSON form of a prepared event reads back as the same event.
  Event reread;
  FUZZ_CHECK(accepted([&] { reread = parse_event_json(prepared_json); }, "parse_event_json of event_to_json"));
  FUZZ_CHECK(accepted([&] { reread = detail::prepare_event(reread); }, "prepare_event of the re-read event"));
  FUZZ_CHECK(as_json(reread, "event_to_json") == prepared_json);

  // Encode as the ledger would (protection needs a ledger's keys: the
  // protected fields are then written as they are, which is the same shape).
  Event encoded = prepared;
  encoded.protect = Protection{};
  const std::string tenant = prepared.tenant.value_or("acme");
  const Hash prev = sha256("previous entry");
  const Timestamp recorded = Timestamp::parse("2026-11-21T12:43:28.145444Z");
  const detail::ChainFields chain{fuzz::kLedgerId, tenant, 7, prev, recorded};
  const std::string bytes = detail::encode_entry(encoded, chain);
  if (bytes.size() > detail::Limits::kEntryBytes) return 0;  // append refuses these

  try {
    FUZZ_CHECK(json::canonical(json::parse(bytes)) == bytes);
  } catch (const json::ParseError& e) {
    fuzz::violated(__FILE__, __LINE__, "encoded entry bytes are not JSON", e.what());
  }
  detail::DecodedEntry decoded;
  try {
    decoded = detail::decode_entry(bytes);
  } catch (const detail::DecodeError& e) {
    fuzz::violated(__FILE__, __LINE__, "encoded entry bytes do not decode", e.what());
  }
  FUZZ_CHECK(decoded.ledger_id == fuzz::kLedgerId);
  FUZZ_CHECK(decoded.entry.tenant == tenant);
  FUZZ_CHECK(decoded.entry.seq == 7);
  FUZZ_CHECK(decoded.entry.prev_hash == prev);
  FUZZ_CHECK(decoded.entry.recorded_at == recorded);
  FUZZ_CHECK(decoded.envelopes.empty());
  encoded.tenant = tenant;  // a stored entry always names its tenant
  FUZZ_CHECK_MSG(as_json(decoded.entry.event, "event_to_json") == as_json(encoded, "event_to_json"), bytes);
  // Encoding what was decoded gives the same bytes.
  FUZZ_CHECK(detail::encode_entry(decoded.entry.event, chain) == bytes);
  return 0;
}
