// auditchain/json_io.hpp — events in and reports out, as JSON text.
//
// For the faces of the library (command line, C ABI, Python) and for hosts
// that receive events as JSON: the same member names as the entry format
// (docs/FORMAT.md), so what a script writes is what an auditor later reads.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "auditchain/entry.hpp"
#include "auditchain/visibility.hpp"
#include "auditchain/verify.hpp"

namespace auditchain {

// Parses one event given as a JSON object:
//   {"action": "invoice.update",
//    "actor": {"id": "u:alice", "kind": "user", "on_behalf_of": "...", "ip": "...",
//              "session_id": "...", "request_id": "..."},
//    "target": {"type": "invoice", "id": "INV-1"},
//    "before": <any JSON>, "after": <any JSON>,
//    "amount": {"value": "12.50", "currency": "EUR"},
//    "metadata": {"key": "value"}, "flags": ["sensitive", "high_risk"],
//    "ai": {"model": "...", "model_version": "...", "confidence": "0.93",
//           "source": {"uri": "...", "sha256": "..."}, "rule": {"id": "...", "version": "..."}},
//    "derived_from": 12, "overrides": 13, "occurred_at": "2026-11-20T10:00:00+01:00",
//    "idempotency_key": "...", "tenant": "acme"}
// Only "action" and "actor.id" are required ("actor" may also be a plain
// string, the actor id). Unknown members are refused, so a misspelt field is
// not silently dropped. Decimals (amount.value, ai.confidence) must be JSON
// strings. The event is not validated beyond its shape: append() does that.
// Throws Error(kInvalidArgument) naming the field.
AUDITCHAIN_API Event parse_event_json(std::string_view json);

// The report as one JSON document (shape in docs/CLI.md, "verify --json").
AUDITCHAIN_API std::string report_to_json(const VerifyReport& report);

// `s` as a JSON string literal, with quotes (RFC 8785 escaping).
AUDITCHAIN_API std::string json_quote(std::string_view s);

}  // namespace auditchain
