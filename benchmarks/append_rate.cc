// append_rate.cc — batched appends from C++, the limit the bindings are held against.
//
//   append_rate LEDGER [--entries N] [--batch N] [--durability full|normal|off]
//
// Appends N realistic events (bench_data.hpp) to tenant "acme" of a new
// ledger at LEDGER in batches, and prints one JSON object:
//   {"entries": N, "batch": B, "durability": "off", "seconds": S, "entries_per_second": R}
// Only the append_batch() calls are timed; the events are made beforehand,
// as a host application has its events at hand. benchmarks/python_append_benchmark.py
// runs it and the same workload through the Python package.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "bench_data.hpp"

namespace {

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr, "append_rate: %s\nusage: append_rate LEDGER [--entries N] [--batch N] "
                       "[--durability full|normal|off]\n", message);
  std::exit(2);
}

std::int64_t positive(const char* text) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < 1) usage("counts must be whole numbers of 1 or more");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage("no ledger path");
  const std::string path = argv[1];
  std::int64_t entries = bench::k100k;
  std::int64_t batch = 1000;
  std::string durability = "off";
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("an option lacks its value");
    if (arg == "--entries") {
      entries = positive(argv[++i]);
    } else if (arg == "--batch") {
      batch = positive(argv[++i]);
    } else if (arg == "--durability") {
      durability = argv[++i];
    } else {
      usage("unknown option");
    }
  }
  auditchain::OpenOptions options;
  if (durability == "full") {
    options.durability = auditchain::Durability::kFull;
  } else if (durability == "normal") {
    options.durability = auditchain::Durability::kNormal;
  } else if (durability == "off") {
    options.durability = auditchain::Durability::kOff;
  } else {
    usage("--durability must be full, normal or off");
  }
  if (std::filesystem::exists(path)) usage("the ledger file exists already; give a new path");

  try {
    std::vector<std::vector<auditchain::Event>> batches;
    for (std::int64_t done = 0; done < entries;) {
      auto& b = batches.emplace_back();
      for (std::int64_t k = 0; k < batch && done < entries; ++k, ++done) b.push_back(bench::realistic_event(done));
    }
    auditchain::Ledger ledger = auditchain::Ledger::open(path, options);
    auditchain::TenantLedger acme = ledger.tenant("acme", auditchain::TenantMode::kCreateIfMissing);
    const auto start = std::chrono::steady_clock::now();
    for (const auto& b : batches) acme.append_batch(b);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"entries\":%lld,\"batch\":%lld,\"durability\":\"%s\",\"seconds\":%.6f,\"entries_per_second\":%.1f}\n",
                static_cast<long long>(entries), static_cast<long long>(batch), durability.c_str(), seconds,
                static_cast<double>(entries) / seconds);
  } catch (const auditchain::Error& e) {
    std::fprintf(stderr, "append_rate: %s\n", e.what());
    return 1;
  }
  return 0;
}
