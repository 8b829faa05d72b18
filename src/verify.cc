// verify.cc — re-walking chains to prove nothing was altered.
//
// Rows are read in chunks into one reusable buffer per chunk. While the
// calling thread reads chunk k+1 from SQLite, worker threads hash and decode
// chunk k; the calling thread then helps finish it and walks it in order,
// checking links, sequence, columns and times, while the workers start on
// chunk k+1. Memory is bounded by two chunks, not by the ledger.
//
// Decoding has two paths. The reference decoder (decode_entry) parses into a
// JSON tree, re-serialises it and compares the result with the bytes: exact,
// but most of the cost of a verification. The fast path below checks the same
// rules in one pass over the bytes without building anything. It only ever
// answers "this is a valid canonical entry, with these values" or "not sure";
// on "not sure" the reference decoder decides and words the finding. So the
// fast path may be stricter than the format but never more lenient.
#include "auditchain/verify.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "auditchain/decimal.hpp"
#include "auditchain/error.hpp"
#include "auditchain/ledger.hpp"
#include "auditchain/version.hpp"
#include "entry_codec.hpp"
#include "entry_scan.hpp"
#include "json.hpp"
#include "ledger_state.hpp"
#include "schema.hpp"
#include "sha256.hpp"
#include "merkle.hpp"
#include "tree_check.hpp"
#include "workers.hpp"
#include "validate.hpp"


namespace auditchain {

const char* finding_kind_name(FindingKind kind) noexcept {
  switch (kind) {
    case FindingKind::kHashMismatch: return "hash_mismatch";
    case FindingKind::kColumnMismatch: return "column_mismatch";
    case FindingKind::kGap: return "gap";
    case FindingKind::kDuplicateSeq: return "duplicate_seq";
    case FindingKind::kReordered: return "reordered";
    case FindingKind::kBrokenLink: return "broken_link";
    case FindingKind::kForeignEntry: return "foreign_entry";
    case FindingKind::kTimeBackwards: return "time_backwards";
    case FindingKind::kSchemaTampered: return "schema_tampered";
    case FindingKind::kGenesisTampered: return "genesis_tampered";
    case FindingKind::kDanglingReference: return "dangling_reference";
    case FindingKind::kMalformedEntry: return "malformed_entry";
    case FindingKind::kCheckpointMismatch: return "checkpoint_mismatch";
    case FindingKind::kTruncated: return "truncated";
    case FindingKind::kBadCheckpoint: return "bad_checkpoint";
    case FindingKind::kConflictingCheckpoints: return "conflicting_checkpoints";
    case FindingKind::kSealBroken: return "seal_broken";
  }
  return "unknown";
}

bool VerifyReport::valid() const noexcept {
  if (!ledger_findings.empty()) return false;
  for (const TenantReport& t : tenants) {
    if (!t.valid()) return false;
  }
  return true;
}

std::uint64_t VerifyReport::entries_checked() const noexcept {
  std::uint64_t n = 0;
  for (const TenantReport& t : tenants) n += t.entries_checked;
  return n;
}

std::uint64_t VerifyReport::entries_valid() const noexcept {
  std::uint64_t n = 0;
  for (const TenantReport& t : tenants) n += t.entries_valid;
  return n;
}

namespace {

using detail::Database;
using detail::Statement;
using detail::Workers;

// A chunk ends at this many rows or bytes, whichever comes first: enough to
// make the hand-overs between threads rare, few enough megabytes that two
// chunks are all the memory a verification holds.
constexpr std::size_t kChunkRows = 2048;
constexpr std::size_t kChunkBytes = 4 << 20;
// Rows a worker takes from a chunk at a time.
constexpr std::size_t kClaim = 16;

// ---- what the walker needs from an entry's bytes: see entry_scan.hpp ----------

using detail::EntryView;
using detail::fast_decode;

// ---- rows and chunks --------------------------------------------------------------

bool same_bytes(std::string_view stored, const Hash& h) {
  return stored.size() == Hash::kSize && std::memcmp(stored.data(), h.bytes.data(), Hash::kSize) == 0;
}

// The hash the next entry should link to: the stored one, which is what the
// chain was built with even when the bytes were changed underneath it.
Hash link_of(std::string_view stored, const Hash& computed) {
  Hash h = computed;
  if (stored.size() == Hash::kSize) std::memcpy(h.bytes.data(), stored.data(), Hash::kSize);
  return h;
}

// A column value inside a chunk's arena.
struct Span {
  std::uint32_t at = 0;
  std::uint32_t size = 0;
  bool null = false;
};

// What the reference decoder produced, kept alive for the views into it.
struct Decoded {
  detail::DecodedEntry entry;
  std::string recorded_at;
  std::string occurred_at;
};

struct Row {
  // First, and together, what the walk reads of a good row. The worker fills
  // them in while the bytes are in its cache, so the walk touches no byte of
  // the arena.
  std::uint64_t seq = 0;
  Hash link;                    // what the next entry must link to (see link_of)
  std::array<char, 32> time{};  // the bytes' recorded_at (canonical: 27 characters)
  std::uint8_t time_size = 0;
  bool hash_ok = false;         // the bytes hash to the stored hash
  bool decoded = false;
  bool ledger_ok = false;       // decoded, and names the ledger being verified
  bool tenant_ok = false;       // decoded, and names the tenant being walked
  std::uint8_t columns_differ = 0;  // bits of kColumns whose column disagrees with the bytes
  std::exception_ptr failure;   // not a finding: something else went wrong (memory)
  EntryView entry;
  // Read from the database.
  std::int64_t flags = 0;
  Span recorded_at, action, actor_id, target_type, target_id, idempotency_key, stored_hash, body, merkle;
  // Also filled in by process().
  Hash leaf;  // SHA-256(0x00 || bytes), when the tree is checked
  Hash computed;
  std::string decode_error;
  std::unique_ptr<Decoded> slow;
};

// The query columns that repeat values of the bytes, in the order findings name them.
constexpr const char* kColumns[] = {
    "recorded_at", "action", "actor_id", "target_type", "target_id", "flags", "idempotency_key",
};

// Aligned so that the counter the workers take rows by never shares a cache
// line with the other chunk, which the reading thread is filling meanwhile.
struct alignas(64) Chunk {
  std::string arena;
  std::vector<Row> rows;  // only the first `size` are in use; the rest keep their capacity
  std::size_t size = 0;
  bool tree = false;                 // also compute leaf hashes
  // What every entry must name; compared by the workers, while the bytes are
  // still in their cache.
  std::string_view ledger_id;
  std::string_view tenant;
  alignas(64) std::atomic<std::size_t> next{0};  // the next row a worker may claim

