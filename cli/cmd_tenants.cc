// cmd_tenants.cc — `auditchain tenants`: the tenant names, one per line.
//
// Names only, unadorned, so that scripts can loop over them.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "options.hpp"

namespace auditchain::cli {

void add_tenants_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("tenants", "List the ledger's tenants, one name per line, sorted");
  auto path = std::make_shared<std::string>();
  add_ledger_argument(*cmd, *path);
  cmd->footer(examples({
      "auditchain tenants audit.db",
      "for t in $(auditchain tenants audit.db); do auditchain verify audit.db --tenant \"$t\" --quiet; done",
  }));
  cmd->callback([path, &exit_code] {
    for (const std::string& name : open_read_only(*path).tenants()) std::cout << name << "\n";
    exit_code = 0;
  });
}

}  // namespace auditchain::cli
