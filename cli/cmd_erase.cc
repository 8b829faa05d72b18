// cmd_erase.cc — `auditchain erase`: forget a data subject's protected values.
//
// Destroys the subject's data key (crypto-shredding); every entry, hash and
// proof stays valid, and the erasure is recorded as a "data.erase" entry.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct EraseArgs {
  std::string path;
  std::string tenant;
  std::string subject;
  OptionalText actor;
  MasterKeyOptions keys;
  bool json = false;
};

int run_erase(const EraseArgs& a) {
  if (!a.keys.given()) usage_error("--master-key", "required: erasing a subject needs the master key");
  const Actor actor = operator_actor(a.actor);
  Ledger ledger = open_existing_for_writing(a.path, a.keys);
  TenantLedger tenant = ledger.tenant(a.tenant);
  const Receipt receipt = tenant.erase_subject(a.subject, actor);
  print_recorded(std::cout, tenant, receipt, a.json);
  return 0;
}

}  // namespace

void add_erase_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("erase", "Erase a data subject's protected values (crypto-shredding)");
  auto a = std::make_shared<EraseArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The subject's tenant")->required()->type_name("NAME");
  cmd->add_option("--subject", a->subject, "The data subject, as given to append --subject")
      ->required()
      ->type_name("ID");
  add_master_key_options(*cmd, a->keys, "(required: every key the subject's values were written under)");
  add_operator_option(*cmd, a->actor);
  cmd->add_flag("--json", a->json, "Print the receipt and keys destroyed as one JSON object");
  cmd->footer(examples(
      {
          "auditchain erase audit.db --tenant acme --subject customer-17 --master-key keys/master.key",
          "auditchain erase audit.db --tenant acme --subject customer-17 --master-key keys/master.key \\",
          "    --actor u:dpo --json",
      },
      "Destroys the subject's data key: every value encrypted for it reads as [erased] from then on, for\n"
      "everyone, while every entry, hash, proof and checkpoint stays valid (verify still passes). The\n"
      "erasure is recorded as an entry with action data.erase (naming the subject only by a keyed\n"
      "reference) by --actor, default cli:<login name>. Copies of the file made before keep the old keys."));
  cmd->callback([a, &exit_code] { exit_code = run_erase(*a); });
}

}  // namespace auditchain::cli
