// fault_injection_test.cc — appends, checkpoints and closes on a disk that
// fails: full, or returning I/O errors on writes and flushes.
//
// The fault VFS (fault_vfs.hpp) sits under every connection the library
// opens. Each test fails the 1st, 2nd, 3rd, ... write or flush of an
// operation, one position per attempt, until the operation needs fewer calls
// than the position and succeeds. After every failure, with the fault off:
// the operation threw auditchain::Error(kIo) naming the cause, the same
// handle and a second one opened on the file see the ledger as it was before,
// nothing of the failed operation is in the file, the ledger verifies, and
// the next operation on the same handle succeeds and chains on. A simulated
// crash at that moment (which replays the write-ahead log from disk) finds
// the failed commit absent after a failed write, and absent or whole after a
// failed flush, never in part.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "auditchain/auditchain.hpp"
#include "fault_vfs.hpp"
#include "ledger_state.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::FaultOp;
using testing::FaultPlan;
using testing::FaultTarget;
using testing::FaultVfs;
using testing::make_event;
using testing::ScopedFault;
using testing::ScratchDir;

// Installed before any test opens a database, so that every connection the
// library opens goes through the shim.
class FaultVfsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { FaultVfs::instance(); }
};
::testing::Environment* const kEnvironment = ::testing::AddGlobalTestEnvironment(new FaultVfsEnvironment);

// A guard against a loop that never ends: no operation here makes this many
// writes or flushes.
constexpr std::uint64_t kMaxPositions = 400;

// A fault as the tests name it, and what SQLite's message says about it.
struct FaultKind {
  const char* name;
  FaultOp op;
  int result;
  const char* message;
};

const FaultKind kDiskFull{"DiskFullOnWrite", FaultOp::kWrite, SQLITE_FULL, "database or disk is full"};
const FaultKind kWriteError{"IoErrorOnWrite", FaultOp::kWrite, SQLITE_IOERR_WRITE, "disk I/O error"};
const FaultKind kSyncError{"IoErrorOnSync", FaultOp::kSync, SQLITE_IOERR_FSYNC, "disk I/O error"};
// Only copying the log into the database file truncates anything.
const FaultKind kTruncateError{"IoErrorOnTruncate", FaultOp::kTruncate, SQLITE_IOERR_TRUNCATE, "disk I/O error"};

std::string kind_name(const ::testing::TestParamInfo<FaultKind>& info) { return info.param.name; }

// How GoogleTest (and so ctest's test list) shows a kind.
void PrintTo(const FaultKind& kind, std::ostream* out) { *out << kind.name; }

// ---- looking at the file without the library ------------------------------------

