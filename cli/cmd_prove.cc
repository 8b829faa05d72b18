// cmd_prove.cc — `auditchain prove`: inclusion and consistency proofs as JSON.
//
// A proof lets someone without the ledger check, offline and with only the
// verifier key, that an entry is in a signed tree (inclusion) or that a newer
// signed tree extends an older one without rewriting it (consistency).
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct ProveArgs {
  std::string path;
  std::string tenant;
  OptionalText seq, size, from_size, to_size, out;
};

// What the proof holds, for the line printed when it goes to a file.
std::string describe(const InclusionProof& p) {
  return "inclusion proof of entry " + std::to_string(p.seq) + " of tenant " + printable(p.tenant) +
         " in the tree of " + std::to_string(p.tree_size) + (p.tree_size == 1 ? " entry" : " entries");
}

std::string describe(const ConsistencyProof& p) {
  return "consistency proof of tenant " + printable(p.tenant) + " from " + std::to_string(p.old_size) + " to " +
         std::to_string(p.new_size) + (p.new_size == 1 ? " entry" : " entries");
}

// A proof without a signed checkpoint only shows internal consistency;
// nothing vouches for its root, so say so where the user will see it.
std::string unsigned_remark(std::uint64_t size) {
  return "Note: no signed checkpoint of size " + std::to_string(size) +
         " is stored, so verify-proof --key will not accept this proof; make checkpoints (auditchain "
         "checkpoint) and prove between their sizes.\n";
}

int run_prove(const ProveArgs& a) {
  if (!a.seq.given() && !a.from_size.given()) {
    usage_error("--seq", "give --seq N for an inclusion proof or --from-size M for a consistency proof");
  }
  Ledger ledger = open_read_only(a.path);
  const TenantLedger tenant = ledger.tenant(a.tenant, TenantMode::kMustExist);
  std::string json;
  std::string line;
  std::string remark;
  try {
    if (a.seq.given()) {
      const InclusionProof p = tenant.prove_inclusion(parse_count(a.seq.value, "--seq", 1),
                                                      parse_optional_count(a.size, 1));
      json = proof_to_json(p);
      line = describe(p);
      if (!p.checkpoint) remark = unsigned_remark(p.tree_size);
    } else {
      const ConsistencyProof p = tenant.prove_consistency(parse_count(a.from_size.value, "--from-size", 1),
                                                          parse_optional_count(a.to_size, 1));
      json = proof_to_json(p);
      line = describe(p);
      if (!p.old_checkpoint) remark = unsigned_remark(p.old_size);
      if (!p.new_checkpoint) remark += unsigned_remark(p.new_size);
    }
  } catch (const Error& e) {
    rethrow_for_option(e, "size", a.seq.given() ? "--size" : (a.to_size.given() ? "--to-size" : "--from-size"));
  }
  json += "\n";
  if (a.out.given()) {
    write_output_file(a.out.value, json, "--out", false);
    std::cout << "Wrote " << line << " to " << printable(a.out.value) << "\n" << remark;
  } else {
    std::cout << json;
  }
  return 0;
}

}  // namespace

void add_prove_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "prove", "Print a JSON proof that an entry is in a tenant's tree, or that an older tree is part of a newer one");
  auto a = std::make_shared<ProveArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The tenant")->required()->type_name("NAME");
  auto* seq = add_text_option(*cmd, "--seq", a->seq, "Inclusion proof of entry N", "N");
  auto* size = add_text_option(*cmd, "--size", a->size,
                               "...in the tree of the first N entries (default: the newest stored checkpoint "
                               "covering the entry, else all entries)",
                               "N");
  auto* from = add_text_option(*cmd, "--from-size", a->from_size,
                               "Consistency proof that the tree of the first M entries is part of...", "M");
  auto* to = add_text_option(*cmd, "--to-size", a->to_size, "...the tree of the first N entries (default: all)", "N");
  add_text_option(*cmd, "--out", a->out, "Write the proof to FILE instead of printing it", "FILE");
  seq->excludes(from);
  size->needs(seq);
  to->needs(from);
  cmd->footer(examples(
      {
          "auditchain prove audit.db --tenant acme --seq 42 > entry42.proof",
          "auditchain prove audit.db --tenant acme --seq 42 --size 100 --out entry42.proof",
          "auditchain prove audit.db --tenant acme --from-size 100 --to-size 250 --out grew.proof",
          "auditchain verify-proof entry42.proof --key keys/audit.pub",
      },
      "The proof is one JSON object (its members are given in the ledger format). It embeds the stored signed\n"
      "checkpoint of each tree size it refers to, when there is one: make checkpoints first (auditchain\n"
      "checkpoint), and prove against their sizes, so that verify-proof can check the roots against a key."));
  cmd->callback([a, &exit_code] { exit_code = run_prove(*a); });
}

}  // namespace auditchain::cli
