// ledger.cc — opening a ledger, tenants, appending and reading one entry.
#include <algorithm>
#include <filesystem>
#include <limits>
#include <thread>
#include <unordered_map>

#include "auditchain/ledger.hpp"
#include "auditchain/version.hpp"
#include "entry_codec.hpp"
#include "ledger_state.hpp"
#include "merkle_store.hpp"
#include "protect_fields.hpp"
#include "schema.hpp"
#include "sha256.hpp"
#include "validate.hpp"

namespace auditchain {
namespace detail {

// ---- LedgerState ------------------------------------------------------------

ReaderLease::ReaderLease(std::shared_ptr<LedgerState> owner, std::unique_ptr<Database> db)
    : owner_(std::move(owner)), db_(std::move(db)) {}

ReaderLease::~ReaderLease() {
  if (!owner_ || !db_) return;
  std::lock_guard lock(owner_->readers_mutex);
  if (!owner_->closed && owner_->idle_readers.size() < 8) owner_->idle_readers.push_back(std::move(db_));
}

void LedgerState::check_open() const {
  if (closed) throw Error(ErrorCode::kClosed, "the ledger " + path + " is closed");
}

std::mutex& LedgerState::tenant_lock(std::string_view tenant) {
  std::lock_guard lock(tenant_locks_mutex);
  auto it = tenant_locks.find(tenant);
  if (it == tenant_locks.end()) it = tenant_locks.emplace(std::string(tenant), std::make_unique<std::mutex>()).first;
  return *it->second;
}

std::unique_ptr<Database> LedgerState::open_reader() const {
  auto db = std::make_unique<Database>(path, SQLITE_OPEN_READONLY);
  db->set_busy_timeout(options.busy_timeout);
  install_authorizer(*db);
  return db;
}

ReaderLease LedgerState::reader() {
  check_open();
  {
    std::lock_guard lock(readers_mutex);
    if (!idle_readers.empty()) {
      auto db = std::move(idle_readers.back());
      idle_readers.pop_back();
      return ReaderLease(shared_from_this(), std::move(db));
    }
  }
  return ReaderLease(shared_from_this(), open_reader());
}

std::int64_t find_tenant(Database& db, std::string_view name) {
  Statement s = db.cached("SELECT id FROM tenants WHERE name = ?1");
  s.bind(1, name);
  return s.step() ? s.column_int(0) : -1;
}

StoredHead read_head(Database& db, std::int64_t tenant_id) {
  Statement s = db.cached(
      "SELECT seq, hash, recorded_at FROM entries WHERE tenant_id = ?1 ORDER BY seq DESC LIMIT 1");
  s.bind(1, tenant_id);
  StoredHead head;
  if (!s.step()) return head;
  head.seq = static_cast<std::uint64_t>(s.column_int(0));
  const std::string_view hash = s.column_blob(1);
  if (hash.size() != Hash::kSize) throw Error(ErrorCode::kCorrupt, "the stored head hash is not 32 bytes; run verify");
  std::copy(hash.begin(), hash.end(), head.hash.bytes.begin());
  head.recorded_at = Timestamp::parse(s.column_text(2), "recorded_at");
  return head;
}

std::uint64_t first_seq_at_or_after(Database& db, std::int64_t tenant_id, Timestamp t) {
  Statement at = db.cached(
      "SELECT seq, recorded_at FROM entries WHERE tenant_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT 1");
  const std::string target = t.to_string();
  std::uint64_t lo = 1;
  std::uint64_t hi = read_head(db, tenant_id).seq + 1;  // answer lies in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    at.reset();
    at.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(mid));
    if (!at.step()) {
      hi = mid;
      continue;
    }
    const auto found = static_cast<std::uint64_t>(at.column_int(0));
    if (at.column_text(1) >= target) {
      hi = mid;
    } else {
      lo = found + 1;
    }
  }
  return lo;
}

std::optional<Timestamp> sealed_through(Database& db, std::int64_t tenant_id) {
  Statement s = db.cached("SELECT max(sealed_through) FROM checkpoints WHERE tenant_id = ?1");
  s.bind(1, tenant_id);
  if (!s.step() || s.column_is_null(0)) return std::nullopt;
  return Timestamp::parse(s.column_text(0), "sealed_through");
}

std::int64_t ensure_tenant(LedgerState& state, Database& db, std::string_view name) {
  std::int64_t id = find_tenant(db, name);
  if (id >= 0) return id;
  const Hash genesis = genesis_hash(state.ledger_id, name);
  Statement insert = db.prepare("INSERT INTO tenants (name, genesis, created_at) VALUES (?1, ?2, ?3)");
  insert.bind(1, name).bind_blob(2, genesis.bytes.data(), genesis.bytes.size());
  insert.bind(3, Timestamp::now().to_string()).run();
  return sqlite3_last_insert_rowid(db.get());
}

