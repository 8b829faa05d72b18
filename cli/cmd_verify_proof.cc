// cmd_verify_proof.cc — `auditchain verify-proof`: check a proof offline.
//
// Needs no ledger: only the proof and the verifier keys the auditor trusts.
// Exit status as for verify: 0 valid, 1 invalid, 2 could not check.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "json_out.hpp"
#include "options.hpp"
#include "signing.hpp"

namespace auditchain::cli {
namespace {

struct VerifyProofArgs {
  std::string proof;
  std::vector<std::string> keys;
  bool json = false;
};

int run_verify_proof(const VerifyProofArgs& a) {
  const std::vector<VerifierKey> keys = load_verifier_keys(a.keys, "--key");
  const std::string text = read_input(a.proof, "PROOF");
  const ProofVerdict verdict = [&] {
    try {
      return verify_proof_json(text, keys);
    } catch (const Error& e) {
      // Not a proof at all: say which input, since it may have come from a pipe.
      throw Error(e.code(), (a.proof == "-" ? std::string("standard input") : a.proof) + ": " + e.what(), e.field());
    }
  }();
  if (a.json) {
    JsonArray problems;
    for (const std::string& p : verdict.problems) problems.raw(json_quote(p));
    std::cout << JsonObject()
                     .string("proof", a.proof)
                     .string("kind", verdict.kind)
                     .boolean("valid", verdict.valid)
                     .string("summary", verdict.summary)
                     .raw("problems", problems.str())
                     .str()
              << "\n";
  } else {
    std::cout << "Checking " << verdict.kind << " proof " << printable(a.proof) << ": " << printable(verdict.summary)
              << "\n";
    for (const std::string& p : verdict.problems) std::cout << "  PROBLEM  " << printable(p) << "\n";
    if (verdict.valid) {
      std::cout << "Result: VALID (signed by a trusted key)\n";
    } else {
      const std::size_t n = verdict.problems.size();
      std::cout << "Result: INVALID (" << n << (n == 1 ? " problem" : " problems") << ")\n";
    }
  }
  return verdict.valid ? 0 : 1;
}

}  // namespace

void add_verify_proof_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("verify-proof", "Check an inclusion or consistency proof offline against trusted keys");
  auto a = std::make_shared<VerifyProofArgs>();
  cmd->add_option("PROOF", a->proof, "The proof file, or '-' for standard input")->required()->type_name("FILE|-");
  one_value_per_use(cmd->add_option("--key", a->keys,
                                    "A trusted verifier key file (PREFIX.pub from keygen); repeatable, at least one"))
      ->required()
      ->type_name("VERIFIER");
  cmd->add_flag("--json", a->json, "Print the verdict as one JSON object");
  cmd->footer(examples(
      {
          "auditchain verify-proof entry42.proof --key keys/audit.pub",
          "auditchain prove audit.db --tenant acme --seq 42 | auditchain verify-proof - --key keys/audit.pub",
          "auditchain verify-proof grew.proof --key keys/audit.pub --key keys/old-audit.pub --json",
      },
      "Checks the Merkle path against the root, the entry against its ledger, tenant and seq (inclusion), and\n"
      "that every checkpoint the proof embeds is signed by one of the keys and states the proof's size and\n"
      "root; a proof without such a checkpoint is not valid. Exit status: 0 valid, 1 invalid (each problem is\n"
      "listed), 2 the proof could not be checked (no such file, not a proof, a bad key file)."));
  cmd->callback([a, &exit_code] { exit_code = run_verify_proof(*a); });
}

}  // namespace auditchain::cli
