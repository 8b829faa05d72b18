// verify_test.cc — every kind of tampering is caught, at the entry it starts.
//
// Each tamper test builds a real ledger through the library, closes it, then
// changes the file through the plain SQLite C API the way someone with the
// file and a sqlite3 shell would: dropping the append-only triggers first
// where they stand in the way, and putting them back afterwards so that only
// the tampering under test is left to find.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "entry_codec.hpp"
#include "schema.hpp"
#include "sha256.hpp"
#include "test_util.hpp"
#include "validate.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

// ---- building ledgers ---------------------------------------------------------

// Entry i (1-based) of a tenant: every field the format has turns up somewhere,
// including AI decisions (every 9th) overridden by a human in the next entry,
// and derived_from links (every 6th, two back). Nothing refers to entry 14.
Event fixture_event(const std::string& tenant, std::uint64_t i) {
  Event e = make_event(i % 2 ? "invoice.update" : "invoice.approve", "u:alice");
  if (i % 2 == 1) e.target = Target{"invoice", "INV-" + std::to_string(i)};
  if (i % 2 == 0) {
    e.before = R"({"status":"draft","total":")" + std::to_string(i) + R"(.00"})";
    e.after = R"({"status":"sent","total":")" + std::to_string(i) + R"(.00"})";
  }
  if (i % 3 == 0) e.amount = Amount{std::to_string(i) + ".50", "EUR"};
  if (i % 4 == 0) e.idempotency_key = "key-" + tenant + "-" + std::to_string(i);
  e.sensitive = i % 5 == 0;
  e.high_risk = i % 7 == 0;
  if (i % 6 == 0) e.derived_from = i - 2;
  if (i % 9 == 0) {
    e.actor.id = "agent:classifier";
    e.actor.kind = ActorKind::kAiAgent;
    e.ai = AiProvenance{"invoice-classifier", "2026-01", "0.93", std::nullopt, Rule{"R-7", "3"}};
  }
  if (i % 9 == 1 && i > 1) {
    e.actor.id = "u:bob";
    e.overrides = i - 1;
  }
  e.metadata = {{"channel", i % 2 ? "web" : "api"}};
  return e;
}

// Appends entries 1..count to `tenant`, in batches of `batch`.
void fill(Ledger& ledger, const std::string& tenant, std::uint64_t count, std::uint64_t batch = 10) {
  TenantLedger t = ledger.tenant(tenant, TenantMode::kCreateIfMissing);
  for (std::uint64_t first = 1; first <= count; first += batch) {
    std::vector<Event> events;
    for (std::uint64_t i = first; i < first + batch && i <= count; ++i) events.push_back(fixture_event(tenant, i));
    t.append_batch(events);
  }
}

OpenOptions normal_durability() {
  OpenOptions options;
  options.durability = Durability::kNormal;
  return options;
}

const std::map<std::string, std::uint64_t> kFixtureTenants = {{"acme", 30}, {"globex", 25}, {"initech", 20}};

// A closed ledger of three tenants; returns its id.
std::string build_fixture(const std::string& path) {
  Ledger ledger = Ledger::open(path, normal_durability());
  for (const auto& [name, count] : kFixtureTenants) fill(ledger, name, count);
  return ledger.id();
}

// ---- tampering through plain SQLite -------------------------------------------

struct Blob {
  std::string bytes;
};

Blob blob(const Hash& h) { return Blob{std::string(h.bytes.begin(), h.bytes.end())}; }

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    exec("PRAGMA synchronous = OFF");  // an attacker has no reason to wait for the disk
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string what = message ? message : "unknown error";
      sqlite3_free(message);
      throw std::runtime_error(sql + ": " + what);
    }
  }

  // Runs `sql` with text/blob parameters ?1, ?2, ... and returns the rows, each
  // column as raw bytes (empty for NULL).
  std::vector<std::vector<std::string>> query(const std::string& sql, const std::vector<std::string>& params = {}) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_blob(s, static_cast<int>(i + 1), params[i].data(), static_cast<int>(params[i].size()),
                        SQLITE_TRANSIENT);
    }
    std::vector<std::vector<std::string>> rows;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::vector<std::string>& row = rows.emplace_back();
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(s, c));
        row.emplace_back(p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, c))) : std::string());
      }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    return rows;
  }

  // Runs one statement that returns no rows, binding each parameter with
  // its own type.
  void run(const std::string& sql,
           const std::vector<std::variant<std::monostate, std::int64_t, std::string, Blob>>& params) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      if (std::holds_alternative<std::monostate>(params[i])) {
        sqlite3_bind_null(s, at);
      } else if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        sqlite3_bind_int64(s, at, *n);
      } else if (const auto* t = std::get_if<std::string>(&params[i])) {
        sqlite3_bind_text(s, at, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
      } else {
        const std::string& b = std::get<Blob>(params[i]).bytes;
        sqlite3_bind_blob(s, at, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      }
    }
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
  }

  // Drops the named triggers; restore() puts back exactly what was there.
  void drop_triggers(std::initializer_list<const char*> names) {
    for (const char* name : names) {
      dropped_.emplace_back(name);
      exec(std::string("DROP TRIGGER ") + name);
    }
  }
  void restore_triggers() {
    for (const std::string& name : dropped_) {
      for (const detail::SchemaObject& o : detail::schema_objects()) {
        if (o.name == name) exec(o.sql);
      }
    }
    dropped_.clear();
  }

 private:
  sqlite3* db_ = nullptr;
  std::vector<std::string> dropped_;
};

std::string tenant_id(const std::string& name) { return "(SELECT id FROM tenants WHERE name = '" + name + "')"; }

std::string where(const std::string& tenant, std::int64_t seq) {
  return " WHERE tenant_id = " + tenant_id(tenant) + " AND seq = " + std::to_string(seq);
}

// Runs statements that change entries, with the guards out of the way.
void tamper(const std::string& path, const std::string& sql) {
  RawDb db(path);
  db.drop_triggers({"entries_no_update", "entries_no_delete", "entries_no_replace"});
  db.exec(sql);
  db.restore_triggers();
}

