// cmd_export.cc — `auditchain export`: a tenant's entries for auditors, as
// CSV, JSON Lines or JSON, or as a bundle that verifies without the ledger.
//
// Every export is itself recorded in the tenant's chain ("data.export"), so
// the ledger is opened for writing.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "auditchain/export.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "signing.hpp"

namespace auditchain::cli {
namespace {

struct ExportArgs {
  std::string path;
  std::string tenant;
  OptionalText format;
  EntrySelection select;
  OptionalText ai_below, out, bundle, key, by;
  bool decrypt = false;
  bool json = false;
  MasterKeyOptions keys;
};

ExportFilter make_filter(const ExportArgs& a) {
  ExportFilter f;
  const EntrySelection& s = a.select;
  f.from = s.range.from_time();
  f.to = s.range.to_time();
  if (f.from && f.to && *f.to <= *f.from) usage_error("--to", "must be later than --from");
  f.seq_from = parse_optional_count(s.seq_from, 1);
  f.seq_to = parse_optional_count(s.seq_to, 1);
  if (f.seq_from && f.seq_to && *f.seq_to < *f.seq_from) usage_error("--seq-to", "must not be below --seq-from");
  f.action_prefix = s.action.get();
  f.actor_id = s.actor.get();
  f.target_type = s.target_type.get();
  f.sensitive_only = s.sensitive();
  f.high_risk_only = s.high_risk();
  if (a.ai_below.given()) {
    f.ai_below = Decimal::parse(a.ai_below.value, "--ai-below");
    if (f.ai_below->is_negative() || *f.ai_below > Decimal::parse("1")) {
      usage_error("--ai-below", "must be a confidence between 0 and 1");
    }
  }
  return f;
}


std::string seq_range(const ExportSummary& s) {
  if (!s.first_seq) return "no entries matched";
  return "seq " + std::to_string(*s.first_seq) + ".." + std::to_string(*s.last_seq);
}

std::string summary_json(const ExportSummary& s, const std::string& format, const std::string& destination,
                         const std::optional<BundleSummary>& bundle) {
  std::string out = "{\"format\":" + json_quote(format) + ",\"destination\":" + json_quote(destination) +
                    ",\"entries\":" + std::to_string(s.entries);
  out += ",\"first_seq\":" + (s.first_seq ? std::to_string(*s.first_seq) : std::string("null"));
  out += ",\"last_seq\":" + (s.last_seq ? std::to_string(*s.last_seq) : std::string("null"));
  out += ",\"per_action\":{";
  bool first = true;
  for (const auto& [action, n] : s.per_action) {
    out += (first ? "" : ",") + json_quote(action) + ":" + std::to_string(n);
    first = false;
  }
  out += "},\"totals\":{";
  first = true;
  for (const auto& [currency, total] : s.totals) {
    out += (first ? "" : ",") + json_quote(currency) + ":" + json_quote(total.to_string());
    first = false;
  }
  out += "},\"entries_digest\":" + json_quote(s.entries_digest);
  out += ",\"sha256\":" + (s.sha256.empty() ? std::string("null") : json_quote(s.sha256));
  if (bundle) out += ",\"checkpoint_size\":" + std::to_string(bundle->checkpoint.tree_size);
  out += ",\"recorded_as\":{\"tenant\":" + json_quote(s.record.tenant) + ",\"seq\":" + std::to_string(s.record.seq) +
         ",\"hash\":" + json_quote(s.record.hash.hex()) + "}}";
  return out;
}

int run_export(const ExportArgs& a) {
  const bool to_bundle = a.bundle.given();
  if (!to_bundle && !a.format.given()) usage_error("--format", "is required (csv, jsonl or json), unless --bundle is given");
  if (to_bundle && a.format.given()) usage_error("--format", "does not apply to --bundle, which holds JSON Lines and CSV");
  if (a.key.given() && !to_bundle) usage_error("--key", "applies only to --bundle (it signs the bundle's checkpoint)");
  if (a.json && !to_bundle && !a.out.given()) {
    usage_error("--json", "prints a summary, which needs the export itself to go to --out or --bundle");
  }
  if (a.decrypt && !a.keys.given()) usage_error("--decrypt", "needs --master-key or --master-key-env");
  ExportFormat format = ExportFormat::kJsonLines;
  if (!to_bundle) {
    try {
      format = parse_export_format(a.format.value);
    } catch (const Error& e) {
      rethrow_for_option(e, "format", "--format");
    }
    if (a.decrypt && format != ExportFormat::kCsv) {
      usage_error("--decrypt", "applies to CSV and bundles: JSON Lines and JSON hold the entries exactly as hashed");
    }
  }

  ExportOptions options;
  options.filter = make_filter(a);
  options.exported_by = operator_actor(a.by);
  options.decrypt = a.decrypt;
  std::optional<SignerKey> signer;
  if (a.key.given()) signer = load_signer_key(a.key.value, "--key");

  Ledger ledger = open_existing_for_writing(a.path, a.keys);
  TenantLedger tenant = ledger.tenant(a.tenant);
  ProgressBar bar;
  if (ProgressBar::possible() && (to_bundle || a.out.given())) {
    options.progress = [&bar, name = a.tenant](const ExportProgress& p) { bar.update("exporting", name, p.done, p.total); };
  }

  if (to_bundle) {
    BundleOptions bundle_options;
    bundle_options.export_options = options;
    bundle_options.signer = signer ? &*signer : nullptr;
    const BundleSummary b = export_bundle(tenant, a.bundle.value, bundle_options);
    bar.finish();
    const ExportSummary& s = b.summary;
    if (a.json) {
      std::cout << summary_json(s, "bundle", a.bundle.value, b) << "\n";
    } else {
      std::cout << "Exported " << s.entries << (s.entries == 1 ? " entry" : " entries") << " (" << seq_range(s)
                << ") of tenant " << printable(a.tenant) << " to bundle " << printable(a.bundle.value) << "\n"
                << "  proofs against the signed checkpoint of " << b.checkpoint.tree_size << " entries\n"
                << "  manifest.json sha256 " << s.sha256 << "\n"
                << "  entries digest " << s.entries_digest << "\n"
                << "  recorded as entry " << s.record.seq << " (data.export)\n"
                << "Check it with: auditchain verify " << a.bundle.value << " --key VERIFIER.pub\n";
    }
    return 0;
  }

  if (!a.out.given()) {
    // Data on stdout, nothing else: a summary would be mixed into it.
    export_entries(tenant, format, std::cout, options);
    std::cout.flush();
    if (!std::cout) throw Error(ErrorCode::kIo, "cannot write the export to standard output");
    return 0;
  }
  ExportSummary s;
  try {
    s = export_file(tenant, format, a.out.value, options);
  } catch (const Error& e) {
    rethrow_for_option(e, "path", "--out");
  }
  bar.finish();
  if (a.json) {
    std::cout << summary_json(s, export_format_name(format), a.out.value, std::nullopt) << "\n";
  } else {
    std::cout << "Exported " << s.entries << (s.entries == 1 ? " entry" : " entries") << " (" << seq_range(s)
              << ") of tenant " << printable(a.tenant) << " to " << printable(a.out.value) << " ("
              << export_format_name(format) << ")\n"
              << "  entries digest " << s.entries_digest << "\n"
              << "  recorded as entry " << s.record.seq << " (data.export)\n";
  }
  return 0;
}

}  // namespace

void add_export_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("export", "Export a tenant's entries as CSV, JSON Lines or JSON, or as a bundle that "
                                           "verifies without the ledger");
  auto a = std::make_shared<ExportArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The tenant to export")->required()->type_name("NAME");
  add_text_option(*cmd, "--format", a->format, "csv, jsonl or json (not with --bundle)", "FORMAT")
      ->check(CLI::IsMember({"csv", "jsonl", "json"}));
  add_entry_selection(*cmd, a->select);
  add_text_option(*cmd, "--ai-below", a->ai_below,
                  "Only AI decisions whose confidence is below C (a decimal in 0..1)", "C");
  auto* out = add_text_option(*cmd, "--out", a->out, "Write to FILE (replaced once complete; default: stdout)", "FILE");
  add_text_option(*cmd, "--bundle", a->bundle,
                  "Write a bundle into DIR (new or empty): entries.jsonl, entries.csv, manifest.json, README.txt",
                  "DIR")
      ->excludes(out);
  add_text_option(*cmd, "--key", a->key,
                  "With --bundle: sign a fresh checkpoint with SIGNER (default: the newest stored checkpoint)",
                  "SIGNER");
  add_text_option(*cmd, "--by", a->by,
                  "Who exports, recorded in the data.export entry (default: cli:<login name>)", "ID");
  cmd->add_flag("--decrypt", a->decrypt,
                "Show encrypted values as plaintext in the CSV (needs --master-key; never in the hashed bytes)");
  add_master_key_options(*cmd, a->keys, "to decrypt with --decrypt");
  cmd->add_flag("--json", a->json, "Print the summary as JSON (with --out or --bundle)");
  cmd->footer(examples({
      "auditchain export audit.db --tenant acme --format csv --out acme.csv",
      "auditchain export audit.db --tenant acme --format jsonl --from 2026-10-01T00:00:00Z --to 2026-11-01T00:00:00Z",
      "auditchain export audit.db --tenant acme --format csv --action invoice. --target-type invoice --out invoices.csv",
      "auditchain export audit.db --tenant acme --format json --ai-below 0.8 --flag high_risk",
      "auditchain export audit.db --tenant acme --bundle exports/acme-2026-10 --key keys/audit.key",
      "auditchain verify exports/acme-2026-10 --key keys/audit.pub",
  },
  "JSON Lines hold each entry's canonical bytes exactly as hashed, one per line; JSON an array of them.\n"
  "CSV has one header row and the columns of docs/FORMAT.md; a cell a spreadsheet would run as a formula\n"
  "(starting with =, +, -, @, tab or carriage return), or one starting with an apostrophe, gets a leading\n"
  "apostrophe. Secrets never appear; encrypted values appear as [encrypted] unless --decrypt is given\n"
  "with the master key (CSV and bundles only). A bundle's proofs are against a signed checkpoint: a fresh\n"
  "one with --key, else the newest stored one, which must cover the exported entries. Every export is\n"
  "recorded in the tenant's chain as an entry data.export (who, filters, counts, SHA-256 of the output).\n"
  "Exit status: 0 exported, 2 could not export (nothing is left behind)."));
  cmd->callback([a, &exit_code] { exit_code = run_export(*a); });
}

}  // namespace auditchain::cli