  std::string_view view(const Span& s) const { return std::string_view(arena.data() + s.at, s.size); }
  std::optional<std::string_view> optional_view(const Span& s) const {
    if (s.null) return std::nullopt;
    return view(s);
  }

  void clear() {
    arena.clear();
    size = 0;
  }

  Span put(std::string_view text, bool null = false) {
    Span s{static_cast<std::uint32_t>(arena.size()), static_cast<std::uint32_t>(text.size()), null};
    arena.append(text);
    return s;
  }

  // SQLite gives no text pointer for NULL (and a valid one for ""), so only
  // an absent pointer needs asking about the column's type.
  Span put_nullable(const Statement& st, int column) {
    const std::string_view text = st.column_text(column);
    return put(text, text.data() == nullptr && st.column_is_null(column));
  }

  Row& add(const Statement& st) {
    if (size == rows.size()) rows.emplace_back();
    Row& r = rows[size++];
    r.seq = static_cast<std::uint64_t>(st.column_int(0));
    r.recorded_at = put(st.column_text(1));
    r.action = put(st.column_text(2));
    r.actor_id = put(st.column_text(3));
    r.target_type = put_nullable(st, 4);
    r.target_id = put_nullable(st, 5);
    r.flags = st.column_int(6);
    r.idempotency_key = put_nullable(st, 7);
    r.stored_hash = put(st.column_blob(8));
    r.body = put(st.column_blob(9));
    r.merkle = tree ? put(st.column_blob(10)) : Span{};
    return r;
  }

  bool full() const { return size >= kChunkRows || arena.size() >= kChunkBytes; }

  // Hashes and decodes one row and makes the checks that need nothing but
  // the row. Never throws, as it runs on worker threads: a failure is kept
  // in the row for the walking thread to rethrow.
  void process(Row& row) noexcept {
    const std::string_view body = view(row.body);
    row.computed = detail::sha256(body);
    if (tree) row.leaf = detail::merkle::leaf_hash(body);
    row.hash_ok = same_bytes(view(row.stored_hash), row.computed);
    row.slow.reset();
    row.failure = nullptr;
    row.decoded = fast_decode(body, row.entry) || slow_decode(row, body);
    row.link = link_of(view(row.stored_hash), row.computed);
    if (row.decoded) {
      row.time_size = static_cast<std::uint8_t>(std::min(row.entry.recorded_at.size(), row.time.size()));
      std::memcpy(row.time.data(), row.entry.recorded_at.data(), row.time_size);
    }
    row.ledger_ok = row.decoded && row.entry.ledger_id == ledger_id;
    row.tenant_ok = row.decoded && row.entry.tenant == tenant;
    if (row.decoded) compare_columns(row);
  }

