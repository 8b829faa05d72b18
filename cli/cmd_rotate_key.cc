// cmd_rotate_key.cc — `auditchain rotate-key`: make a new master key current.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "json_out.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct RotateArgs {
  std::string path;
  MasterKeyOptions keys;
  std::string new_key;
  bool json = false;
};

int run_rotate(const RotateArgs& a) {
  std::shared_ptr<const MasterKey> key;
  try {
    key = std::make_shared<const MasterKey>(MasterKey::load(a.new_key));
  } catch (const Error& e) {
    throw Error(e.code(), "--new-master-key: " + std::string(e.what()), "--new-master-key");
  }
  Ledger ledger = open_existing_for_writing(a.path, a.keys);
  ledger.rotate_master_key(key);
  const std::vector<std::string> ids = ledger.master_key_ids();
  if (a.json) {
    JsonArray all;
    for (const std::string& id : ids) all.string(id);
    std::cout << JsonObject().string("current", key->id()).raw("master_key_ids", all.str()).str() << "\n";
  } else {
    std::cout << "Current master key: " << key->id() << "\n"
              << "Master keys used (oldest first):";
    for (const std::string& id : ids) std::cout << " " << id;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

void add_rotate_key_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("rotate-key", "Make a new master key current for protected values");
  auto a = std::make_shared<RotateArgs>();
  add_ledger_argument(*cmd, a->path);
  add_master_key_options(*cmd, a->keys, "the ledger uses now");
  cmd->add_option("--new-master-key", a->new_key, "The new master key (see keygen-master)")
      ->required()
      ->type_name("FILE");
  cmd->add_flag("--json", a->json, "Print the current key id and all key ids as one JSON object");
  cmd->footer(examples(
      {
          "auditchain keygen-master --out keys/master-2027.key",
          "auditchain rotate-key audit.db --master-key keys/master.key --new-master-key keys/master-2027.key",
          "auditchain show audit.db --tenant acme --seq 3 \\",
          "    --master-key keys/master-2027.key --master-key keys/master.key",
      },
      "Protected values written from now on are encrypted under the new key. Values written before stay\n"
      "under the old key and are not re-encrypted: reading them (and erasing their subjects) needs the old\n"
      "key too, so keep it and pass both, the new one first. The ledger records only key ids."));
  cmd->callback([a, &exit_code] { exit_code = run_rotate(*a); });
}

}  // namespace auditchain::cli
