// cmd_retention.cc — `auditchain retention`: set how long protected values are kept.
#include <iostream>
#include <limits>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct RetentionArgs {
  std::string path;
  std::string tenant;
  std::string days;
  OptionalText actor;
  bool json = false;
};

int run_retention(const RetentionArgs& a) {
  const std::uint64_t days = parse_count(a.days, "--days", 1);
  if (days > std::numeric_limits<std::uint32_t>::max()) usage_error("--days", "\"" + a.days + "\" is too large");
  const Actor actor = operator_actor(a.actor);
  Ledger ledger = open_existing_for_writing(a.path);
  TenantLedger tenant = ledger.tenant(a.tenant);
  Receipt receipt;
  try {
    receipt = tenant.set_retention(static_cast<std::uint32_t>(days), actor);
  } catch (const Error& e) {
    rethrow_for_option(e, "days", "--days");
  }
  print_recorded(std::cout, tenant, receipt, a.json);
  return 0;
}

}  // namespace

void add_retention_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("retention", "Set a tenant's retention period for protected values");
  auto a = std::make_shared<RetentionArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The tenant")->required()->type_name("NAME");
  cmd->add_option("--days", a->days, "Protected values recorded more than N days ago may be purged")
      ->required()
      ->type_name("N");
  add_operator_option(*cmd, a->actor);
  cmd->add_flag("--json", a->json, "Print the receipt as one JSON object");
  cmd->footer(examples(
      {
          "auditchain retention audit.db --tenant acme --days 365",
          "auditchain retention audit.db --tenant acme --days 90 --actor u:dpo --json",
      },
      "Recorded as an entry with action retention.set by --actor (default cli:<login name>). Nothing is\n"
      "destroyed until purge runs. No master key is needed."));
  cmd->callback([a, &exit_code] { exit_code = run_retention(*a); });
}

}  // namespace auditchain::cli
