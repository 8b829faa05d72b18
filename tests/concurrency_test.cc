// concurrency_test.cc — many writers, threads and processes, never fork a chain;
// an idempotency key is honoured across processes.
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "auditchain/auditchain.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

constexpr int kWriters = 4;
constexpr int kAppendsPerWriter = 2000;

// Forks a child that runs `body` and exits 0 on success, 1 on any exception.
// Children are forked before the parent starts threads, so fork is safe.
pid_t spawn(const std::function<void()>& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    int status = 0;
    try {
      body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child %d: %s\n", getpid(), e.what());
      status = 1;
    }
    _exit(status);
  }
  return pid;
}

void expect_children_succeed(const std::vector<pid_t>& children) {
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer process failed";
  }
}

// Checks seq 1..n with no gaps and every link, by reading through the API, and
// with the verifier.
void expect_intact_chain(const std::string& path, const std::string& tenant, std::uint64_t n) {
  OpenOptions read_only;
  read_only.read_only = true;
  Ledger ledger = Ledger::open(path, read_only);
  TenantLedger t = ledger.tenant(tenant);
  std::uint64_t expected = 1;
  Hash prev = t.genesis();
  for (const Entry& e : t.entries({})) {
    ASSERT_EQ(e.seq, expected) << "gap or fork in " << tenant;
    ASSERT_EQ(e.prev_hash, prev) << "broken link at " << e.seq;
    prev = e.hash;
    ++expected;
  }
  EXPECT_EQ(expected - 1, n);
  VerifyOptions options;
  options.tenants = {tenant};
  const VerifyReport report = verify(path, options);
  EXPECT_TRUE(report.valid());
  ASSERT_EQ(report.tenants.size(), 1u);
  EXPECT_EQ(report.tenants[0].entries_valid, n);
}

TEST(Concurrency, ProcessesAndThreadsAppendingAtOnceNeverForkAChain) {
  ScratchDir dir;
  const std::string path = dir.file("busy.ledger");
  {
    Ledger ledger = Ledger::open(path);
    ledger.tenant("by-processes", TenantMode::kCreateIfMissing);
    ledger.tenant("by-threads", TenantMode::kCreateIfMissing);
  }
  std::vector<pid_t> children;
  for (int p = 0; p < kWriters; ++p) {
    children.push_back(spawn([&path, p] {
      Ledger ledger = Ledger::open(path);
      TenantLedger t = ledger.tenant("by-processes");
      std::uint64_t last = 0;
      for (int i = 0; i < kAppendsPerWriter; ++i) {
        const Receipt r = t.append(make_event("job.step", "proc-" + std::to_string(p)));
        if (r.seq <= last) throw std::runtime_error("receipts went backwards");
        last = r.seq;
      }
    }));
  }
  {
    Ledger ledger = Ledger::open(path);
    TenantLedger t = ledger.tenant("by-threads");
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&t, &failures, w] {
        try {
          for (int i = 0; i < kAppendsPerWriter; ++i) t.append(make_event("job.step", "thread-" + std::to_string(w)));
        } catch (const std::exception& e) {
          std::fprintf(stderr, "thread %d: %s\n", w, e.what());
          ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
  }
  expect_children_succeed(children);

  constexpr std::uint64_t kTotal = kWriters * kAppendsPerWriter;
  expect_intact_chain(path, "by-processes", kTotal);
  expect_intact_chain(path, "by-threads", kTotal);
  // Every writer's appends all landed.
  for (const char* tenant : {"by-processes", "by-threads"}) {
    OpenOptions read_only;
    read_only.read_only = true;
    Ledger ledger = Ledger::open(path, read_only);
    std::map<std::string, int> per_actor;
    for (const Entry& e : ledger.tenant(tenant).entries({})) ++per_actor[e.event.actor.id];
    ASSERT_EQ(per_actor.size(), static_cast<std::size_t>(kWriters));
    for (const auto& [actor, n] : per_actor) EXPECT_EQ(n, kAppendsPerWriter) << actor;
  }
}

// Host processes started together may all open a ledger that does not exist
// yet: one creates it, the others wait for it and use it; none fails.
TEST(Concurrency, ProcessesCreatingTheSameLedgerAtOnceAllSucceed) {
  ScratchDir dir;
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = dir.file("new-" + std::to_string(round) + ".ledger");
    // The children wait on a pipe until the parent closes it, so that they
    // open the file as nearly together as processes can.
    int gate[2];
    ASSERT_EQ(pipe(gate), 0);
    std::vector<pid_t> children;
    for (int p = 0; p < kWriters; ++p) {
      children.push_back(spawn([&path, &gate, p] {
        close(gate[1]);
        char byte;
        if (read(gate[0], &byte, 1) != 0) throw std::runtime_error("the gate did not close");
        Ledger ledger = Ledger::open(path);
        ledger.tenant("acme", TenantMode::kCreateIfMissing).append(make_event("job.start", "proc-" + std::to_string(p)));
      }));
    }
    close(gate[0]);
    close(gate[1]);
    expect_children_succeed(children);
    expect_intact_chain(path, "acme", kWriters);
    if (HasFailure()) break;
  }
}