// The single value `sql` returns on a plain connection, as text ("" when no row).
std::string raw_value(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out = "<cannot open>";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      out = std::string("<error: ") + sqlite3_errmsg(db) + ">";
    } else {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(s, 0);
        out = text ? reinterpret_cast<const char*>(text) : "";
      } else {
        out = rc == SQLITE_DONE ? "" : std::string("<error: ") + sqlite3_errmsg(db) + ">";
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

long long raw_number(const std::string& path, const std::string& sql) {
  const std::string v = raw_value(path, sql);
  try {
    return std::stoll(v);
  } catch (...) {
    ADD_FAILURE() << sql << " gave " << v;
    return -1;
  }
}

// Entries whose action starts with `prefix`.
long long entries_named(const std::string& path, const std::string& prefix) {
  return raw_number(path, "SELECT count(*) FROM entries WHERE substr(action, 1, " + std::to_string(prefix.size()) +
                              ") = '" + prefix + "'");
}

// Copies the database and its write-ahead log, without the shared-memory
// index, into `dir`: what a machine that lost power now would find on
// restart. Opening the copy replays the log from disk.
std::string copy_as_after_crash(const std::string& path, const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string copy = (std::filesystem::path(dir) / "crashed.ledger").string();
  std::filesystem::copy_file(path, copy);
  if (std::filesystem::exists(path + "-wal")) std::filesystem::copy_file(path + "-wal", copy + "-wal");
  return copy;
}

// ---- the fixture -------------------------------------------------------------------

class FaultTest : public ::testing::TestWithParam<FaultKind> {
 protected:
  void TearDown() override {
    vfs().disarm();
    if (state_) state_->commits->before_commit = nullptr;
  }

  static FaultVfs& vfs() { return FaultVfs::instance(); }
  std::string path() const { return dir_.file("audit.ledger"); }

  FaultPlan plan(std::uint64_t nth, FaultTarget target = FaultTarget::kAnyFile) const {
    FaultPlan p;
    p.op = GetParam().op;
    p.result = GetParam().result;
    p.target = target;
    p.nth = nth;
    return p;
  }

  // The error of an operation that met the fault: kIo, and SQLite's words
  // for the cause.
  static void expect_io_error(const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
  }

  // The error of a commit that met the fault also says what failed, where,
  // and that it was rolled back.
  void expect_commit_error(const Error& e) const {
    expect_io_error(e);
    EXPECT_NE(std::string(e.what()).find("committing to " + path() + " (rolled back)"), std::string::npos) << e.what();
  }

  // Runs `operation(nth)` with the nth matching call failing, for nth = 1,
  // 2, ... After each failure (fault off) runs `after_failure(nth, error)`.
  // Stops when the operation no longer reaches the fault, which it must then
  // have completed. Returns the number of positions that failed it.
  std::uint64_t each_position(FaultTarget target, const std::function<void(std::uint64_t)>& operation,
                              const std::function<void(std::uint64_t, const Error&)>& after_failure) {
    for (std::uint64_t nth = 1; nth <= kMaxPositions; ++nth) {
      const FaultPlan p = plan(nth, target);
      SCOPED_TRACE(testing::describe(p));
      std::optional<Error> error;
      {
        ScopedFault fault(p);
        try {
          operation(nth);
        } catch (const Error& e) {
          error = e;
        }
      }
      if (vfs().injected() == 0) {
        EXPECT_FALSE(error.has_value()) << "failed without meeting the fault: " << error->what();
        std::cout << "[ positions ] " << GetParam().name << ": " << nth - 1 << " " << fault_op_name(GetParam().op)
                  << " positions failed the operation; " << replayed_after_crash_
                  << " failed commits came back whole after a simulated crash\n";
        return nth - 1;
      }
      if (!error) {
        ADD_FAILURE() << "the operation succeeded although its " << fault_op_name(p.op) << " failed";
        return nth;
      }
      expect_io_error(*error);
      after_failure(nth, *error);
      if (HasFatalFailure()) return nth;
    }
    ADD_FAILURE() << "the operation still met the fault after " << kMaxPositions << " positions";
    return kMaxPositions;
  }

  // Every named tenant's head as `ledger` sees it.
  static std::map<std::string, ChainHead> heads(Ledger& ledger, const std::vector<std::string>& tenants) {
    std::map<std::string, ChainHead> out;
    for (const std::string& t : tenants) out[t] = ledger.tenant(t).head();
    return out;
  }

  static void expect_same_heads(const std::map<std::string, ChainHead>& a, const std::map<std::string, ChainHead>& b,
                                const char* who) {
    for (const auto& [tenant, head] : a) {
      ASSERT_TRUE(b.count(tenant)) << tenant;
      EXPECT_EQ(b.at(tenant).seq, head.seq) << who << ", tenant " << tenant;
      EXPECT_EQ(b.at(tenant).hash, head.hash) << who << ", tenant " << tenant;
    }
  }

  // What must hold after a write operation failed: the handle that ran it,
  // a second handle and a plain connection see the ledger as `before`, no
  // entry named with `failed_prefix` exists, even after a crash now, and the
  // file verifies.
  void expect_untouched(Ledger& ledger, const std::map<std::string, ChainHead>& before,
                        const std::string& failed_prefix, std::uint64_t nth) {
    std::vector<std::string> names;
    for (const auto& entry : before) names.push_back(entry.first);
    expect_same_heads(before, heads(ledger, names), "the same handle");
    {
      Ledger other = Ledger::open(path());
      expect_same_heads(before, heads(other, names), "a second handle");
    }
    EXPECT_EQ(entries_named(path(), failed_prefix), 0);
    long long total = 0;
    for (const auto& entry : before) total += static_cast<long long>(entry.second.seq);
    EXPECT_EQ(raw_number(path(), "SELECT count(*) FROM entries"), total);
    EXPECT_EQ(raw_value(path(), "PRAGMA integrity_check"), "ok");
    const VerifyReport report = verify(path());
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.entries_valid(), static_cast<std::uint64_t>(total));
    expect_crash_copy_consistent(failed_prefix, failed_count_, nth);
  }

  // A failed attempt `nth` to append to acme (whose head was `before`): the
  // error is a commit error, nothing of it is left, and the next append
  // through `acme` (the handle that failed, or a new one) links to the last
  // committed entry.
  void expect_failed_append(Ledger& ledger, TenantLedger& acme, const ChainHead& before, std::uint64_t nth,
                            const Error& e) {
    expect_commit_error(e);
    expect_untouched(ledger, {{"acme", before}}, "attempt." + std::to_string(nth) + ".", nth);
    const Receipt r = acme.append(make_event("ok.after"));
    EXPECT_EQ(r.seq, before.seq + 1);
    EXPECT_EQ(acme.read(r.seq).prev_hash, before.hash);
  }

  // After a power cut now, the failed commit is either absent or whole.
  // Absent when a write failed: its log frames were never completed. After a
  // failed flush the frames may all be in the file (the operating system may
  // yet write them); replaying the log then brings the whole commit back, and
  // only ever the whole commit.
  void expect_crash_copy_consistent(const std::string& failed_prefix, long long failed_entries, std::uint64_t nth) {
    const std::string copy = copy_as_after_crash(path(), dir_.file("crash-" + std::to_string(nth)));
    const VerifyReport report = verify(copy);
    EXPECT_TRUE(report.valid()) << "after a crash";
    const long long found = entries_named(copy, failed_prefix);
    if (GetParam().op == FaultOp::kWrite) {
      EXPECT_EQ(found, 0) << "after a crash";
    } else {
      EXPECT_TRUE(found == 0 || found == failed_entries) << found << " of " << failed_entries << " after a crash";
      replayed_after_crash_ += found > 0;
    }
    EXPECT_EQ(raw_value(copy, "PRAGMA integrity_check"), "ok");
    std::filesystem::remove_all(dir_.file("crash-" + std::to_string(nth)));
  }

  ScratchDir dir_;
  std::shared_ptr<detail::LedgerState> state_;  // to clear test hooks at the end
  long long failed_count_ = 1;                  // entries of the operation that failed
  std::uint64_t replayed_after_crash_ = 0;      // failed commits a simulated crash brought back
};

