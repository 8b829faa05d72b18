// export_benchmark.cc — export throughput against reading the same rows raw.
//
// The limit is what any export must at least do: read every exported row's
// bytes from SQLite, in order. It is measured in the same process, on the same
// file, interleaved with the export, and the ratio of the two is reported
// (target: at least 0.5 for JSON Lines and for CSV at 1M entries). The export
// writes into a sink that counts and discards, so the disk is not measured.
//
// The ledger holds one tenant of 100k or 1M realistic entries. Every export
// appends a data.export entry, so the exports run on a working copy, and take
// seq 1..N so that each run exports the same entries.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "auditchain/export.hpp"
#include "bench_data.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kTenant = "acme";

// A working copy of the one-tenant ledger of `entries` entries, made once per run.
const std::string& working_copy(std::int64_t entries) {
  static std::map<std::int64_t, std::string> copies;
  auto it = copies.find(entries);
  if (it != copies.end()) return it->second;
  const std::string& pristine = bench::ledger("export-g1", entries, {kTenant});
  const std::string copy = (fs::path(bench::data_dir()) / ("export-work-" + std::to_string(entries) + ".ledger")).string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy + suffix);
  fs::copy_file(pristine, copy);
  return copies.emplace(entries, copy).first->second;
}

// Counts what is written and keeps none of it.
class CountingBuffer : public std::streambuf {
 public:
  std::uint64_t bytes() const { return bytes_; }

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes_ += static_cast<std::uint64_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++bytes_;
    return traits_type::not_eof(c);
  }

 private:
  std::uint64_t bytes_ = 0;
};

// The limit: the rows' bytes read from SQLite in seq order. Returns the rows read.
std::int64_t raw_read(const std::string& path, std::int64_t entries) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* s = nullptr;
  const char* sql =
      "SELECT seq, hash, body FROM entries WHERE tenant_id = (SELECT id FROM tenants WHERE name = ?1)"
      " AND seq BETWEEN 1 AND ?2 ORDER BY seq";
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(message);
  }
  sqlite3_bind_text(s, 1, kTenant, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, entries);
  std::int64_t rows = 0;
  std::uint64_t bytes = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    bytes += static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
    const void* hash = sqlite3_column_blob(s, 1);
    bytes += static_cast<std::uint64_t>(sqlite3_column_bytes(s, 1)) + (hash != nullptr);
    const void* body = sqlite3_column_blob(s, 2);
    bytes += static_cast<std::uint64_t>(sqlite3_column_bytes(s, 2)) + (body != nullptr);
    ++rows;
  }
  benchmark::DoNotOptimize(bytes);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

std::int64_t run_export(const std::string& path, std::int64_t entries, auditchain::ExportFormat format) {
  auditchain::OpenOptions open;
  open.create_if_missing = false;
  open.durability = auditchain::Durability::kNormal;
  auditchain::Ledger ledger = auditchain::Ledger::open(path, open);
  auditchain::TenantLedger tenant = ledger.tenant(kTenant);
  auditchain::ExportOptions options;
  options.filter.seq_from = 1;
  options.filter.seq_to = static_cast<std::uint64_t>(entries);
  options.exported_by.id = "bench:export";
  CountingBuffer sink;
  std::ostream out(&sink);
  const auditchain::ExportSummary summary = auditchain::export_entries(tenant, format, out, options);
  benchmark::DoNotOptimize(sink.bytes());
  return static_cast<std::int64_t>(summary.entries);
}

void check_count(benchmark::State& state, std::int64_t got, std::int64_t want) {
  if (got != want) {
    state.SkipWithError(("got " + std::to_string(got) + " rows, expected " + std::to_string(want)).c_str());
  }
}

// Raw read and export alternate within each iteration, in turn first and
// second, so that both see the same machine. The ratio reported is the
// median of the iterations' ratios; min and max show the spread.
void BM_ExportToRawRead(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const auto format = static_cast<auditchain::ExportFormat>(state.range(1));
  const std::string& path = working_copy(n);
  bench::warm(path);
  const auto timed = [](auto&& run) {
    const auto start = Clock::now();
    run();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  double raw_s = 0;
  double export_s = 0;
  std::vector<double> ratios;
  for (auto _ : state) {
    const auto one_raw = [&] { check_count(state, raw_read(path, n), n); };
    const auto one_export = [&] { check_count(state, run_export(path, n, format), n); };
    double r, e;
    if (ratios.size() % 2 == 0) {
      r = timed(one_raw);
      e = timed(one_export);
    } else {
      e = timed(one_export);
      r = timed(one_raw);
    }
    raw_s += r;
    export_s += e;
    ratios.push_back(r / e);
  }
  std::sort(ratios.begin(), ratios.end());
  const double rounds = static_cast<double>(state.iterations());
  state.SetLabel(auditchain::export_format_name(format));
  state.counters["raw_rows_per_s"] = static_cast<double>(n) * rounds / raw_s;
  state.counters["export_rows_per_s"] = static_cast<double>(n) * rounds / export_s;
  state.counters["export_to_raw"] = ratios[ratios.size() / 2];
  state.counters["export_to_raw_min"] = ratios.front();
  state.counters["export_to_raw_max"] = ratios.back();
}

void BM_ExportPeakMemory(benchmark::State& state) {
  const auto format = static_cast<auditchain::ExportFormat>(state.range(0));
  const std::string& small = working_copy(bench::k100k);
  const std::string& large = working_copy(bench::k1M);
  double small_mib = 0;
  double large_mib = 0;
  for (auto _ : state) {
    small_mib = bench::peak_growth_mib([&] { run_export(small, bench::k100k, format); });
    large_mib = bench::peak_growth_mib([&] { run_export(large, bench::k1M, format); });
  }
  if (small_mib <= 0 || large_mib < 0) state.SkipWithError("could not measure the peak resident memory");
  state.SetLabel(auditchain::export_format_name(format));
  state.counters["peak_growth_100k_MiB"] = small_mib;
  state.counters["peak_growth_1M_MiB"] = large_mib;
  state.counters["growth_1M_to_100k"] = small_mib > 0 ? large_mib / small_mib : 0;
}

constexpr std::int64_t kJsonLines = static_cast<std::int64_t>(auditchain::ExportFormat::kJsonLines);
constexpr std::int64_t kCsv = static_cast<std::int64_t>(auditchain::ExportFormat::kCsv);

BENCHMARK(BM_ExportToRawRead)
    ->ArgsProduct({{bench::k100k}, {kJsonLines, kCsv}})
    ->ArgNames({"entries", "format"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(9);
BENCHMARK(BM_ExportToRawRead)
    ->ArgsProduct({{bench::k1M}, {kJsonLines, kCsv}})
    ->ArgNames({"entries", "format"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(9);
BENCHMARK(BM_ExportPeakMemory)
    ->Arg(kJsonLines)
    ->Arg(kCsv)
    ->ArgName("format")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