std::string stored_body(const std::string& path, const std::string& tenant, std::uint64_t seq) {
  RawDb db(path);
  const auto rows = db.query("SELECT body FROM entries" + where(tenant, seq));
  if (rows.size() != 1) throw std::runtime_error("no single entry " + std::to_string(seq) + " of " + tenant);
  return rows[0][0];
}

// Stores `body` as the bytes of an entry, with a matching hash.
void replace_body(const std::string& path, const std::string& tenant, std::uint64_t seq, const std::string& body) {
  RawDb db(path);
  db.drop_triggers({"entries_no_update"});
  const Hash h = detail::sha256(body);
  db.run("UPDATE entries SET body = ?1, hash = ?2" + where(tenant, seq), {Blob{body}, blob(h)});
  db.restore_triggers();
}

enum class Relink { kNo, kFollowing };

// Re-encodes entry `seq` of `tenant` after `change`, storing new bytes, hash
// and recorded_at column. With Relink::kFollowing every later entry is
// re-linked and re-hashed too, as someone rewriting history consistently
// would; with kNo the next entry still links to the old hash.
void rewrite(const std::string& path, const std::string& tenant, std::uint64_t seq,
             const std::function<void(detail::DecodedEntry&)>& change, Relink relink) {
  RawDb db(path);
  db.drop_triggers({"entries_no_update"});
  db.exec("BEGIN");
  const auto rows = db.query("SELECT rowid, seq, body FROM entries WHERE tenant_id = " + tenant_id(tenant) +
                             " AND seq >= " + std::to_string(seq) + " ORDER BY seq");
  std::optional<Hash> prev;
  for (const auto& row : rows) {
    detail::DecodedEntry d = detail::decode_entry(row[2]);
    if (prev) {
      if (relink == Relink::kNo) break;
      d.entry.prev_hash = *prev;
    } else {
      change(d);
    }
    const Entry& e = d.entry;
    const std::string body =
        detail::encode_entry(e.event, detail::ChainFields{d.ledger_id, e.tenant, e.seq, e.prev_hash, e.recorded_at});
    const Hash h = detail::sha256(body);
    db.run("UPDATE entries SET body = ?1, hash = ?2, recorded_at = ?3 WHERE rowid = ?4",
           {Blob{body}, blob(h), e.recorded_at.to_string(), std::stoll(row[0])});
    prev = h;
  }
  db.exec("COMMIT");
  db.restore_triggers();
}

// ---- reading reports -----------------------------------------------------------

const TenantReport& tenant_report(const VerifyReport& report, const std::string& name) {
  for (const TenantReport& t : report.tenants) {
    if (t.tenant == name) return t;
  }
  throw std::runtime_error("no report for tenant " + name);
}

// (kind, seq) of each finding, in order, readable in a failure message.
std::vector<std::pair<std::string, std::uint64_t>> findings(const TenantReport& t) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const Finding& f : t.findings) out.emplace_back(finding_kind_name(f.kind), f.seq);
  return out;
}

using Expected = std::vector<std::pair<std::string, std::uint64_t>>;

// Every tenant but `except` verified clean, each of its entries counted once.
void expect_others_valid(const VerifyReport& report, const std::vector<std::string>& except) {
  for (const TenantReport& t : report.tenants) {
    if (std::find(except.begin(), except.end(), t.tenant) != except.end()) continue;
    EXPECT_TRUE(t.valid()) << t.tenant << ": " << ::testing::PrintToString(findings(t));
    EXPECT_EQ(t.entries_checked, kFixtureTenants.at(t.tenant)) << t.tenant;
    EXPECT_EQ(t.entries_valid, t.entries_checked) << t.tenant;
  }
}

// ---- untouched ledgers -----------------------------------------------------------

TEST(VerifyUntouched, ALedgerOfSeveralTenantsIsValidWithEveryEntryCountedOnce) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  const std::string id = build_fixture(path);
  const VerifyReport report = verify(path);
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.ledger_id, id);
  EXPECT_EQ(report.format_version, kFormatVersion);
  EXPECT_TRUE(report.ledger_findings.empty());
  ASSERT_EQ(report.tenants.size(), 3u);
  for (const auto& [name, count] : kFixtureTenants) {
    const TenantReport& t = tenant_report(report, name);
    EXPECT_EQ(t.first_seq, 1u);
    EXPECT_EQ(t.last_seq, count);
    EXPECT_EQ(t.entries_checked, count);
    EXPECT_EQ(t.entries_valid, count);
  }
  expect_others_valid(report, {});
}

TEST(VerifyUntouched, ReportsEachTenantsHeadAsItsLastEntrysHash) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  Hash head;
  Hash genesis;
  {
    Ledger ledger = Ledger::open(path, normal_durability());
    fill(ledger, "acme", 12);
    head = ledger.tenant("acme").head().hash;
    genesis = ledger.tenant("empty", TenantMode::kCreateIfMissing).genesis();
  }
  const VerifyReport report = verify(path);
  EXPECT_EQ(tenant_report(report, "acme").head, head);
  EXPECT_EQ(tenant_report(report, "empty").head, genesis);
  EXPECT_EQ(tenant_report(report, "empty").entries_checked, 0u);
  EXPECT_TRUE(report.valid());
}

