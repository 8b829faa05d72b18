// tree_benchmark.cc — what the Merkle tree costs at append, and how fast
// proofs are served from a 1M-entry ledger against reading the rows that hold
// a proof's path raw.
//
//   build/benchmarks/tree_benchmark
//
// Appends are measured with and without maintaining the tree in the same
// process, on entries of the same size, in batches of 1000 with
// synchronous=OFF so that CPU work, not the disk flush, is compared.
#include <benchmark/benchmark.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "auditchain/auditchain.hpp"
#include "bench_data.hpp"
#include "ledger_state.hpp"

namespace {

using namespace auditchain;
using Clock = std::chrono::steady_clock;

Event sample_event(int i) {
  Event e;
  e.action = "invoice.update";
  e.actor.id = "u:alice";
  e.actor.ip = "203.0.113.7";
  e.actor.session_id = "sess-7f3a";
  e.target = Target{"invoice", "INV-" + std::to_string(i)};
  e.before = R"({"status":"draft","total":"1250.00","customer":"Initech GmbH","lines":3})";
  e.after = R"({"status":"sent","total":"1350.00","customer":"Initech GmbH","lines":4})";
  e.amount = Amount{"1350.00", "EUR"};
  return e;
}

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "auditchain-bench";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

void append_batches(benchmark::State& state, bool tree) {
  OpenOptions o;
  o.durability = Durability::kOff;
  Ledger ledger = Ledger::open(scratch(tree ? "tree.ledger" : "notree.ledger"), o);
  ledger.state()->maintain_tree = tree;
  TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  std::vector<Event> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(sample_event(i));
  for (auto _ : state) t.append_batch(batch);
  state.SetItemsProcessed(state.iterations() * 1000);
}

void BM_AppendBatchWithTree(benchmark::State& state) { append_batches(state, true); }
void BM_AppendBatchWithoutTree(benchmark::State& state) { append_batches(state, false); }
BENCHMARK(BM_AppendBatchWithoutTree)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_AppendBatchWithTree)->Unit(benchmark::kMillisecond)->MinTime(3);

// Proofs are served from the 1M-entry ledger the export benchmark uses (one
// tenant, built once and kept in the benchmarks' data directory), opened
// read-only.
constexpr const char* kTenant = "acme";

Ledger& million() {
  static Ledger ledger = [] {
    const std::string& path = bench::ledger("export-g1", bench::k1M, {kTenant});
    bench::warm(path);
    OpenOptions o;
    o.read_only = true;
    return Ledger::open(path, o);
  }();
  return ledger;
}

// The least a prover can do with this storage: read the stored node of every
// complete sibling subtree on the entry's audit path — one primary-key
// lookup of a row's `merkle` column each (the node of subtree `index` at
// `level` is kept by entry (index + 1) << level), with a statement prepared once.
class RawLookups {
 public:
  explicit RawLookups(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    sqlite3_stmt* tenant = nullptr;
    sqlite3_prepare_v2(db_, "SELECT id FROM tenants WHERE name = ?1", -1, &tenant, nullptr);
    sqlite3_bind_text(tenant, 1, kTenant, -1, SQLITE_STATIC);
    const std::int64_t tenant_id = sqlite3_step(tenant) == SQLITE_ROW ? sqlite3_column_int64(tenant, 0) : -1;
    sqlite3_finalize(tenant);
    if (sqlite3_prepare_v2(db_, "SELECT merkle FROM entries WHERE tenant_id = ?1 AND seq = ?2", -1, &select_,
                           nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    sqlite3_bind_int64(select_, 1, tenant_id);
  }
  ~RawLookups() {
    sqlite3_finalize(select_);
    sqlite3_close(db_);
  }
  // Reads the rows holding the audit path of entry `seq` in a tree of `size`;
  // returns the bytes read.
  std::size_t read_path(std::uint64_t seq, std::uint64_t size) {
    const std::uint64_t leaf = seq - 1;
    std::size_t bytes = 0;
    for (unsigned level = 0; (std::uint64_t{1} << level) < size; ++level) {
      const std::uint64_t sibling = (leaf >> level) ^ 1;
      const std::uint64_t holder = (sibling + 1) << level;
      if (holder > size) continue;  // an incomplete subtree: a prover combines smaller nodes
      sqlite3_bind_int64(select_, 2, static_cast<std::int64_t>(holder));
      if (sqlite3_step(select_) == SQLITE_ROW) bytes += static_cast<std::size_t>(sqlite3_column_bytes(select_, 0));
      sqlite3_reset(select_);
    }
    return bytes;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
};

// Inclusion proofs of random entries against reading their paths raw, alternating in
// blocks of 2,000 so that both see the same machine; the ratio is the median
// of the blocks' (raw time / proof time).
void BM_InclusionProofToRawLookups(benchmark::State& state) {
  TenantLedger t = million().tenant(kTenant);
  RawLookups raw(bench::ledger("export-g1", bench::k1M, {kTenant}));
  std::mt19937_64 rng(6962);
  std::uniform_int_distribution<std::uint64_t> seq(1, bench::k1M);
  const auto size = static_cast<std::uint64_t>(bench::k1M);
  constexpr int kBlock = 2000;
  std::vector<double> ratios;
  double raw_s = 0, proof_s = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    for (int i = 0; i < kBlock; ++i) benchmark::DoNotOptimize(raw.read_path(seq(rng), size));
    const auto middle = Clock::now();
    for (int i = 0; i < kBlock; ++i) benchmark::DoNotOptimize(t.prove_inclusion(seq(rng)));
    const auto end = Clock::now();
    const double r = std::chrono::duration<double>(middle - start).count();
    const double p = std::chrono::duration<double>(end - middle).count();
    raw_s += r;
    proof_s += p;
    ratios.push_back(r / p);
  }
  std::sort(ratios.begin(), ratios.end());
  const double n = static_cast<double>(ratios.size()) * kBlock;
  state.counters["raw_paths_per_s"] = n / raw_s;
  state.counters["proofs_per_s"] = n / proof_s;
  state.counters["proof_to_raw"] = ratios[ratios.size() / 2];
  state.counters["proof_to_raw_min"] = ratios.front();
  state.counters["proof_to_raw_max"] = ratios.back();
}
BENCHMARK(BM_InclusionProofToRawLookups)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(9);

void BM_ConsistencyProofAt1M(benchmark::State& state) {
  TenantLedger t = million().tenant(kTenant);
  std::mt19937_64 rng(9162);
  std::uniform_int_distribution<std::uint64_t> size(1, bench::k1M - 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.prove_consistency(size(rng), static_cast<std::uint64_t>(bench::k1M)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProofAt1M)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