// ---- appends -------------------------------------------------------------------

TEST_P(FaultTest, AFailedAppendLeavesNothingAndTheChainGoesOn) {
  Ledger ledger = Ledger::open(path());
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  for (int i = 0; i < 3; ++i) acme.append(make_event("ok.before"));
  std::optional<Receipt> last;
  ChainHead before;
  const std::uint64_t positions = each_position(
      FaultTarget::kAnyFile,
      [&](std::uint64_t nth) {
        before = acme.head();
        last = acme.append(make_event("attempt." + std::to_string(nth) + ".x"));
      },
      [&](std::uint64_t nth, const Error& e) { expect_failed_append(ledger, acme, before, nth, e); });
  EXPECT_GE(positions, 1u);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(acme.read(last->seq).hash, last->hash);
  ledger.close();

  // Reopened: every acknowledged append is there, in order, and nothing else.
  Ledger reopened = Ledger::open(path());
  TenantLedger again = reopened.tenant("acme");
  EXPECT_EQ(again.head().seq, 3 + positions + 1);
  EXPECT_EQ(entries_named(path(), "ok.after"), static_cast<long long>(positions));
  EXPECT_EQ(entries_named(path(), "attempt."), 1);
  const VerifyReport report = verify(path());
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), 3 + positions + 1);
}

