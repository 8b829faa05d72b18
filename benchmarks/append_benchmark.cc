// append_benchmark.cc — appends against raw SQLite inserts of rows of the
// same size, measured in the same process, alternating round by round.
//
// The limits:
//   - a raw one-row transaction: INSERT of one row as large as an entry's row
//     (its bytes, hash and query columns), in WAL mode with synchronous=FULL,
//     committed on its own — one flush;
//   - raw batched inserts: 100 or 1,000 such rows per transaction.
// The library:
//   - a single durable append from one thread (Durability::kFull);
//   - durable appends from 8 threads at once, which group commit gathers;
//   - append_batch of 100 and of 1,000 events, durable.
// Ratios reported are medians of the rounds' ratios, with min and max; beside
// them, SHA-256 of an entry's bytes per second in the same process (each
// append hashes its bytes twice).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "bench_data.hpp"
#include "ledger_state.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string scratch(const std::string& name) {
  const fs::path dir = fs::path(bench::data_dir()) / "append-scratch";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  return path;
}

// A realistic entry's bytes, as the library writes them.
const std::string& entry_bytes() {
  static const std::string bytes = [] {
    const std::string path = scratch("size.ledger");
    auditchain::OpenOptions o;
    o.durability = auditchain::Durability::kOff;
    auditchain::Ledger ledger = auditchain::Ledger::open(path, o);
    auditchain::TenantLedger t = ledger.tenant("acme", auditchain::TenantMode::kCreateIfMissing);
    const auditchain::Receipt r = t.append(bench::realistic_event(1));
    return t.read(r.seq).bytes;
  }();
  return bytes;
}

// The size of a realistic entry's row: its bytes and hash plus the query columns.
std::size_t entry_row_bytes() {
  const auditchain::Event e = bench::realistic_event(1);
  return entry_bytes().size() + auditchain::Hash::kSize + e.action.size() + e.actor.id.size() + 27 + 24;
}

// SHA-256 of an entry's bytes per second, one thread, with the library's
// implementation: each append hashes its bytes twice (the entry hash and the
// Merkle leaf).
double sha256_rate() {
  const std::string& bytes = entry_bytes();
  constexpr int kRounds = 20'000;
  const auto start = Clock::now();
  for (int i = 0; i < kRounds; ++i) benchmark::DoNotOptimize(auditchain::sha256(bytes));
  return kRounds / std::chrono::duration<double>(Clock::now() - start).count();
}