TEST(Idempotency, TheSameKeyTwiceReturnsTheFirstReceiptAndWritesNothing) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  Event e = make_event("payment.capture");
  e.idempotency_key = "pay-123";
  const Receipt first = t.append(e);
  EXPECT_FALSE(first.duplicate);
  e.action = "payment.capture.retry";  // a retry need not be byte-identical
  const Receipt second = t.append(e);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.seq, first.seq);
  EXPECT_EQ(second.hash, first.hash);
  EXPECT_EQ(second.recorded_at, first.recorded_at);
  EXPECT_EQ(t.head().seq, 1u);
}

TEST(Idempotency, KeysAreScopedToOneTenant) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  Event e = make_event();
  e.idempotency_key = "same";
  EXPECT_FALSE(ledger.tenant("acme", TenantMode::kCreateIfMissing).append(e).duplicate);
  EXPECT_FALSE(ledger.tenant("globex", TenantMode::kCreateIfMissing).append(e).duplicate);
}

TEST(Idempotency, ARepeatedKeyInsideOneBatchIsStoredOnce) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("a.ledger"));
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  std::vector<Event> batch(3, make_event());
  batch[0].idempotency_key = "a";
  batch[2].idempotency_key = "a";
  const auto receipts = t.append_batch(batch);
  EXPECT_FALSE(receipts[0].duplicate);
  EXPECT_FALSE(receipts[1].duplicate);
  EXPECT_TRUE(receipts[2].duplicate);
  EXPECT_EQ(receipts[2].seq, receipts[0].seq);
  EXPECT_EQ(t.head().seq, 2u);
}

TEST(Idempotency, HoldsAcrossProcessesRacingWithTheSameKeys) {
  ScratchDir dir;
  const std::string path = dir.file("a.ledger");
  { Ledger::open(path).tenant("acme", TenantMode::kCreateIfMissing); }
  constexpr int kKeys = 200;
  std::vector<pid_t> children;
  for (int p = 0; p < kWriters; ++p) {
    children.push_back(spawn([&path, &dir, p] {
      Ledger ledger = Ledger::open(path);
      TenantLedger t = ledger.tenant("acme");
      std::ofstream out(dir.file("receipts." + std::to_string(p)));
      for (int k = 0; k < kKeys; ++k) {
        Event e = make_event("payment.capture", "proc-" + std::to_string(p));
        e.idempotency_key = "pay-" + std::to_string(k);
        const Receipt r = t.append(e);
        out << k << ' ' << r.seq << ' ' << r.hash.hex() << '\n';
      }
    }));
  }
  expect_children_succeed(children);
  // Every process got the same receipt for each key, and each key was stored once.
  std::map<int, std::pair<std::uint64_t, std::string>> first;
  for (int p = 0; p < kWriters; ++p) {
    std::ifstream in(dir.file("receipts." + std::to_string(p)));
    int key;
    std::uint64_t seq;
    std::string hash;
    int lines = 0;
    while (in >> key >> seq >> hash) {
      ++lines;
      auto [it, inserted] = first.emplace(key, std::pair{seq, hash});
      if (!inserted) {
        EXPECT_EQ(it->second.first, seq) << "key " << key;
        EXPECT_EQ(it->second.second, hash) << "key " << key;
      }
    }
    EXPECT_EQ(lines, kKeys);
  }
  EXPECT_EQ(testing::raw_count(path, "SELECT count(*) FROM entries"), kKeys);
  expect_intact_chain(path, "acme", kKeys);
}

}  // namespace
}  // namespace auditchain
