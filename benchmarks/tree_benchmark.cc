// tree_benchmark.cc — what the Merkle tree costs at append, and how fast
// proofs are served from a large ledger.
//
//   build/benchmarks/tree_benchmark
//
// Appends are measured with and without maintaining the tree in the same
// process, on entries of the same size, in batches of 1000 with
// synchronous=OFF so that CPU work, not the disk flush, is compared.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "auditchain/auditchain.hpp"
#include "ledger_state.hpp"

namespace {

using namespace auditchain;

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

// One ledger of 1M entries, built once per run.
TenantLedger& big_tenant() {
  static std::unique_ptr<Ledger> ledger;
  static std::unique_ptr<TenantLedger> tenant;
  if (!tenant) {
    OpenOptions o;
    o.durability = Durability::kOff;
    ledger = std::make_unique<Ledger>(Ledger::open(scratch("million.ledger"), o));
    tenant = std::make_unique<TenantLedger>(ledger->tenant("acme", TenantMode::kCreateIfMissing));
    std::vector<Event> batch;
    for (int i = 0; i < 1000; ++i) batch.push_back(sample_event(i));
    for (int i = 0; i < 1000; ++i) tenant->append_batch(batch);
  }
  return *tenant;
}

void BM_InclusionProofAt1M(benchmark::State& state) {
  TenantLedger& t = big_tenant();
  std::mt19937_64 rng(6962);
  std::uniform_int_distribution<std::uint64_t> seq(1, 1'000'000);
  for (auto _ : state) benchmark::DoNotOptimize(t.prove_inclusion(seq(rng)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProofAt1M)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProofAt1M(benchmark::State& state) {
  TenantLedger& t = big_tenant();
  std::mt19937_64 rng(9162);
  std::uniform_int_distribution<std::uint64_t> size(1, 999'999);
  for (auto _ : state) benchmark::DoNotOptimize(t.prove_consistency(size(rng), 1'000'000));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProofAt1M)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