class RawTable {
 public:
  explicit RawTable(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
    exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    if (sqlite3_prepare_v2(db_, "INSERT INTO rows (body) VALUES (?1)", -1, &insert_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    body_.assign(entry_row_bytes(), 'x');
  }
  ~RawTable() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }
  // `rows` rows in one transaction.
  void commit(std::size_t rows) {
    exec("BEGIN");
    for (std::size_t i = 0; i < rows; ++i) {
      body_[i % body_.size()] = static_cast<char>('a' + i % 26);
      sqlite3_bind_blob(insert_, 1, body_.data(), static_cast<int>(body_.size()), SQLITE_STATIC);
      if (sqlite3_step(insert_) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
      sqlite3_reset(insert_);
    }
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::string body_;
};

double seconds(const std::function<void()>& work) {
  const auto start = Clock::now();
  work();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Rows per second of raw transactions of `rows_per_commit` rows.
double raw_rate(std::size_t commits, std::size_t rows_per_commit) {
  RawTable table(scratch("raw.db"));
  table.commit(1);  // the table exists and the WAL is started before timing
  return static_cast<double>(commits * rows_per_commit) /
         seconds([&] {
           for (std::size_t i = 0; i < commits; ++i) table.commit(rows_per_commit);
         });
}

auditchain::Ledger durable_ledger(const std::string& name) {
  auditchain::OpenOptions o;
  o.durability = auditchain::Durability::kFull;
  return auditchain::Ledger::open(scratch(name), o);
}

// Entries per second of `threads` threads each appending `per_thread` single
// events, durably, to tenants of their own.
double append_rate(unsigned threads, std::size_t per_thread, std::size_t* commits = nullptr) {
  auditchain::Ledger ledger = durable_ledger("appends.ledger");
  std::vector<auditchain::TenantLedger> tenants;
  for (unsigned t = 0; t < threads; ++t) {
    tenants.push_back(ledger.tenant("t" + std::to_string(t), auditchain::TenantMode::kCreateIfMissing));
    tenants.back().append(bench::realistic_event(0));
  }
  const std::size_t commits_before = ledger.state()->commits->commits();
  std::atomic<bool> go{false};
  const double s = seconds([&] {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        for (std::size_t i = 0; i < per_thread; ++i) tenants[t].append(bench::realistic_event(static_cast<std::int64_t>(i)));
      });
    }
    go = true;
    for (std::thread& th : pool) th.join();
  });
  if (commits) *commits = ledger.state()->commits->commits() - commits_before;
  return static_cast<double>(threads * per_thread) / s;
}

// Entries per second of append_batch with batches of `batch` events.
double batch_rate(std::size_t batches, std::size_t batch) {
  auditchain::Ledger ledger = durable_ledger("batches.ledger");
  auditchain::TenantLedger t = ledger.tenant("acme", auditchain::TenantMode::kCreateIfMissing);
  std::vector<auditchain::Event> events;
  for (std::size_t i = 0; i < batch; ++i) events.push_back(bench::realistic_event(static_cast<std::int64_t>(i)));
  t.append_batch(std::span(events.data(), 1));
  return static_cast<double>(batches * batch) / seconds([&] {
           for (std::size_t i = 0; i < batches; ++i) t.append_batch(events);
         });
}

// Runs `limit` and `library` alternately, in turn first; reports rates and
// the median ratio library / limit.
void compare(benchmark::State& state, const std::function<double()>& limit, const std::function<double()>& library,
             const char* limit_name, const char* library_name) {
  std::vector<double> ratios;
  double limit_sum = 0, library_sum = 0;
  for (auto _ : state) {
    double l, r;
    if (ratios.size() % 2 == 0) {
      l = limit();
      r = library();
    } else {
      r = library();
      l = limit();
    }
    limit_sum += l;
    library_sum += r;
    ratios.push_back(r / l);
  }
  std::sort(ratios.begin(), ratios.end());
  const double n = static_cast<double>(ratios.size());
  state.counters[limit_name] = limit_sum / n;
  state.counters[library_name] = library_sum / n;
  state.counters["ratio"] = ratios[ratios.size() / 2];
  state.counters["ratio_min"] = ratios.front();
  state.counters["ratio_max"] = ratios.back();
  state.counters["sha256_per_s"] = sha256_rate();
}

// Target ≥ 0.9: a durable append costs about one flush, as a raw commit does.
void BM_SingleAppendToRawCommit(benchmark::State& state) {
  compare(state, [] { return raw_rate(300, 1); }, [] { return append_rate(1, 300); }, "raw_commits_per_s",
          "appends_per_s");
}

// Target ≥ 14: eight threads' appends share commits.
void BM_GroupCommit8ToRawCommit(benchmark::State& state) {
  std::size_t commits = 0;
  compare(state, [] { return raw_rate(300, 1); }, [&] { return append_rate(8, 150, &commits); },
          "raw_commits_per_s", "appends_per_s");
  state.counters["appends_per_commit"] = 8.0 * 150.0 / static_cast<double>(std::max<std::size_t>(commits, 1));
}

// Target ≥ 0.6 for 1,000.
void BM_BatchToRawBatch(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::size_t batches = 50'000 / batch;
  compare(state, [&] { return raw_rate(batches, batch); }, [&] { return batch_rate(batches, batch); },
          "raw_rows_per_s", "entries_per_s");
}

BENCHMARK(BM_SingleAppendToRawCommit)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_GroupCommit8ToRawCommit)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_BatchToRawBatch)->Arg(100)->Arg(1000)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