// The first commit after opening starts a new write-ahead log: its header is
// written and flushed before the entry's frames, more calls that can fail.
TEST_P(FaultTest, AFailedFirstAppendAfterOpeningLeavesNothing) {
  std::optional<Ledger> ledger;
  ledger.emplace(Ledger::open(path()));
  ledger->tenant("acme", TenantMode::kCreateIfMissing).append(make_event("ok.before"));
  const auto reopen = [&] {
    ledger.reset();  // closing removes the log
    ASSERT_FALSE(std::filesystem::exists(path() + "-wal"));
    ledger.emplace(Ledger::open(path()));
  };
  reopen();
  ChainHead before;
  const std::uint64_t positions = each_position(
      FaultTarget::kAnyFile,
      [&](std::uint64_t nth) {
        TenantLedger acme = ledger->tenant("acme");
        before = acme.head();
        acme.append(make_event("attempt." + std::to_string(nth) + ".x"));
      },
      [&](std::uint64_t nth, const Error& e) {
        TenantLedger acme = ledger->tenant("acme");
        expect_failed_append(*ledger, acme, before, nth, e);
        reopen();
      });
  // A new log's header and its flush come on top of an append's usual calls.
  EXPECT_GE(positions, GetParam().op == FaultOp::kSync ? 2u : 5u);
  ledger.reset();
  const VerifyReport report = verify(path());
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), 1 + positions + 1);
}

TEST_P(FaultTest, AFailedBatchLeavesNoneOfItsEntries) {
  Ledger ledger = Ledger::open(path());
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  acme.append(make_event("ok.before"));
  constexpr std::size_t kBatch = 40;
  failed_count_ = kBatch;
  std::vector<Receipt> last;
  ChainHead before;
  const std::uint64_t positions = each_position(
      FaultTarget::kAnyFile,
      [&](std::uint64_t nth) {
        before = acme.head();
        std::vector<Event> events;
        for (std::size_t i = 0; i < kBatch; ++i) {
          Event e = make_event("attempt." + std::to_string(nth) + "." + std::to_string(i));
          e.metadata["padding"] = std::string(200, 'x');  // several pages per batch
          events.push_back(std::move(e));
        }
        last = acme.append_batch(events);
      },
      [&](std::uint64_t nth, const Error& e) { expect_failed_append(ledger, acme, before, nth, e); });
  EXPECT_GE(positions, 1u);
  ASSERT_EQ(last.size(), kBatch);
  EXPECT_EQ(acme.head().seq, 1 + positions + kBatch);
  ledger.close();
  const VerifyReport report = verify(path());
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), 1 + positions + kBatch);
}

