// verify_benchmark.cc — verify throughput against the raw ceiling of the same rows.
//
// The ceiling is what any verifier must at least do: read every row verify
// reads, in the same order, and SHA-256 every entry's bytes. It is measured in
// the same process, on the same files, interleaved with verify, so that the
// ratio between the two depends neither on the machine nor on how busy it is.
//
// Ledgers of 100k and 1M entries over four tenants (bench_data.hpp).
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "bench_data.hpp"

namespace {

using Clock = std::chrono::steady_clock;

using bench::k100k;
using bench::k1M;
using bench::warm;

// ---- the ledgers -------------------------------------------------------------

// The generation in the name changes whenever bench::realistic_event() does.
const std::string& ledger(std::int64_t entries) {
  return bench::ledger("verify-g2", entries, {"acme", "globex", "initech", "umbrella"});
}

// ---- the raw ceiling ---------------------------------------------------------

constexpr std::size_t kChunk = 2048;

// The rows of one chunk: bodies and stored hashes copied into one arena, so
// that another thread can hash them while the next chunk is read.
struct Chunk {
  std::string arena;
  std::vector<std::size_t> body_at, body_len, hash_at;
  std::size_t size() const { return body_at.size(); }
  void clear() {
    arena.clear();
    body_at.clear();
    body_len.clear();
    hash_at.clear();
  }
};

class RawScan {
 public:
  explicit RawScan(const std::string& path) {
    // One thread uses the connection: no locking, as in verify.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    exec("BEGIN");
    sqlite3_stmt* s = prepare("SELECT id FROM tenants ORDER BY name");
    while (sqlite3_step(s) == SQLITE_ROW) tenants_.push_back(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    // The same statement and order as verify.
    rows_ = prepare(
        "SELECT seq, recorded_at, action, actor_id, target_type, target_id, flags, idempotency_key, hash, body"
        " FROM entries WHERE tenant_id = ?1 AND seq >= 1 ORDER BY seq, rowid");
  }
  ~RawScan() {
    sqlite3_finalize(rows_);
    exec("COMMIT");
    sqlite3_close(db_);
  }

  // Steps to the next row of all tenants in turn; false when done.
  bool step() {
    for (;;) {
      if (active_ && sqlite3_step(rows_) == SQLITE_ROW) {
        // Read every column verify reads, the way it reads them: seq and
        // flags as integers, the others as text.
        benchmark::DoNotOptimize(sqlite3_column_int64(rows_, 0));
        benchmark::DoNotOptimize(sqlite3_column_int64(rows_, 6));
        for (int c : {1, 2, 3, 4, 5, 7}) {
          benchmark::DoNotOptimize(sqlite3_column_text(rows_, c));
          benchmark::DoNotOptimize(sqlite3_column_bytes(rows_, c));
        }
        return true;
      }
      // Stepping a finished statement would start it over.
      active_ = false;
      if (next_tenant_ == tenants_.size()) return false;
      sqlite3_reset(rows_);
      sqlite3_bind_int64(rows_, 1, tenants_[next_tenant_++]);
      active_ = true;
    }
  }
  std::string_view hash() const { return column(8); }
  std::string_view body() const { return column(9); }

  bool fill(Chunk& chunk) {
    chunk.clear();
    while (chunk.size() < kChunk && step()) {
      chunk.hash_at.push_back(chunk.arena.size());
      chunk.arena += hash();
      chunk.body_at.push_back(chunk.arena.size());
      chunk.body_len.push_back(body().size());
      chunk.arena += body();
    }
    return chunk.size() > 0;
  }

 private:
  std::string_view column(int c) const {
    const void* p = sqlite3_column_blob(rows_, c);
    return {static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(rows_, c))};
  }
  void exec(const char* sql) { sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    return s;
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* rows_ = nullptr;
  std::vector<std::int64_t> tenants_;
  std::size_t next_tenant_ = 0;
  bool active_ = false;
};

bool hash_matches(std::string_view body, std::string_view stored) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  return stored.size() == sizeof h && std::memcmp(h, stored.data(), sizeof h) == 0;
}

// One thread: read a row, hash it, next row. Returns the rows that matched.
std::int64_t ceiling_one_thread(const std::string& path) {
  RawScan scan(path);
  std::int64_t ok = 0;
  while (scan.step()) ok += hash_matches(scan.body(), scan.hash()) ? 1 : 0;
  return ok;
}

// Several threads: the main thread reads chunk k+1 while the helpers hash
// chunk k, then joins them; rows are taken one by one from a shared counter,
// so no thread idles while another has rows left.
std::int64_t ceiling_threads(const std::string& path, unsigned threads) {
  struct Job {
    const Chunk* chunk = nullptr;
    std::atomic<std::size_t> next{0};
    std::atomic<std::int64_t> ok{0};
    void work() {
      std::int64_t good = 0;
      const Chunk& c = *chunk;
      for (std::size_t i; (i = next.fetch_add(1)) < c.size();) {
        good +=
            hash_matches({c.arena.data() + c.body_at[i], c.body_len[i]}, {c.arena.data() + c.hash_at[i], 32}) ? 1 : 0;
      }
      ok += good;
    }
  };
  RawScan scan(path);
  std::mutex m;
  std::condition_variable cv;
  Job* job = nullptr;
  unsigned long job_number = 0;
  unsigned busy = 0;
  bool stop = false;
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) {
    helpers.emplace_back([&] {
      unsigned long seen = 0;
      std::unique_lock lock(m);
      for (;;) {
        cv.wait(lock, [&] { return stop || (job != nullptr && job_number != seen); });
        if (stop) return;
        seen = job_number;
        Job* mine = job;
        ++busy;
        lock.unlock();
        mine->work();
        lock.lock();
        --busy;
        cv.notify_all();
      }
    });
  }
  std::int64_t ok = 0;
  Chunk chunks[2];
  int current = 0;
  bool have = scan.fill(chunks[current]);
  while (have) {
    Job j;
    j.chunk = &chunks[current];
    {
      std::lock_guard lock(m);
      job = &j;
      ++job_number;
    }
    cv.notify_all();
    have = scan.fill(chunks[1 - current]);
    j.work();
    {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return busy == 0; });
      job = nullptr;
    }
    ok += j.ok;
    current = 1 - current;
  }
  {
    std::lock_guard lock(m);
    stop = true;
  }
  cv.notify_all();
  for (std::thread& h : helpers) h.join();
  return ok;
}

