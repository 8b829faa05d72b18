// cmd_keygen_master.cc — `auditchain keygen-master`: a new master key for protected values.
//
// The key is written with mode 0600 and never replaces an existing file:
// losing a master key makes every value written under it unreadable.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "json_out.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct KeygenMasterArgs {
  std::string out;
  bool json = false;
};

int run_keygen_master(const KeygenMasterArgs& a) {
  const MasterKey key = MasterKey::generate();
  try {
    key.save(a.out);
  } catch (const Error& e) {
    throw Error(e.code(), "--out: " + std::string(e.what()), "--out");
  }
  if (a.json) {
    std::cout << JsonObject().string("master_key_id", key.id()).string("file", a.out).str() << "\n";
  } else {
    std::cout << "Master key id: " << key.id() << "\n"
              << "Master key (secret, mode 0600): " << a.out << "\n";
  }
  return 0;
}

}  // namespace

void add_keygen_master_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("keygen-master", "Create a master key for encrypting protected values");
  auto a = std::make_shared<KeygenMasterArgs>();
  cmd->add_option("--out", a->out, "Write the key to FILE (created with mode 0600, never overwritten)")
      ->required()
      ->type_name("FILE");
  cmd->add_flag("--json", a->json, "Print the result as one JSON object");
  cmd->footer(examples(
      {
          "auditchain keygen-master --out /run/secrets/auditchain-master.key",
          "auditchain keygen-master --out keys/master.key --json",
      },
      "The file holds 256 random bits as 64 hex digits: the secret that encrypts protected values. Keep it\n"
      "off the ledger's disk and out of its backups; without it protected values cannot be read. The key id\n"
      "printed is public (a one-way value) and is what the ledger records. Existing files are never\n"
      "overwritten."));
  cmd->callback([a, &exit_code] { exit_code = run_keygen_master(*a); });
}

}  // namespace auditchain::cli
