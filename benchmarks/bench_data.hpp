// bench_data.hpp — the ledgers the benchmarks run on, and measuring memory.
//
// Ledgers are built on first use and kept in the data directory (beside the
// programs, or $AUDITCHAIN_BENCH_DATA); a file with another number of
// entries, or written under another schema, is rebuilt.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "auditchain/entry.hpp"

namespace bench {

constexpr std::int64_t k100k = 100'000;
constexpr std::int64_t k1M = 1'000'000;

std::string data_dir();

// An event of the size and shape a business application records: who, from
// where, what record, its state before and after, an amount.
auditchain::Event realistic_event(std::int64_t i);

// A ledger of `entries` realistic entries spread over `tenants` in batches of
// 1,000, named "<name>-<entries>.ledger". Change `name` whenever the events
// change, so that old files are not taken for new ones.
const std::string& ledger(const std::string& name, std::int64_t entries, std::initializer_list<const char*> tenants);

// The number `sql` (a SELECT count(*) ...) gives, ?1, ?2, ... bound to
// `params`; -1 when the file cannot be read.
long long count_rows(const std::string& path, const char* sql, const std::vector<std::string>& params = {});

// Reads the file once so that every measurement starts from the page cache.
void warm(const std::string& path);

// Peak resident memory `work` adds, in MiB, measured in a child process so
// that neither the benchmark's own allocations nor an earlier run count;
// -1 when it cannot be measured (or `work` throws).
double peak_growth_mib(const std::function<void()>& work);

}  // namespace bench
