// ledger_test.cc — opening, tenants, appending, reading and iterating.
#include <fstream>
#include <thread>

#include "auditchain/auditchain.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::raw_count;
using testing::ScratchDir;

TEST(Ledger, CreatesAFileWithAnIdAndTheCurrentFormat) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  EXPECT_EQ(ledger.id().size(), 32u);
  EXPECT_EQ(ledger.format_version(), kFormatVersion);
  EXPECT_TRUE(ledger.tenants().empty());
}

TEST(Ledger, KeepsItsIdWhenReopened) {
  ScratchDir dir;
  std::string id;
  {
    Ledger ledger = Ledger::open(dir.file("a.ledger"));
    id = ledger.id();
  }
  Ledger again = Ledger::open(dir.file("a.ledger"));
  EXPECT_EQ(again.id(), id);
}

TEST(Ledger, RefusesAMissingFileWhenCreationIsNotAllowed) {
  ScratchDir dir;
  OpenOptions options;
  options.create_if_missing = false;
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("missing.ledger"), options), ErrorCode::kNotFound, "");
  options.create_if_missing = true;
  options.read_only = true;
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("missing.ledger"), options), ErrorCode::kNotFound, "");
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.ledger")));
}

TEST(Ledger, RefusesAFileThatIsNotSqlite) {
  ScratchDir dir;
  std::ofstream(dir.file("notes.txt")) << "these are not the ledgers you are looking for\n";
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("notes.txt")), ErrorCode::kNotALedger, "");
}

TEST(Ledger, RefusesAnSqliteFileOfAnotherApplication) {
  ScratchDir dir;
  ASSERT_EQ(testing::raw_sql(dir.file("other.db"), "CREATE TABLE customers (id INTEGER);"), SQLITE_OK);
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("other.db")), ErrorCode::kNotALedger, "");
  EXPECT_EQ(raw_count(dir.file("other.db"), "SELECT count(*) FROM sqlite_schema"), 1);
}

TEST(Ledger, RefusesAFormatNewerThanItKnows) {
  ScratchDir dir;
  { Ledger::open(dir.file("a.ledger")); }
  ASSERT_EQ(testing::raw_sql(dir.file("a.ledger"), "PRAGMA user_version = 99;"), SQLITE_OK);
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("a.ledger")), ErrorCode::kUnsupportedVersion, "");
}

TEST(Ledger, RefusesUseAfterCloseAndClosesTwiceSafely) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  ledger.close();
  ledger.close();
  EXPECT_AUDITCHAIN_ERROR(t.append(make_event()), ErrorCode::kClosed, "");
  EXPECT_AUDITCHAIN_ERROR(ledger.tenants(), ErrorCode::kClosed, "");
}

TEST(Tenants, AreListedSortedAndCreatedOnlyWhenAsked) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  EXPECT_AUDITCHAIN_ERROR(ledger.tenant("globex"), ErrorCode::kNotFound, "tenant");
  ledger.tenant("globex", TenantMode::kCreateIfMissing);
  ledger.tenant("acme", TenantMode::kCreateIfMissing);
  ledger.tenant("acme", TenantMode::kCreateIfMissing);
  EXPECT_EQ(ledger.tenants(), (std::vector<std::string>{"acme", "globex"}));
}

TEST(Tenants, CreatedOnAppendLeaveNoTraceWhenTheFirstEventIsRefused) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("newco", TenantMode::kCreateOnAppend);
  EXPECT_TRUE(ledger.tenants().empty());
  EXPECT_EQ(t.head().seq, 0u);
  EXPECT_EQ(t.entries().begin(), t.entries().end());
  EXPECT_AUDITCHAIN_ERROR(t.append(make_event("")), ErrorCode::kInvalidArgument, "action");
  Event dangling = make_event();
  dangling.derived_from = 1;  // only detectable against the (empty) chain
  EXPECT_AUDITCHAIN_ERROR(t.append(dangling), ErrorCode::kInvalidArgument, "derived_from");
  EXPECT_TRUE(ledger.tenants().empty());
  EXPECT_EQ(t.append(make_event()).seq, 1u);
  EXPECT_EQ(ledger.tenants(), std::vector<std::string>{"newco"});
  EXPECT_EQ(ledger.tenant("newco").read(1).prev_hash, t.genesis());
}

TEST(Tenants, NameCheckNeedsNoLedger) {
  EXPECT_NO_THROW(check_tenant_name("acme"));
  EXPECT_AUDITCHAIN_ERROR(check_tenant_name("a\tb"), ErrorCode::kInvalidArgument, "tenant");
}