std::int64_t ceiling(const std::string& path, unsigned threads) {
  return threads <= 1 ? ceiling_one_thread(path) : ceiling_threads(path, threads);
}

std::int64_t run_verify(const std::string& path, unsigned jobs) {
  auditchain::VerifyOptions options;
  options.jobs = jobs;
  const auditchain::VerifyReport report = auditchain::verify(path, options);
  if (!report.valid()) throw std::runtime_error("the benchmark ledger does not verify");
  return static_cast<std::int64_t>(report.entries_valid());
}

// ---- benchmarks --------------------------------------------------------------

void check_count(benchmark::State& state, std::int64_t got, std::int64_t want) {
  if (got != want) {
    state.SkipWithError(("checked " + std::to_string(got) + " rows, expected " + std::to_string(want)).c_str());
  }
}

void BM_Ceiling(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const auto threads = static_cast<unsigned>(state.range(1));
  const std::string& path = ledger(n);
  warm(path);
  for (auto _ : state) check_count(state, ceiling(path, threads), n);
  state.counters["entries_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Verify(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const auto jobs = static_cast<unsigned>(state.range(1));
  const std::string& path = ledger(n);
  warm(path);
  for (auto _ : state) check_count(state, run_verify(path, jobs), n);
  state.counters["entries_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// Ceiling and verify alternate within each iteration, in turn first and
// second, so that both see the same machine: on a shared machine its speed
// drifts by more than the difference being measured. The ratio reported is
// the median of the iterations' ratios; min and max show the spread.
void BM_VerifyToCeiling(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const auto threads = static_cast<unsigned>(state.range(1));
  const std::string& path = ledger(n);
  warm(path);
  double ceiling_s = 0;
  double verify_s = 0;
  std::vector<double> ratios;
  const auto timed = [](auto&& run) {
    const auto start = Clock::now();
    run();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  for (auto _ : state) {
    const auto one_ceiling = [&] { check_count(state, ceiling(path, threads), n); };
    const auto one_verify = [&] { check_count(state, run_verify(path, threads), n); };
    double c, v;
    if (ratios.size() % 2 == 0) {
      c = timed(one_ceiling);
      v = timed(one_verify);
    } else {
      v = timed(one_verify);
      c = timed(one_ceiling);
    }
    ceiling_s += c;
    verify_s += v;
    ratios.push_back(c / v);
  }
  std::sort(ratios.begin(), ratios.end());
  const double rounds = static_cast<double>(state.iterations());
  state.counters["ceiling_entries_per_s"] = static_cast<double>(n) * rounds / ceiling_s;
  state.counters["verify_entries_per_s"] = static_cast<double>(n) * rounds / verify_s;
  state.counters["verify_to_ceiling"] = ratios[ratios.size() / 2];
  state.counters["verify_to_ceiling_min"] = ratios.front();
  state.counters["verify_to_ceiling_max"] = ratios.back();
}

void BM_VerifyPeakMemory(benchmark::State& state) {
  const auto jobs = static_cast<unsigned>(state.range(0));
  const std::string& small = ledger(k100k);
  const std::string& large = ledger(k1M);
  double small_mib = 0;
  double large_mib = 0;
  for (auto _ : state) {
    small_mib = bench::peak_growth_mib([&] { run_verify(small, jobs); });
    large_mib = bench::peak_growth_mib([&] { run_verify(large, jobs); });
  }
  if (small_mib <= 0 || large_mib < 0) state.SkipWithError("could not measure the peak resident memory");
  state.counters["peak_growth_100k_MiB"] = small_mib;
  state.counters["peak_growth_1M_MiB"] = large_mib;
  state.counters["growth_1M_to_100k"] = small_mib > 0 ? large_mib / small_mib : 0;
}

// How much a second thread helps on this machine at all: SHA-256 of
// in-memory entry-sized buffers, split over the threads. On a machine whose
// cores are busy with other work this stays near 1, and so must every
// two-thread figure above.
void BM_HashScaling(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  constexpr std::size_t kBuffers = 100'000;
  const std::string buffer(650, 'x');
  for (auto _ : state) {
    std::vector<std::thread> pool;
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
      unsigned char h[crypto_hash_sha256_BYTES];
      while (next.fetch_add(1, std::memory_order_relaxed) < kBuffers) {
        crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(buffer.data()), buffer.size());
        benchmark::DoNotOptimize(h);
      }
    };
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }
  state.counters["hashes_per_s"] =
      benchmark::Counter(static_cast<double>(kBuffers), benchmark::Counter::kIsIterationInvariantRate);
}

void sizes_and_threads(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {k100k, k1M}) {
    for (std::int64_t t : {1, 2}) b->Args({n, t});
  }
  b->ArgNames({"entries", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
}

BENCHMARK(BM_HashScaling)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Ceiling)->Apply(sizes_and_threads)->Iterations(3);
BENCHMARK(BM_Verify)->Apply(sizes_and_threads)->Iterations(3);
BENCHMARK(BM_VerifyToCeiling)
    ->ArgsProduct({{k100k}, {1, 2}})
    ->ArgNames({"entries", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(15);
BENCHMARK(BM_VerifyToCeiling)
    ->ArgsProduct({{k1M}, {1, 2}})
    ->ArgNames({"entries", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(7);
BENCHMARK(BM_VerifyPeakMemory)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
