// report.cc — printing a VerifyReport for people.
#include "report.hpp"

#include "entry_text.hpp"

namespace auditchain::cli {
namespace {

std::string range_text(const std::optional<Timestamp>& from, const std::optional<Timestamp>& to) {
  if (!from && !to) return "all entries";
  std::string out = "entries recorded";
  if (from) out += " from " + from->to_string() + " (inclusive)";
  if (to) out += std::string(from ? " to " : " before ") + to->to_string() + " (exclusive)";
  return out;
}

std::string tenant_list(const std::vector<TenantReport>& tenants) {
  constexpr std::size_t kShown = 10;
  std::string out;
  for (std::size_t i = 0; i < tenants.size() && i < kShown; ++i) {
    if (i) out += ", ";
    out += printable(tenants[i].tenant);
  }
  if (tenants.size() > kShown) out += ", ... (" + std::to_string(tenants.size() - kShown) + " more)";
  return out;
}

std::uint64_t problem_count(const VerifyReport& report) {
  std::uint64_t n = report.ledger_findings.size();
  for (const TenantReport& t : report.tenants) n += t.findings.size() + t.findings_dropped;
  return n;
}

}  // namespace

void print_report_text(std::ostream& out, const std::string& path, const VerifyReport& report, bool quiet,
                       std::string_view trusted) {
  if (!quiet) {
    out << "Verifying ledger " << path << " (id " << report.ledger_id << ", format " << report.format_version
        << ")\n";
    if (report.tenants.empty()) {
      out << "Asked for: no tenants (the ledger has none)\n";
    } else {
      const TenantReport& first = report.tenants.front();
      out << "Asked for: " << range_text(first.from, first.to) << " of " << report.tenants.size()
          << (report.tenants.size() == 1 ? " tenant (" : " tenants (") << tenant_list(report.tenants) << ")\n";
    }
    if (!trusted.empty()) out << "Trusted: " << trusted << "\n";
  }
  for (const Finding& f : report.ledger_findings) {
    out << "  PROBLEM  ledger: " << finding_kind_name(f.kind) << ": " << printable(f.detail) << "\n";
  }
  for (const TenantReport& t : report.tenants) {
    const std::string name = printable(t.tenant);
    if (!quiet) {
      out << "Tenant " << name << ": ";
      if (t.entries_checked == 0) {
        out << (t.from || t.to ? "no entries in the range" : "no entries");
      } else {
        out << "checked entries " << t.first_seq << ".." << t.last_seq << ", head " << t.head.hex();
      }
      out << "\n";
    }
    for (const Finding& f : t.findings) {
      out << "  PROBLEM  tenant " << name << " seq " << f.seq << ": " << finding_kind_name(f.kind) << ": "
          << printable(f.detail) << "\n";
    }
    if (t.findings_dropped > 0) {
      out << "  PROBLEM  tenant " << name << ": " << t.findings_dropped << " more problems not listed\n";
    }
    out << "  " << name << ": " << t.entries_valid << "/" << t.entries_checked << " entries valid\n";
  }
  if (report.valid()) {
    out << "Result: VALID (" << report.entries_valid() << "/" << report.entries_checked()
        << " entries valid)\n";
  } else {
    const std::uint64_t n = problem_count(report);
    out << "Result: INVALID (" << n << (n == 1 ? " problem" : " problems")
        << ") — the ledger was altered after the fact\n";
  }
}

}  // namespace auditchain::cli
