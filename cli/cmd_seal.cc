// cmd_seal.cc — `auditchain seal`: close a tenant's period with a signed checkpoint.
//
// Afterwards the ledger refuses any event said to have occurred at or before
// the sealed time, so that a closed period (a month, a tax year) cannot gain
// backdated entries.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "signing.hpp"

namespace auditchain::cli {
namespace {

struct SealArgs {
  std::string path;
  std::string tenant;
  std::string through;
  std::string key;
  NoteDestination destination;
  bool json = false;
};

int run_seal(const SealArgs& a) {
  const Timestamp through = Timestamp::parse(a.through, "--through");
  const SignerKey key = load_signer_key(a.key, "--key");
  a.destination.check(1);
  Ledger ledger = open_existing_for_writing(a.path);
  TenantLedger tenant = ledger.tenant(a.tenant, TenantMode::kMustExist);
  Checkpoint seal;
  try {
    seal = tenant.seal(through, key);
  } catch (const Error& e) {
    rethrow_for_option(e, "through", "--through");
  }
  emit_checkpoints({seal}, a.destination, a.json, true);
  return 0;
}

}  // namespace

void add_seal_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "seal", "Close a tenant's period up to a time with a signed checkpoint; later backdated events are refused");
  auto a = std::make_shared<SealArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The tenant whose period to close")->required()->type_name("NAME");
  cmd->add_option("--through", a->through,
                  "The end of the period, inclusive (RFC 3339); it may not lie in the future")
      ->required()
      ->type_name("TIME");
  cmd->add_option("--key", a->key, "The signer key file (PREFIX.key from keygen)")->required()->type_name("SIGNER");
  add_text_option(*cmd, "--out", a->destination.out,
                  "Write the seal's note to FILE, or to DIRECTORY/TENANT.checkpoint for an existing directory",
                  "FILE|DIR");
  cmd->add_flag("--json", a->json, "Print the seal as one JSON object");
  cmd->footer(examples(
      {
          "auditchain seal audit.db --tenant acme --through 2026-10-31T23:59:59.999999Z --key keys/audit.key",
          "auditchain seal audit.db --tenant acme --through 2026-11-01T00:00:00+01:00 --key keys/audit.key \\",
          "    --out acme-2026-10.seal",
      },
      "A seal is a checkpoint of the tenant's current head whose note also says \"seal TIME\". Afterwards an\n"
      "append whose --occurred-at is at or before TIME is refused (exit status 2, nothing written), and verify\n"
      "reports any entry that got in anyway. A seal may not end before an earlier seal of the tenant. Without\n"
      "--out the note is printed."));
  cmd->callback([a, &exit_code] { exit_code = run_seal(*a); });
}

}  // namespace auditchain::cli