  // Takes rows until none are left unclaimed.
  void work() noexcept {
    for (;;) {
      const std::size_t first = next.fetch_add(kClaim, std::memory_order_relaxed);
      if (first >= size) return;
      const std::size_t last = std::min(size, first + kClaim);
      for (std::size_t i = first; i < last; ++i) process(rows[i]);
    }
  }

 private:
  void compare_columns(Row& row) const noexcept {
    const EntryView& e = row.entry;
    const bool differs[] = {view(row.recorded_at) != e.recorded_at,
                            view(row.action) != e.action,
                            view(row.actor_id) != e.actor_id,
                            optional_view(row.target_type) != e.target_type,
                            optional_view(row.target_id) != e.target_id,
                            row.flags != e.flags,
                            optional_view(row.idempotency_key) != e.idempotency_key};
    row.columns_differ = 0;
    for (std::size_t i = 0; i < std::size(differs); ++i) {
      if (differs[i]) row.columns_differ |= static_cast<std::uint8_t>(1u << i);
    }
  }

  // The reference decoder, for whatever the fast path is not sure of.
  static bool slow_decode(Row& row, std::string_view body) noexcept {
    try {
      row.decode_error.clear();
      auto slow = std::make_unique<Decoded>();
      slow->entry = detail::decode_entry(body);
      const Entry& e = slow->entry.entry;
      slow->recorded_at = e.recorded_at.to_string();
      EntryView& v = row.entry;
      v.ledger_id = slow->entry.ledger_id;
      v.tenant = e.tenant;
      v.seq = e.seq;
      v.prev = e.prev_hash;
      v.recorded_at = slow->recorded_at;
      v.occurred_at.reset();
      if (e.event.occurred_at) {
        slow->occurred_at = e.event.occurred_at->to_string();
        v.occurred_at = slow->occurred_at;
      }
      v.action = e.event.action;
      v.actor_id = e.event.actor.id;
      v.target_type.reset();
      v.target_id.reset();
      if (e.event.target) {
        v.target_type = e.event.target->type;
        v.target_id = e.event.target->id;
      }
      v.idempotency_key.reset();
      if (e.event.idempotency_key) v.idempotency_key = *e.event.idempotency_key;
      v.flags = detail::flag_bits(e.event);
      v.derived_from = e.event.derived_from;
      v.overrides = e.event.overrides;
      row.slow = std::move(slow);
      return true;
    } catch (const detail::DecodeError& e) {
      row.decode_error = e.what();
    } catch (...) {
      row.failure = std::current_exception();
    }
    return false;
  }
};



std::string short_hash(const Hash& h) { return h.hex().substr(0, 16) + "…"; }

// ---- the walk ------------------------------------------------------------------------

// Walks one tenant's chain, one row at a time in seq order.
class ChainWalker {
 public:
  ChainWalker(TenantReport& report, const VerifyOptions& options) : report_(report), options_(options) {}

  void add(std::uint64_t seq, FindingKind kind, std::string detail, bool about_this_row = true) {
    if (about_this_row) row_bad_ = true;
    if (report_.findings.size() >= options_.max_findings_per_tenant) {
      ++report_.findings_dropped;
      return;
    }
    report_.findings.push_back(Finding{report_.tenant, seq, kind, std::move(detail)});
  }

  // Starts the walk at `expected_seq`, after an entry trusted as the anchor
  // (its hash, and its recorded time when known); without one, the first
  // link cannot be checked.
  void start(std::uint64_t expected_seq, std::optional<Hash> link, std::optional<std::string> time) {
    expected_seq_ = expected_seq;
    link_count_ = 0;
    if (link) links_[link_count_++] = *link;
    prev_time_ = std::move(time);
  }