// A tenant created by its first append (kCreateOnAppend) whose commit fails
// does not exist: its handle reads as an empty tenant, never as another
// tenant created meanwhile, and its next append creates it.
TEST_P(FaultTest, AFailedFirstAppendCreatesNoTenant) {
  Ledger ledger = Ledger::open(path());
  ledger.tenant("acme", TenantMode::kCreateIfMissing).append(make_event("ok.before"));
  std::optional<TenantLedger> fresh;
  std::map<std::string, ChainHead> before;
  const std::uint64_t positions = each_position(
      FaultTarget::kAnyFile,
      [&](std::uint64_t nth) {
        before = heads(ledger, ledger.tenants());
        fresh.emplace(ledger.tenant("new-" + std::to_string(nth), TenantMode::kCreateOnAppend));
        fresh->append(make_event("attempt." + std::to_string(nth) + ".x"));
      },
      [&](std::uint64_t nth, const Error& e) {
        expect_commit_error(e);
        const std::string name = "new-" + std::to_string(nth);
        const std::vector<std::string> tenants = ledger.tenants();
        EXPECT_EQ(std::count(tenants.begin(), tenants.end(), name), 0);
        EXPECT_EQ(tenants.size(), before.size());
        expect_untouched(ledger, before, "attempt." + std::to_string(nth) + ".", nth);
        // Another tenant takes the next row id; the failed handle must not see it.
        TenantLedger other = ledger.tenant("other-" + std::to_string(nth), TenantMode::kCreateIfMissing);
        other.append(make_event("ok.other"));
        EXPECT_EQ(fresh->head().seq, 0u);
        EXPECT_EQ(fresh->head().hash, fresh->genesis());
        EXPECT_AUDITCHAIN_ERROR(fresh->read(1), ErrorCode::kNotFound, "seq");
        std::size_t seen = 0;
        for (const Entry& e : fresh->entries()) {
          ADD_FAILURE() << "the handle of " << name << " reads entry " << e.seq << " of " << e.tenant;
          ++seen;
        }
        EXPECT_EQ(seen, 0u);
        // Its next append creates it, with its own genesis.
        const Receipt r = fresh->append(make_event("ok.first"));
        EXPECT_EQ(r.seq, 1u);
        EXPECT_EQ(fresh->read(1).prev_hash, fresh->genesis());
        EXPECT_EQ(fresh->read(1).tenant, name);
      });
  EXPECT_GE(positions, 1u);
  ledger.close();
  EXPECT_TRUE(verify(path()).valid());
}

// A disk that stays full: every append fails, reads go on, and once space is
// back appends chain on from the last committed entry.
TEST_P(FaultTest, AppendsFailWhileTheFaultLastsAndResumeAfter) {
  Ledger ledger = Ledger::open(path());
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  acme.append(make_event("ok.before"));
  const ChainHead before = acme.head();
  {
    FaultPlan p = plan(1);
    p.sticky = true;
    ScopedFault fault(p);
    for (int i = 0; i < 5; ++i) {
      try {
        acme.append(make_event("attempt.sticky." + std::to_string(i)));
        ADD_FAILURE() << "append " << i << " succeeded on a failing disk";
      } catch (const Error& e) {
        expect_io_error(e);
      }
      EXPECT_EQ(acme.head().seq, before.seq);  // reads still work
      EXPECT_EQ(acme.read(1).event.action, "ok.before");
    }
    EXPECT_GE(vfs().injected(), 5u);
  }
  expect_untouched(ledger, {{"acme", before}}, "attempt.", 0);
  const Receipt r = acme.append(make_event("ok.after"));
  EXPECT_EQ(r.seq, 2u);
  EXPECT_EQ(acme.read(2).prev_hash, before.hash);
  ledger.close();
  EXPECT_TRUE(verify(path()).valid());
}

// ---- group commit ----------------------------------------------------------------

