// cmd_verify.cc — `auditchain verify`: re-walk chains and report what was found.
//
// Exit status: 0 every checked chain is intact, 1 problems were found,
// 2 verification could not run.
//
// With --checkpoint and --key the chains are also held against checkpoints
// kept outside the ledger, which is what catches a ledger cut short, replaced
// by an older copy or rewritten whole: a chain alone cannot show any of these.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "auditchain/export.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "signing.hpp"

namespace auditchain::cli {
namespace {

constexpr std::uint64_t kMaxJobs = 256;

struct VerifyArgs {
  std::string path;
  std::vector<std::string> tenants;
  TimeRange range;
  OptionalText jobs;
  std::vector<std::string> checkpoints;
  std::vector<std::string> keys;
  bool json = false;
  bool quiet = false;
};

// The notes of every --checkpoint file. Each must at least be a checkpoint:
// a wrong file (a key, a proof) is a usage error, exit 2, not a finding that
// would claim the ledger was altered. Whether a note is genuine is the
// library's finding to make. With --tenant, notes of other tenants are left
// out (a file may hold every tenant's note), but a file with none of the
// tenants asked for is refused rather than silently ignored.
std::vector<Checkpoint> load_trusted_checkpoints(const std::vector<std::string>& files,
                                                 const std::vector<std::string>& tenants) {
  std::vector<Checkpoint> trusted;
  for (const std::string& file : files) {
    const std::vector<std::string> notes = split_notes(read_input(file, "--checkpoint"));
    if (notes.empty()) usage_error("--checkpoint", file + " holds no checkpoint");
    bool any = false;
    for (const std::string& note : notes) {
      Checkpoint c;
      try {
        c = parse_checkpoint(note);
      } catch (const Error& e) {
        usage_error("--checkpoint", file + ": " + e.what());
      }
      if (!tenants.empty() && std::find(tenants.begin(), tenants.end(), c.tenant) == tenants.end()) continue;
      trusted.push_back(std::move(c));
      any = true;
    }
    if (!any) usage_error("--checkpoint", file + " holds no checkpoint of the tenants given with --tenant");
  }
  return trusted;
}

// "2 checkpoints (acme at 8 entries, globex at 1 entry); keys audit.example.com+9c3e3d94"
std::string describe_trust(const std::vector<Checkpoint>& checkpoints, const std::vector<VerifierKey>& keys) {
  if (keys.empty()) return {};
  std::string out;
  if (!checkpoints.empty()) {
    out += std::to_string(checkpoints.size()) + (checkpoints.size() == 1 ? " checkpoint (" : " checkpoints (");
    for (std::size_t i = 0; i < checkpoints.size(); ++i) {
      const Checkpoint& c = checkpoints[i];
      if (i) out += ", ";
      out += printable(c.tenant) + " at " + std::to_string(c.tree_size) + (c.tree_size == 1 ? " entry" : " entries");
    }
    out += "); ";
  }
  out += keys.size() == 1 ? "key " : "keys ";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += printable(keys[i].name()) + "+" + key_id_text(keys[i].key_id());
  }
  return out;
}

// A directory is an export bundle, checked with no ledger at hand.
int run_verify_bundle(const VerifyArgs& args) {
  const auto refuse = [](const char* option) {
    usage_error(option, "does not apply to an export bundle, which holds one tenant's export as it was made");
  };
  if (!args.tenants.empty()) refuse("--tenant");
  if (args.range.from.given()) refuse("--from");
  if (args.range.to.given()) refuse("--to");
  if (!args.checkpoints.empty()) refuse("--checkpoint");
  if (args.jobs.given()) refuse("--jobs");
  if (args.keys.empty()) {
    usage_error("--key", "is needed to verify a bundle: its checkpoint is trusted only through the signer's "
                         "verifier key");
  }
  const std::vector<VerifierKey> keys = load_verifier_keys(args.keys, "--key");
  const BundleReport report = verify_bundle(args.path, keys);
  if (args.json) {
    std::cout << bundle_report_to_json(report) << "\n";
  } else {
    print_bundle_report_text(std::cout, report, args.quiet);
  }
  return report.valid() ? 0 : 1;
}

int run_verify(const VerifyArgs& args) {
  std::error_code ec;
  if (std::filesystem::is_directory(args.path, ec)) return run_verify_bundle(args);
  VerifyOptions options;
  for (const std::string& name : args.tenants) {
    if (std::find(options.tenants.begin(), options.tenants.end(), name) == options.tenants.end()) {
      options.tenants.push_back(name);
    }
  }
  options.from = args.range.from_time();
  options.to = args.range.to_time();
  // An empty range would report "valid" having checked nothing.
  if (options.from && options.to && *options.to <= *options.from) usage_error("--to", "must be later than --from");
  const std::uint64_t jobs = parse_optional_count(args.jobs).value_or(0);
  // A thread is started per job for every chunk of entries; a typo must not start thousands.
  if (jobs > kMaxJobs) usage_error("--jobs", "must be at most " + std::to_string(kMaxJobs));
  options.jobs = static_cast<unsigned>(jobs);
  if (!args.checkpoints.empty() && args.keys.empty()) {
    usage_error("--checkpoint", "needs --key: a checkpoint is trusted only through its signer's verifier key");
  }
  // The tree behind a checkpoint covers a whole chain; a time range would
  // leave the checkpoints unchecked while the report said "valid".
  if (!args.keys.empty() && (options.from || options.to)) {
    usage_error(args.checkpoints.empty() ? "--key" : "--checkpoint",
                "checkpoints are checked against whole chains: leave out --from and --to");
  }
  options.keys = load_verifier_keys(args.keys, "--key");
  const std::vector<Checkpoint> trusted = load_trusted_checkpoints(args.checkpoints, options.tenants);
  for (const Checkpoint& c : trusted) options.trusted_checkpoints.push_back(c.note);

  ProgressBar bar;
  if (ProgressBar::possible()) {
    options.progress = [&bar](const VerifyProgress& p) { bar.update("verifying", p.tenant, p.done, p.total); };
  }
  const VerifyReport report = verify(args.path, options);
  bar.finish();

  if (args.json) {
    std::cout << report_to_json(report) << "\n";
  } else {
    print_report_text(std::cout, args.path, report, args.quiet, describe_trust(trusted, options.keys));
  }
  return report.valid() ? 0 : 1;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "verify",
      "Re-walk the hash chains and report entries modified, deleted, inserted, reordered, backdated or cut off");
  auto args = std::make_shared<VerifyArgs>();
  cmd->add_option("LEDGER", args->path, "The ledger file, or the directory of an export bundle")
      ->required()
      ->type_name("FILE|DIR");
  one_value_per_use(cmd->add_option("--tenant", args->tenants, "Verify only tenant NAME (repeatable; default: all)"))
      ->type_name("NAME");
  add_time_range(*cmd, args->range);
  add_text_option(*cmd, "--jobs", args->jobs, "Hashing threads, 0..256 (default 0: one per core)", "N");
  one_value_per_use(cmd->add_option("--checkpoint", args->checkpoints,
                                    "Also check the ledger against the signed checkpoint(s) in FILE, kept outside "
                                    "it (repeatable; needs --key)"))
      ->type_name("FILE");
  one_value_per_use(cmd->add_option("--key", args->keys,
                                    "A trusted verifier key (PREFIX.pub from keygen): checkpoints, stored and given, "
                                    "must be signed by one (repeatable)"))
      ->type_name("VERIFIER");
  auto* json = cmd->add_flag("--json", args->json, "Print the report as one JSON document");
  cmd->add_flag("-q,--quiet", args->quiet, "Print only problems and the summary lines")->excludes(json);
  cmd->footer(examples({
      "auditchain verify audit.db",
      "auditchain verify audit.db --tenant acme --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z",
      "auditchain verify audit.db --quiet || echo 'ledger altered!'",
      "auditchain verify audit.db --json > report.json",
      "auditchain verify audit.db --checkpoint checkpoints/acme.checkpoint --key keys/audit.pub",
      "auditchain verify audit.db --key keys/audit.pub --key keys/old-audit.pub",
      "auditchain verify exports/acme-2026-11 --key keys/audit.pub",
  },
  "Prints what was asked for, one line per problem (tenant, seq, reason) and \"N/M entries valid\" per\n"
  "tenant. With --key, every checkpoint stored in the ledger must be signed by a trusted key and match\n"
  "the tree; each --checkpoint (a file kept outside the ledger, as written by auditchain checkpoint)\n"
  "must match too, which catches entries cut off, an older copy put back and a chain rewritten whole.\n"
  "Checkpoints are checked against whole chains, so --checkpoint and --key exclude --from and --to.\n"
  "A directory is an export bundle (auditchain export --bundle): checked without the ledger, with --key\n"
  "naming the verifier key of the ledger's checkpoints: file hashes, every entry's inclusion proof, the\n"
  "CSV against the entries, counts and control totals, and contiguity when a range was exported.\n"
  "Exit status: 0 every checked chain is intact, 1 problems were found, 2 verification could not run\n"
  "(no such file, not a ledger, unknown tenant, unusable key or checkpoint file, bad arguments)."));
  cmd->callback([args, &exit_code] { exit_code = run_verify(*args); });
}

}  // namespace auditchain::cli