  void check(const Row& row) {
    if (row.failure) std::rethrow_exception(row.failure);
    row_bad_ = false;
    const auto at = [&] { return "entry " + std::to_string(row.seq); };
    ++report_.entries_checked;
    if (report_.first_seq == 0) report_.first_seq = row.seq;
    report_.last_seq = row.seq;

    if (last_seq_ && row.seq == *last_seq_) {
      add(row.seq, FindingKind::kDuplicateSeq,
          "sequence number " + std::to_string(row.seq) + " appears more than once: an entry was inserted");
      return;  // the chain continues from the first copy
    }
    bool gap = false;
    if (row.seq > expected_seq_) {
      add(expected_seq_, FindingKind::kGap,
          row.seq == expected_seq_ + 1 ? "entry " + std::to_string(expected_seq_) + " is missing: it was deleted"
                                       : "entries " + std::to_string(expected_seq_) + ".." +
                                             std::to_string(row.seq - 1) + " are missing: they were deleted",
          false);
      // Missing entries count as checked and not valid, so N/M tells how many are lost.
      report_.entries_checked += row.seq - expected_seq_;
      note_missing(expected_seq_, row.seq);
      gap = true;
    }

    std::array<Hash, 2> next_links;
    std::size_t next_link_count = 0;
    if (!row.hash_ok) {
      // Nothing in bytes that are not the hashed ones is evidence of anything
      // else, so this is the only finding about the row. The next entry may
      // link to either hash: to the stored one if the bytes were changed, to
      // the computed one if the stored hash was.
      add(row.seq, FindingKind::kHashMismatch,
          at() + "'s bytes hash to " + short_hash(row.computed) +
              ", not to its recorded hash: its content or its recorded hash was changed");
      next_links = {row.link, row.computed};
      next_link_count = 2;
    } else if (!row.decoded) {
      add(row.seq, FindingKind::kMalformedEntry, at() + " is not a valid entry: " + row.decode_error);
    } else {
      const EntryView& e = row.entry;
      bool misplaced = false;
      if (!row.ledger_ok) {
        add(row.seq, FindingKind::kForeignEntry,
            at() + " was written in another ledger (" + std::string(e.ledger_id) + ")");
        misplaced = true;
      } else if (!row.tenant_ok) {
        add(row.seq, FindingKind::kForeignEntry, at() + " belongs to tenant \"" + std::string(e.tenant) + "\"");
        misplaced = true;
      }
      if (e.seq != row.seq) {
        add(row.seq, FindingKind::kReordered,
            at() + " holds the entry written as number " + std::to_string(e.seq) + ": entries were reordered");
        misplaced = true;
      }
      if (row.columns_differ != 0) {
        std::string bad;
        for (std::size_t i = 0; i < std::size(kColumns); ++i) {
          if ((row.columns_differ & (1u << i)) == 0) continue;
          if (!bad.empty()) bad += ", ";
          bad += kColumns[i];
        }
        add(row.seq, FindingKind::kColumnMismatch,
            at() + ": the stored " + bad + " disagree(s) with the entry's bytes");
      }
      // An entry that does not belong here says nothing about its neighbours'
      // links or times, and they nothing about it.
      if (!misplaced) {
        if (!gap && link_count_ > 0 &&
            std::find(links_.begin(), links_.begin() + link_count_, e.prev) == links_.begin() + link_count_) {
          if (row.seq == 1) {
            add(row.seq, FindingKind::kGenesisTampered,
                "entry 1 does not link to the tenant's genesis value: the start of the chain was replaced");
          } else {
            add(row.seq, FindingKind::kBrokenLink,
                at() + " links to " + short_hash(e.prev) + " but entry " + std::to_string(row.seq - 1) + " hashes to " +
                    short_hash(links_.front()) + ": entry " + std::to_string(row.seq - 1) +
                    " was rewritten or replaced");
          }
        }
        const std::string_view time(row.time.data(), row.time_size);
        if (prev_time_ && time < *prev_time_) {
          add(row.seq, FindingKind::kTimeBackwards,
              at() + " was recorded at " + std::string(time) + ", before the previous entry (" + *prev_time_ + ")");
        }
        for (const auto& [ref, name] :
             {std::pair{e.derived_from, "derived_from"}, std::pair{e.overrides, "overrides"}}) {
          if (ref && (*ref >= e.seq || is_missing(*ref))) {
            add(row.seq, FindingKind::kDanglingReference,
                at() + "'s " + name + " names entry " + std::to_string(*ref) +
                    ", which is not an earlier entry of the tenant");
          }
        }
        next_links[next_link_count++] = row.link;
        if (prev_time_) {
          prev_time_->assign(time);  // no allocation once the string has grown
        } else {
          prev_time_.emplace(time);
        }
      }
    }
    // After an entry that is malformed or misplaced, the next link has
    // nothing trustworthy to be checked against.
    links_ = next_links;
    link_count_ = next_link_count;
    if (!row_bad_) ++report_.entries_valid;
    last_seq_ = row.seq;
    expected_seq_ = row.seq + 1;
    report_.head = row.link;
  }

