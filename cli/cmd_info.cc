// cmd_info.cc — `auditchain info`: what a ledger file holds.
//
// Read from the chain heads only; nothing is verified, so info is instant on
// any size of ledger (verify is the command that checks).
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "json_out.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct InfoArgs {
  std::string path;
  bool json = false;
};

int run_info(const InfoArgs& a) {
  Ledger ledger = open_read_only(a.path);
  std::vector<std::pair<std::string, ChainHead>> heads;
  for (const std::string& name : ledger.tenants()) heads.emplace_back(name, ledger.tenant(name).head());

  if (a.json) {
    JsonArray tenants;
    for (const auto& [name, head] : heads) {
      tenants.raw(JsonObject()
                      .string("name", name)
                      .number("entries", head.seq)
                      .string("head_hash", head.hash.hex())
                      .optional_string("head_recorded_at",
                                       head.recorded_at ? std::optional(head.recorded_at->to_string()) : std::nullopt)
                      .str());
    }
    std::cout << JsonObject()
                     .string("path", a.path)
                     .string("ledger_id", ledger.id())
                     .number("format_version", static_cast<std::uint64_t>(ledger.format_version()))
                     .raw("tenants", tenants.str())
                     .str()
              << "\n";
    return 0;
  }
  std::cout << "Ledger:         " << a.path << "\n"
            << "Ledger id:      " << ledger.id() << "\n"
            << "Format version: " << ledger.format_version() << "\n"
            << "Tenants:        " << heads.size() << "\n";
  for (const auto& [name, head] : heads) {
    std::cout << "  " << printable(name) << ": " << head.seq << (head.seq == 1 ? " entry" : " entries");
    if (head.recorded_at) std::cout << ", last recorded " << head.recorded_at->to_string();
    std::cout << ", head " << head.hash.hex() << "\n";
  }
  return 0;
}

}  // namespace

void add_info_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("info", "Describe a ledger: format, id, tenants with entry counts and heads");
  auto a = std::make_shared<InfoArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_flag("--json", a->json, "Print one JSON object");
  cmd->footer(examples({
      "auditchain info audit.db",
      "auditchain info audit.db --json | jq '.tenants[] | {name, entries}'",
  },
  "Counts and heads are read as stored, without checking them: verify is the command that checks."));
  cmd->callback([a, &exit_code] { exit_code = run_info(*a); });
}

}  // namespace auditchain::cli