TEST(VerifyUntouched, AHundredThousandEntriesVerifyCleanPerTenant) {
  ScratchDir dir;
  const std::string path = dir.file("big.ledger");
  const std::map<std::string, std::uint64_t> split = {{"acme", 50'000}, {"globex", 30'000}, {"initech", 20'000}};
  {
    Ledger ledger = Ledger::open(path, normal_durability());
    for (const auto& [name, count] : split) fill(ledger, name, count, 1000);
  }
  std::uint64_t progress_calls = 0;
  VerifyOptions options;
  options.progress = [&](const VerifyProgress& p) {
    ++progress_calls;
    EXPECT_LE(p.done, p.total);
  };
  const VerifyReport report = verify(path, options);
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_checked(), 100'000u);
  EXPECT_EQ(report.entries_valid(), 100'000u);
  for (const auto& [name, count] : split) {
    EXPECT_EQ(tenant_report(report, name).entries_checked, count) << name;
    EXPECT_EQ(tenant_report(report, name).entries_valid, count) << name;
  }
  EXPECT_GT(progress_calls, 3u);
}

// ---- each kind of tampering --------------------------------------------------------

class VerifyTampered : public ::testing::Test {
 protected:
  void SetUp() override { ledger_id_ = build_fixture(path_); }
  VerifyReport verify_all() { return verify(path_); }

  ScratchDir dir_;
  std::string path_ = dir_.file("a.ledger");
  std::string ledger_id_;
};

TEST_F(VerifyTampered, ChangedBytesAreOneHashMismatchAtThatEntry) {
  tamper(path_, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '\"12.5\"', '\"912.5\"') AS BLOB)" +
                    where("acme", 12));
  ASSERT_NE(stored_body(path_, "acme", 12).find("\"912.5\""), std::string::npos);
  const VerifyReport report = verify_all();
  EXPECT_FALSE(report.valid());
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(findings(acme), (Expected{{"hash_mismatch", 12}}));
  EXPECT_EQ(acme.findings[0].tenant, "acme");
  EXPECT_EQ(acme.entries_checked, 30u);
  EXPECT_EQ(acme.entries_valid, 29u);
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, ChangedBytesOfAQueryFieldAreStillOneHashMismatch) {
  // The action column now disagrees with the bytes, but bytes that are not
  // the hashed ones are no evidence of anything else.
  tamper(path_,
         "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'invoice.approve', 'invoice.reject') AS BLOB)" +
             where("acme", 12));
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "acme")), (Expected{{"hash_mismatch", 12}}));
}

TEST_F(VerifyTampered, AChangedStoredHashIsOneHashMismatchAtThatEntry) {
  tamper(path_, "UPDATE entries SET hash = zeroblob(32)" + where("globex", 7));
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "globex")), (Expected{{"hash_mismatch", 7}}));
  expect_others_valid(report, {"globex"});
}

TEST_F(VerifyTampered, AQueryColumnThatDisagreesWithTheBytesIsAColumnMismatch) {
  tamper(path_, "UPDATE entries SET actor_id = 'u:mallory'" + where("acme", 9));
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(findings(acme), (Expected{{"column_mismatch", 9}}));
  EXPECT_NE(acme.findings[0].detail.find("actor_id"), std::string::npos) << acme.findings[0].detail;
  EXPECT_EQ(acme.entries_valid, 29u);
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, AnEarlierRecordedTimeColumnIsAColumnMismatchOnly) {
  tamper(path_, "UPDATE entries SET recorded_at = '2001-01-01T00:00:00.000000Z'" + where("acme", 15));
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "acme")), (Expected{{"column_mismatch", 15}}));
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, ChangedFlagsIdempotencyKeyAndTargetColumnsAreAllNamed) {
  tamper(path_, "UPDATE entries SET flags = 0, idempotency_key = NULL, target_type = 'order'" + where("acme", 28));
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  ASSERT_EQ(findings(acme), (Expected{{"column_mismatch", 28}}));
  for (const char* column : {"flags", "idempotency_key", "target_type"}) {
    EXPECT_NE(acme.findings[0].detail.find(column), std::string::npos) << acme.findings[0].detail;
  }
}

TEST_F(VerifyTampered, ADeletedEntryIsAGapThatLeavesTheNextEntryValid) {
  tamper(path_, "DELETE FROM entries" + where("acme", 14));
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(findings(acme), (Expected{{"gap", 14}}));
  // The missing entry counts as checked and not valid; entry 15 is intact.
  EXPECT_EQ(acme.entries_checked, 30u);
  EXPECT_EQ(acme.entries_valid, 29u);
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, SeveralDeletedEntriesInARowAreOneGapAtTheFirst) {
  tamper(path_, "DELETE FROM entries WHERE tenant_id = " + tenant_id("initech") + " AND seq BETWEEN 1 AND 3");
  const VerifyReport report = verify_all();
  const TenantReport& initech = tenant_report(report, "initech");
  EXPECT_EQ(findings(initech), (Expected{{"gap", 1}}));
  EXPECT_NE(initech.findings[0].detail.find("1..3"), std::string::npos) << initech.findings[0].detail;
  EXPECT_EQ(initech.entries_checked, 20u);
  EXPECT_EQ(initech.entries_valid, 17u);
  expect_others_valid(report, {"initech"});
}

TEST_F(VerifyTampered, AReferenceToADeletedEntryIsDangling) {
  // Entry 19 overrides the AI decision 18.
  tamper(path_, "DELETE FROM entries" + where("acme", 18));
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "acme")), (Expected{{"gap", 18}, {"dangling_reference", 19}}));
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, ADuplicatedSeqIsReportedAtThatSeq) {
  // UNIQUE(tenant_id, seq) forbids a second row with a seq: rebuild the table
  // without it, then insert a copy of a row (one without an idempotency key,
  // which has its own unique index).
  {
    RawDb db(path_);
    db.exec("BEGIN");
    db.exec("CREATE TABLE entries_loose AS SELECT * FROM entries ORDER BY rowid");
    db.exec("DROP TABLE entries");
    db.exec("ALTER TABLE entries_loose RENAME TO entries");
    db.exec("INSERT INTO entries SELECT * FROM entries" + where("acme", 11));
    for (const detail::SchemaObject& o : detail::schema_objects()) {
      if (std::string(o.type) != "table" && std::string(o.sql).find(" ON entries") != std::string::npos) db.exec(o.sql);
    }
    db.exec("COMMIT");
  }
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(findings(acme), (Expected{{"duplicate_seq", 11}}));
  EXPECT_EQ(acme.entries_checked, 31u);
  EXPECT_EQ(acme.entries_valid, 30u);
  expect_others_valid(report, {"acme"});
  // The rebuilt table cannot hide: its definition is not the format's.
  ASSERT_EQ(report.ledger_findings.size(), 1u);
  EXPECT_EQ(report.ledger_findings[0].kind, FindingKind::kSchemaTampered);
  EXPECT_NE(report.ledger_findings[0].detail.find("entries"), std::string::npos);
}