 private:
  // Missing seqs are remembered (bounded) so references to them are caught.
  void note_missing(std::uint64_t from, std::uint64_t to) {
    if (missing_.size() < 1024) missing_.emplace_back(from, to);
  }
  bool is_missing(std::uint64_t seq) const {
    for (const auto& [from, to] : missing_) {
      if (seq >= from && seq < to) return true;
    }
    return false;
  }

  TenantReport& report_;
  const VerifyOptions& options_;
  std::uint64_t expected_seq_ = 1;
  std::optional<std::uint64_t> last_seq_;
  std::array<Hash, 2> links_;   // what the next entry may link to
  std::size_t link_count_ = 0;  // 0: unknown, nothing to check against
  std::optional<std::string> prev_time_;
  bool row_bad_ = false;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing_;
};

// ---- the file ------------------------------------------------------------------------

std::optional<std::string> optional_text(const Statement& s, int i) {
  if (s.column_is_null(i)) return std::nullopt;
  return std::string(s.column_text(i));
}

void check_schema(Database& db, std::vector<Finding>& findings) {
  Statement s = db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
  std::vector<std::tuple<std::string, std::string, std::optional<std::string>>> found;
  while (s.step()) {
    found.emplace_back(std::string(s.column_text(0)), std::string(s.column_text(1)), optional_text(s, 2));
  }
  for (const detail::SchemaObject& o : detail::schema_objects()) {
    auto it = std::find_if(found.begin(), found.end(), [&](const auto& f) { return std::get<1>(f) == o.name; });
    if (it == found.end()) {
      findings.push_back({"", 0, FindingKind::kSchemaTampered,
                          std::string("the ") + o.type + " " + o.name + " is missing: it was dropped"});
    } else if (std::get<0>(*it) != o.type || std::get<2>(*it) != std::optional<std::string>(o.sql)) {
      findings.push_back(
          {"", 0, FindingKind::kSchemaTampered,
           std::string("the ") + o.type + " " + o.name + " differs from the format's definition: it was altered"});
    }
  }
  for (const auto& object : found) {
    // Named, not a structured binding: some compilers cannot capture those.
    const std::string& type = std::get<0>(object);
    const std::string& name = std::get<1>(object);
    const bool known = std::any_of(detail::schema_objects().begin(), detail::schema_objects().end(),
                                   [&](const detail::SchemaObject& o) { return name == o.name; });
    if (!known && type == "trigger") {
      findings.push_back({"", 0, FindingKind::kSchemaTampered, "an unexpected trigger " + name + " was added"});
    }
  }
}

bool has_table(Database& db, const char* name) {
  Statement s = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  s.bind(1, name);
  return s.step();
}

class TenantVerifier {
 public:
  TenantVerifier(Database& db, std::int64_t tenant_id, const std::string& ledger_id, const VerifyOptions& options,
                 const std::vector<Checkpoint>& trusted, Workers* workers, Chunk (&chunks)[2], TenantReport& report)
      : db_(db),
        tenant_id_(tenant_id),
        ledger_id_(ledger_id),
        options_(options),
        workers_(workers),
        chunks_(chunks),
        report_(report),
        trusted_(trusted),
        walker_(report, options) {}

  void run(std::string_view stored_genesis) {
    for (Chunk& c : chunks_) {
      c.ledger_id = ledger_id_;
      c.tenant = report_.tenant;
    }
    const Hash genesis = genesis_hash(ledger_id_, report_.tenant);
    report_.head = genesis;
    if (!same_bytes(stored_genesis, genesis)) {
      walker_.add(0, FindingKind::kGenesisTampered,
                  "the stored genesis value of tenant \"" + report_.tenant + "\" is not the one the format defines",
                  false);
    }
    std::uint64_t start = 1;
    walker_.start(1, genesis, std::nullopt);
    if (options_.from) {
      start = anchor(detail::first_seq_at_or_after(db_, tenant_id_, *options_.from));
    } else {
      check_below_one();
    }
    if (options_.to) to_ = options_.to->to_string();
    start_tree();

    // The tree nodes are read only when the tree is checked.
    rows_ = db_.prepare(std::string("SELECT seq, recorded_at, action, actor_id, target_type, target_id, flags,"
                                    " idempotency_key, hash, body, ") +
                        (tree_ ? "merkle" : "NULL") + " FROM entries WHERE tenant_id = ?1 AND seq >= ?2 ORDER BY seq, rowid");
    rows_.bind(1, tenant_id_).bind(2, static_cast<std::int64_t>(start));
    const std::uint64_t head_seq = detail::read_head(db_, tenant_id_).seq;
    VerifyProgress progress{report_.tenant, 0, head_seq >= start ? head_seq - start + 1 : 0};

    // While the workers hash and decode one chunk, this thread reads the
    // next, then walks the finished one while they start on the next.
    Chunk* current = &chunks_[0];
    Chunk* next = &chunks_[1];
    fill(*current);
    start_work(*current);
    while (current->size > 0) {
      fill(*next);
      finish_work(*current);
      start_work(*next);
      for (std::size_t i = 0; i < current->size; ++i) {
        walker_.check(current->rows[i]);
        if (tree_) feed_tree(*current, current->rows[i]);
      }
      progress.done = std::min(progress.total, progress.done + current->size);
      if (options_.progress) options_.progress(progress);
      std::swap(current, next);
    }
    finish_work(*current);
    if (tree_) tree_->finish();
    chunks_[0].tree = chunks_[1].tree = false;
  }

