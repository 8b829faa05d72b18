// auditchain/export.hpp — exports for auditors: CSV, JSON Lines, JSON and
// self-verifying bundles.
//
// An export takes one tenant's entries through a filter and writes them out,
// streaming: memory stays flat whatever the number of entries. Every export is
// itself recorded in the tenant's chain as an entry of action "data.export"
// (who asked, the filter, the counts and the SHA-256 of what was written).
//
//   auditchain::ExportOptions options;
//   options.filter.action_prefix = "invoice.";
//   options.exported_by.id = "u:auditor";
//   std::ofstream out("invoices.csv", std::ios::binary);
//   auto summary = auditchain::export_entries(acme, auditchain::ExportFormat::kCsv, out, options);
//
// A bundle (export_bundle) is a directory an auditor can check without the
// ledger: entries.jsonl (the entries' bytes exactly as hashed), entries.csv,
// manifest.json (counts, control totals, file hashes, a signed checkpoint and
// an inclusion proof of every entry in it) and README.txt (how to check it by
// hand). verify_bundle() re-checks all of it offline. docs/FORMAT.md "Exports"
// specifies the files.
//
// Protected values: secrets never appear (only "[secret]"). Encrypted values
// appear as "[encrypted]" (or "[erased]") unless `decrypt` is set and the
// ledger was opened with the master key; decrypted values are never part of
// the hashed bytes, and a bundle says that it holds them.
//
// Thread safety: an export reads one consistent snapshot of the tenant while
// other threads and processes go on appending.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/checkpoint.hpp"
#include "auditchain/decimal.hpp"
#include "auditchain/entry.hpp"
#include "auditchain/keys.hpp"
#include "auditchain/timestamp.hpp"
#include "auditchain/visibility.hpp"

namespace auditchain {

class TenantLedger;

enum class ExportFormat {
  kCsv,        // RFC 4180, UTF-8, one header row; columns in docs/FORMAT.md "Exports"
  kJsonLines,  // one entry per line: its canonical bytes exactly as hashed
  kJson,       // a JSON array of the same entries
};

// "csv", "jsonl", "json".
AUDITCHAIN_API const char* export_format_name(ExportFormat format) noexcept;
// The inverse; throws Error(kInvalidArgument, ..., "format") for other text.
AUDITCHAIN_API ExportFormat parse_export_format(std::string_view name);

// Which entries an export takes. Every set filter must match. Filters are
// tested on each entry's bytes, never on the ledger's query columns, so a
// tampered column can neither add nor hide an entry. An export refuses
// (kInvalidArgument, field "filter.<member>") a seq bound of 0, seq_from
// above seq_to, and from not before to.
struct ExportFilter {
  std::optional<Timestamp> from;            // recorded_at >= from
  std::optional<Timestamp> to;              // recorded_at < to
  std::optional<std::uint64_t> seq_from;    // inclusive, >= 1
  std::optional<std::uint64_t> seq_to;      // inclusive, >= 1
  std::optional<std::string> action_prefix; // "invoice." matches "invoice.update"
  std::optional<std::string> target_type;
  std::optional<std::string> actor_id;
  bool sensitive_only = false;
  bool high_risk_only = false;
  // Only AI decisions whose confidence is strictly below this (entries
  // without an AI confidence do not match).
  std::optional<Decimal> ai_below;

  // True when the filter selects a contiguous run of the chain: it has no
  // filters but the seq and time bounds.
  AUDITCHAIN_API bool contiguous() const noexcept;
};

// Progress of a long export: entries written so far, of at most `total`
// (the number of entries in the filter's seq/time range). The last call has
// the final count.
struct ExportProgress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};

struct ExportOptions {
  ExportFilter filter;
  // Who asks for the export; recorded in the "data.export" entry. actor.id is
  // required (kInvalidArgument, field "exported_by", when empty); the rest
  // must be valid as an entry's actor (field "exported_by.<member>").
  Actor exported_by;
  // Show encrypted values as plaintext (CSV cells; a bundle's decrypted.jsonl).
  // Needs the ledger opened with the master key (kWrongKey otherwise). JSON
  // Lines and JSON always hold the bytes as hashed, so for those formats
  // decrypt is refused with kInvalidArgument (field "decrypt"). Without it,
  // CSV shows "[encrypted]" or "[erased]". Secrets are "[secret]" always.
  // The data.export entry of a decrypting export is flagged high_risk.
  // Default: false.
  bool decrypt = false;
  // Called now and then while writing (from the calling thread). May be empty.
  std::function<void(const ExportProgress&)> progress;
};

// What an export wrote.
struct ExportSummary {
  std::uint64_t entries = 0;
  std::optional<std::uint64_t> first_seq;  // unset when nothing matched
  std::optional<std::uint64_t> last_seq;
  std::map<std::string, std::uint64_t> per_action;  // entries per action
  // Exact control totals of the amounts per currency (canonical decimals).
  std::map<std::string, Decimal> totals;
  // Hex SHA-256 of the exported entries' hashes, 32 bytes each, concatenated
  // in export order: names exactly which entries an export holds. Anyone can
  // recompute it from a JSON Lines export (the SHA-256 of each line, without
  // its newline, is the entry's hash). Recorded by the "data.export" entry.
  std::string entries_digest;
  // export_bundle: hex SHA-256 of manifest.json, the bundle's hash, also
  // recorded. export_entries: empty (hashing every byte written would cost
  // more than the export itself; entries_digest identifies the content).
  std::string sha256;
  // The "data.export" entry that records this export.
  Receipt record;
};

