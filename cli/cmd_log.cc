// cmd_log.cc — `auditchain log`: list a tenant's entries through filters.
//
// Streams through an EntryCursor: memory stays flat however long the chain,
// and output starts before the last entry is read.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct LogArgs {
  std::string path;
  std::string tenant;
  EntrySelection select;
  OptionalText target_id, limit;
  bool json = false;
  MasterKeyOptions keys;
};

Query make_query(const LogArgs& a) {
  Query q;
  const EntrySelection& s = a.select;
  q.recorded_from = s.range.from_time();
  q.recorded_to = s.range.to_time();
  q.seq_from = parse_optional_count(s.seq_from, 1).value_or(1);
  q.seq_to = parse_optional_count(s.seq_to, 1);
  q.action_prefix = s.action.get();
  q.actor_id = s.actor.get();
  q.target_type = s.target_type.get();
  q.target_id = a.target_id.get();
  q.sensitive_only = s.sensitive();
  q.high_risk_only = s.high_risk();
  q.limit = parse_optional_count(a.limit, 1).value_or(0);
  return q;
}

int run_log(const LogArgs& a) {
  const Query query = make_query(a);
  Ledger ledger = open_read_only(a.path, a.keys);
  EntryCursor cursor = ledger.tenant(a.tenant).entries(query);
  std::uint64_t shown = 0;
  Entry entry;
  while (cursor.next(entry)) {
    // The stored bytes, not a re-encoding: what a script reads is what was hashed.
    std::cout << (a.json ? entry.bytes : entry_line(entry)) << "\n";
    ++shown;
  }
  if (shown == 0 && !a.json) std::cout << "(no matching entries)\n";
  return 0;
}

}  // namespace

void add_log_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("log", "List a tenant's entries, one per line, through filters");
  auto a = std::make_shared<LogArgs>();
  add_ledger_argument(*cmd, a->path);
  cmd->add_option("--tenant", a->tenant, "The tenant to list")->required()->type_name("NAME");
  add_entry_selection(*cmd, a->select);
  add_text_option(*cmd, "--target-id", a->target_id, "Only entries about the record with id I", "I");
  add_text_option(*cmd, "--limit", a->limit, "At most N entries", "N");
  cmd->add_flag("--json", a->json,
                "Print each entry's canonical bytes (the exact JSON that was hashed), one per line (JSON Lines)");
  add_master_key_options(*cmd, a->keys, "to show protected values as plaintext");
  cmd->footer(examples({
      "auditchain log audit.db --tenant acme",
      "auditchain log audit.db --tenant acme --action invoice. --target-type invoice --target-id INV-42",
      "auditchain log audit.db --tenant acme --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --flag high_risk",
      "auditchain log audit.db --tenant acme --actor u:alice --limit 20 --json | jq .action",
      "auditchain log audit.db --tenant acme --master-key keys/master.key",
  },
  "Entries come in sequence order. A line holds: seq, recorded time, actor (on behalf of), action,\n"
  "target type/id, amount, [flags], AI model and confidence, references, then {pointer: value} for each\n"
  "protected value: its plaintext with --master-key, else [encrypted], [erased] (key destroyed by erase or\n"
  "purge) or [secret] (only a commitment is stored). --json prints the stored bytes, protected values\n"
  "as their envelopes. All filters given must match."));
  cmd->callback([a, &exit_code] { exit_code = run_log(*a); });
}

}  // namespace auditchain::cli