 private:
  // The tree, checkpoints and seals are checked on whole chains, when there
  // is something to check them against: a checkpoint stored or given.
  void start_tree() {
    if (options_.from || options_.to) return;
    std::vector<detail::TreeChecker::StoredCheckpoint> stored;
    Statement s = db_.prepare("SELECT note, tree_size, root FROM checkpoints WHERE tenant_id = ?1 ORDER BY id");
    s.bind(1, tenant_id_);
    while (s.step()) {
      detail::TreeChecker::StoredCheckpoint c{std::string(s.column_text(0)), static_cast<std::uint64_t>(s.column_int(1)), {}};
      const std::string_view root = s.column_blob(2);
      if (root.size() == Hash::kSize) std::memcpy(c.root.bytes.data(), root.data(), Hash::kSize);
      stored.push_back(std::move(c));
    }
    const bool mine = std::any_of(trusted_.begin(), trusted_.end(), [&](const Checkpoint& c) {
      return c.ledger_id == ledger_id_ && c.tenant == report_.tenant;
    });
    if (stored.empty() && !mine) return;
    tree_.emplace(ledger_id_, report_.tenant, stored, trusted_, options_.keys,
                  [this](std::uint64_t seq, FindingKind kind, std::string detail) {
                    walker_.add(seq, kind, std::move(detail), false);
                  });
    chunks_[0].tree = chunks_[1].tree = true;
  }

  // Entries reach the tree in seq order; after a gap or a repeat the chain's
  // own findings say what is wrong and the tree is not rebuilt further.
  void feed_tree(const Chunk& c, const Row& row) {
    if (row.seq != tree_->size() + 1) {
      tree_.reset();
      return;
    }
    std::optional<Timestamp> occurred;
    if (row.decoded && row.entry.occurred_at) occurred = Timestamp::parse(*row.entry.occurred_at);
    tree_->entry(row.seq, row.leaf, c.view(row.merkle), occurred);
  }

  void start_work(Chunk& c) {
    c.next.store(0, std::memory_order_relaxed);
    if (workers_ && c.size > 0) workers_->start([&c] { c.work(); });
  }
  void finish_work(Chunk& c) {
    if (workers_ && c.size > 0) {
      workers_->finish();
    } else {
      c.work();
    }
  }

  // Whether `row` can be trusted as a boundary of a time range: its bytes are
  // the hashed ones, it belongs here, and its recorded_at column (which the
  // range was found by) says what its bytes say.
  bool trustworthy(const Chunk& c, const Row& row) const {
    return row.hash_ok && row.decoded && row.entry.ledger_id == ledger_id_ && row.entry.tenant == report_.tenant &&
           row.entry.seq == row.seq && c.view(row.recorded_at) == row.entry.recorded_at;
  }

  // Reads up to a chunk of rows, stopping at the end of the time range: the
  // first row recorded at or after `to`, once that row is shown to be what it
  // claims (a tampered column must not end the range early).
  void fill(Chunk& c) {
    c.clear();
    if (done_) return;
    while (!c.full()) {
      if (!rows_.step()) {
        done_ = true;
        return;
      }
      if (!to_.empty() && rows_.column_text(1) >= to_) {
        Row& row = c.add(rows_);
        c.process(row);
        if (trustworthy(c, row) && row.entry.recorded_at >= to_) {
          --c.size;
          done_ = true;
          return;
        }
      } else {
        c.add(rows_);
      }
    }
  }