// Appends from several threads to several tenants, formed into two batches:
// the first append alone, then all the others together (as in
// group_commit_test.cc). The fault is armed just before the second batch's
// commit, so it hits exactly that commit's writes or flushes.
TEST_P(FaultTest, AFailedGroupCommitFailsEveryAppendInItAndNoOther) {
  Ledger ledger = Ledger::open(path());
  state_ = ledger.state();
  detail::GroupCommit& commits = *state_->commits;
  const std::vector<std::string> names = {"acme", "globex", "initech"};
  std::map<std::string, TenantLedger> tenants;
  for (const std::string& n : names) {
    tenants.emplace(n, ledger.tenant(n, TenantMode::kCreateIfMissing));
    tenants.at(n).append(make_event("ok.before"));
  }
  constexpr std::size_t kThreads = 7;
  failed_count_ = kThreads - 1;
  std::uint64_t committed_batches = 0;
  std::map<std::string, ChainHead> before;

  const std::uint64_t positions = each_position(
      FaultTarget::kAnyFile,
      [&](std::uint64_t nth) {
        FaultVfs::instance().disarm();  // armed again just before the second commit
        before = heads(ledger, names);
        const FaultPlan armed = plan(nth);
        commits.before_commit = [armed](std::size_t size) {
          if (size > 1) FaultVfs::instance().arm(armed);
        };
        std::vector<std::optional<Error>> errors(kThreads);
        std::vector<std::optional<Receipt>> receipts(kThreads);
        std::vector<std::thread> threads;
        auto append = [&, nth](std::size_t i) {
          try {
            const std::string action = i == 0 ? "ok.alone" : "attempt." + std::to_string(nth) + "." + std::to_string(i);
            receipts[i] = tenants.at(names[i % names.size()]).append(make_event(action));
          } catch (const Error& e) {
            errors[i] = e;
          }
        };
        {
          std::unique_lock writer(state_->writer_mutex);
          threads.emplace_back(append, 0);
          while (!(commits.leading() && commits.queued() == 0)) std::this_thread::yield();
          for (std::size_t i = 1; i < kThreads; ++i) threads.emplace_back(append, i);
          while (commits.queued() != kThreads - 1) std::this_thread::yield();
        }
        for (std::thread& t : threads) t.join();
        commits.before_commit = nullptr;
        // The first batch committed whatever happened to the second.
        EXPECT_FALSE(errors[0].has_value()) << errors[0]->what();
        ASSERT_TRUE(receipts[0].has_value());
        EXPECT_EQ(tenants.at(names[0]).read(receipts[0]->seq).hash, receipts[0]->hash);
        // What a failed second batch must leave: the heads as they were, but
        // for the lone append's.
        EXPECT_EQ(receipts[0]->seq, before[names[0]].seq + 1);
        before[names[0]].seq = receipts[0]->seq;
        before[names[0]].hash = receipts[0]->hash;
        // The second batch failed or succeeded as a whole.
        std::size_t failed = 0;
        for (std::size_t i = 1; i < kThreads; ++i) {
          if (!errors[i]) continue;
          ++failed;
          expect_io_error(*errors[i]);
        }
        EXPECT_TRUE(failed == 0 || failed == kThreads - 1) << failed << " of " << kThreads - 1 << " failed";
        if (failed > 0) throw *errors[1];
        ++committed_batches;
      },
      [&](std::uint64_t nth, const Error& e) {
        expect_commit_error(e);
        expect_untouched(ledger, before, "attempt." + std::to_string(nth) + ".", nth);
        for (const std::string& n : names) {
          const Receipt r = tenants.at(n).append(make_event("ok.after"));
          EXPECT_EQ(r.seq, before[n].seq + 1);
          EXPECT_EQ(tenants.at(n).read(r.seq).prev_hash, before[n].hash);
        }
      });
  EXPECT_GE(positions, 1u);
  EXPECT_EQ(committed_batches, 1u);
  ledger.close();
  const VerifyReport report = verify(path());
  EXPECT_TRUE(report.valid());
  // Before: 3. Per failed position: the lone append and one per tenant after.
  // The last position: the lone append and the whole batch.
  EXPECT_EQ(report.entries_valid(), 3 + positions * (1 + names.size()) + kThreads);
}

// ---- checkpoints and seals -----------------------------------------------------

TEST_P(FaultTest, AFailedCheckpointOrSealStoresNothing) {
  const SignerKey key = SignerKey::generate("audit.example.com");
  Ledger ledger = Ledger::open(path());
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  acme.append(make_event("ok.before"));
  VerifyOptions with_key;
  with_key.keys.push_back(key.verifier());
  for (const bool seal : {false, true}) {
    SCOPED_TRACE(seal ? "seal" : "checkpoint");
    std::size_t stored = acme.checkpoints().size();
    ChainHead before;
    const std::uint64_t positions = each_position(
        FaultTarget::kAnyFile,
        [&](std::uint64_t) {
          before = acme.head();
          if (seal) {
            acme.seal(Timestamp::now(), key);
          } else {
            acme.checkpoint(key);
          }
        },
        [&](std::uint64_t nth, const Error& e) {
          expect_commit_error(e);
          EXPECT_EQ(acme.checkpoints().size(), stored);
          EXPECT_EQ(raw_number(path(), "SELECT count(*) FROM checkpoints"), static_cast<long long>(stored));
          if (seal) {
            EXPECT_EQ(raw_value(path(), "SELECT count(sealed_through) FROM checkpoints"), "0");
          }
          expect_untouched(ledger, {{"acme", before}}, "attempt.", nth);
          // Checkpoints go on, and appends still chain.
          acme.checkpoint(key);
          ++stored;
          acme.append(make_event("ok.after"));
        });
    EXPECT_GE(positions, 1u);
    EXPECT_EQ(acme.checkpoints().size(), stored + 1);
    const VerifyReport report = verify(path(), with_key);
    EXPECT_TRUE(report.valid());
  }
  // A seal holds once stored: an event occurring inside it is refused.
  Event late = make_event("ok.late");
  late.occurred_at = Timestamp::parse("2020-01-01T00:00:00Z");
  EXPECT_AUDITCHAIN_ERROR(acme.append(late), ErrorCode::kSealed, "occurred_at");
}

