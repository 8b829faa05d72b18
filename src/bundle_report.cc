// bundle_report.cc — a bundle verification report as JSON.
#include "auditchain/export.hpp"
#include "auditchain/json_io.hpp"

namespace auditchain {
namespace {

void append_u64(std::string& out, std::uint64_t n) { out += std::to_string(n); }

}  // namespace

std::string bundle_report_to_json(const BundleReport& r) {
  std::string out = "{\"directory\":" + json_quote(r.directory);
  out += ",\"valid\":";
  out += r.valid() ? "true" : "false";
  out += ",\"ledger\":" + json_quote(r.ledger_id) + ",\"tenant\":" + json_quote(r.tenant);
  out += ",\"manifest_sha256\":" + json_quote(r.manifest_sha256);
  out += ",\"entries\":";
  append_u64(out, r.entries);
  out += ",\"entries_valid\":";
  append_u64(out, r.entries_valid);
  out += ",\"checkpoint\":";
  if (r.checkpoint) {
    out += "{\"tree_size\":";
    append_u64(out, r.checkpoint->tree_size);
    out += ",\"root\":\"" + r.checkpoint->root.hex() + "\",\"time\":" + json_quote(r.checkpoint->time.to_string()) + "}";
  } else {
    out += "null";
  }
  out += ",\"contiguous\":";
  out += r.contiguous ? "true" : "false";
  out += ",\"decrypted\":";
  out += r.decrypted ? "true" : "false";
  out += ",\"notes\":[";
  for (std::size_t i = 0; i < r.notes.size(); ++i) {
    if (i) out += ',';
    out += json_quote(r.notes[i]);
  }
  out += "],\"findings\":[";
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const BundleFinding& f = r.findings[i];
    if (i) out += ',';
    out += "{\"kind\":" + json_quote(f.kind) + ",\"file\":" + json_quote(f.file) + ",\"line\":";
    append_u64(out, f.line);
    out += ",\"seq\":";
    append_u64(out, f.seq);
    out += ",\"detail\":" + json_quote(f.detail) + "}";
  }
  out += "],\"findings_dropped\":";
  append_u64(out, r.findings_dropped);
  out += "}";
  return out;
}

}  // namespace auditchain