TEST_F(VerifyTampered, AnEntryNumberedBelowOneIsAnInsertion) {
  // No trigger stands in the way: seq 0 is free.
  tamper(path_, "CREATE TEMP TABLE copied AS SELECT * FROM entries" + where("globex", 3) +
                    "; UPDATE copied SET seq = 0; INSERT INTO entries SELECT * FROM copied;");
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "globex")), (Expected{{"duplicate_seq", 0}}));
  expect_others_valid(report, {"globex"});
}

TEST_F(VerifyTampered, SwappedEntriesAreReorderedAtBothPlaces) {
  tamper(path_, "UPDATE entries SET seq = -1" + where("acme", 5) + "; UPDATE entries SET seq = 5" + where("acme", 8) +
                    "; UPDATE entries SET seq = 8" + where("acme", -1));
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(findings(acme), (Expected{{"reordered", 5}, {"reordered", 8}}));
  EXPECT_EQ(acme.entries_valid, 28u);
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, ARewrittenEntryBreaksTheNextLinkWhichNamesIt) {
  // Entry 20 re-encoded with another action and a matching hash: it is
  // consistent in itself, but entry 21 was linked to the original.
  rewrite(
      path_, "acme", 20, [](detail::DecodedEntry& d) { d.entry.event.action = "invoice.void"; }, Relink::kNo);
  tamper(path_, "UPDATE entries SET action = 'invoice.void'" + where("acme", 20));
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  ASSERT_EQ(findings(acme), (Expected{{"broken_link", 21}}));
  EXPECT_NE(acme.findings[0].detail.find("entry 20 was rewritten"), std::string::npos) << acme.findings[0].detail;
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, AnEntryLinkedToAnotherPredecessorIsABrokenLinkAtThatEntry) {
  rewrite(
      path_, "globex", 10, [](detail::DecodedEntry& d) { d.entry.prev_hash = detail::sha256("forged"); },
      Relink::kFollowing);
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "globex")), (Expected{{"broken_link", 10}}));
  expect_others_valid(report, {"globex"});
}

TEST_F(VerifyTampered, AnEntryMovedInFromAnotherTenantIsForeign) {
  // Entry 7 of acme replaced by entry 7 of globex.
  tamper(path_, "DELETE FROM entries" + where("acme", 7) + "; UPDATE entries SET tenant_id = " + tenant_id("acme") +
                    where("globex", 7));
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  ASSERT_EQ(findings(acme), (Expected{{"foreign_entry", 7}}));
  EXPECT_NE(acme.findings[0].detail.find("globex"), std::string::npos) << acme.findings[0].detail;
  EXPECT_EQ(findings(tenant_report(report, "globex")), (Expected{{"gap", 7}}));
  expect_others_valid(report, {"acme", "globex"});
}

TEST_F(VerifyTampered, AnEntryCopiedFromAnotherLedgerIsForeign) {
  const std::string other = dir_.file("other.ledger");
  const std::string other_id = build_fixture(other);
  tamper(path_, "ATTACH DATABASE '" + other +
                    "' AS other;"
                    "CREATE TEMP TABLE moved AS SELECT * FROM other.entries WHERE seq = 7 AND tenant_id = "
                    "(SELECT id FROM other.tenants WHERE name = 'acme');"
                    "UPDATE moved SET tenant_id = (SELECT id FROM main.tenants WHERE name = 'acme');"
                    "DELETE FROM main.entries" +
                    where("acme", 7) +
                    ";"
                    "INSERT INTO main.entries SELECT * FROM moved;");
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  ASSERT_EQ(findings(acme), (Expected{{"foreign_entry", 7}}));
  EXPECT_NE(acme.findings[0].detail.find(other_id), std::string::npos) << acme.findings[0].detail;
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, EntriesOfNoTenantAreAForeignLedgerFinding) {
  tamper(path_, "UPDATE entries SET tenant_id = 999 WHERE tenant_id = " + tenant_id("initech") + " AND seq > 15");
  const VerifyReport report = verify_all();
  ASSERT_EQ(report.ledger_findings.size(), 1u);
  EXPECT_EQ(report.ledger_findings[0].kind, FindingKind::kForeignEntry);
  EXPECT_EQ(report.ledger_findings[0].tenant, "");
}

TEST_F(VerifyTampered, ARecordedTimeBeforeThePreviousEntrysIsTimeBackwards) {
  Timestamp before;
  {
    const detail::DecodedEntry previous = detail::decode_entry(stored_body(path_, "acme", 16));
    before = Timestamp{previous.entry.recorded_at.micros - 1};
  }
  rewrite(
      path_, "acme", 17, [&](detail::DecodedEntry& d) { d.entry.recorded_at = before; }, Relink::kFollowing);
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "acme")), (Expected{{"time_backwards", 17}}));
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, ADroppedTriggerIsASchemaFinding) {
  ASSERT_EQ(testing::raw_sql(path_, "DROP TRIGGER entries_no_update;"), SQLITE_OK);
  const VerifyReport report = verify_all();
  EXPECT_FALSE(report.valid());
  ASSERT_EQ(report.ledger_findings.size(), 1u);
  EXPECT_EQ(report.ledger_findings[0].kind, FindingKind::kSchemaTampered);
  EXPECT_EQ(report.ledger_findings[0].seq, 0u);
  EXPECT_NE(report.ledger_findings[0].detail.find("entries_no_update"), std::string::npos);
  expect_others_valid(report, {});
}

TEST_F(VerifyTampered, AnAlteredTriggerIsASchemaFinding) {
  ASSERT_EQ(testing::raw_sql(path_,
                             "DROP TRIGGER entries_no_delete;"
                             "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries WHEN 0 BEGIN\n"
                             "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND;"),
            SQLITE_OK);
  const VerifyReport report = verify_all();
  ASSERT_EQ(report.ledger_findings.size(), 1u);
  EXPECT_EQ(report.ledger_findings[0].kind, FindingKind::kSchemaTampered);
  EXPECT_NE(report.ledger_findings[0].detail.find("entries_no_delete"), std::string::npos);
}

