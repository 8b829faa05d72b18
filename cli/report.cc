// report.cc — printing a VerifyReport for people.
#include "report.hpp"

namespace auditchain::cli {

void print_report_text(std::ostream& out, const std::string& path, const VerifyReport& report, bool quiet) {
  if (!quiet) {
    out << "Verifying ledger " << path << " (id " << report.ledger_id << ", format " << report.format_version
        << ")\n";
  }
  for (const Finding& f : report.ledger_findings) {
    out << "  PROBLEM  ledger: " << finding_kind_name(f.kind) << ": " << f.detail << "\n";
  }
  for (const TenantReport& t : report.tenants) {
    if (!quiet) {
      out << "Tenant " << t.tenant;
      if (t.from || t.to) {
        out << ", recorded " << (t.from ? t.from->to_string() : std::string("(start)")) << " .. "
            << (t.to ? t.to->to_string() : std::string("(now)"));
      }
      if (t.entries_checked > 0) out << ": entries " << t.first_seq << ".." << t.last_seq;
      out << "\n";
    }
    for (const Finding& f : t.findings) {
      out << "  PROBLEM  tenant " << t.tenant << " seq " << f.seq << ": " << finding_kind_name(f.kind) << ": "
          << f.detail << "\n";
    }
    if (t.findings_dropped > 0) out << "  ... and " << t.findings_dropped << " more problems\n";
    out << "  " << t.tenant << ": " << t.entries_valid << "/" << t.entries_checked << " entries valid";
    if (!quiet) out << ", head " << t.head.hex();
    out << "\n";
  }
  out << (report.valid() ? "Result: VALID" : "Result: INVALID — the ledger was altered after the fact") << "\n";
}

}  // namespace auditchain::cli