TEST(Tenants, NamesWithControlCharactersOrNothingAreRefused) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  EXPECT_AUDITCHAIN_ERROR(ledger.tenant("", TenantMode::kCreateIfMissing), ErrorCode::kInvalidArgument, "tenant");
  EXPECT_AUDITCHAIN_ERROR(ledger.tenant("ac\nme", TenantMode::kCreateIfMissing), ErrorCode::kInvalidArgument, "tenant");
  EXPECT_AUDITCHAIN_ERROR(ledger.tenant(std::string(129, 'a'), TenantMode::kCreateIfMissing),
                          ErrorCode::kInvalidArgument, "tenant");
  EXPECT_TRUE(ledger.tenants().empty());
}

TEST(Append, ReturnsAReceiptThatMatchesTheStoredEntry) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  const Timestamp before = Timestamp::now();
  const Receipt r = t.append(make_event());
  EXPECT_EQ(r.tenant, "acme");
  EXPECT_EQ(r.seq, 1u);
  EXPECT_FALSE(r.duplicate);
  EXPECT_GE(r.recorded_at, before);
  const Entry e = t.read(1);
  EXPECT_EQ(e.hash, r.hash);
  EXPECT_EQ(e.recorded_at, r.recorded_at);
  EXPECT_EQ(e.prev_hash, t.genesis());
  EXPECT_EQ(e.event.action, "invoice.update");
}

TEST(Append, LinksEachEntryToThePreviousOne) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  Receipt previous = t.append(make_event());
  for (int i = 0; i < 20; ++i) {
    const Receipt r = t.append(make_event());
    EXPECT_EQ(r.seq, previous.seq + 1);
    EXPECT_EQ(t.read(r.seq).prev_hash, previous.hash);
    EXPECT_GE(r.recorded_at, previous.recorded_at);
    previous = r;
  }
  const ChainHead head = t.head();
  EXPECT_EQ(head.seq, 21u);
  EXPECT_EQ(head.hash, previous.hash);
}

TEST(Append, KeepsEveryFieldOfAFullEvent) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  t.append(make_event("expense.create"));
  Event e = make_event("expense.categorize", "ai:classifier");
  e.actor.kind = ActorKind::kAiAgent;
  e.actor.on_behalf_of = "u:bob";
  e.actor.ip = "2001:DB8:0:0:0:0:0:1";
  e.actor.session_id = "s-1";
  e.actor.request_id = "r-1";
  e.target = Target{"expense", "EXP-1"};
  e.before = R"({ "category" : null })";
  e.after = R"({"category":"travel","lines":[1,2,3]})";
  e.amount = Amount{"0214.900", "EUR"};
  e.metadata = {{"note", "line one\nline two"}, {"ticket", "T-9"}};
  e.sensitive = true;
  e.high_risk = true;
  e.ai = AiProvenance{"classifier", "2026.10", "0.870",
                      SourceDocument{"docs://r/1.pdf", std::string(64, 'A')}, Rule{"R-7", "3"}};
  e.derived_from = 1;
  e.occurred_at = Timestamp::parse("2026-11-20T10:00:00+01:00");
  e.idempotency_key = "k-1";
  t.append(e);

  const Event got = t.read(2).event;
  EXPECT_EQ(got.tenant, "acme");
  EXPECT_EQ(got.actor.kind, ActorKind::kAiAgent);
  EXPECT_EQ(got.actor.on_behalf_of, "u:bob");
  EXPECT_EQ(got.actor.ip, "2001:db8::1");  // normalised
  EXPECT_EQ(got.actor.session_id, "s-1");
  EXPECT_EQ(got.actor.request_id, "r-1");
  EXPECT_EQ(got.target->type, "expense");
  EXPECT_EQ(got.target->id, "EXP-1");
  EXPECT_EQ(got.before, R"({"category":null})");  // canonical
  EXPECT_EQ(got.after, R"({"category":"travel","lines":[1,2,3]})");
  EXPECT_EQ(got.amount->value, "214.9");
  EXPECT_EQ(got.amount->currency, "EUR");
  EXPECT_EQ(got.metadata, e.metadata);
  EXPECT_TRUE(got.sensitive);
  EXPECT_TRUE(got.high_risk);
  EXPECT_EQ(got.ai->model, "classifier");
  EXPECT_EQ(got.ai->model_version, "2026.10");
  EXPECT_EQ(got.ai->confidence, "0.87");
  EXPECT_EQ(got.ai->source->sha256, std::string(64, 'a'));
  EXPECT_EQ(got.ai->rule->id, "R-7");
  EXPECT_EQ(got.derived_from, 1u);
  EXPECT_EQ(got.occurred_at->to_string(), "2026-11-20T09:00:00.000000Z");
  EXPECT_EQ(got.idempotency_key, "k-1");
}

