// auditchain/ledger.hpp — opening a ledger file, tenants, appending and reading.
//
// A ledger is one SQLite database file holding any number of tenants. Each
// tenant has its own hash chain: entries numbered 1, 2, 3, ... with no gaps,
// each holding the hash of the one before it. Every read and write goes through
// a TenantLedger, a handle bound to one tenant: nothing reached through it
// belongs to another tenant.
//
//   auto ledger = auditchain::Ledger::open("audit.db");
//   auto acme = ledger.tenant("acme", auditchain::TenantMode::kCreateIfMissing);
//   auditchain::Event e;
//   e.action = "invoice.create";
//   e.actor.id = "u:alice";
//   auto receipt = acme.append(e);   // durable when it returns (by default)
//
// Thread safety: a Ledger and the TenantLedger handles made from it may be
// used from many threads at once. Several processes may open the same file;
// appends to one tenant are serialised by a per-tenant lock in the process and
// by SQLite's writer lock across processes, and UNIQUE(tenant, seq) in the
// schema makes a fork of a chain impossible even for a writer that bypasses
// both. An EntryCursor is used by one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/checkpoint.hpp"
#include "auditchain/entry.hpp"
#include "auditchain/error.hpp"
#include "auditchain/visibility.hpp"
#include "auditchain/protect.hpp"
#include "auditchain/timestamp.hpp"
#include "auditchain/verify.hpp"

namespace auditchain {

// How hard a commit works to survive a crash. See docs/FORMAT.md "Durability".
enum class Durability {
  // Default. Every append is flushed to stable storage (WAL, synchronous=FULL)
  // before it returns: an acknowledged entry survives a power cut.
  kFull,
  // WAL, synchronous=NORMAL. An acknowledged entry survives the application
  // crashing, but a power cut or operating-system crash may lose the entries
  // acknowledged since the last WAL checkpoint (the chain stays valid: the
  // ledger rolls back to an earlier, consistent head).
  kNormal,
  // synchronous=OFF. No flushes at all. A power cut or operating-system crash
  // may lose recent entries or corrupt the file; for tests and bulk imports
  // that can be redone.
  kOff,
};

struct OpenOptions {
  // Create the file (and the schema) if it does not exist. Default: true.
  bool create_if_missing = true;
  // Open read-only; every append fails with kReadOnly. Default: false.
  bool read_only = false;
  // Default: Durability::kFull.
  Durability durability = Durability::kFull;
  // How long an append waits for another process's write transaction before
  // failing with kBusy. Default: 5 seconds.
  std::chrono::milliseconds busy_timeout{5000};
  // Automatic checkpoints. With a signer, after an append the ledger signs and
  // stores a checkpoint of the tenant once `checkpoint_every_entries` entries
  // (0: never by count) or `checkpoint_interval` (0: never by time) have
  // passed since the tenant's last checkpoint. Default: no signer, none.
  std::shared_ptr<const SignerKey> checkpoint_signer;
  std::uint64_t checkpoint_every_entries = 0;
  std::chrono::seconds checkpoint_interval{0};
  // Master keys for protected values (protect.hpp): the ledger's current key
  // to write them, and any older keys to read values written under them.
  // When the ledger already has keys and none of these is one of them, open()
  // fails with kWrongKey. Default: none (protected values read as markers,
  // and appending one fails with kWrongKey).
  std::vector<std::shared_ptr<const MasterKey>> master_keys;
  // Group commit: appends made at the same time by several threads (to any
  // tenants) share one transaction and one flush. Each append still returns
  // only once its entries are durable, chains keep their order, and a failed
  // commit fails exactly the appends that were in it. At most
  // `group_commit_max_batch` appends share a commit (default 256; 1 turns
  // sharing off). Before it commits, the thread that leads a commit waits
  // up to `group_commit_wait` (default 500 µs; 0: never) while appends other
  // threads have already begun are not yet queued — still validating their
  // events, or just returning from the previous commit — so that a steady
  // set of appending threads shares each flush. With no other append under
  // way it does not wait: a lone append is never delayed.
  std::size_t group_commit_max_batch = 256;
  std::chrono::microseconds group_commit_wait{500};
};

enum class TenantMode {
  kMustExist,        // an unknown tenant is an error (kNotFound)
  kCreateIfMissing,  // the tenant is created now if it does not exist
  // The tenant is created by its first successful append, in the same
  // transaction, so a refused first event leaves no trace. Until then the
  // handle reads as an empty tenant.
  kCreateOnAppend,
};

// The newest entry of a tenant's chain; seq 0 and the genesis value when empty.
struct ChainHead {
  std::uint64_t seq = 0;
  Hash hash;
  std::optional<Timestamp> recorded_at;  // unset when the chain is empty
};

// Filters for TenantLedger::entries(). All set filters must match.
struct Query {
  std::uint64_t seq_from = 1;                  // inclusive
  std::optional<std::uint64_t> seq_to;         // inclusive
  std::optional<Timestamp> recorded_from;      // inclusive
  std::optional<Timestamp> recorded_to;        // exclusive
  std::optional<std::string> action_prefix;    // "invoice." matches "invoice.update"
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> actor_id;
  bool sensitive_only = false;
  bool high_risk_only = false;
  std::uint64_t limit = 0;                     // 0: no limit
};

namespace detail {
struct LedgerState;
struct CursorState;
class Database;
}  // namespace detail

// Streams the entries matching a Query in seq order, one at a time; memory
// does not grow with the number of entries. It reads one consistent snapshot
// of the ledger: entries appended after it was made are not seen.
class AUDITCHAIN_API EntryCursor {
 public:
  EntryCursor(EntryCursor&&) noexcept;
  EntryCursor& operator=(EntryCursor&&) noexcept;
  ~EntryCursor();

