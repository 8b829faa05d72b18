// bundle_report.cc — printing a BundleReport for people.
#include "entry_text.hpp"
#include "report.hpp"

namespace auditchain::cli {

void print_bundle_report_text(std::ostream& out, const BundleReport& report, bool quiet) {
  if (!quiet) {
    out << "Verifying export bundle " << printable(report.directory);
    if (!report.ledger_id.empty()) {
      out << " (ledger " << printable(report.ledger_id) << ", tenant " << printable(report.tenant) << ")";
    }
    out << "\n";
    if (!report.manifest_sha256.empty()) out << "Manifest: sha256 " << report.manifest_sha256 << "\n";
    if (report.checkpoint) {
      out << "Trusted: checkpoint of " << report.checkpoint->tree_size
          << (report.checkpoint->tree_size == 1 ? " entry" : " entries") << " signed at "
          << report.checkpoint->time.to_string() << "\n";
    }
    out << "Asked for: " << (report.contiguous ? "a contiguous run of the chain" : "a filtered selection of entries")
        << (report.decrypted ? "; holds decrypted values, which no hash covers" : "") << "\n";
    for (const std::string& note : report.notes) out << "Note: " << printable(note) << "\n";
  }
  for (const BundleFinding& f : report.findings) {
    out << "  PROBLEM  " << printable(f.file.empty() ? std::string("bundle") : f.file);
    if (f.line > 0) out << " line " << f.line;
    if (f.seq > 0) out << " seq " << f.seq;
    out << ": " << printable(f.kind) << ": " << printable(f.detail) << "\n";
  }
  if (report.findings_dropped > 0) out << "  PROBLEM  " << report.findings_dropped << " more problems not listed\n";
  out << "  " << report.entries_valid << "/" << report.entries << " entries included in the signed checkpoint\n";
  if (report.valid()) {
    out << "Result: VALID (" << report.entries_valid << "/" << report.entries << " entries"
        << (report.contiguous ? ", contiguous" : "") << ")\n";
  } else {
    const std::uint64_t n = report.findings.size() + report.findings_dropped;
    out << "Result: INVALID (" << n << (n == 1 ? " problem" : " problems")
        << ") — the bundle is not the export it claims to be\n";
  }
}

}  // namespace auditchain::cli
