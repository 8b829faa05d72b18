// group_commit_test.cc — concurrent appends share commits; each append is
// durable when it returns, chains keep their order, and a failed commit fails
// exactly the appends that were in it.
//
// Batches are formed deterministically: the test holds the writer, lets one
// append become the leader (it then waits for the writer with its batch of
// one), queues the others behind it, and lets go.
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "auditchain/auditchain.hpp"
#include "ledger_state.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override { ledger_ = std::make_unique<Ledger>(Ledger::open(dir_.file("audit.ledger"))); }

  detail::GroupCommit& commits() { return *ledger_->state()->commits; }

  // Waits (without timing anything) until `done` holds.
  template <typename F>
  static void wait_until(F done) {
    while (!done()) std::this_thread::yield();
  }

  // Runs `appends` on threads so that the first is committed alone and all
  // the others together in the next batch. Returns when every thread is done.
  void in_two_batches(const std::vector<std::function<void()>>& appends) {
    std::vector<std::thread> threads;
    {
      std::unique_lock writer(ledger_->state()->writer_mutex);
      threads.emplace_back(appends[0]);
      // The first append leads: it took its batch and waits for the writer.
      wait_until([&] { return commits().leading() && commits().queued() == 0; });
      for (std::size_t i = 1; i < appends.size(); ++i) threads.emplace_back(appends[i]);
      wait_until([&] { return commits().queued() == appends.size() - 1; });
    }
    for (std::thread& t : threads) t.join();
  }

  ScratchDir dir_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(GroupCommitTest, ConcurrentAppendsToSeveralTenantsShareOneCommit) {
  const std::vector<std::string> names = {"acme", "globex", "initech"};
  std::map<std::string, TenantLedger> tenants;
  for (const std::string& n : names) tenants.emplace(n, ledger_->tenant(n, TenantMode::kCreateIfMissing));
  std::vector<Receipt> receipts(8);
  std::vector<std::function<void()>> appends;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    appends.push_back([&, i] {
      receipts[i] = tenants.at(names[i % names.size()]).append(make_event("invoice.update", "u:" + std::to_string(i)));
    });
  }
  const std::size_t commits_before = commits().commits();
  in_two_batches(appends);
  EXPECT_EQ(commits().commits() - commits_before, 2u);
  std::map<std::string, std::uint64_t> counts;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    EXPECT_EQ(receipts[i].tenant, names[i % names.size()]);
    EXPECT_FALSE(receipts[i].duplicate);
    ++counts[receipts[i].tenant];
    // What the receipt says is what was stored.
    EXPECT_EQ(tenants.at(receipts[i].tenant).read(receipts[i].seq).hash, receipts[i].hash);
  }
  for (const std::string& n : names) EXPECT_EQ(tenants.at(n).head().seq, counts[n]);
  ledger_->close();
  const VerifyReport report = verify(dir_.file("audit.ledger"));
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), 8u);
}

TEST_F(GroupCommitTest, AFailedCommitFailsExactlyTheAppendsInIt) {
  TenantLedger acme = ledger_->tenant("acme", TenantMode::kCreateIfMissing);
  acme.append(make_event("before"));
  // The second batch's commit fails, as a full disk or an I/O error would.
  commits().before_commit = [](std::size_t size) {
    if (size > 1) throw Error(ErrorCode::kIo, "disk I/O error (injected)");
  };
  std::vector<std::optional<ErrorCode>> outcome(6);
  std::vector<std::function<void()>> appends;
  for (std::size_t i = 0; i < outcome.size(); ++i) {
    appends.push_back([&, i] {
      try {
        acme.append(make_event("during." + std::to_string(i)));
      } catch (const Error& e) {
        outcome[i] = e.code();
      }
    });
  }
  in_two_batches(appends);
  commits().before_commit = nullptr;
  EXPECT_FALSE(outcome[0].has_value());  // committed alone, before
  for (std::size_t i = 1; i < outcome.size(); ++i) EXPECT_EQ(outcome[i], ErrorCode::kIo) << i;
  // Nothing of the failed batch was written; the chain goes on from the last commit.
  EXPECT_EQ(acme.head().seq, 2u);
  EXPECT_EQ(acme.read(2).event.action, "during.0");
  EXPECT_EQ(acme.append(make_event("after")).seq, 3u);
  ledger_->close();
  EXPECT_TRUE(verify(dir_.file("audit.ledger")).valid());
}

TEST_F(GroupCommitTest, ARefusedAppendLeavesTheRestOfItsBatchCommitted) {
  TenantLedger acme = ledger_->tenant("acme", TenantMode::kCreateIfMissing);
  TenantLedger globex = ledger_->tenant("globex", TenantMode::kCreateIfMissing);
  const SignerKey key = SignerKey::generate("audit.example.com");
  acme.append(make_event("first"));
  acme.seal(Timestamp::parse("2026-01-31T23:59:59Z"), key);
  std::optional<ErrorCode> refused;
  std::vector<Receipt> ok(3);
  std::vector<std::function<void()>> appends = {
      [&] { ok[0] = acme.append(make_event("leader")); },
      [&] { ok[1] = globex.append(make_event("globex.one")); },
      [&] {
        Event late = make_event("backdated");
        late.occurred_at = Timestamp::parse("2026-01-15T10:00:00Z");  // inside the sealed period
        try {
          acme.append(late);
        } catch (const Error& e) {
          refused = e.code();
        }
      },
      [&] { ok[2] = acme.append(make_event("acme.two")); },
  };
  in_two_batches(appends);
  EXPECT_EQ(refused, ErrorCode::kSealed);
  EXPECT_EQ(ok[1].seq, 1u);
  EXPECT_EQ(acme.head().seq, 3u);  // first, leader, acme.two: nothing of the refused one
  EXPECT_EQ(ok[2].seq, 3u);
  ledger_->close();
  EXPECT_TRUE(verify(dir_.file("audit.ledger")).valid());
}