TEST_F(VerifyTampered, AnAddedTriggerIsASchemaFinding) {
  ASSERT_EQ(testing::raw_sql(path_,
                             "CREATE TRIGGER rewrite_actor AFTER INSERT ON entries BEGIN\n"
                             "  SELECT 1;\nEND;"),
            SQLITE_OK);
  const VerifyReport report = verify_all();
  ASSERT_EQ(report.ledger_findings.size(), 1u);
  EXPECT_EQ(report.ledger_findings[0].kind, FindingKind::kSchemaTampered);
  EXPECT_NE(report.ledger_findings[0].detail.find("rewrite_actor"), std::string::npos);
}

TEST_F(VerifyTampered, AChangedStoredGenesisIsAGenesisFindingOfThatTenantOnly) {
  {
    RawDb db(path_);
    db.drop_triggers({"tenants_no_update"});
    db.exec("UPDATE tenants SET genesis = zeroblob(32) WHERE name = 'globex'");
    db.restore_triggers();
  }
  const VerifyReport report = verify_all();
  EXPECT_TRUE(report.ledger_findings.empty());
  const TenantReport& globex = tenant_report(report, "globex");
  ASSERT_EQ(findings(globex), (Expected{{"genesis_tampered", 0}}));
  EXPECT_EQ(globex.findings[0].tenant, "globex");
  EXPECT_EQ(globex.entries_valid, 25u);
  expect_others_valid(report, {"globex"});
}

TEST_F(VerifyTampered, AFirstEntryLinkedToAnotherGenesisIsAGenesisFindingAtSeqOne) {
  rewrite(
      path_, "initech", 1, [](detail::DecodedEntry& d) { d.entry.prev_hash = detail::sha256("another start"); },
      Relink::kFollowing);
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "initech")), (Expected{{"genesis_tampered", 1}}));
  expect_others_valid(report, {"initech"});
}

TEST_F(VerifyTampered, AReferenceToALaterEntryIsDangling) {
  rewrite(
      path_, "acme", 12, [](detail::DecodedEntry& d) { d.entry.event.derived_from = 15; }, Relink::kFollowing);
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  ASSERT_EQ(findings(acme), (Expected{{"dangling_reference", 12}}));
  EXPECT_NE(acme.findings[0].detail.find("derived_from"), std::string::npos);
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, AnOverrideOfItselfIsDangling) {
  rewrite(
      path_, "acme", 19, [](detail::DecodedEntry& d) { d.entry.event.overrides = 19; }, Relink::kFollowing);
  const VerifyReport report = verify_all();
  const TenantReport& acme = tenant_report(report, "acme");
  ASSERT_EQ(findings(acme), (Expected{{"dangling_reference", 19}}));
  EXPECT_NE(acme.findings[0].detail.find("overrides"), std::string::npos);
}

TEST_F(VerifyTampered, BytesThatAreNotJsonAreAMalformedEntry) {
  replace_body(path_, "acme", 3, "this is not an audit entry");
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "acme")), (Expected{{"malformed_entry", 3}}));
  expect_others_valid(report, {"acme"});
}

TEST_F(VerifyTampered, JsonThatIsNotCanonicalIsAMalformedEntry) {
  std::string body = stored_body(path_, "globex", 4);
  body.insert(1, " ");
  replace_body(path_, "globex", 4, body);
  const VerifyReport report = verify_all();
  const TenantReport& globex = tenant_report(report, "globex");
  ASSERT_EQ(findings(globex), (Expected{{"malformed_entry", 4}}));
  EXPECT_NE(globex.findings[0].detail.find("canonical"), std::string::npos) << globex.findings[0].detail;
  expect_others_valid(report, {"globex"});
}

TEST_F(VerifyTampered, AnEntryWithAnUnknownMemberIsMalformed) {
  std::string body = stored_body(path_, "globex", 5);
  body.insert(body.size() - 1, ",\"zz\":1");
  replace_body(path_, "globex", 5, body);
  const VerifyReport report = verify_all();
  EXPECT_EQ(findings(tenant_report(report, "globex")), (Expected{{"malformed_entry", 5}}));
}

TEST_F(VerifyTampered, FindingsBeyondTheLimitAreCountedNotKept) {
  tamper(path_, "UPDATE entries SET actor_id = 'u:mallory' WHERE tenant_id = " + tenant_id("acme"));
  VerifyOptions options;
  options.max_findings_per_tenant = 4;
  const VerifyReport report = verify(path_, options);
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(acme.findings.size(), 4u);
  EXPECT_EQ(acme.findings_dropped, 26u);
  EXPECT_EQ(acme.findings[0].seq, 1u);
  EXPECT_FALSE(acme.valid());
}

// ---- what is verified ----------------------------------------------------------------

TEST_F(VerifyTampered, ChosenTenantsAreTheOnlyOnesChecked) {
  tamper(path_, "DELETE FROM entries" + where("acme", 3));
  VerifyOptions options;
  options.tenants = {"initech", "globex"};
  const VerifyReport report = verify(path_, options);
  ASSERT_EQ(report.tenants.size(), 2u);
  EXPECT_EQ(report.tenants[0].tenant, "initech");
  EXPECT_EQ(report.tenants[1].tenant, "globex");
  EXPECT_TRUE(report.valid());
}

TEST(VerifyCannotRun, AnUnknownTenantIsNotFound) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  build_fixture(path);
  VerifyOptions options;
  options.tenants = {"acme", "hooli"};
  EXPECT_AUDITCHAIN_ERROR(verify(path, options), ErrorCode::kNotFound, "tenant");
}

TEST(VerifyCannotRun, AMissingFileIsNotFound) {
  ScratchDir dir;
  EXPECT_AUDITCHAIN_ERROR(verify(dir.file("missing.ledger")), ErrorCode::kNotFound, "");
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.ledger")));
}