TEST(Append, RefusesAReferenceToAnEntryThatDoesNotExistYet) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  t.append(make_event());
  Event human = make_event("expense.override");
  human.overrides = 2;  // would be this entry itself
  EXPECT_AUDITCHAIN_ERROR(t.append(human), ErrorCode::kInvalidArgument, "overrides");
  human.overrides = std::nullopt;
  human.derived_from = 7;
  EXPECT_AUDITCHAIN_ERROR(t.append(human), ErrorCode::kInvalidArgument, "derived_from");
  EXPECT_EQ(t.head().seq, 1u);
}

TEST(Batch, StoresAllEventsInOrder) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  std::vector<Event> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(make_event("item." + std::to_string(i)));
  batch[10].derived_from = 5;  // an earlier entry of the same batch
  const auto receipts = t.append_batch(batch);
  ASSERT_EQ(receipts.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(receipts[i].seq, static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ(t.read(i + 1).event.action, "item." + std::to_string(i));
  }
}

TEST(Batch, WritesNothingWhenOneEventIsBad) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  t.append(make_event());
  std::vector<Event> batch(5, make_event());
  batch[3].amount = Amount{"12,50", "EUR"};
  EXPECT_AUDITCHAIN_ERROR(t.append_batch(batch), ErrorCode::kInvalidArgument, "amount.value");
  batch[3].amount = std::nullopt;
  batch[4].overrides = 99;  // only detectable once the chain is read
  EXPECT_AUDITCHAIN_ERROR(t.append_batch(batch), ErrorCode::kInvalidArgument, "overrides");
  EXPECT_EQ(t.head().seq, 1u);
  EXPECT_EQ(raw_count(dir.file("a.ledger"), "SELECT count(*) FROM entries"), 1);
}

TEST(Batch, ThatMixesTenantsIsRefusedAsAWhole) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  ledger.tenant("globex", TenantMode::kCreateIfMissing);
  std::vector<Event> batch(3, make_event());
  batch[0].tenant = "acme";
  batch[2].tenant = "globex";
  EXPECT_AUDITCHAIN_ERROR(acme.append_batch(batch), ErrorCode::kInvalidArgument, "tenant");
  EXPECT_EQ(raw_count(dir.file("a.ledger"), "SELECT count(*) FROM entries"), 0);
  batch[2].tenant = "acme";
  EXPECT_EQ(acme.append_batch(batch).size(), 3u);
}

TEST(Read, UnknownSeqIsNotFound) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  t.append(make_event());
  EXPECT_AUDITCHAIN_ERROR(t.read(0), ErrorCode::kNotFound, "seq");
  EXPECT_AUDITCHAIN_ERROR(t.read(2), ErrorCode::kNotFound, "seq");
  EXPECT_AUDITCHAIN_ERROR(t.read(UINT64_MAX), ErrorCode::kNotFound, "seq");
}

TEST(Read, ReturnsTheExactBytesThatWereHashed) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  const Receipt r = t.append(make_event());
  const Entry e = t.read(1);
  EXPECT_NE(e.bytes.find("\"action\":\"invoice.update\""), std::string::npos);
  EXPECT_EQ(e.bytes.front(), '{');
  EXPECT_EQ(e.hash, r.hash);
}

class Iteration : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = std::make_unique<Ledger>(Ledger::open(dir_.file("a.ledger")));
    t_ = std::make_unique<TenantLedger>(ledger_->tenant("acme", TenantMode::kCreateIfMissing));
    for (int i = 1; i <= 30; ++i) {
      Event e = make_event(i % 3 == 0 ? "invoice.update" : (i % 3 == 1 ? "invoice.create" : "auth.login"),
                           i % 2 ? "u:alice" : "u:bob");
      if (i % 5 == 0) e.target = Target{"invoice", "INV-" + std::to_string(i % 10)};
      e.sensitive = i % 4 == 0;
      e.high_risk = i % 6 == 0;
      const Receipt r = t_->append(e);
      if (i == 10) {
        // A boundary strictly after entry 10 and strictly before entry 11.
        middle_ = Timestamp{r.recorded_at.micros + 1};
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }
  std::vector<std::uint64_t> seqs(const Query& q) {
    std::vector<std::uint64_t> out;
    for (const Entry& e : t_->entries(q)) out.push_back(e.seq);
    return out;
  }
  ScratchDir dir_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<TenantLedger> t_;
  Timestamp middle_;
};

