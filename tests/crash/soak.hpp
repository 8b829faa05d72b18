// soak.hpp — the soak test's worker process, as seen by its coordinator.
//
// A worker opens the ledger and runs its threads against it, each mixing
// appends (single and batch, with and without idempotency keys, to tenants
// shared by both processes, to its process's tenant and to its own), reads,
// cursor queries, verify() runs and checkpoints, checking every answer as it
// goes. It ends by printing what it did on stdout:
//
//   appended <tenant> <entries stored>
//   op <kind> <count>
//   errors <count>
//
// and exits 0 when there was no error, 1 otherwise (the errors themselves go
// to stderr).
#pragma once

#include <cstdint>
#include <string>

namespace auditchain::soak {

struct WorkerSettings {
  std::string ledger;
  std::string key;            // signer key file for checkpoints
  std::uint64_t process = 0;  // 0, 1, ...: names the process's tenants and actors
  std::uint64_t threads = 8;
  std::uint64_t seconds = 0;  // run for this long, or
  std::uint64_t ops = 0;      // this many operations per thread (when seconds is 0)
  std::uint64_t seed = 1;
  // Test of the test: report one entry more than was stored in shared-0, as
  // a library losing an acknowledged entry would look to the coordinator.
  bool overcount = false;
};

// Runs a worker; returns its exit status.
int run_worker(const WorkerSettings& settings);

// The tenants every process writes to.
inline const char* const kSharedTenants[] = {"shared-0", "shared-1"};

}  // namespace auditchain::soak