  // The first seq of a range starting at `from`, found by the recorded_at
  // column, moved back past any entry before it that cannot be trusted to be
  // older than `from`; the walk then starts after the entry before it.
  std::uint64_t anchor(std::uint64_t start) {
    Statement s = db_.prepare(
        "SELECT seq, recorded_at, action, actor_id, target_type, target_id, flags, idempotency_key, hash, body,"
        " merkle"
        " FROM entries WHERE tenant_id = ?1 AND seq = ?2 ORDER BY rowid LIMIT 1");
    const std::string from = options_.from->to_string();
    Chunk& c = chunks_[0];
    for (; start > 1; --start) {
      s.reset();
      s.bind(1, tenant_id_).bind(2, static_cast<std::int64_t>(start - 1));
      if (!s.step()) {
        walker_.start(start, std::nullopt, std::nullopt);  // the entry before the range is gone
        return start;
      }
      c.clear();
      Row& row = c.add(s);
      c.process(row);
      if (trustworthy(c, row) && row.entry.recorded_at < from) {
        walker_.start(start, link_of(c.view(row.stored_hash), row.computed), std::string(row.entry.recorded_at));
        return start;
      }
    }
    return 1;
  }

  // Rows numbered below 1 are never reached by a walk; someone put them there.
  void check_below_one() {
    Statement s = db_.prepare("SELECT count(*), min(seq) FROM entries WHERE tenant_id = ?1 AND seq < 1");
    s.bind(1, tenant_id_);
    if (s.step() && s.column_int(0) > 0) {
      walker_.add(0, FindingKind::kDuplicateSeq,
                  std::to_string(s.column_int(0)) + " entries carry sequence numbers below 1 (the lowest " +
                      std::to_string(s.column_int(1)) + "): they were inserted",
                  false);
    }
  }