merkle::Frontier load_frontier(LedgerState& state, std::int64_t tenant_id, Database& db, const StoredHead& head) {
  {
    std::lock_guard lock(state.tips_mutex);
    auto it = state.tips.find(tenant_id);
    if (it != state.tips.end() && it->second.seq == head.seq && it->second.hash == head.hash) {
      return it->second.frontier;
    }
  }
  // Another process appended, or this is the first append here: read the
  // frontier's O(log n) nodes from the file.
  return MerkleStore(db, tenant_id).frontier(head.seq);
}

namespace {

const char* synchronous_pragma(Durability d) {
  switch (d) {
    case Durability::kFull: return "PRAGMA synchronous = FULL";
    case Durability::kNormal: return "PRAGMA synchronous = NORMAL";
    case Durability::kOff: return "PRAGMA synchronous = OFF";
  }
  return "PRAGMA synchronous = FULL";
}

[[noreturn]] void not_a_ledger(const std::string& path, const std::string& why) {
  throw Error(ErrorCode::kNotALedger, path + " is not an auditchain ledger (" + why + ")");
}

// Puts the file in WAL mode (a no-op when it is). The switch needs the file to
// itself for a moment, and SQLite answers "locked" at once, without waiting,
// when waiting could deadlock: as when several processes open a new ledger
// together and one is creating it. So it is tried again, briefly, until the
// connection's busy timeout.
void use_wal(Database& db, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kBusy || std::chrono::steady_clock::now() >= give_up) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Brings `db` to a usable, current ledger or throws. Creates the schema in an
// empty database when `may_create`.
void prepare_file(Database& db, const std::string& path, bool may_create, std::chrono::milliseconds busy_timeout) {
  FileKind kind;
  try {
    kind = classify(db);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotALedger) not_a_ledger(path, "not an SQLite database");
    // SQLite refusing the header or schema ("unsupported file format",
    // "malformed database schema"): a damaged file, not a bug; say which.
    if (e.code() == ErrorCode::kInternal || e.code() == ErrorCode::kCorrupt) {
      throw Error(ErrorCode::kCorrupt, path + " is damaged: " + e.what());
    }
    throw;
  }
  if (kind == FileKind::kForeign) not_a_ledger(path, "an SQLite database of another application");
  if (kind == FileKind::kEmpty) {
    if (!may_create) not_a_ledger(path, "the database is empty");
    use_wal(db, busy_timeout);
    Transaction tx(db, "BEGIN IMMEDIATE");
    // Another process may have created it between classify() and the lock.
    if (classify(db) == FileKind::kEmpty) create_schema(db);
    tx.commit();
  }
  const std::int64_t format = db.pragma_int("user_version");
  if (format > kFormatVersion) {
    throw Error(ErrorCode::kUnsupportedVersion,
                path + " has ledger format " + std::to_string(format) + "; this auditchain (" + std::string(auditchain::version()) +
                    ") reads formats up to " + std::to_string(kFormatVersion));
  }
  if (format < 1) not_a_ledger(path, "no format version");
}

}  // namespace

}  // namespace detail

using detail::Database;
using detail::LedgerState;
using detail::Statement;
using detail::Transaction;

// ---- Ledger -----------------------------------------------------------------

Ledger::Ledger(std::shared_ptr<LedgerState> state) : state_(std::move(state)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&& other) noexcept {
  if (this != &other) {
    close();
    state_ = std::move(other.state_);
  }
  return *this;
}
Ledger::~Ledger() { close(); }

