// cmd_purge.cc — `auditchain purge`: destroy the day keys older than the retention period.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct PurgeArgs {
  std::string path;
  std::string tenant;
  OptionalText actor;
  bool json = false;
};

int run_purge(const PurgeArgs& a) {
  const Actor actor = operator_actor(a.actor);
  Ledger ledger = open_existing_for_writing(a.path);
  TenantLedger tenant = ledger.tenant(a.tenant);
  const Receipt receipt = tenant.purge_expired(actor);
  print_recorded(std::cout, tenant, receipt, a.json);
  return 0;
}

}  // namespace

void add_purge_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("purge", "Destroy the keys of protected values older than the retention period");
  auto a = std::make_shared<PurgeArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The tenant")->required()->type_name("NAME");
  add_operator_option(*cmd, a->actor);
  cmd->add_flag("--json", a->json, "Print the receipt and keys destroyed as one JSON object");
  cmd->footer(examples(
      {
          "auditchain purge audit.db --tenant acme",
          "auditchain purge audit.db --tenant acme --actor svc:retention-job --json",
      },
      "Destroys the tenant's day keys older than its retention period (see retention; without one, purge\n"
      "is refused): the values under them read as [erased] from then on, while every entry, hash and proof\n"
      "stays valid. Recorded as an entry with action data.purge by --actor (default cli:<login name>), even\n"
      "when no key was old enough. No master key is needed."));
  cmd->callback([a, &exit_code] { exit_code = run_purge(*a); });
}

}  // namespace auditchain::cli
