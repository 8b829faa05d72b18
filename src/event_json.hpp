// event_json.hpp — an Event as the JSON object parse_event_json() reads.
//
// Private to the library: the C ABI shows the "event" of an entry in this
// form, so that what a program reads back is what it could append again.
#pragma once

#include <string>

#include "auditchain/entry.hpp"

namespace auditchain::detail {

// `event` as one JSON object in the form of parse_event_json() (json_io.hpp):
// "action", "actor" (an object with "kind" always present), and every
// optional member that is set; "flags" only when a flag is set, "metadata"
// only when not empty, "protect" only when the Protection names something.
// before/after are written as the JSON values their text holds (canonical).
// parse_event_json(event_to_json(e)) gives back `e` for every event whose
// before/after are valid JSON (with before/after in canonical form).
// Throws Error(kInvalidArgument, ..., "before"/"after") when one is not.
std::string event_to_json(const Event& event);

}  // namespace auditchain::detail
