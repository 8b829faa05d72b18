// export.cc — exporting a tenant's entries as CSV, JSON Lines or JSON.
#include "auditchain/export.hpp"

#include <ostream>

#include "auditchain/error.hpp"
#include "export_csv.hpp"
#include "export_internal.hpp"
#include "sha256.hpp"

namespace auditchain {

const char* export_format_name(ExportFormat format) noexcept {
  switch (format) {
    case ExportFormat::kCsv: return "csv";
    case ExportFormat::kJsonLines: return "jsonl";
    case ExportFormat::kJson: return "json";
  }
  return "unknown";
}

ExportFormat parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "jsonl") return ExportFormat::kJsonLines;
  if (name == "json") return ExportFormat::kJson;
  throw Error(ErrorCode::kInvalidArgument, "format: must be one of csv, jsonl, json", "format");
}

namespace {

// How often the progress callback is called, in rows read.
constexpr std::uint64_t kProgressEvery = 4096;

}  // namespace

ExportSummary export_entries(TenantLedger& tenant, ExportFormat format, std::ostream& out,
                             const ExportOptions& options) {
  const auto state = detail::tenant_state(tenant);
  detail::check_export_options(*state, format, options);
  const detail::EntryFilter filter(options.filter);
  detail::Tally tally;
  {
    auto lease = state->reader();
    detail::Database& db = lease.db();
    detail::Transaction snapshot(db, "BEGIN");
    const detail::ExportRange range =
        detail::resolve_range(db, tenant.name(), options.filter, std::numeric_limits<std::uint64_t>::max());
    // The output is not hashed: Tally's entries digest names what it holds.
    detail::HashingWriter writer(out, "the export", false, true);
    std::string& buf = writer.buffer();
    ExportProgress progress{0, range.size()};
    if (format == ExportFormat::kCsv) buf += detail::csv_header();
    if (format == ExportFormat::kJson) buf += '[';
    if (!options.decrypt) {
      detail::export_in_parallel(db, *state, tenant.name(), range, filter, format, writer, tally, options);
    } else {
      // Plaintext in a CSV (the only format that decrypts): the keys are
      // looked up in the database, so one entry at a time on this thread.
      detail::ExportWalk walk(db, *state, tenant.name(), range, filter, false, true);
      std::uint64_t reported = 0;
      while (walk.next()) {
        tally.add(walk.fields(), walk.stored_hash());
        const std::string_view h = walk.stored_hash();
        detail::append_csv_row(buf, walk.shown(), detail::to_hex(reinterpret_cast<const std::uint8_t*>(h.data()), h.size()));
        writer.maybe_flush();
        if (options.progress && walk.rows_read() - reported >= kProgressEvery) {
          reported = walk.rows_read();
          progress.done = tally.entries();
          options.progress(progress);
        }
      }
    }
    if (format == ExportFormat::kJson) buf += ']';
    writer.finish();
    if (options.progress) {
      progress.done = tally.entries();
      options.progress(progress);
    }
  }
  ExportSummary summary;
  tally.fill(summary);
  summary.record =
      tenant.append(detail::export_record(options, detail::export_metadata(export_format_name(format), options, tally, {})));
  return summary;
}

}  // namespace auditchain