// Writes the tenant's entries matching options.filter to `out` in `format`.
// JSON Lines and JSON write each entry's stored bytes; CSV's columns and its
// formula neutralisation are in docs/FORMAT.md "Exports" (its "hash" column is
// the stored entry hash). `out` is written in large chunks, from a helper
// thread while this call runs; the caller must not touch it meanwhile.
// Throws Error: kInvalidArgument (bad filter or options; nothing written),
// kWrongKey (decrypt without the master key), kReadOnly (the export cannot be
// recorded: the ledger was opened read-only; nothing written), kIo (writing
// `out` failed), kCorrupt (an entry's bytes are not an entry of this tenant:
// run verify), kClosed. The data.export entry is appended once everything
// was written; its metadata holds the format, the filter as JSON, the count,
// first and last seq and the SHA-256 of the bytes written.
AUDITCHAIN_API ExportSummary export_entries(TenantLedger& tenant, ExportFormat format, std::ostream& out,
                                            const ExportOptions& options);

// export_entries() into the file at `path`, written under a temporary name
// beside it and renamed over it once complete and flushed to disk, so that a
// failed or interrupted export never leaves a file that looks whole (an
// existing file is replaced only then). Throws as export_entries, and
// Error(kInvalidArgument, ..., "path") when `path` is a directory,
// Error(kIo, ..., "path") when the file cannot be written.
AUDITCHAIN_API ExportSummary export_file(TenantLedger& tenant, ExportFormat format, const std::string& path,
                                         const ExportOptions& options);

struct BundleOptions {
  ExportOptions export_options;
  // With a signer, the bundle gets a fresh checkpoint of the tenant's head,
  // signed and stored now. Without one, the newest stored checkpoint is used
  // (kInvalidArgument, field "signer", when there is none), and when the
  // filter has an upper bound (seq_to or to) it must cover the range asked
  // for (kInvalidArgument otherwise, naming the checkpoint's size). Entries
  // beyond the checkpoint are never exported: a range without an upper bound
  // ends at it. Not owned; must outlive the call. Default: none.
  const SignerKey* signer = nullptr;
};

struct BundleSummary {
  ExportSummary summary;
  Checkpoint checkpoint;        // the checkpoint the proofs are against
  std::string directory;
  std::vector<std::string> files;  // the files written, relative to directory
};

// Writes a bundle into `directory`, which must not exist or be empty
// (kInvalidArgument, field "directory", otherwise). The files are written
// under temporary names and renamed when complete (manifest.json last), so a
// failed export leaves no half bundle that looks whole; what was written is
// removed. The data.export entry records the SHA-256 of manifest.json.
// Throws as export_entries; kCorrupt also when the stored tree does not have
// the checkpoint's root.
AUDITCHAIN_API BundleSummary export_bundle(TenantLedger& tenant, const std::string& directory,
                                           const BundleOptions& options);

// One problem found in a bundle.
struct BundleFinding {
  std::string file;       // "entries.jsonl", "manifest.json", ...
  std::uint64_t seq = 0;  // the entry concerned; 0 when not about one entry
  std::uint64_t line = 0; // 1-based line of `file`; 0 when not about a line
  std::string kind;       // stable snake_case name, see docs/FORMAT.md "Verifying a bundle"
  std::string detail;     // one sentence for people
};

struct BundleReport {
  std::string directory;
  std::string ledger_id;
  std::string tenant;
  // Hex SHA-256 of manifest.json: compare it with the "sha256" the ledger's
  // "data.export" entry of this export recorded.
  std::string manifest_sha256;
  std::uint64_t entries = 0;        // entries read from entries.jsonl
  std::uint64_t entries_valid = 0;  // of those, shown included in the signed checkpoint
  std::optional<Checkpoint> checkpoint;  // set when it was opened with a trusted key
  bool contiguous = false;          // the filter asked for a contiguous run, and it was checked
  bool decrypted = false;           // the bundle holds decrypted values (outside the hashes)
  std::vector<BundleFinding> findings;  // at most 1000; the rest are only counted
  std::uint64_t findings_dropped = 0;
  // What was not checked, and why (e.g. a decrypted CSV is checked by its
  // SHA-256 only), one sentence each.
  std::vector<std::string> notes;
  bool valid() const noexcept { return findings.empty() && findings_dropped == 0 && checkpoint.has_value(); }
};

// Checks a bundle offline with the trusted verifier `keys`: the checkpoint's
// signature, each file's SHA-256, every entry's inclusion proof, the CSV
// against the entries, contiguity (when the filter was a contiguous range),
// counts and control totals (docs/FORMAT.md "Verifying a bundle"). Memory
// stays flat whatever the bundle's size. Findings are data (a malformed
// manifest is a finding too); throws Error(kNotFound) only when `directory`
// does not exist or holds no manifest.json, and Error(kInvalidArgument) when
// `keys` is empty.
AUDITCHAIN_API BundleReport verify_bundle(const std::string& directory, std::span<const VerifierKey> keys);

// The report as one JSON document (docs/CLI.md "verify DIR --json").
AUDITCHAIN_API std::string bundle_report_to_json(const BundleReport& report);

}  // namespace auditchain