TEST_F(Iteration, WalksASeqRangeInOrder) {
  Query q;
  q.seq_from = 5;
  q.seq_to = 8;
  EXPECT_EQ(seqs(q), (std::vector<std::uint64_t>{5, 6, 7, 8}));
  EXPECT_EQ(seqs({}).size(), 30u);
}

TEST_F(Iteration, FiltersByActionPrefix) {
  Query q;
  q.action_prefix = "invoice.";
  EXPECT_EQ(seqs(q).size(), 20u);
  q.action_prefix = "invoice.update";
  EXPECT_EQ(seqs(q), (std::vector<std::uint64_t>{3, 6, 9, 12, 15, 18, 21, 24, 27, 30}));
  q.action_prefix = "invoice%";  // no wildcards
  EXPECT_TRUE(seqs(q).empty());
}

TEST_F(Iteration, FiltersByActorTargetAndFlags) {
  Query q;
  q.actor_id = "u:bob";
  EXPECT_EQ(seqs(q).size(), 15u);
  Query target;
  target.target_type = "invoice";
  EXPECT_EQ(seqs(target), (std::vector<std::uint64_t>{5, 10, 15, 20, 25, 30}));
  target.target_id = "INV-5";
  EXPECT_EQ(seqs(target), (std::vector<std::uint64_t>{5, 15, 25}));
  Query flags;
  flags.sensitive_only = true;
  flags.high_risk_only = true;
  EXPECT_EQ(seqs(flags), (std::vector<std::uint64_t>{12, 24}));
}

TEST_F(Iteration, FiltersByRecordedTimeRangeAndLimit) {
  Query q;
  q.recorded_to = middle_;
  const auto early = seqs(q);
  ASSERT_FALSE(early.empty());
  EXPECT_EQ(early.back(), 10u);
  Query late;
  late.recorded_from = middle_;
  const auto rest = seqs(late);
  EXPECT_EQ(rest.front(), 11u);
  EXPECT_EQ(rest.size(), 20u);
  late.limit = 3;
  EXPECT_EQ(seqs(late), (std::vector<std::uint64_t>{11, 12, 13}));
}

TEST_F(Iteration, SeesASnapshotAndDoesNotLoadEverything) {
  EntryCursor cursor = t_->entries({});
  Entry e;
  ASSERT_TRUE(cursor.next(e));
  EXPECT_EQ(e.seq, 1u);
  t_->append(make_event());  // appended after the cursor started
  std::uint64_t n = 1;
  while (cursor.next(e)) ++n;
  EXPECT_EQ(n, 30u);
  EXPECT_FALSE(cursor.next(e));
}

TEST(TenantIsolation, AHandleNeverReachesAnotherTenantsRows) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  TenantLedger globex = ledger.tenant("globex", TenantMode::kCreateIfMissing);
  for (int i = 0; i < 5; ++i) acme.append(make_event("acme.secret", "u:acme"));
  globex.append(make_event("globex.thing", "u:globex"));

  EXPECT_AUDITCHAIN_ERROR(globex.read(2), ErrorCode::kNotFound, "seq");
  EXPECT_EQ(globex.read(1).event.actor.id, "u:globex");
  for (const Entry& e : globex.entries({})) EXPECT_EQ(e.tenant, "globex");
  Query q;
  q.actor_id = "u:acme";
  EXPECT_EQ(globex.entries(q).begin(), globex.entries(q).end());
  EXPECT_EQ(globex.head().seq, 1u);
  EXPECT_NE(acme.genesis(), globex.genesis());
  // Writes stay in their own chain: globex's numbering is untouched by acme's.
  EXPECT_EQ(globex.append(make_event()).seq, 2u);
  EXPECT_EQ(acme.append(make_event()).seq, 6u);
}

TEST(TenantIsolation, ARowMovedInFromAnotherTenantIsRefusedOnRead) {
  ScratchDir dir;
  {
    Ledger ledger = Ledger::open(dir.file("a.ledger"));
    ledger.tenant("acme", TenantMode::kCreateIfMissing).append(make_event("acme.secret"));
    ledger.tenant("globex", TenantMode::kCreateIfMissing);
  }
  // Someone with the file re-labels acme's entry as globex's.
  ASSERT_EQ(testing::raw_sql(dir.file("a.ledger"),
                             "DROP TRIGGER entries_no_update;"
                             "UPDATE entries SET tenant_id = (SELECT id FROM tenants WHERE name = 'globex');"),
            SQLITE_OK);
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger globex = ledger.tenant("globex");
  EXPECT_AUDITCHAIN_ERROR(globex.read(1), ErrorCode::kCorrupt, "");
}

}  // namespace
}  // namespace auditchain
