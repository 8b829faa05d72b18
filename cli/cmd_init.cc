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

// What was at the path before init, so a refused run can put it back.
enum class Before { kNothing, kEmptyFile, kSomething };

Before inspect(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Before::kNothing;
  if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0) return Before::kEmptyFile;
  return Before::kSomething;
}

void undo_creation(Ledger& ledger, const std::string& path, Before before) {
  ledger.close();
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(path + suffix, ec);
  if (before == Before::kNothing) fs::remove(path, ec);
  if (before == Before::kEmptyFile) fs::resize_file(path, 0, ec);
}

int run_init(const InitArgs& args) {
  const Before before = inspect(args.path);
  // An empty file is what `touch` or mktemp leaves: a ledger not written yet.
  Ledger ledger = Ledger::open(args.path);
  const bool created = before != Before::kSomething;

  // Every name is checked before any tenant is created; looking a name up
  // validates it without writing anything.
  std::vector<std::pair<std::string, bool>> tenants;  // name, exists already
  for (const std::string& name : args.tenants) {
    if (std::find_if(tenants.begin(), tenants.end(), [&](const auto& t) { return t.first == name; }) != tenants.end()) {
      continue;
    }
    try {
      ledger.tenant(name, TenantMode::kMustExist);
      tenants.emplace_back(name, true);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kNotFound) {
        tenants.emplace_back(name, false);
        continue;
      }
      if (created) undo_creation(ledger, args.path, before);
      throw;
    }
  }
  for (const auto& [name, existed] : tenants) {
    if (!existed) ledger.tenant(name, TenantMode::kCreateIfMissing);
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
