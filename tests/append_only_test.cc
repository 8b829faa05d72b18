// append_only_test.cc — history cannot be changed through SQL: triggers refuse
// it for anyone holding the file, and an authorizer refuses it on the library's
// own connections even when the triggers are gone.
#include <cstdio>
#include <cstdlib>

#include "auditchain/auditchain.hpp"
#include "ledger_state.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::raw_count;
using testing::raw_sql;
using testing::ScratchDir;

std::string make_ledger(const ScratchDir& dir) {
  const std::string path = dir.file("a.ledger");
  Ledger ledger = Ledger::open(path);
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  Event e = make_event();
  e.idempotency_key = "k-1";
  t.append(e);
  t.append(make_event());
  return path;
}

// Runs `sql` with the sqlite3 command-line shell; returns its exit status.
int sqlite3_shell(const std::string& path, const std::string& sql) {
  const std::string command = "sqlite3 -bail '" + path + "' \"" + sql + "\" 2>/dev/null";
  return std::system(command.c_str());
}

TEST(Triggers, RefuseUpdateAndDeleteOfEntriesThroughRawSqlite) {
  ScratchDir dir;
  const std::string path = make_ledger(dir);
  std::string error;
  EXPECT_EQ(raw_sql(path, "UPDATE entries SET action = 'x' WHERE seq = 1;", &error), SQLITE_CONSTRAINT);
  EXPECT_NE(error.find("append-only"), std::string::npos) << error;
  EXPECT_EQ(raw_sql(path, "DELETE FROM entries WHERE seq = 2;", &error), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_count(path, "SELECT count(*) FROM entries"), 2);
  EXPECT_TRUE(verify(path).valid());
}

TEST(Triggers, RefuseChangesToTenantsAndMeta) {
  ScratchDir dir;
  const std::string path = make_ledger(dir);
  EXPECT_EQ(raw_sql(path, "UPDATE tenants SET name = 'evil';"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_sql(path, "DELETE FROM tenants;"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_sql(path, "UPDATE meta SET value = 'x' WHERE key = 'ledger_id';"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_sql(path, "DELETE FROM meta;"), SQLITE_CONSTRAINT);
  EXPECT_TRUE(verify(path).valid());
}

TEST(Triggers, RefuseInsertOrReplaceWhichWouldDeleteSilently) {
  ScratchDir dir;
  const std::string path = make_ledger(dir);
  // REPLACE deletes the conflicting row without firing DELETE triggers.
  EXPECT_EQ(raw_sql(path, "INSERT OR REPLACE INTO entries SELECT * FROM entries WHERE seq = 1;"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_sql(path,
                    "INSERT OR REPLACE INTO entries (tenant_id, seq, recorded_at, action, actor_id, flags,"
                    " idempotency_key, hash, body) SELECT tenant_id, 99, recorded_at, action, actor_id, flags,"
                    " idempotency_key, hash, body FROM entries WHERE seq = 1;"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_sql(path, "REPLACE INTO meta (key, value) VALUES ('ledger_id', 'x');"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_sql(path, "REPLACE INTO tenants SELECT * FROM tenants;"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw_count(path, "SELECT count(*) FROM entries"), 2);
  EXPECT_TRUE(verify(path).valid());
}

TEST(Triggers, RefuseUpdateAndDeleteFromTheSqlite3Shell) {
  ScratchDir dir;
  const std::string path = make_ledger(dir);
  ASSERT_EQ(std::system("command -v sqlite3 >/dev/null"), 0) << "the sqlite3 shell is needed for this test";
  EXPECT_EQ(sqlite3_shell(path, "SELECT count(*) FROM entries;"), 0);
  EXPECT_NE(sqlite3_shell(path, "UPDATE entries SET body = x'00' WHERE seq = 1;"), 0);
  EXPECT_NE(sqlite3_shell(path, "DELETE FROM entries;"), 0);
  EXPECT_EQ(raw_count(path, "SELECT count(*) FROM entries"), 2);
  EXPECT_TRUE(verify(path).valid());
}

class Authorizer : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = make_ledger(dir_);
    // Someone with the file removed every trigger.
    ASSERT_EQ(raw_sql(path_,
                      "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;"
                      "DROP TRIGGER entries_no_replace; DROP TRIGGER tenants_no_update;"
                      "DROP TRIGGER tenants_no_delete; DROP TRIGGER meta_no_delete;"),
              SQLITE_OK);
    ledger_ = std::make_unique<Ledger>(Ledger::open(path_));
  }
  // Runs `sql` on the library's own writer connection.
  int on_library_connection(const char* sql) {
    return sqlite3_exec(ledger_->state()->writer->get(), sql, nullptr, nullptr, nullptr);
  }
  ScratchDir dir_;
  std::string path_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(Authorizer, RefusesUpdateAndDeleteEvenWithoutTriggers) {
  EXPECT_EQ(on_library_connection("UPDATE entries SET action = 'x';"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("DELETE FROM entries;"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("DELETE FROM tenants;"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("UPDATE meta SET value = 'x';"), SQLITE_AUTH);
  EXPECT_EQ(raw_count(path_, "SELECT count(*) FROM entries"), 2);
}

TEST_F(Authorizer, RefusesSchemaChanges) {
  EXPECT_EQ(on_library_connection("DROP TABLE entries;"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("DROP INDEX entries_target;"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("ALTER TABLE entries RENAME TO old_entries;"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("CREATE TRIGGER t AFTER INSERT ON entries BEGIN SELECT 1; END;"), SQLITE_AUTH);
  EXPECT_EQ(on_library_connection("PRAGMA writable_schema = ON;"), SQLITE_AUTH);
}

TEST_F(Authorizer, StillLetsTheLibraryAppendAndRead) {
  TenantLedger t = ledger_->tenant("acme");
  EXPECT_EQ(t.append(make_event()).seq, 3u);
  EXPECT_EQ(t.read(3).seq, 3u);
}

}  // namespace
}  // namespace auditchain
