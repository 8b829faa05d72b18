// ledger_state.hpp — what an open Ledger holds, shared by its handles.
//
// Connections: one writer (guarded by writer_mutex; appends run one
// transaction at a time per process, and BEGIN IMMEDIATE serialises them
// across processes) and a pool of read-only connections lent to readers and
// cursors, so that reading never waits for a commit.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auditchain/ledger.hpp"
#include "merkle.hpp"
#include "vault.hpp"
#include "group_commit.hpp"
#include "sqlite.hpp"

namespace auditchain::detail {

struct LedgerState;

// A read-only connection borrowed from the pool; returned on destruction.
class ReaderLease {
 public:
  ReaderLease(std::shared_ptr<LedgerState> owner, std::unique_ptr<Database> db);
  ReaderLease(ReaderLease&&) noexcept = default;
  ReaderLease& operator=(ReaderLease&&) noexcept = default;
  ~ReaderLease();
  Database& db() { return *db_; }

 private:
  std::shared_ptr<LedgerState> owner_;
  std::unique_ptr<Database> db_;
};

struct LedgerState : std::enable_shared_from_this<LedgerState> {
  std::string path;
  OpenOptions options;
  std::string ledger_id;
  int format_version = 0;
  std::atomic<bool> closed{false};
  // Benchmarks only: append without maintaining the Merkle tree, to measure
  // what the tree costs. A ledger written so does not verify.
  bool maintain_tree = true;

  std::mutex writer_mutex;
  std::unique_ptr<Database> writer;  // null when read-only or closed
  // Appends go through it; it takes writer_mutex for each batch.
  std::unique_ptr<GroupCommit> commits;

  std::mutex tenant_locks_mutex;
  std::map<std::string, std::unique_ptr<std::mutex>, std::less<>> tenant_locks;

  // The chain tip and Merkle frontier of each tenant as of the last commit
  // of this process; reused when the head read in a transaction matches, so
  // an append need not re-read the tree. Guarded by the tenant's lock.
  struct Tip {
    std::uint64_t seq = 0;
    Hash hash;
    merkle::Frontier frontier;
  };
  std::mutex tips_mutex;
  std::map<std::int64_t, Tip> tips;

  // The master keys given, and those added by rotation.
  mutable std::mutex keys_mutex;
  std::vector<std::shared_ptr<const MasterKey>> ring() const {
    std::lock_guard lock(keys_mutex);
    return options.master_keys;
  }

  std::mutex readers_mutex;
  std::vector<std::unique_ptr<Database>> idle_readers;

  // Throws Error(kClosed) once the ledger is closed.
  void check_open() const;
  // The in-process writer lock of one tenant.
  std::mutex& tenant_lock(std::string_view tenant);
  // Lends a read-only connection (opening one when none is idle).
  ReaderLease reader();
  std::unique_ptr<Database> open_reader() const;
};

// The tenant's id, or -1 when it does not exist.
std::int64_t find_tenant(Database& db, std::string_view name);

// The smallest seq of `tenant_id` whose recorded time is >= `t` (relies on
// recorded times never decreasing, which verify checks); head+1 when none.
std::uint64_t first_seq_at_or_after(Database& db, std::int64_t tenant_id, Timestamp t);

// The tenant's head as stored (seq 0 when empty; the caller supplies genesis).
struct StoredHead {
  std::uint64_t seq = 0;
  Hash hash;
  std::optional<Timestamp> recorded_at;
};
StoredHead read_head(Database& db, std::int64_t tenant_id);

// The id of tenant `name`, creating it (with its genesis value) when missing.
// REQUIRES: a write transaction is open on `db`.
std::int64_t ensure_tenant(LedgerState& state, Database& db, std::string_view name);

// The latest end of a sealed period of the tenant, if any seal exists.
std::optional<Timestamp> sealed_through(Database& db, std::int64_t tenant_id);

// The tenant's Merkle frontier at `head`: from this process's cache when it
// matches, else read from the file.
merkle::Frontier load_frontier(LedgerState& state, std::int64_t tenant_id, Database& db, const StoredHead& head);

// Signs and stores a checkpoint of the tenant's head (a seal when
// `seal_through` is set). REQUIRES: the tenant's lock and the writer mutex held.
Checkpoint write_checkpoint(LedgerState& state, const std::string& tenant, const SignerKey& key,
                            std::optional<Timestamp> seal_through);

// Writes a checkpoint when the ledger's automatic-checkpoint options call for
// one. REQUIRES: as write_checkpoint.
void maybe_auto_checkpoint(LedgerState& state, std::int64_t tenant_id, const std::string& tenant);

// The tenant's stored checkpoints, oldest first.
std::vector<Checkpoint> stored_checkpoints(Database& db, std::int64_t tenant_id);

// The tenant's keys under the ledger's current master key, registering the
// first key given when the ledger has none yet. Throws Error(kWrongKey).
// REQUIRES: a write transaction is open on `db`.
TenantKeys current_tenant_keys(LedgerState& state, Database& db, std::string_view tenant);

// Throws Error(kWrongKey) when the ledger has master keys and none of `ring` is one.
void check_master_keys(Database& db, const std::vector<std::shared_ptr<const MasterKey>>& ring, const std::string& path);

// Builds an Entry from a stored row of `tenant`. Throws Error(kCorrupt) when the
// bytes cannot be decoded or name another tenant or position: a handle never
// returns another tenant's data, even from a tampered file.
class Revealer;
Entry entry_from_row(const std::string& tenant, std::uint64_t seq, std::string_view hash, std::string_view body,
                     Revealer& revealer);

}  // namespace auditchain::detail