TEST(VerifyCannotRun, AFileThatIsNotSqliteIsNotALedger) {
  ScratchDir dir;
  std::ofstream(dir.file("notes.txt")) << "nothing to see here\n";
  EXPECT_AUDITCHAIN_ERROR(verify(dir.file("notes.txt")), ErrorCode::kNotALedger, "");
}

TEST(VerifyCannotRun, AnSqliteFileOfAnotherApplicationIsNotALedger) {
  ScratchDir dir;
  ASSERT_EQ(testing::raw_sql(dir.file("other.db"), "CREATE TABLE customers (id INTEGER);"), SQLITE_OK);
  EXPECT_AUDITCHAIN_ERROR(verify(dir.file("other.db")), ErrorCode::kNotALedger, "");
}

TEST(VerifyCannotRun, ALedgerOfANewerFormatIsUnsupported) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  build_fixture(path);
  ASSERT_EQ(testing::raw_sql(path, "PRAGMA user_version = 99;"), SQLITE_OK);
  EXPECT_AUDITCHAIN_ERROR(verify(path), ErrorCode::kUnsupportedVersion, "");
}

// ---- decoding: every valid entry passes, every invalid one is malformed ------------

// Events that exercise what is rare in entries: escapes, non-ASCII text,
// member names whose UTF-16 order differs from their byte order, deep and
// unusual JSON, numbers at the limits, decimals beyond the common size.
std::vector<Event> unusual_events() {
  std::vector<Event> events;
  Event e = make_event("invoice.\"quoted\"\\path", "u:jürgen-日本-😀");
  e.actor.on_behalf_of = "u:o\"brien";
  e.actor.kind = ActorKind::kService;
  e.actor.ip = "2001:db8::1";
  e.target = Target{"doc\\type", "ID-\"7\""};
  e.idempotency_key = "key\\with\"escapes";
  e.metadata = {{"\xEE\x80\x80", "private use"}, {"😀", "emoji"}, {"a", "tab\there\nnewline\x01ctl\x7f"}};
  e.before = R"({"nested":[[1,-2,{"k":null}],true,false,""],"z\u0000":"\u001f","émoji":"😀","\uE000":1,"😀":2})";
  e.after = "[]";
  e.amount = Amount{"-0.5", "EUR"};
  e.sensitive = true;
  e.high_risk = true;
  e.occurred_at = Timestamp{1'700'000'000'123'456};
  events.push_back(e);

  Event ai = make_event("payment.classify", "agent:m\"x");
  ai.actor.kind = ActorKind::kAiAgent;
  ai.ai = AiProvenance{"model \"q\"", "v\\1", "0.999",
                       SourceDocument{"https://example.com/\"y\"", std::string(64, 'a')}, Rule{"R\\1", "v1"}};
  ai.after = "9007199254740991";
  ai.before = "-9007199254740991";
  ai.amount = Amount{"1000000000000000000000.000000000000000001", "USD"};
  ai.derived_from = 1;
  events.push_back(ai);

  Event deep = make_event("config.change", "u:root");
  deep.actor.kind = ActorKind::kSystem;
  deep.before = std::string(32, '[') + std::string(32, ']');
  deep.after = R"("\\ \" \b\f\n\r\t \u0001 / \u007f")";
  deep.overrides = 2;
  events.push_back(deep);

  events.push_back(make_event("a", "b"));
  return events;
}

TEST(VerifyDecoding, UnusualButValidEntriesVerifyClean) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  {
    Ledger ledger = Ledger::open(path, normal_durability());
    for (const char* tenant : {"テナント-😀", "quote\"d\\tenant"}) {
      TenantLedger t = ledger.tenant(tenant, TenantMode::kCreateIfMissing);
      t.append_batch(unusual_events());
      for (const Event& e : unusual_events()) t.append(e);
    }
  }
  for (unsigned jobs : {1u, 2u}) {
    VerifyOptions options;
    options.jobs = jobs;
    const VerifyReport report = verify(path, options);
    for (const TenantReport& t : report.tenants) {
      EXPECT_TRUE(t.valid()) << t.tenant << ": " << ::testing::PrintToString(findings(t));
      // Eight appends, one of which repeats an idempotency key and writes nothing.
      EXPECT_EQ(t.entries_checked, 7u);
      EXPECT_EQ(t.entries_valid, 7u);
    }
  }
}