Ledger Ledger::open(const std::string& path, const OpenOptions& options) {
  detail::ensure_sodium();
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists && (!options.create_if_missing || options.read_only)) {
    throw Error(ErrorCode::kNotFound, "no ledger file at " + path);
  }
  if (exists && std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::kInvalidArgument, path + " is a directory, not a ledger file", "path");
  }
  if (options.group_commit_max_batch == 0) {
    throw Error(ErrorCode::kInvalidArgument, "group_commit_max_batch: must be at least 1", "group_commit_max_batch");
  }
  if (options.group_commit_wait.count() < 0 || options.group_commit_wait > std::chrono::seconds(1)) {
    throw Error(ErrorCode::kInvalidArgument, "group_commit_wait: must be between 0 and 1 second", "group_commit_wait");
  }
  auto state = std::make_shared<LedgerState>();
  state->path = path;
  state->options = options;
  state->commits = std::make_unique<detail::GroupCommit>(options.group_commit_max_batch, options.group_commit_wait);

  if (options.read_only) {
    auto db = state->open_reader();
    detail::prepare_file(*db, path, false, options.busy_timeout);
    state->idle_readers.push_back(std::move(db));
  } else {
    auto db = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db->set_busy_timeout(options.busy_timeout);
    detail::prepare_file(*db, path, true, options.busy_timeout);
    detail::use_wal(*db, options.busy_timeout);
    db->exec(detail::synchronous_pragma(options.durability));
    // Destroyed data keys must not linger in free pages (crypto-shredding).
    db->exec("PRAGMA secure_delete = ON");
    detail::install_authorizer(*db);
    state->writer = std::move(db);
  }
  auto lease = state->reader();
  Statement s = lease.db().prepare("SELECT value FROM meta WHERE key = 'ledger_id'");
  if (!s.step()) throw Error(ErrorCode::kCorrupt, path + " has no ledger id; run verify");
  state->ledger_id = std::string(s.column_text(0));
  state->format_version = static_cast<int>(lease.db().pragma_int("user_version"));
  if (!options.master_keys.empty()) detail::check_master_keys(lease.db(), options.master_keys, path);
  return Ledger(std::move(state));
}

void Ledger::close() {
  if (!state_ || state_->closed.exchange(true)) return;
  // Readers go first: only the last connection to close checkpoints the WAL
  // into the main file, and a read-only connection cannot do that.
  {
    std::lock_guard lock(state_->readers_mutex);
    state_->idle_readers.clear();
  }
  std::lock_guard lock(state_->writer_mutex);
  state_->writer.reset();
}

const std::string& Ledger::id() const {
  state_->check_open();
  return state_->ledger_id;
}

const std::string& Ledger::path() const { return state_->path; }

int Ledger::format_version() const {
  state_->check_open();
  return state_->format_version;
}

std::vector<std::string> Ledger::tenants() const {
  auto lease = state_->reader();
  Statement s = lease.db().prepare("SELECT name FROM tenants ORDER BY name");
  std::vector<std::string> names;
  while (s.step()) names.emplace_back(s.column_text(0));
  return names;
}

TenantLedger Ledger::tenant(std::string_view name, TenantMode mode) {
  detail::check_tenant_name(name);
  {
    auto lease = state_->reader();
    const std::int64_t id = detail::find_tenant(lease.db(), name);
    if (id >= 0) return TenantLedger(state_, id, std::string(name));
  }
  if (mode == TenantMode::kMustExist) {
    throw Error(ErrorCode::kNotFound, "no tenant \"" + std::string(name) + "\" in " + state_->path, "tenant");
  }
  if (mode == TenantMode::kCreateOnAppend) return TenantLedger(state_, -1, std::string(name));
  std::lock_guard lock(state_->writer_mutex);
  state_->check_open();
  if (!state_->writer) throw Error(ErrorCode::kReadOnly, "cannot create a tenant: the ledger is open read-only");
  Database& db = *state_->writer;
  Transaction tx(db, "BEGIN IMMEDIATE");
  const std::int64_t id = detail::ensure_tenant(*state_, db, name);
  tx.commit();
  return TenantLedger(state_, id, std::string(name));
}

// ---- TenantLedger -----------------------------------------------------------

TenantLedger::TenantLedger(std::shared_ptr<LedgerState> state, std::int64_t tenant_id, std::string name)
    : state_(std::move(state)), tenant_id_(tenant_id), name_(std::move(name)) {}

TenantLedger::TenantLedger(const TenantLedger& other)
    : state_(other.state_), tenant_id_(other.tenant_id_.load()), name_(other.name_) {}

TenantLedger& TenantLedger::operator=(const TenantLedger& other) {
  state_ = other.state_;
  tenant_id_ = other.tenant_id_.load();
  name_ = other.name_;
  return *this;
}

std::int64_t TenantLedger::id(Database& db) const {
  std::int64_t current = tenant_id_.load();
  if (current < 0) {
    current = detail::find_tenant(db, name_);
    if (current >= 0) tenant_id_ = current;
  }
  return current;
}

Hash TenantLedger::genesis() const { return genesis_hash(state_->ledger_id, name_); }

ChainHead TenantLedger::head() const {
  auto lease = state_->reader();
  const detail::StoredHead stored = detail::read_head(lease.db(), id(lease.db()));
  ChainHead head;
  head.seq = stored.seq;
  head.hash = stored.seq == 0 ? genesis() : stored.hash;
  head.recorded_at = stored.recorded_at;
  return head;
}

