// json_io.cc — events in and reports out, as JSON text.
#include "auditchain/json_io.hpp"

#include "auditchain/error.hpp"
#include "entry_codec.hpp"
#include "json.hpp"

namespace auditchain {

namespace detail {

Event checked_event(const std::function<Event()>& read) {
  try {
    return read();
  } catch (const DecodeError& e) {
    std::string message = e.what();
    if (e.field().empty()) message = "event: " + message;
    throw Error(ErrorCode::kInvalidArgument, message, e.field().empty() ? "event" : e.field());
  }
}

}  // namespace detail

Event parse_event_json(std::string_view text) {
  return detail::checked_event([&] { return detail::event_from_json(text); });
}

std::string json_quote(std::string_view s) {
  std::string out;
  if (!json::is_valid_utf8(s)) {
    // Reports quote what they were given; never emit invalid JSON.
    std::string cleaned;
    for (unsigned char c : s) cleaned += c < 0x80 ? static_cast<char>(c) : '?';
    json::append_string(out, cleaned);
    return out;
  }
  json::append_string(out, s);
  return out;
}

namespace {

void append_time(std::string& out, const std::optional<Timestamp>& t) {
  out += t ? json_quote(t->to_string()) : "null";
}

void append_finding(std::string& out, const Finding& f, bool with_tenant) {
  out += "{\"kind\":";
  out += json_quote(finding_kind_name(f.kind));
  out += ",\"kind_code\":" + std::to_string(static_cast<int>(f.kind));
  out += ",\"seq\":" + std::to_string(f.seq);
  if (with_tenant) out += ",\"tenant\":" + json_quote(f.tenant);
  out += ",\"detail\":" + json_quote(f.detail) + "}";
}

}  // namespace

std::string report_to_json(const VerifyReport& r) {
  std::string out = "{\"path\":" + json_quote(r.path);
  out += ",\"ledger_id\":" + json_quote(r.ledger_id);
  out += ",\"format_version\":" + std::to_string(r.format_version);
  out += ",\"valid\":";
  out += r.valid() ? "true" : "false";
  out += ",\"entries_checked\":" + std::to_string(r.entries_checked());
  out += ",\"entries_valid\":" + std::to_string(r.entries_valid());
  out += ",\"findings\":[";
  for (std::size_t i = 0; i < r.ledger_findings.size(); ++i) {
    if (i) out += ',';
    append_finding(out, r.ledger_findings[i], false);
  }
  out += "],\"tenants\":[";
  for (std::size_t i = 0; i < r.tenants.size(); ++i) {
    const TenantReport& t = r.tenants[i];
    if (i) out += ',';
    out += "{\"tenant\":" + json_quote(t.tenant);
    out += ",\"from\":";
    append_time(out, t.from);
    out += ",\"to\":";
    append_time(out, t.to);
    out += ",\"first_seq\":" + std::to_string(t.first_seq);
    out += ",\"last_seq\":" + std::to_string(t.last_seq);
    out += ",\"entries_checked\":" + std::to_string(t.entries_checked);
    out += ",\"entries_valid\":" + std::to_string(t.entries_valid);
    out += ",\"head\":" + json_quote(t.head.hex());
    out += ",\"valid\":";
    out += t.valid() ? "true" : "false";
    out += ",\"findings_dropped\":" + std::to_string(t.findings_dropped);
    out += ",\"findings\":[";
    for (std::size_t j = 0; j < t.findings.size(); ++j) {
      if (j) out += ',';
      append_finding(out, t.findings[j], false);
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

}  // namespace auditchain