// Automatic checkpoints run after the append's commit; a failure there does
// not undo or fail the append, and the next append checkpoints again.
TEST_P(FaultTest, AFailedAutomaticCheckpointLeavesTheAppendDurable) {
  auto key = std::make_shared<const SignerKey>(SignerKey::generate("audit.example.com"));
  OpenOptions options;
  options.checkpoint_signer = key;
  options.checkpoint_every_entries = 1;
  Ledger ledger = Ledger::open(path(), options);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  acme.append(make_event("ok.before"));
  std::uint64_t appended = 1;
  std::uint64_t checkpoint_failures = 0;
  std::uint64_t append_failures = 0;
  for (std::uint64_t nth = 1; nth <= kMaxPositions; ++nth) {
    const FaultPlan p = plan(nth);
    SCOPED_TRACE(testing::describe(p));
    const ChainHead before = acme.head();
    const std::size_t checkpoints_before = acme.checkpoints().size();
    std::optional<Receipt> receipt;
    {
      ScopedFault fault(p);
      try {
        receipt = acme.append(make_event("attempt." + std::to_string(nth) + ".x"));
      } catch (const Error& e) {
        expect_io_error(e);
      }
    }
    if (vfs().injected() == 0) {
      ASSERT_TRUE(receipt.has_value());
      ++appended;
      EXPECT_EQ(acme.checkpoints().size(), checkpoints_before + 1);
      break;
    }
    if (receipt) {
      // The fault hit the checkpoint: the entry stands, no checkpoint of it.
      ++appended;
      ++checkpoint_failures;
      EXPECT_EQ(acme.read(receipt->seq).hash, receipt->hash);
      EXPECT_EQ(acme.checkpoints().size(), checkpoints_before);
    } else {
      ++append_failures;
      expect_untouched(ledger, {{"acme", before}}, "attempt." + std::to_string(nth) + ".", nth);
    }
    // The next append checkpoints its own head.
    const Receipt r = acme.append(make_event("ok.after"));
    ++appended;
    EXPECT_EQ(acme.checkpoints().back().tree_size, r.seq);
  }
  EXPECT_GE(append_failures, 1u);
  EXPECT_GE(checkpoint_failures, 1u);
  std::cout << "[ positions ] " << GetParam().name << ": " << append_failures << " failed the append, "
            << checkpoint_failures << " failed only its checkpoint\n";
  ledger.close();
  VerifyOptions with_key;
  with_key.keys.push_back(key->verifier());
  const VerifyReport report = verify(path(), with_key);
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), appended);
}

// ---- creating a ledger ----------------------------------------------------------