Receipt TenantLedger::append(const Event& event) {
  return append_batch(std::span<const Event>(&event, 1)).front();
}

namespace {

[[noreturn]] void refuse_batch(std::size_t index, std::size_t size, const Error& e) {
  if (size == 1) throw e;
  throw Error(e.code(), "event " + std::to_string(index) + " of the batch: " + e.what() +
                            " (nothing in the batch was written)", e.field());
}

Receipt stored_receipt(const std::string& tenant, Statement& s) {
  Receipt r;
  r.tenant = tenant;
  r.seq = static_cast<std::uint64_t>(s.column_int(0));
  r.recorded_at = Timestamp::parse(s.column_text(1));
  const std::string_view hash = s.column_blob(2);
  if (hash.size() == Hash::kSize) std::copy(hash.begin(), hash.end(), r.hash.bytes.begin());
  r.duplicate = true;
  return r;
}

}  // namespace

std::vector<Receipt> TenantLedger::append_batch(std::span<const Event> events) {
  return append_events(events, nullptr);
}

std::vector<Receipt> TenantLedger::append_events(std::span<const Event> events, const AppendHook* hook) {
  if (events.empty()) return {};
  const detail::GroupCommit::UnderWay under_way(*state_->commits);
  if (events.size() > detail::Limits::kBatch) {
    throw Error(ErrorCode::kInvalidArgument,
                "a batch holds at most " + std::to_string(detail::Limits::kBatch) + " events", "batch");
  }
  // Everything that can be checked without the chain is checked before any lock.
  std::vector<Event> prepared;
  prepared.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    try {
      if (events[i].tenant && *events[i].tenant != name_) {
        throw Error(ErrorCode::kInvalidArgument,
                    "tenant: the event names tenant \"" + *events[i].tenant + "\" but is appended to \"" +
                        name_ + "\"",
                    "tenant");
      }
      prepared.push_back(detail::prepare_event(events[i]));
    } catch (const Error& e) {
      refuse_batch(i, events.size(), e);
    }
  }

  // Written by whichever thread leads the commit this request is part of
  // (group_commit.hpp), inside its transaction and holding the writer.
  std::vector<Receipt> receipts;
  std::int64_t tenant_id = -1;
  detail::AppendRequest request;
  request.write = [&](Database& db) {
    receipts.clear();
    tenant_id = write_events(db, std::move(prepared), hook, receipts);  // called once
  };
  request.after_commit = [&] { detail::maybe_auto_checkpoint(*state_, tenant_id, name_); };
  state_->check_open();
  state_->commits->submit(*state_, request);
  // Only now: a tenant created by a commit that failed does not exist, and
  // its row id may go to the next tenant created.
  tenant_id_ = tenant_id;
  return receipts;
}