TEST_F(VerifyTampered, NearCanonicalVariantsOfAnEntryAreMalformed) {
  const std::string original = stored_body(path_, "acme", 12);
  const auto replaced = [&](const std::string& from, const std::string& to) {
    const std::size_t at = original.find(from);
    if (at == std::string::npos) throw std::runtime_error("no " + from + " in entry 12");
    return std::string(original).replace(at, from.size(), to);
  };
  // The original with the character `offset` places after `marker` replaced.
  const auto with_char_at = [&](const std::string& marker, std::size_t offset, char c) {
    std::string out = original;
    out.at(original.find(marker) + marker.size() + offset) = c;
    return out;
  };
  const std::vector<std::pair<const char*, std::string>> variants = {
      {"whitespace after a colon", replaced("\"v\":1", "\"v\": 1")},
      {"whitespace before the end", replaced("\"v\":1}", "\"v\":1 }")},
      {"an escaped solidus", replaced("\"action\":\"invoice.", "\"action\":\"invoice\\/")},
      {"an uppercase \\u escape", replaced("\"action\":\"", "\"action\":\"\\u001F")},
      {"an escape where none is needed", replaced("\"action\":\"i", "\"action\":\"\\u0069")},
      {"\\u0008 instead of \\b", replaced("\"action\":\"", "\"action\":\"\\u0008")},
      {"a lone surrogate", replaced("\"action\":\"", "\"action\":\"\\ud800")},
      {"a raw control character", replaced("\"action\":\"", "\"action\":\"\x01")},
      {"invalid UTF-8", replaced("\"action\":\"", "\"action\":\"\xC3\x28")},
      {"overlong UTF-8", replaced("\"action\":\"", "\"action\":\"\xC0\xAF")},
      {"a fraction", replaced("\"v\":1", "\"v\":1.0")},
      {"an exponent", replaced("\"v\":1", "\"v\":1e0")},
      {"a leading zero", replaced("\"v\":1", "\"v\":01")},
      {"negative zero", replaced("\"derived_from\":10", "\"derived_from\":-0")},
      {"a number beyond 2^53-1", replaced("\"derived_from\":10", "\"derived_from\":9007199254740992")},
      {"a reference of zero", replaced("\"derived_from\":10", "\"derived_from\":0")},
      {"a version 2 entry", replaced("\"v\":1", "\"v\":2")},
      {"a seq of zero", replaced("\"seq\":12", "\"seq\":0")},
      {"a seq that is a string", replaced("\"seq\":12", "\"seq\":\"12\"")},
      {"members out of order", "{\"v\":1," + replaced(",\"v\":1}", "}").substr(1)},
      {"a duplicate member", replaced("\"v\":1}", "\"v\":1,\"v\":1}")},
      {"an unknown member", replaced("\"v\":1}", "\"v\":1,\"zz\":1}")},
      {"a missing tenant", replaced(",\"tenant\":\"acme\"", "")},
      {"a decimal with a trailing zero", replaced("\"value\":\"12.5\"", "\"value\":\"12.50\"")},
      {"a timestamp in another form", replaced("\"recorded_at\":\"", "\"recorded_at\":\"+")},
      {"uppercase hex in prev", replaced("\"prev\":\"", "\"prev\":\"A")},
      {"a letter beyond f in prev", with_char_at("\"prev\":\"", 40, 'g')},
      {"a non-ASCII byte in prev", with_char_at("\"prev\":\"", 17, '\xff')},
      {"an uppercase letter in the ledger id", with_char_at("\"ledger\":\"", 31, 'A')},
      {"a short ledger id", replaced("\"ledger\":\"", "\"ledger\":\"0")},
      {"empty flags", replaced("\"idempotency_key\"", "\"flags\":[],\"idempotency_key\"")},
      {"a flag twice", replaced("\"idempotency_key\"", "\"flags\":[\"sensitive\",\"sensitive\"],\"idempotency_key\"")},
      {"an unknown flag", replaced("\"idempotency_key\"", "\"flags\":[\"urgent\"],\"idempotency_key\"")},
      {"flags out of order",
       replaced("\"idempotency_key\"", "\"flags\":[\"sensitive\",\"high_risk\"],\"idempotency_key\"")},
      {"empty metadata", replaced("\"metadata\":{\"channel\":\"api\"}", "\"metadata\":{}")},
      {"a metadata value that is not a string", replaced("\"channel\":\"api\"", "\"channel\":1")},
      {"an unknown actor kind", replaced("\"kind\":\"user\"", "\"kind\":\"robot\"")},
      {"an actor without a kind", replaced(",\"kind\":\"user\"", "")},
      {"an amount without a currency", replaced("\"currency\":\"EUR\",", "")},
      {"trailing content", original + "x"},
      {"an array, not an object", "[" + original + "]"},
  };
  VerifyOptions options;
  options.tenants = {"acme"};
  for (const auto& [what, bytes] : variants) {
    SCOPED_TRACE(what);
    ASSERT_NE(bytes, original);
    EXPECT_THROW(detail::decode_entry(bytes), detail::DecodeError);
    replace_body(path_, "acme", 12, bytes);
    EXPECT_EQ(findings(tenant_report(verify(path_, options), "acme")), (Expected{{"malformed_entry", 12}}));
  }
}

TEST_F(VerifyTampered, AProtectedMemberInsideBeforeIsJudgedAsTheReferenceDecoderJudgesIt) {
  // Objects with a "$protected" member have rules of their own; whatever
  // those are, the verifier must agree with the reference decoder. (Entry
  // 30 is the last: no later link depends on its bytes.)
  std::string body = stored_body(path_, "acme", 30);
  const std::size_t at = body.find("\"before\":{");
  ASSERT_NE(at, std::string::npos);
  body.insert(at + 10, "\"$protected\":\"not an envelope\",");
  bool reference_accepts = true;
  try {
    detail::decode_entry(body);
  } catch (const detail::DecodeError&) {
    reference_accepts = false;
  }
  replace_body(path_, "acme", 30, body);
  const TenantReport acme = tenant_report(verify_all(), "acme");
  const Expected expected = reference_accepts ? Expected{} : Expected{{"malformed_entry", 30}};
  EXPECT_EQ(findings(acme), expected);
}