  // Stores the next matching entry in `out` and returns true, or returns false
  // when there are no more. Throws Error (kCorrupt when stored bytes cannot be
  // decoded, kIo on read failure).
  bool next(Entry& out);

  // Input-iterator support: for (const Entry& e : cursor) { ... }
  class iterator {
   public:
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(EntryCursor* c) : cursor_(c) { ++*this; }
    const Entry& operator*() const { return entry_; }
    const Entry* operator->() const { return &entry_; }
    iterator& operator++() {
      if (cursor_ && !cursor_->next(entry_)) cursor_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.cursor_ == b.cursor_; }

   private:
    EntryCursor* cursor_ = nullptr;
    Entry entry_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  friend class TenantLedger;
  explicit EntryCursor(std::unique_ptr<detail::CursorState> state);
  std::unique_ptr<detail::CursorState> state_;
};

// A handle bound to one tenant. Cheap to copy; stays usable while the Ledger
// it came from is open (afterwards every call fails with kClosed).
class AUDITCHAIN_API TenantLedger {
 public:
  TenantLedger(const TenantLedger& other);
  TenantLedger& operator=(const TenantLedger& other);

  const std::string& name() const noexcept { return name_; }

  // Validates `event`, links it to the tenant's chain and stores it.
  // Returns the receipt once the entry is committed (durable under the
  // ledger's Durability). If event.idempotency_key was already used in this
  // tenant, writes nothing and returns the first entry's receipt with
  // duplicate = true.
  // Throws Error: kInvalidArgument (field() names the field; nothing written),
  // kBusy, kReadOnly, kIo, kClosed.
  Receipt append(const Event& event);

  // Appends `events` in order in one transaction: all are stored, or none.
  // Every event is validated before anything is written; a batch in which any
  // event names another tenant is refused as a whole. Within a batch, an
  // idempotency key already used (or repeated in the batch) yields a
  // duplicate receipt for that event and stores nothing for it.
  // Returns one receipt per event, in order.
  std::vector<Receipt> append_batch(std::span<const Event> events);

  // The entry with sequence number `seq`. Throws Error(kNotFound) when the
  // tenant has no such entry, kCorrupt when its bytes cannot be decoded.
  Entry read(std::uint64_t seq) const;

  // The entries matching `query`, in seq order. See EntryCursor.
  EntryCursor entries(const Query& query = {}) const;

  // The newest entry of the chain (seq 0 and the genesis value when empty).
  ChainHead head() const;

  // The value entry 1 links to: SHA-256 over the ledger id and tenant name
  // (docs/FORMAT.md "Genesis").
  Hash genesis() const;

  // ---- Merkle tree, checkpoints, seals (see checkpoint.hpp) ----

  // The RFC 6962 root of the tree of the first `size` entries (default: all).
  // Throws Error(kInvalidArgument) when size exceeds the head.
  Hash merkle_root(std::optional<std::uint64_t> size = std::nullopt) const;