TEST_P(FaultTest, AFailedCreationLeavesAFileThatOpensLater) {
  std::uint64_t nth = 1;
  for (; nth <= kMaxPositions; ++nth) {
    const FaultPlan p = plan(nth);
    SCOPED_TRACE(testing::describe(p));
    const std::string file = dir_.file("new-" + std::to_string(nth) + ".ledger");
    bool opened = false;
    {
      ScopedFault fault(p);
      try {
        Ledger ledger = Ledger::open(file);
        opened = true;
      } catch (const Error& e) {
        expect_io_error(e);
      }
    }
    if (vfs().injected() == 0) {
      EXPECT_TRUE(opened);
      std::cout << "[ positions ] " << GetParam().name << ": " << nth - 1 << " positions met by creating a ledger\n";
      break;
    }
    // The open either failed, leaving at most an empty database, or
    // succeeded with the fault only in closing; either way it opens now.
    Ledger ledger = Ledger::open(file);
    EXPECT_EQ(ledger.id().size(), 32u);
    ledger.tenant("acme", TenantMode::kCreateIfMissing).append(make_event("ok.first"));
    ledger.close();
    const VerifyReport report = verify(file);
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.entries_valid(), 1u);
  }
  EXPECT_GT(nth, 1u);
}

// ---- the write-ahead log's checkpoint and closing --------------------------------

// Copying the log into the database file also truncates it: these tests run
// with truncation faults too.
class LogCheckpointFaultTest : public FaultTest {};

// Closing copies the write-ahead log into the database file (a WAL
// checkpoint). When that fails, close() still releases the file, the log
// stays, and the next open finds every committed entry.
TEST_P(LogCheckpointFaultTest, AFailedLogCheckpointOnCloseLosesNothing) {
  std::uint64_t appended = 0;
  std::uint64_t failed_closes = 0;
  std::uint64_t nth = 1;
  for (; nth <= kMaxPositions; ++nth) {
    const FaultPlan p = plan(nth);
    SCOPED_TRACE(testing::describe(p));
    {
      Ledger ledger = Ledger::open(path());
      TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
      for (int i = 0; i < 3; ++i) acme.append(make_event("ok.entry"));
      appended += 3;
      ScopedFault fault(p);
      ledger.close();  // never throws
    }
    const bool hit = vfs().injected() > 0;
    failed_closes += hit;
    EXPECT_EQ(std::filesystem::exists(path() + "-wal"), hit) << "the log stays exactly when it could not be copied";
    const VerifyReport report = verify(path());
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.entries_valid(), appended);
    EXPECT_EQ(raw_value(path(), "PRAGMA integrity_check"), "ok");
    if (!hit) break;
  }
  std::cout << "[ positions ] " << GetParam().name << ": " << failed_closes << " positions failed the close\n";
  EXPECT_GE(failed_closes, 1u);
  Ledger reopened = Ledger::open(path());
  EXPECT_EQ(reopened.tenant("acme").head().seq, appended);
}

// SQLite copies the log into the database file on its own once the log is
// long (a checkpoint after the commit). An append whose commit succeeded
// stands even when that copy fails, on the database file alone.
TEST_P(LogCheckpointFaultTest, AppendsSucceedWhileTheDatabaseFileRefusesWrites) {
  Ledger ledger = Ledger::open(path());
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  std::uint64_t appended = 0;
  {
    FaultPlan p = plan(1, FaultTarget::kMainDb);
    p.sticky = true;
    ScopedFault fault(p);
    // Until the log passes SQLite's automatic checkpoint (1000 pages), and on.
    int after_first_failure = 10;
    for (int i = 0; i < 1000 && after_first_failure > 0; ++i) {
      std::vector<Event> events;
      for (int j = 0; j < 20; ++j) {
        Event e = make_event("ok.entry");
        e.metadata["padding"] = std::string(1000, 'x');
        events.push_back(std::move(e));
      }
      appended += acme.append_batch(events).size();
      if (vfs().injected() > 0) --after_first_failure;
    }
    EXPECT_GE(vfs().injected(), 1u) << "no automatic checkpoint was attempted";
  }
  EXPECT_EQ(acme.head().seq, appended);
  ledger.close();
  const VerifyReport report = verify(path());
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), appended);
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultTest, ::testing::Values(kDiskFull, kWriteError, kSyncError), kind_name);
INSTANTIATE_TEST_SUITE_P(Faults, LogCheckpointFaultTest,
                         ::testing::Values(kDiskFull, kWriteError, kSyncError, kTruncateError), kind_name);

}  // namespace
}  // namespace auditchain
