// cmd_backup.cc — `auditchain backup`: a verified copy of a ledger, taken
// while applications go on appending.
//
// Exit status: 0 the copy verified and is in place, 1 the copy does not
// verify (nothing was left at DEST), 2 the backup could not be made.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "json_out.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace auditchain::cli {
namespace {

struct BackupArgs {
  std::string path;
  std::string dest;
  bool force = false;
  bool json = false;
};

std::string report_json(const BackupReport& r) {
  JsonArray tenants;
  for (const TenantReport& t : r.verification.tenants) {
    tenants.raw(JsonObject()
                    .string("tenant", t.tenant)
                    .number("entries", t.entries_checked)
                    .string("head", t.head.hex())
                    .str());
  }
  return JsonObject()
      .string("source", r.source)
      .string("destination", r.path)
      .string("ledger_id", r.verification.ledger_id)
      .boolean("valid", r.valid())
      .number("bytes", r.bytes)
      .number("pages", r.pages)
      .raw("tenants", tenants.str())
      .raw("verification", report_to_json(r.verification))
      .str();
}

void print_text(const BackupReport& r) {
  const VerifyReport& v = r.verification;
  if (!r.valid()) {
    std::cout << "The copy of ledger " << r.source << " does not verify, so it was not kept: nothing was written to "
              << r.path << "\n";
    print_report_text(std::cout, r.path, v, /*quiet=*/true);
    std::cout << "Check the ledger itself with: auditchain verify " << r.source << "\n";
    return;
  }
  std::cout << "Backed up ledger " << r.source << " (id " << v.ledger_id << ", format " << v.format_version << ") to "
            << r.path << "\n"
            << "  " << r.bytes << " bytes (" << r.pages << (r.pages == 1 ? " page" : " pages")
            << "), one consistent snapshot of every tenant\n";
  for (const TenantReport& t : v.tenants) {
    std::cout << "  " << printable(t.tenant) << ": " << t.entries_checked
              << (t.entries_checked == 1 ? " entry" : " entries") << ", head " << t.head.hex() << "\n";
  }
  std::cout << "Verified the copy: VALID (" << v.entries_valid() << "/" << v.entries_checked()
            << " entries valid)\n";
}

int run_backup(const BackupArgs& a) {
  Ledger ledger = open_read_only(a.path);
  BackupOptions options;
  options.overwrite = a.force;
  ProgressBar bar;
  if (ProgressBar::possible()) {
    options.progress = [&bar, &a](const BackupProgress& p) {
      bar.update("copying", a.path, p.pages_done, p.pages_total);
    };
    options.verify.progress = [&bar](const VerifyProgress& p) { bar.update("verifying", p.tenant, p.done, p.total); };
  }
  BackupReport report;
  try {
    report = ledger.backup(a.dest, options);
  } catch (const Error& e) {
    // The library names its argument ("dest: ..."); the user typed DEST.
    if (e.field() != "dest") throw;
    std::string reason = e.what();
    if (reason.rfind("dest: ", 0) == 0) reason.erase(0, 6);
    if (e.code() == ErrorCode::kAlreadyExists) reason += " (give --force to replace it)";
    throw Error(e.code(), "DEST: " + reason, "DEST");
  }
  bar.finish();
  if (a.json) {
    std::cout << report_json(report) << "\n";
  } else {
    print_text(report);
  }
  return report.valid() ? 0 : 1;
}

}  // namespace

void add_backup_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "backup", "Copy a ledger to a new file while appends go on, and verify the copy before keeping it");
  auto a = std::make_shared<BackupArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("DEST", a->dest, "The backup file to write (not the ledger, not an existing file unless --force)")
      ->required()
      ->type_name("FILE");
  cmd->add_flag("--force", a->force, "Replace a file already at DEST (once the new copy has verified)");
  cmd->add_flag("--json", a->json, "Print the result as one JSON document");
  cmd->footer(examples({
      "auditchain backup audit.db backups/audit-2026-11-21.db",
      "auditchain backup audit.db /mnt/offsite/audit.db --force --json",
  },
  "The copy is one consistent snapshot of every tenant, taken with SQLite's backup API while other\n"
  "programs go on appending (they are not paused). It is written beside DEST under a temporary name as\n"
  "one self-contained file (no -wal file), flushed to disk, verified in full as verify would, and only\n"
  "then renamed to DEST: DEST never holds a partial or unverified copy. A copy that does not verify is\n"
  "not kept (the ledger itself has problems: run verify on it). Keys are not in the ledger file: back\n"
  "up the master key and the signer keys separately. To restore: stop the writers, move the damaged\n"
  "file and its -wal and -shm files away, copy the backup in its place and run auditchain verify on it\n"
  "(docs/CLI.md, \"Restoring\").\n"
  "Exit status: 0 the copy verified and is at DEST, 1 the copy does not verify (nothing was written),\n"
  "2 could not back up (no such ledger, DEST exists or is the ledger, DEST's directory not writable)."));
  cmd->callback([a, &exit_code] { exit_code = run_backup(*a); });
}

}  // namespace auditchain::cli