  // Signs the current head with `key`, stores the checkpoint in the ledger
  // (append-only like the entries) and returns it. Throws kReadOnly, kBusy, kIo.
  Checkpoint checkpoint(const SignerKey& key);

  // Closes the period up to and including `through` with a signed checkpoint
  // of the current head. Afterwards an append whose occurred_at is at or
  // before `through` fails with kSealed. Throws kInvalidArgument when
  // `through` is in the future or earlier than an existing seal.
  Checkpoint seal(Timestamp through, const SignerKey& key);

  // The stored checkpoints of this tenant, oldest first.
  std::vector<Checkpoint> checkpoints() const;

  // ---- Protected values (see protect.hpp) ----

  // Erases a data subject: destroys its data key, so every value encrypted
  // for it becomes unrecoverable (hashes and proofs stay valid), and records
  // the erasure as an entry of action "data.erase" by `actor`. Needs every
  // master key the subject's values were written under. Returns that entry's
  // receipt; its metadata says how many keys were destroyed.
  Receipt erase_subject(std::string_view subject, const Actor& actor);

  // Sets the tenant's retention period: protected values recorded more than
  // `days` days ago may be purged. Recorded as an entry "retention.set".
  Receipt set_retention(std::uint32_t days, const Actor& actor);
  std::optional<std::uint32_t> retention() const;

  // Destroys the day keys older than the retention period (as of `now`), so
  // those values become unrecoverable; recorded as an entry "data.purge".
  // Throws kInvalidArgument when the tenant has no retention period.
  Receipt purge_expired(const Actor& actor, std::optional<Timestamp> now = std::nullopt);

  // True when `candidate` is the secret committed at `pointer` of entry `seq`
  // (e.g. "/metadata/token"). Needs the master key; compares in constant time.
  bool secret_matches(std::uint64_t seq, std::string_view pointer, std::string_view candidate) const;

  // The inclusion proof of entry `seq` in the tree of `tree_size` entries.
  // Default size: the newest stored checkpoint that covers `seq`, else the
  // head. The proof embeds a stored checkpoint of exactly that size if any.
  // Throws kNotFound (no such entry) or kInvalidArgument (size out of range).
  InclusionProof prove_inclusion(std::uint64_t seq, std::optional<std::uint64_t> tree_size = std::nullopt) const;

  // The consistency proof between the trees of `old_size` and `new_size`
  // entries (default: the head). Throws kInvalidArgument unless
  // 1 <= old_size <= new_size <= head.
  ConsistencyProof prove_consistency(std::uint64_t old_size, std::optional<std::uint64_t> new_size = std::nullopt) const;

  // For the library's own layers (exports).
  const std::shared_ptr<detail::LedgerState>& state() const { return state_; }

 private:
  friend class Ledger;
  TenantLedger(std::shared_ptr<detail::LedgerState> state, std::int64_t tenant_id, std::string name);
  // The tenant's row id, looked up again while the tenant does not exist yet
  // (kCreateOnAppend); -1 until it does.
  std::int64_t id(detail::Database& db) const;
  // Appends in one transaction; `hook`, when given, runs inside it before the
  // entries are written and may adjust them (erasure, retention, purges).
  using AppendHook = std::function<void(detail::Database&, std::int64_t tenant_id, std::vector<Event>&)>;
  std::vector<Receipt> append_events(std::span<const Event> events, const AppendHook* hook);
  // Writes prepared events inside the open write transaction of a group
  // commit; returns the tenant's id. Throws to refuse them all.
  std::int64_t write_events(detail::Database& db, std::vector<Event> prepared, const AppendHook* hook,
                            std::vector<Receipt>& receipts);
  std::shared_ptr<detail::LedgerState> state_;
  mutable std::atomic<std::int64_t> tenant_id_;
  std::string name_;
};

// Progress of a backup's copy: database pages copied so far, of
// `pages_total` (the snapshot's size, the same in every call). The last call
// has pages_done == pages_total; verifying the copy reports through
// BackupOptions::verify.progress.
struct BackupProgress {
  std::uint64_t pages_done = 0;
  std::uint64_t pages_total = 0;
};

struct BackupOptions {
  // Replace a file already at the destination. Default: false.
  bool overwrite = false;
  // How the copy is verified once written: hashing threads, verifier keys,
  // trusted checkpoints, progress. The whole copy is always verified, so
  // `tenants`, `from` and `to` must stay empty (kInvalidArgument otherwise).
  VerifyOptions verify;
  // Called after each step of the copy, from the calling thread. May be
  // empty. An exception it throws stops the backup (nothing is left behind)
  // and reaches the caller.
  std::function<void(const BackupProgress&)> progress;
};

// What a backup wrote and what verifying it found.
struct BackupReport {
  std::string source;        // the ledger file copied
  std::string path;          // the copy
  std::uint64_t bytes = 0;   // the copy's size
  std::uint64_t pages = 0;   // SQLite pages copied
  // The copy's verification, every tenant: entries and head per tenant, and
  // the findings. Its path is the copy's.
  VerifyReport verification;
  // True when the copy verified; only then is there a file at `path`.
  bool valid() const noexcept { return verification.valid(); }
};

class AUDITCHAIN_API Ledger {
 public:
  // Opens the ledger file at `path`, creating it when allowed and missing.
  // Throws Error: kNotFound (missing, create_if_missing false), kNotALedger
  // (a file that is not an auditchain ledger), kUnsupportedVersion (written
  // by a newer auditchain), kIo, kBusy.
  static Ledger open(const std::string& path, const OpenOptions& options = {});

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  // Closes the ledger (see close()).
  ~Ledger();

