// cmd_keygen.cc — `auditchain keygen`: a new Ed25519 key pair for signing checkpoints.
//
// The signer key (the secret) goes to PREFIX.key with mode 0600, the verifier
// key to PREFIX.pub; neither ever replaces an existing file, since losing a
// signer key would leave its checkpoints unverifiable against a fresh one.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "json_out.hpp"
#include "options.hpp"
#include "signing.hpp"

namespace auditchain::cli {
namespace {

namespace fs = std::filesystem;

struct KeygenArgs {
  std::string name;
  std::string prefix;
  bool json = false;
};

int run_keygen(const KeygenArgs& a) {
  SignerKey key = [&] {
    try {
      return SignerKey::generate(a.name);
    } catch (const Error& e) {
      rethrow_for_option(e, "key", "--name");
    }
  }();
  const std::string secret_path = a.prefix + ".key";
  const std::string public_path = a.prefix + ".pub";
  // Both are checked before either is written, so a refusal leaves no half pair.
  std::error_code ec;
  for (const std::string& path : {secret_path, public_path}) {
    if (fs::exists(fs::symlink_status(path, ec))) usage_error("--out", path + " already exists; not overwriting a key");
  }
  try {
    key.save(secret_path);
  } catch (const Error& e) {
    rethrow_for_option(e, "path", "--out");
  }
  const std::string verifier = key.verifier().to_text();
  try {
    write_output_file(public_path, verifier + "\n", "--out", true);
  } catch (...) {
    ::unlink(secret_path.c_str());  // a signer key without its verifier key is of no use
    throw;
  }

  if (a.json) {
    std::cout << JsonObject()
                     .string("name", key.name())
                     .string("key_id", key_id_text(key.key_id()))
                     .string("verifier_key", verifier)
                     .string("signer_key_file", secret_path)
                     .string("verifier_key_file", public_path)
                     .str()
              << "\n";
  } else {
    std::cout << "Verifier key: " << verifier << "\n"
              << "Signer key (secret, mode 0600): " << secret_path << "\n"
              << "Verifier key file:              " << public_path << "\n";
  }
  return 0;
}

}  // namespace

void add_keygen_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("keygen", "Create an Ed25519 key pair for signing checkpoints and seals");
  auto a = std::make_shared<KeygenArgs>();
  cmd->add_option("--name", a->name, "The key's name, written in every signature (no spaces, no '+')")
      ->required()
      ->type_name("NAME");
  cmd->add_option("--out", a->prefix, "Write the signer key to PREFIX.key and the verifier key to PREFIX.pub")
      ->required()
      ->type_name("PREFIX");
  cmd->add_flag("--json", a->json, "Print the result as one JSON object");
  cmd->footer(examples(
      {
          "auditchain keygen --name audit.example.com --out keys/audit",
          "auditchain keygen --name audit.example.com --out /etc/auditchain/signer --json",
      },
      "PREFIX.key holds the signer key, the secret: it is created with mode 0600 and must stay with whoever\n"
      "signs checkpoints. PREFIX.pub holds the verifier key (name+key id+public key), which auditors use with\n"
      "verify --key and verify-proof --key. Existing files are never overwritten."));
  cmd->callback([a, &exit_code] { exit_code = run_keygen(*a); });
}

}  // namespace auditchain::cli
