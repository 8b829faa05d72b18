// demo.cc — `auditchain demo`: a ledger built, verified, tampered with and caught.
#include <sqlite3.h>

#include <filesystem>
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "report.hpp"

namespace auditchain::cli {
namespace {

namespace fs = std::filesystem;

Event event(std::string action, std::string actor, ActorKind kind = ActorKind::kUser) {
  Event e;
  e.action = std::move(action);
  e.actor.id = std::move(actor);
  e.actor.kind = kind;
  return e;
}

void show(const Receipt& r, const Event& e) {
  std::cout << "  " << r.tenant << " #" << r.seq << "  " << e.action << " by " << e.actor.id;
  if (e.actor.on_behalf_of) std::cout << " on behalf of " << *e.actor.on_behalf_of;
  std::cout << "  hash " << r.hash.hex().substr(0, 16) << "\n";
}

void record_acme(TenantLedger& acme) {
  auto put = [&](const Event& e) {
    Receipt r = acme.append(e);
    show(r, e);
    return r;
  };
  Event login = event("auth.login", "u:alice");
  login.actor.ip = "203.0.113.7";
  login.actor.session_id = "sess-7f3a";
  login.actor.request_id = "req-0001";
  login.metadata = {{"method", "password+totp"}};
  put(login);

  Event create = event("invoice.create", "u:alice");
  create.actor.session_id = "sess-7f3a";
  create.target = Target{"invoice", "INV-2026-0042"};
  create.after = R"({"number":"INV-2026-0042","customer":"Initech GmbH","status":"draft","total":"1250.00"})";
  create.amount = Amount{"1250.00", "EUR"};
  create.idempotency_key = "create-INV-2026-0042";
  put(create);

  Event edit = event("invoice.update", "u:alice");
  edit.actor.session_id = "sess-7f3a";
  edit.target = Target{"invoice", "INV-2026-0042"};
  edit.before = R"({"status":"draft","total":"1250.00"})";
  edit.after = R"({"status":"sent","total":"1350.00"})";
  edit.amount = Amount{"1350.00", "EUR"};
  put(edit);

  Event grant = event("permission.change", "u:alice");
  grant.target = Target{"user", "u:bob"};
  grant.before = R"({"role":"viewer"})";
  grant.after = R"({"role":"approver"})";
  grant.high_risk = true;
  put(grant);

  Event impersonate = event("customer.update", "u:support-dan");
  impersonate.actor.on_behalf_of = "u:bob";
  impersonate.actor.ip = "198.51.100.23";
  impersonate.target = Target{"customer", "CUST-118"};
  impersonate.before = R"({"iban_last4":"4410"})";
  impersonate.after = R"({"iban_last4":"9921"})";
  impersonate.sensitive = true;
  impersonate.high_risk = true;
  impersonate.metadata = {{"ticket", "SUP-5521"}};
  put(impersonate);

  Event ai = event("expense.categorize", "ai:expense-classifier", ActorKind::kAiAgent);
  ai.target = Target{"expense", "EXP-981"};
  ai.after = R"({"category":"travel"})";
  ai.amount = Amount{"214.90", "EUR"};
  ai.ai = AiProvenance{"expense-classifier", "2026.10", "0.87",
                       SourceDocument{"docs://acme/receipts/EXP-981.pdf",
                                      "9f2c4ab1d07e5e1f4a3b8c6d2e0f11223344556677889900aabbccddeeff0011"},
                       Rule{"EXP-CAT-7", "3"}};
  const Receipt decision = put(ai);

  Event human = event("expense.categorize", "u:alice");
  human.target = Target{"expense", "EXP-981"};
  human.before = R"({"category":"travel"})";
  human.after = R"({"category":"client-entertainment"})";
  human.overrides = decision.seq;
  human.metadata = {{"reason", "Dinner with a client, not travel"}};
  put(human);
}

void record_globex(TenantLedger& globex) {
  Event login = event("auth.login", "u:hiro");
  login.actor.ip = "2001:db8::42";
  Event payment = event("payment.approve", "u:hiro");
  payment.target = Target{"payment", "PAY-77812"};
  payment.amount = Amount{"98000.00", "USD"};
  payment.high_risk = true;
  Event job = event("ledger.close_period", "svc:month-end", ActorKind::kService);
  job.occurred_at = Timestamp::parse("2026-10-31T23:59:59Z");
  const std::vector<Event> batch = {login, payment, job};
  const std::vector<Receipt> receipts = globex.append_batch(batch);
  for (std::size_t i = 0; i < batch.size(); ++i) show(receipts[i], batch[i]);
}

// What someone with write access to the file might do: bypass the triggers
// and rewrite history with plain SQL.
void tamper(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open the copy");
  char* err = nullptr;
  const std::string script =
      "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete; " + sql;
  const int rc = sqlite3_exec(db, script.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("tampering failed: " + message);
}

int run_demo(const std::string& dir_arg) {
  const fs::path dir(dir_arg);
  fs::create_directories(dir);
  const fs::path original = dir / "demo.ledger";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(original.string() + suffix);

  std::cout << "1. Recording events in " << original.string() << "\n";
  {
    Ledger ledger = Ledger::open(original.string());
    TenantLedger acme = ledger.tenant("acme-gmbh", TenantMode::kCreateIfMissing);
    TenantLedger globex = ledger.tenant("globex-inc", TenantMode::kCreateIfMissing);
    record_acme(acme);
    record_globex(globex);
  }  // closing checkpoints the WAL into the file, so a plain copy is complete

  std::cout << "\n2. Re-walking every chain\n";
  const VerifyReport clean = verify(original.string());
  print_report_text(std::cout, original.string(), clean, false);

  std::cout << "\n3. Tampering with copies, as someone with write access to the file could\n";
  const fs::path edited = dir / "tampered-edit.ledger";
  const fs::path deleted = dir / "tampered-delete.ledger";
  fs::copy_file(original, edited, fs::copy_options::overwrite_existing);
  fs::copy_file(original, deleted, fs::copy_options::overwrite_existing);
  tamper(edited,
         "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '\"total\":\"1350.00\"', "
         "'\"total\":\"135.00\"') AS BLOB) WHERE seq = 3 AND tenant_id = "
         "(SELECT id FROM tenants WHERE name = 'acme-gmbh');");
  std::cout << "  " << edited.string() << ": invoice INV-2026-0042's new total changed from 1350.00 to 135.00\n";
  tamper(deleted,
         "DELETE FROM entries WHERE seq = 2 AND tenant_id = (SELECT id FROM tenants WHERE name = 'globex-inc');");
  std::cout << "  " << deleted.string() << ": the approval of payment PAY-77812 deleted\n";

  std::cout << "\n4. Verifying the tampered copies\n";
  bool all_caught = true;
  for (const fs::path& copy : {edited, deleted}) {
    const VerifyReport report = verify(copy.string());
    std::cout << copy.filename().string() << ":\n";
    print_report_text(std::cout, copy.string(), report, true);
    all_caught = all_caught && !report.valid();
  }
  std::cout << "\nThe original verifies " << (clean.valid() ? "clean" : "WITH PROBLEMS") << "; "
            << (all_caught ? "both tampered copies were caught." : "a tampered copy was NOT caught.") << "\n";
  return clean.valid() && all_caught ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Build a demo ledger, verify it, tamper with copies and catch it");
  cmd->footer(
      "Examples:\n"
      "  auditchain demo                 # writes into ./auditchain-demo\n"
      "  auditchain demo --dir /tmp/x\n");
  auto dir = std::make_shared<std::string>("auditchain-demo");
  cmd->add_option("--dir", *dir, "Directory for the demo ledger and its tampered copies")->capture_default_str();
  cmd->callback([dir, &exit_code] { exit_code = run_demo(*dir); });
}

}  // namespace auditchain::cli