  // The ledger's random, permanent id: 32 lowercase hex digits.
  const std::string& id() const;
  const std::string& path() const;
  // The on-disk format version (PRAGMA user_version).
  int format_version() const;

  // The names of all tenants, sorted.
  std::vector<std::string> tenants() const;

  // Makes `key` the ledger's current master key: new protected values are
  // written under it; values written under older keys stay readable while
  // those keys are also given. Throws kReadOnly, kBusy, kIo.
  void rotate_master_key(std::shared_ptr<const MasterKey> key);

  // The ids of the master keys the ledger has used, oldest first; the last
  // is the current one.
  std::vector<std::string> master_key_ids() const;

  // A handle to tenant `name`. With kMustExist an unknown tenant fails with
  // kNotFound; with kCreateIfMissing it is created. A name must be 1..128
  // bytes of UTF-8 without control characters (kInvalidArgument otherwise).
  TenantLedger tenant(std::string_view name, TenantMode mode = TenantMode::kMustExist);

  // Copies the ledger to the file `dest` while other threads and processes go
  // on appending: the copy is one consistent snapshot, taken with SQLite's
  // backup API from a read connection of its own. It is written under a
  // temporary name in dest's directory as a self-contained database (no -wal
  // file needed), flushed to disk, verified in full, and only then renamed to
  // `dest` (and the directory flushed), so that nothing at `dest` is ever a
  // partial or unverified copy. Works on a read-only Ledger too.
  // Returns the report. When the copy does not verify (the ledger itself has
  // findings), it is removed and the report's valid() is false: nothing is
  // left at `dest` and an existing file there is untouched.
  // Throws Error with field "dest": kAlreadyExists (a file at `dest` without
  // options.overwrite), kInvalidArgument (dest is the ledger or one of its
  // -wal, -shm, -journal files, or a directory, or has a -wal or -journal file
  // beside it that SQLite would apply to the copy), kIo (dest's directory
  // cannot be written); kInvalidArgument with field "verify.<member>" (see
  // BackupOptions); kClosed. Nothing is left behind on failure.
  [[nodiscard]] BackupReport backup(const std::string& dest, const BackupOptions& options = {}) const;

  // Releases the file. Safe to call twice. Afterwards every call on this
  // Ledger and its TenantLedger handles fails with kClosed; cursors already
  // open keep their snapshot until destroyed.
  void close();

  // For the library's own layers (verifier, checkpoints, exports).
  const std::shared_ptr<detail::LedgerState>& state() const { return state_; }

 private:
  explicit Ledger(std::shared_ptr<detail::LedgerState> state);
  std::shared_ptr<detail::LedgerState> state_;
};

// The genesis value of `tenant` in the ledger with id `ledger_id`
// (docs/FORMAT.md "Genesis").
AUDITCHAIN_API Hash genesis_hash(std::string_view ledger_id, std::string_view tenant);

// Checks a tenant name without touching any ledger: 1..128 bytes of UTF-8
// without control characters. Throws Error(kInvalidArgument, ..., "tenant").
AUDITCHAIN_API void check_tenant_name(std::string_view name);

}  // namespace auditchain