TEST(VerifyDecoding, RandomlyChangedBytesAreJudgedAsTheReferenceDecoderJudgesThem) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  std::string ledger_id;
  {
    Ledger ledger = Ledger::open(path, normal_durability());
    fill(ledger, "acme", 12);
    ledger_id = ledger.id();
  }
  const std::string original = stored_body(path, "acme", 12);
  static constexpr char kAlphabet[] = "\"\\{}[],:0123456789-.eEuaAfFz \t\x01\x7f\xc3\xa9\xed\xa0";
  std::mt19937 random(20261121);
  const auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
  VerifyOptions options;
  options.tenants = {"acme"};
  int accepted = 0;
  for (int round = 0; round < 400; ++round) {
    std::string bytes = original;
    const std::size_t at = pick(bytes.size());
    const char c = kAlphabet[pick(sizeof kAlphabet - 1)];
    switch (round % 4) {
      case 0: bytes[at] = c; break;
      case 1: bytes.erase(at, 1); break;
      case 2: bytes.insert(at, 1, c); break;
      default:  // letters and digits for letters and digits: mostly still an entry
        if (std::isalnum(static_cast<unsigned char>(bytes[at]))) {
          bytes[at] = std::isdigit(static_cast<unsigned char>(bytes[at])) ? "0123456789"[pick(10)] : "abcxyz"[pick(6)];
        }
    }
    std::optional<detail::DecodedEntry> reference;
    try {
      reference = detail::decode_entry(bytes);
    } catch (const detail::DecodeError&) {
    }
    SCOPED_TRACE(bytes);
    {
      RawDb db(path);
      db.drop_triggers({"entries_no_update"});
      const Hash h = detail::sha256(bytes);
      db.run("UPDATE entries SET body = ?1, hash = ?2" + where("acme", 12), {Blob{bytes}, blob(h)});
      if (reference) {
        // Columns as the bytes say, so that any column finding is the verifier's misreading.
        const Event& ev = reference->entry.event;
        using Param = std::variant<std::monostate, std::int64_t, std::string, Blob>;
        db.run(
            "UPDATE entries SET recorded_at = ?1, action = ?2, actor_id = ?3, target_type = ?4, target_id = ?5,"
            " flags = ?6, idempotency_key = ?7" +
                where("acme", 12),
            {Param(reference->entry.recorded_at.to_string()), Param(ev.action), Param(ev.actor.id),
             ev.target ? Param(ev.target->type) : Param(), ev.target ? Param(ev.target->id) : Param(),
             Param(detail::flag_bits(ev)), ev.idempotency_key ? Param(*ev.idempotency_key) : Param()});
      }
      db.restore_triggers();
    }
    const TenantReport t = tenant_report(verify(path, options), "acme");
    const auto has = [&](FindingKind kind) {
      return std::any_of(t.findings.begin(), t.findings.end(), [&](const Finding& f) { return f.kind == kind; });
    };
    EXPECT_EQ(has(FindingKind::kMalformedEntry), !reference);
    if (reference) {
      ++accepted;
      const Entry& e = reference->entry;
      EXPECT_FALSE(has(FindingKind::kColumnMismatch)) << ::testing::PrintToString(findings(t));
      EXPECT_EQ(has(FindingKind::kReordered), e.seq != 12);
      EXPECT_EQ(has(FindingKind::kForeignEntry), reference->ledger_id != ledger_id || e.tenant != "acme");
    }
  }
  EXPECT_GT(accepted, 40);
}

// Five batches of ten entries, each batch recorded at its own time.
class VerifyRange : public ::testing::Test {
 protected:
  void SetUp() override {
    Ledger ledger = Ledger::open(path_, normal_durability());
    TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
    for (std::uint64_t batch = 0; batch < 5; ++batch) {
      std::vector<Event> events;
      for (std::uint64_t i = 1; i <= 10; ++i) events.push_back(fixture_event("acme", batch * 10 + i));
      times_.push_back(acme.append_batch(events).front().recorded_at);
      // Distinct times per batch: the clock must move on before the next one.
      while (Timestamp::now() <= times_.back()) std::this_thread::yield();
    }
  }

  // Entries 11..30: the second and third batches.
  VerifyOptions middle() const {
    VerifyOptions options;
    options.from = times_[1];
    options.to = times_[3];
    return options;
  }

  ScratchDir dir_;
  std::string path_ = dir_.file("a.ledger");
  std::vector<Timestamp> times_;
};

TEST_F(VerifyRange, ChecksOnlyTheEntriesRecordedInTheRange) {
  tamper(path_, "UPDATE entries SET actor_id = 'u:mallory' WHERE seq IN (5, 35)");
  const VerifyReport report = verify(path_, middle());
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_TRUE(report.valid()) << ::testing::PrintToString(findings(acme));
  EXPECT_EQ(acme.first_seq, 11u);
  EXPECT_EQ(acme.last_seq, 30u);
  EXPECT_EQ(acme.entries_checked, 20u);
  EXPECT_EQ(acme.from, times_[1]);
  EXPECT_EQ(acme.to, times_[3]);
}

TEST_F(VerifyRange, StillChecksTheLinkOfItsFirstEntry) {
  rewrite(
      path_, "acme", 10, [](detail::DecodedEntry& d) { d.entry.event.action = "invoice.void"; }, Relink::kNo);
  tamper(path_, "UPDATE entries SET action = 'invoice.void' WHERE seq = 10");
  const VerifyReport report = verify(path_, middle());
  EXPECT_EQ(findings(tenant_report(report, "acme")), (Expected{{"broken_link", 11}}));
}

TEST_F(VerifyRange, ATamperedTimeColumnAtItsEndDoesNotShortenIt) {
  tamper(path_, "UPDATE entries SET recorded_at = '9999-01-01T00:00:00.000000Z' WHERE seq = 15");
  const VerifyReport report = verify(path_, middle());
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(findings(acme), (Expected{{"column_mismatch", 15}}));
  EXPECT_EQ(acme.last_seq, 30u);
}

TEST_F(VerifyRange, ATamperedTimeColumnAtItsStartDoesNotShortenIt) {
  tamper(path_, "UPDATE entries SET recorded_at = '2000-01-01T00:00:00.000000Z' WHERE seq BETWEEN 11 AND 14");
  const VerifyReport report = verify(path_, middle());
  const TenantReport& acme = tenant_report(report, "acme");
  EXPECT_EQ(acme.first_seq, 11u);
  ASSERT_FALSE(acme.findings.empty());
  EXPECT_EQ(findings(acme).front(), (std::pair<std::string, std::uint64_t>{"column_mismatch", 11}));
}

TEST(VerifyConcurrently, AVerificationWhileAnotherThreadAppendsSeesAConsistentSnapshot) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  Ledger ledger = Ledger::open(path, normal_durability());
  fill(ledger, "acme", 100);
  TenantLedger acme = ledger.tenant("acme");
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (std::uint64_t i = 101; i <= 400; ++i) acme.append(fixture_event("acme", i));
    writing = false;
  });
  while (acme.head().seq == 100) std::this_thread::yield();
  std::uint64_t seen = 0;
  int rounds = 0;
  for (; writing || rounds == 0; ++rounds) {
    const VerifyReport report = verify(path);
    const TenantReport& t = tenant_report(report, "acme");
    EXPECT_TRUE(report.valid()) << ::testing::PrintToString(findings(t));
    EXPECT_EQ(t.entries_checked, t.last_seq);
    EXPECT_EQ(t.entries_valid, t.last_seq);
    EXPECT_GE(t.last_seq, seen);
    seen = t.last_seq;
  }
  writer.join();
  EXPECT_GT(seen, 100u);
}

}  // namespace
}  // namespace auditchain
