// cmd_init.cc — `auditchain init`: create a ledger file and tenants.
//
// init is safe to re-run (provisioning scripts do): an existing ledger is
// left as it is apart from creating the tenants it does not have yet. It
// changes nothing at all when any tenant name is refused.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "json_out.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

namespace fs = std::filesystem;

struct InitArgs {
  std::string path;
  std::vector<std::string> tenants;
  bool json = false;
};

// Whether init creates the ledger: an empty file is what `touch` or mktemp
// leaves, a ledger not written yet.
bool creates_ledger(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0;
}

int run_init(const InitArgs& args) {
  // Every name is checked before the file is opened, so a refused name
  // leaves no file and no tenant behind.
  std::vector<std::string> names;
  for (const std::string& name : args.tenants) {
    check_tenant_name(name);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  const bool created = creates_ledger(args.path);
  Ledger ledger = Ledger::open(args.path);
  const std::vector<std::string> existing = ledger.tenants();
  std::vector<std::pair<std::string, bool>> tenants;  // name, exists already
  for (const std::string& name : names) {
    const bool existed = std::find(existing.begin(), existing.end(), name) != existing.end();
    if (!existed) ledger.tenant(name, TenantMode::kCreateIfMissing);
    tenants.emplace_back(name, existed);
  }

  if (args.json) {
    JsonArray list;
    for (const auto& [name, existed] : tenants) {
      list.raw(JsonObject().string("name", name).boolean("created", !existed).str());
    }
    std::cout << JsonObject()
                     .string("path", args.path)
                     .string("ledger_id", ledger.id())
                     .number("format_version", static_cast<std::uint64_t>(ledger.format_version()))
                     .boolean("created", created)
                     .raw("tenants", list.str())
                     .str()
              << "\n";
  } else {
    std::cout << (created ? "Created ledger " : "Ledger already exists: ") << args.path << "\n"
              << "Ledger id: " << ledger.id() << "\n";
    for (const auto& [name, existed] : tenants) {
      std::cout << (existed ? "Tenant already exists: " : "Created tenant ") << name << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_init_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("init", "Create a ledger file and tenants, and print the ledger id");
  auto args = std::make_shared<InitArgs>();
  add_ledger_argument(*cmd, args->path);
  one_value_per_use(cmd->add_option("--tenant", args->tenants, "Create tenant NAME too (repeatable)"))
      ->type_name("NAME");
  cmd->add_flag("--json", args->json, "Print the result as one JSON object");
  cmd->footer(examples({
      "auditchain init audit.db",
      "auditchain init audit.db --tenant acme --tenant globex",
      "auditchain init audit.db --tenant initech --json",
  },
  "Re-running init is safe: an existing ledger is kept as it is and only the tenants it lacks are\n"
  "created. A file that is not a ledger is refused (exit status 2) and left untouched."));
  cmd->callback([args, &exit_code] { exit_code = run_init(*args); });
}

}  // namespace auditchain::cli
