// cmd_checkpoint.cc — `auditchain checkpoint`: sign the tenants' current heads.
//
// The checkpoints are stored in the ledger (append-only like the entries) and
// written out: kept outside the ledger, a checkpoint is what lets verify
// detect a ledger cut short, replaced by an older copy, or rewritten whole.
#include <algorithm>
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "signing.hpp"

namespace auditchain::cli {
namespace {

struct CheckpointArgs {
  std::string path;
  std::string key;
  std::vector<std::string> tenants;
  NoteDestination destination;
  bool json = false;
};

int run_checkpoint(const CheckpointArgs& a) {
  // Everything that can be refused is refused before the first signature.
  const SignerKey key = load_signer_key(a.key, "--key");
  Ledger ledger = open_existing_for_writing(a.path);
  std::vector<std::string> names;
  for (const std::string& name : a.tenants.empty() ? ledger.tenants() : a.tenants) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty()) usage_error("--tenant", a.path + " has no tenants to checkpoint");
  std::vector<TenantLedger> handles;
  for (const std::string& name : names) handles.push_back(ledger.tenant(name, TenantMode::kMustExist));
  a.destination.check(handles.size());

  std::vector<Checkpoint> made;
  for (TenantLedger& tenant : handles) made.push_back(tenant.checkpoint(key));
  emit_checkpoints(made, a.destination, a.json, false);
  return 0;
}

}  // namespace

void add_checkpoint_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("checkpoint", "Sign the tenants' current heads, store the checkpoints and write them out");
  auto a = std::make_shared<CheckpointArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--key", a->key, "The signer key file (PREFIX.key from keygen)")->required()->type_name("SIGNER");
  one_value_per_use(cmd->add_option("--tenant", a->tenants, "Checkpoint only tenant NAME (repeatable; default: all)"))
      ->type_name("NAME");
  add_text_option(*cmd, "--out", a->destination.out,
                  "Write the note to FILE (one tenant), or one file per tenant into the existing DIRECTORY",
                  "FILE|DIR");
  cmd->add_flag("--json", a->json, "Print the checkpoints as one JSON object");
  cmd->footer(examples(
      {
          "auditchain checkpoint audit.db --key keys/audit.key --tenant acme --out acme.checkpoint",
          "auditchain checkpoint audit.db --key keys/audit.key --out checkpoints/",
          "auditchain checkpoint audit.db --key keys/audit.key --tenant acme > acme.checkpoint",
          "auditchain verify audit.db --checkpoint acme.checkpoint --key keys/audit.pub",
      },
      "Each checkpoint is a signed note stating the tenant's tree size and Merkle root; it is stored in the\n"
      "ledger and should also be kept elsewhere (another machine, an auditor's mailbox). Without --out the\n"
      "notes are printed, separated by a line \"---\". With --out DIRECTORY each tenant's note is written to\n"
      "DIRECTORY/TENANT.checkpoint (the tenant name percent-encoded as in the note's origin line), replacing\n"
      "an older one; with --out FILE exactly one tenant must be checkpointed."));
  cmd->callback([a, &exit_code] { exit_code = run_checkpoint(*a); });
}

}  // namespace auditchain::cli