  Database& db_;
  std::int64_t tenant_id_;
  const std::string& ledger_id_;
  const VerifyOptions& options_;
  Workers* workers_;
  Chunk (&chunks_)[2];
  TenantReport& report_;
  const std::vector<Checkpoint>& trusted_;
  ChainWalker walker_;
  std::optional<detail::TreeChecker> tree_;
  Statement rows_;
  std::string to_;
  bool done_ = false;
};

// Entries whose tenant_id names no tenant: found by stepping through the
// distinct tenant ids of the (tenant_id, seq) index, not by scanning the table.
void check_orphans(Database& db, std::vector<Finding>& findings) {
  // Integers only: a tampered table may hold ids of other types, which read
  // back as integers that would send the walk in circles.
  Statement next_id = db.prepare(
      "SELECT tenant_id FROM entries WHERE tenant_id > ?1 AND typeof(tenant_id) = 'integer'"
      " ORDER BY tenant_id LIMIT 1");
  Statement known = db.prepare("SELECT 1 FROM tenants WHERE id = ?1");
  Statement count = db.prepare("SELECT count(*) FROM entries WHERE tenant_id = ?1");
  std::int64_t id = std::numeric_limits<std::int64_t>::min();
  std::int64_t orphans = 0;
  std::optional<std::int64_t> first;
  for (;;) {
    next_id.reset();
    next_id.bind(1, id);
    if (!next_id.step()) break;
    id = next_id.column_int(0);
    known.reset();
    known.bind(1, id);
    if (known.step()) continue;
    count.reset();
    count.bind(1, id);
    if (count.step()) orphans += count.column_int(0);
    if (!first) first = id;
  }
  if (orphans > 0) {
    findings.push_back({"", 0, FindingKind::kForeignEntry,
                        std::to_string(orphans) + " entries belong to no tenant of this ledger (tenant id " +
                            std::to_string(*first) + ")"});
  }
}

}  // namespace

VerifyReport verify(const std::string& path, const VerifyOptions& options) {
  detail::ensure_sodium();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(ErrorCode::kNotFound, "no ledger file at " + path);
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::kInvalidArgument, path + " is a directory, not a ledger file", "path");
  }
  Database db(path, SQLITE_OPEN_READONLY);
  db.set_busy_timeout(std::chrono::milliseconds(5000));
  try {
    if (detail::classify(db) != detail::FileKind::kLedger) {
      throw Error(ErrorCode::kNotALedger, path + " is not an auditchain ledger");
    }
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotALedger) throw Error(ErrorCode::kNotALedger, path + " is not an auditchain ledger");
    // SQLite refusing the file's header or schema ("unsupported file format",
    // "malformed database schema") is a damaged file, not a bug; say which.
    if (e.code() == ErrorCode::kInternal || e.code() == ErrorCode::kCorrupt) {
      throw Error(ErrorCode::kCorrupt, path + " is damaged: " + e.what());
    }
    throw;
  }
  VerifyReport report;
  report.path = path;
  report.format_version = static_cast<int>(db.pragma_int("user_version"));
  // Only a damaged or foreign file has our application id but no version.
  if (report.format_version < 1) {
    throw Error(ErrorCode::kNotALedger, path + " is not an auditchain ledger (no valid format version: " +
                                            std::to_string(report.format_version) + ")");
  }
  if (report.format_version > kFormatVersion) {
    throw Error(ErrorCode::kUnsupportedVersion, path + " has ledger format " + std::to_string(report.format_version) +
                                                    "; this auditchain reads up to " + std::to_string(kFormatVersion));
  }
  // One read transaction: every check sees the same snapshot.
  detail::Transaction snapshot(db, "BEGIN");
  check_schema(db, report.ledger_findings);
  for (const char* table : {"meta", "tenants", "entries"}) {
    if (!has_table(db, table)) {
      throw Error(ErrorCode::kCorrupt, path + " has no " + table + " table; nothing can be verified");
    }
  }
  // The columns the walk reads. A table rebuilt without them is reported
  // here, not as a failed query deep in the walk (which would read as a bug).
  for (const char* columns :
       {"SELECT key, value FROM meta", "SELECT id, name, genesis FROM tenants",
        "SELECT tenant_id, seq, recorded_at, action, actor_id, target_type, target_id, flags, idempotency_key, hash,"
        " body, merkle FROM entries",
        "SELECT tenant_id, tree_size, root, sealed_through, note FROM checkpoints"}) {
    sqlite3_stmt* probe = nullptr;
    const int rc = sqlite3_prepare_v2(db.get(), columns, -1, &probe, nullptr);
    sqlite3_finalize(probe);
    if (rc != SQLITE_OK) {
      throw Error(ErrorCode::kCorrupt, path + ": the ledger's tables were altered (" + sqlite3_errmsg(db.get()) +
                                           "); nothing can be verified");
    }
  }
  {
    Statement s = db.prepare("SELECT value FROM meta WHERE key = 'ledger_id'");
    if (!s.step()) throw Error(ErrorCode::kCorrupt, path + " has no ledger id; nothing can be verified");
    report.ledger_id = s.column_text(0);
  }

  struct TenantRow {
    std::int64_t id;
    std::string name;
    std::string genesis;
  };
  std::vector<TenantRow> tenants;
  {
    Statement s = db.prepare("SELECT id, name, genesis FROM tenants ORDER BY name");
    while (s.step()) tenants.push_back({s.column_int(0), std::string(s.column_text(1)), std::string(s.column_blob(2))});
  }
  if (!options.tenants.empty()) {
    std::vector<TenantRow> chosen;
    for (const std::string& name : options.tenants) {
      auto it = std::find_if(tenants.begin(), tenants.end(), [&](const TenantRow& t) { return t.name == name; });
      if (it == tenants.end()) throw Error(ErrorCode::kNotFound, "no tenant \"" + name + "\" in " + path, "tenant");
      chosen.push_back(*it);
    }
    tenants = std::move(chosen);
  } else {
    check_orphans(db, report.ledger_findings);
  }

  // Trusted checkpoints are opened once, with the keys; what does not open,
  // or names no tenant of this ledger, is a finding about the whole file.
  if (!options.trusted_checkpoints.empty() && options.keys.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "trusted checkpoints need the verifier key that signed them", "keys");
  }
  std::vector<Checkpoint> trusted;
  for (const std::string& note : options.trusted_checkpoints) {
    try {
      Checkpoint c = open_checkpoint(note, options.keys);
      const bool known = c.ledger_id == report.ledger_id &&
                         std::any_of(tenants.begin(), tenants.end(), [&](const TenantRow& t) { return t.name == c.tenant; });
      if (!known) {
        report.ledger_findings.push_back({"", 0, FindingKind::kBadCheckpoint,
                                          "a trusted checkpoint is for ledger " + c.ledger_id + ", tenant \"" + c.tenant +
                                              "\", which this file does not hold"});
        continue;
      }
      trusted.push_back(std::move(c));
    } catch (const Error& e) {
      report.ledger_findings.push_back(
          {"", 0, FindingKind::kBadCheckpoint, std::string("a trusted checkpoint is not valid: ") + e.what()});
    }
  }

  const unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  // Declared before the workers, so that they are stopped before the chunks
  // they may be working on go away.
  Chunk chunks[2];
  std::optional<Workers> workers;
  if (jobs > 1) workers.emplace(jobs - 1);
  for (const TenantRow& t : tenants) {
    TenantReport tr;
    tr.tenant = t.name;
    tr.from = options.from;
    tr.to = options.to;
    TenantVerifier(db, t.id, report.ledger_id, options, trusted, workers ? &*workers : nullptr, chunks, tr)
        .run(t.genesis);
    report.tenants.push_back(std::move(tr));
  }
  return report;
}

}  // namespace auditchain