// Many threads, one tenant and several, no coordination: every append gets
// its own seq, each thread sees its own appends in order, chains are intact.
TEST_F(GroupCommitTest, ManyThreadsKeepEveryChainInOrder) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 60;
  TenantLedger shared = ledger_->tenant("shared", TenantMode::kCreateIfMissing);
  std::vector<TenantLedger> own;
  for (int t = 0; t < kThreads; ++t) own.push_back(ledger_->tenant("t" + std::to_string(t), TenantMode::kCreateIfMissing));
  std::vector<std::vector<std::uint64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      wait_until([&] { return go.load(); });
      for (int i = 0; i < kPerThread; ++i) {
        seen[t].push_back(shared.append(make_event("shared.write")).seq);
        own[t].append(make_event("own.write"));
      }
    });
  }
  go = true;
  for (std::thread& th : threads) th.join();
  std::vector<bool> taken(kThreads * kPerThread + 1, false);
  for (const auto& seqs : seen) {
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      if (i > 0) {
        EXPECT_GT(seqs[i], seqs[i - 1]);
      }
      ASSERT_LE(seqs[i], taken.size() - 1);
      EXPECT_FALSE(taken[seqs[i]]) << "seq " << seqs[i] << " given twice";
      taken[seqs[i]] = true;
    }
  }
  EXPECT_EQ(shared.head().seq, static_cast<std::uint64_t>(kThreads * kPerThread));
  for (const TenantLedger& t : own) EXPECT_EQ(t.head().seq, static_cast<std::uint64_t>(kPerThread));
  EXPECT_EQ(commits().requests(), static_cast<std::size_t>(2 * kThreads * kPerThread));
  ledger_->close();
  const VerifyReport report = verify(dir_.file("audit.ledger"));
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), static_cast<std::uint64_t>(2 * kThreads * kPerThread));
}

TEST(GroupCommitOptions, ABatchOfNoneIsRefused) {
  ScratchDir dir;
  OpenOptions o;
  o.group_commit_max_batch = 0;
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("a.ledger"), o), ErrorCode::kInvalidArgument, "group_commit_max_batch");
  o.group_commit_max_batch = 1;
  o.group_commit_wait = std::chrono::seconds(5);
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(dir.file("a.ledger"), o), ErrorCode::kInvalidArgument, "group_commit_wait");
}

// A leader waits for appends other threads have begun (here: one the test
// marks as under way, and one queued meanwhile) and commits them together.
TEST(GroupCommitWaitTest, TheLeaderWaitsForAppendsAlreadyUnderWay) {
  ScratchDir dir;
  OpenOptions options;
  options.group_commit_wait = std::chrono::seconds(1);
  Ledger ledger = Ledger::open(dir.file("audit.ledger"), options);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  detail::GroupCommit& commits = *ledger.state()->commits;
  const auto wait_until = [](auto done) {
    while (!done()) std::this_thread::yield();
  };
  const std::size_t commits_before = commits.commits();
  const std::size_t requests_before = commits.requests();
  std::thread first, second;
  {
    const detail::GroupCommit::UnderWay begun(commits);  // an append that has not queued yet
    first = std::thread([&] { acme.append(make_event("invoice.create", "u:first")); });
    // The first append leads, and waits: one append under way is not queued.
    wait_until([&] { return commits.leading() && commits.queued() == 1; });
    second = std::thread([&] { acme.append(make_event("invoice.update", "u:second")); });
    wait_until([&] { return commits.queued() == 2; });
    EXPECT_EQ(commits.commits(), commits_before);  // still waiting for the one begun
  }
  // Once that append is over, nothing under way is left unqueued: one commit.
  first.join();
  second.join();
  EXPECT_EQ(commits.commits() - commits_before, 1u);
  EXPECT_EQ(commits.requests() - requests_before, 2u);
  EXPECT_EQ(acme.head().seq, 2u);
}

// The wait is bounded: an append begun but never queued does not hold the
// others back for longer than the wait.
TEST(GroupCommitWaitTest, AnAppendThatNeverQueuesDelaysOthersOnlyByTheWait) {
  ScratchDir dir;
  OpenOptions options;
  options.group_commit_wait = std::chrono::microseconds(200);
  Ledger ledger = Ledger::open(dir.file("audit.ledger"), options);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  const detail::GroupCommit::UnderWay stuck(*ledger.state()->commits);
  for (int i = 0; i < 3; ++i) acme.append(make_event("invoice.create", "u:alice"));
  EXPECT_EQ(acme.head().seq, 3u);
}

}  // namespace
}  // namespace auditchain