std::int64_t TenantLedger::write_events(Database& db, std::vector<Event> prepared, const AppendHook* hook,
                                        std::vector<Receipt>& receipts) {
  const std::int64_t tenant_id = detail::ensure_tenant(*state_, db, name_);
  detail::StoredHead head = detail::read_head(db, tenant_id);
  if (head.seq == 0) head.hash = genesis();
  Timestamp now = Timestamp::now();
  if (head.recorded_at && *head.recorded_at > now) now = *head.recorded_at;  // never backwards
  // Seals only bear on events that say when they occurred.
  const bool any_occurred =
      std::any_of(prepared.begin(), prepared.end(), [](const Event& e) { return e.occurred_at.has_value(); });
  const std::optional<Timestamp> sealed = any_occurred ? detail::sealed_through(db, tenant_id) : std::nullopt;
  detail::merkle::Frontier frontier = detail::load_frontier(*state_, tenant_id, db, head);
  if (hook) (*hook)(db, tenant_id, prepared);
  std::optional<detail::TenantKeys> keys;
  for (const Event& e : prepared) {
    if (!keys && (!e.protect.encrypt.empty() || !e.protect.secret.empty())) {
      keys = detail::current_tenant_keys(*state_, db, name_);
    }
  }
  detail::RawFields raw;

  std::optional<Statement> find_key;
  if (std::any_of(prepared.begin(), prepared.end(), [](const Event& e) { return e.idempotency_key.has_value(); })) {
    find_key = db.cached("SELECT seq, recorded_at, hash FROM entries WHERE tenant_id = ?1 AND idempotency_key = ?2");
  }
  Statement insert = db.cached(
      "INSERT INTO entries (tenant_id, seq, recorded_at, action, actor_id, target_type, target_id, flags,"
      " idempotency_key, hash, body, merkle) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  std::vector<Hash> completed;
  std::string merkle_nodes;
  std::unordered_map<std::string, std::size_t> keys_in_batch;
  receipts.reserve(prepared.size());
  const std::string recorded_text = now.to_string();

  for (std::size_t i = 0; i < prepared.size(); ++i) {
    Event& e = prepared[i];
    if (e.idempotency_key) {
      find_key->reset();
      find_key->bind(1, tenant_id).bind(2, *e.idempotency_key);
      if (find_key->step()) {
        receipts.push_back(stored_receipt(name_, *find_key));
        continue;
      }
      if (auto it = keys_in_batch.find(*e.idempotency_key); it != keys_in_batch.end()) {
        Receipt r = receipts[it->second];
        r.duplicate = true;
        receipts.push_back(r);
        continue;
      }
    }
    const std::uint64_t seq = head.seq + 1;
    try {
      for (const auto& [ref, field] : {std::pair{e.derived_from, "derived_from"}, std::pair{e.overrides, "overrides"}}) {
        if (ref && *ref >= seq) {
          throw Error(ErrorCode::kInvalidArgument,
                      std::string(field) + ": entry " + std::to_string(*ref) + " does not exist yet in tenant \"" +
                          name_ + "\" (this entry would be " + std::to_string(seq) + ")",
                      field);
        }
      }
      if (sealed && e.occurred_at && *e.occurred_at <= *sealed) {
        throw Error(ErrorCode::kSealed,
                    "occurred_at: " + e.occurred_at->to_string() + " lies in a period of tenant \"" + name_ +
                        "\" sealed through " + sealed->to_string(),
                    "occurred_at");
      }
      raw.clear();
      if (keys) detail::apply_protection(e, raw, {db, tenant_id, state_->ledger_id, name_, *keys, now});
      detail::ChainFields chain{state_->ledger_id, name_, seq, head.hash, now};
      std::string bytes = detail::encode_entry(e, chain, &raw);
      if (bytes.size() > detail::Limits::kEntryBytes) {
        throw Error(ErrorCode::kInvalidArgument,
                    "entry: larger than " + std::to_string(detail::Limits::kEntryBytes) + " bytes", "entry");
      }
      const Hash hash = detail::sha256(bytes);
      insert.reset();
      insert.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(seq)).bind(3, recorded_text);
      insert.bind(4, e.action).bind(5, e.actor.id);
      if (e.target) {
        insert.bind(6, e.target->type).bind(7, e.target->id);
      }
      insert.bind(8, detail::flag_bits(e));
      if (e.idempotency_key) insert.bind(9, *e.idempotency_key);
      insert.bind_blob(10, hash.bytes.data(), hash.bytes.size());
      insert.bind_blob(11, bytes.data(), bytes.size());
      completed.clear();
      if (state_->maintain_tree) frontier.append(detail::merkle::leaf_hash(bytes), &completed);
      merkle_nodes.clear();
      for (const Hash& node : completed) merkle_nodes.append(reinterpret_cast<const char*>(node.bytes.data()), Hash::kSize);
      insert.bind_blob(12, merkle_nodes.data(), merkle_nodes.size());
      insert.run();
      if (e.idempotency_key) keys_in_batch.emplace(*e.idempotency_key, receipts.size());
      receipts.push_back(Receipt{name_, seq, now, hash, false});
      head.seq = seq;
      head.hash = hash;
    } catch (const Error& err) {
      refuse_batch(i, prepared.size(), err);
    }
  }
  // Kept before the commit: a tip is used only when the head read in a later
  // transaction matches it, so one whose commit failed is never used.
  {
    std::lock_guard lock(state_->tips_mutex);
    state_->tips[tenant_id] = detail::LedgerState::Tip{head.seq, head.hash, std::move(frontier)};
  }
  return tenant_id;
}


Entry TenantLedger::read(std::uint64_t seq) const {
  auto lease = state_->reader();
  Statement s = lease.db().cached("SELECT hash, body FROM entries WHERE tenant_id = ?1 AND seq = ?2");
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  s.bind(1, id(lease.db())).bind(2, static_cast<std::int64_t>(std::min(seq, max)));
  if (seq == 0 || !s.step()) {
    throw Error(ErrorCode::kNotFound, "tenant \"" + name_ + "\" has no entry " + std::to_string(seq), "seq");
  }
  const auto ring = state_->ring();
  detail::Revealer revealer(lease.db(), id(lease.db()), state_->ledger_id, name_, ring);
  return detail::entry_from_row(name_, seq, s.column_blob(0), s.column_blob(1), revealer);
}

}  // namespace auditchain
