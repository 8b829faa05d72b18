// verify.cc — re-walking chains to prove nothing was altered.
//
// Rows are read in chunks; hashing and decoding a chunk is spread over worker
// threads, then one thread walks the chunk in order checking links, sequence,
// columns and times. Memory is bounded by the chunk size, not the ledger.
#include "auditchain/verify.hpp"

#include <cstring>
#include <filesystem>
#include <thread>

#include "auditchain/error.hpp"
#include "auditchain/ledger.hpp"
#include "auditchain/version.hpp"
#include "entry_codec.hpp"
#include "ledger_state.hpp"
#include "schema.hpp"
#include "sha256.hpp"
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

constexpr std::size_t kChunk = 4096;

struct Row {
  std::uint64_t seq = 0;
  std::string recorded_at, action, actor_id;
  std::optional<std::string> target_type, target_id, idempotency_key;
  std::int64_t flags = 0;
  std::string stored_hash;  // as stored (normally 32 bytes)
  std::string body;
  // Filled in by the workers.
  Hash computed;
  bool decoded = false;
  std::string decode_error;
  detail::DecodedEntry entry;
};

std::optional<std::string> optional_text(const Statement& s, int i) {
  if (s.column_is_null(i)) return std::nullopt;
  return std::string(s.column_text(i));
}

void process(Row& row) {
  row.computed = detail::sha256(row.body);
  try {
    row.entry = detail::decode_entry(row.body);
    row.decoded = true;
  } catch (const detail::DecodeError& e) {
    row.decode_error = e.what();
  }
}

void process_parallel(std::vector<Row>& rows, unsigned jobs) {
  if (jobs <= 1 || rows.size() < 64) {
    for (Row& r : rows) process(r);
    return;
  }
  std::vector<std::jthread> workers;
  const std::size_t per = (rows.size() + jobs - 1) / jobs;
  for (unsigned j = 1; j < jobs; ++j) {
    const std::size_t begin = j * per;
    const std::size_t end = std::min(rows.size(), begin + per);
    if (begin >= end) break;
    workers.emplace_back([&rows, begin, end] {
      for (std::size_t i = begin; i < end; ++i) process(rows[i]);
    });
  }
  for (std::size_t i = 0; i < std::min(per, rows.size()); ++i) process(rows[i]);
}

bool same_bytes(std::string_view stored, const Hash& h) {
  return stored.size() == Hash::kSize && std::memcmp(stored.data(), h.bytes.data(), Hash::kSize) == 0;
}

std::string short_hash(const Hash& h) { return h.hex().substr(0, 16) + "…"; }

// Walks one tenant's chain.
class ChainWalker {
 public:
  ChainWalker(TenantReport& report, const VerifyOptions& options, std::string ledger_id)
      : report_(report), options_(options), ledger_id_(std::move(ledger_id)) {}

  void add(std::uint64_t seq, FindingKind kind, std::string detail, bool about_this_row = true) {
    if (about_this_row) row_bad_ = true;
    if (report_.findings.size() >= options_.max_findings_per_tenant) {
      ++report_.findings_dropped;
      return;
    }
    report_.findings.push_back(Finding{report_.tenant, seq, kind, std::move(detail)});
  }

  // Starts the walk after an entry that is trusted as the anchor.
  void start(std::uint64_t expected_seq, std::optional<Hash> prev, std::optional<std::string> prev_time) {
    expected_seq_ = expected_seq;
    prev_hash_ = prev;
    prev_time_ = std::move(prev_time);
  }

  void check(const Row& row) {
    row_bad_ = false;
    const std::string at = "entry " + std::to_string(row.seq);
    ++report_.entries_checked;
    if (report_.first_seq == 0) report_.first_seq = row.seq;
    report_.last_seq = row.seq;

    if (last_seq_ && row.seq == *last_seq_) {
      add(row.seq, FindingKind::kDuplicateSeq, "sequence number " + std::to_string(row.seq) +
                                                   " appears more than once: an entry was inserted");
      return;  // the chain continues from the first copy
    }
    // A gap, or an entry that is not the one written at this place, explains
    // a link mismatch here (and, for the latter, at the next entry too).
    bool gap = false;
    bool misplaced = false;
    if (row.seq > expected_seq_) {
      add(expected_seq_, FindingKind::kGap,
          row.seq == expected_seq_ + 1
              ? "entry " + std::to_string(expected_seq_) + " is missing: it was deleted"
              : "entries " + std::to_string(expected_seq_) + ".." + std::to_string(row.seq - 1) +
                    " are missing: they were deleted",
          false);
      // Missing entries count as checked and not valid, so N/M tells how many are lost.
      report_.entries_checked += row.seq - expected_seq_;
      gap = true;
      note_missing(expected_seq_, row.seq);
    }
    if (!same_bytes(row.stored_hash, row.computed)) {
      add(row.seq, FindingKind::kHashMismatch,
          at + "'s bytes hash to " + short_hash(row.computed) + ", not to its recorded hash: its content was changed");
    }
    if (!row.decoded) {
      add(row.seq, FindingKind::kMalformedEntry, at + " is not a valid entry: " + row.decode_error);
      misplaced = true;
    } else {
      const Entry& e = row.entry.entry;
      if (row.entry.ledger_id != ledger_id_) {
        add(row.seq, FindingKind::kForeignEntry, at + " was written in another ledger (" + row.entry.ledger_id + ")");
        misplaced = true;
      } else if (e.tenant != report_.tenant) {
        add(row.seq, FindingKind::kForeignEntry, at + " belongs to tenant \"" + e.tenant + "\"");
        misplaced = true;
      }
      if (e.seq != row.seq) {
        add(row.seq, FindingKind::kReordered,
            at + " holds the entry written as number " + std::to_string(e.seq) + ": entries were reordered");
        misplaced = true;
      }
      if (!gap && !misplaced && !prev_misplaced_ && prev_hash_ && e.prev_hash != *prev_hash_) {
        if (row.seq == 1) {
          add(row.seq, FindingKind::kGenesisTampered,
              "entry 1 does not link to the tenant's genesis value: the start of the chain was replaced");
        } else {
          add(row.seq, FindingKind::kBrokenLink,
              at + " links to " + short_hash(e.prev_hash) + " but entry " + std::to_string(row.seq - 1) +
                  " hashes to " + short_hash(*prev_hash_) + ": entry " + std::to_string(row.seq - 1) +
                  " was rewritten or replaced");
        }
      }
      check_columns(row, e, at);
      if (prev_time_ && row.recorded_at < *prev_time_) {
        add(row.seq, FindingKind::kTimeBackwards,
            at + " was recorded at " + row.recorded_at + ", before the previous entry (" + *prev_time_ + ")");
      }
      for (const auto& [ref, name] : {std::pair{e.event.derived_from, "derived_from"},
                                      std::pair{e.event.overrides, "overrides"}}) {
        if (ref && (*ref >= e.seq || is_missing(*ref))) {
          add(row.seq, FindingKind::kDanglingReference,
              at + "'s " + name + " names entry " + std::to_string(*ref) + ", which is not an earlier entry of the tenant");
        }
      }
    }
    prev_misplaced_ = misplaced;
    if (!row_bad_) ++report_.entries_valid;

    // The next entry was linked to this one's original hash: the stored one
    // when the bytes were changed underneath it.
    Hash link = row.computed;
    if (row.stored_hash.size() == Hash::kSize) std::copy(row.stored_hash.begin(), row.stored_hash.end(), link.bytes.begin());
    prev_hash_ = link;
    prev_time_ = row.recorded_at;
    last_seq_ = row.seq;
    expected_seq_ = row.seq + 1;
    report_.head = link;
  }

 private:
  void check_columns(const Row& row, const Entry& e, const std::string& at) {
    std::string bad;
    const auto differs = [&](const char* column, bool d) {
      if (d) bad += bad.empty() ? column : std::string(", ") + column;
    };
    differs("recorded_at", row.recorded_at != e.recorded_at.to_string());
    differs("action", row.action != e.event.action);
    differs("actor_id", row.actor_id != e.event.actor.id);
    differs("target_type", row.target_type != (e.event.target ? std::optional(e.event.target->type) : std::nullopt));
    differs("target_id", row.target_id != (e.event.target ? std::optional(e.event.target->id) : std::nullopt));
    differs("flags", row.flags != detail::flag_bits(e.event));
    differs("idempotency_key", row.idempotency_key != e.event.idempotency_key);
    if (!bad.empty()) {
      add(row.seq, FindingKind::kColumnMismatch, at + ": the stored " + bad + " disagree(s) with the entry's bytes");
    }
  }

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
  std::string ledger_id_;
  std::uint64_t expected_seq_ = 1;
  std::optional<std::uint64_t> last_seq_;
  std::optional<Hash> prev_hash_;
  std::optional<std::string> prev_time_;
  bool prev_misplaced_ = false;
  bool row_bad_ = false;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing_;
};

void check_schema(Database& db, std::vector<Finding>& findings) {
  Statement s = db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
  std::vector<std::tuple<std::string, std::string, std::optional<std::string>>> found;
  while (s.step()) found.emplace_back(std::string(s.column_text(0)), std::string(s.column_text(1)), optional_text(s, 2));
  for (const detail::SchemaObject& o : detail::schema_objects()) {
    auto it = std::find_if(found.begin(), found.end(), [&](const auto& f) { return std::get<1>(f) == o.name; });
    if (it == found.end()) {
      findings.push_back({"", 0, FindingKind::kSchemaTampered,
                          std::string("the ") + o.type + " " + o.name + " is missing: it was dropped"});
    } else if (std::get<0>(*it) != o.type || std::get<2>(*it) != std::optional<std::string>(o.sql)) {
      findings.push_back({"", 0, FindingKind::kSchemaTampered,
                          std::string("the ") + o.type + " " + o.name + " differs from the format's definition: it was altered"});
    }
  }
  for (const auto& [type, name, sql] : found) {
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

Row read_row(const Statement& s) {
  Row r;
  r.seq = static_cast<std::uint64_t>(s.column_int(0));
  r.recorded_at = s.column_text(1);
  r.action = s.column_text(2);
  r.actor_id = s.column_text(3);
  r.target_type = optional_text(s, 4);
  r.target_id = optional_text(s, 5);
  r.flags = s.column_int(6);
  r.idempotency_key = optional_text(s, 7);
  r.stored_hash = s.column_blob(8);
  r.body = s.column_blob(9);
  return r;
}

void verify_tenant(Database& db, std::int64_t tenant_id, std::string_view stored_genesis, const std::string& ledger_id,
                   const VerifyOptions& options, unsigned jobs, TenantReport& report) {
  ChainWalker walker(report, options, ledger_id);
  const Hash genesis = genesis_hash(ledger_id, report.tenant);
  report.head = genesis;
  if (!same_bytes(stored_genesis, genesis)) {
    walker.add(0, FindingKind::kGenesisTampered,
               "the stored genesis value of tenant \"" + report.tenant + "\" is not the one the format defines");
  }

  std::uint64_t start = 1;
  if (options.from) start = detail::first_seq_at_or_after(db, tenant_id, *options.from);
  const std::uint64_t head_seq = detail::read_head(db, tenant_id).seq;
  walker.start(1, genesis, std::nullopt);
  if (start > 1) {
    // Anchor on the entry just before the range, so the first link is checked.
    Statement anchor = db.prepare("SELECT body, recorded_at FROM entries WHERE tenant_id = ?1 AND seq = ?2");
    anchor.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(start - 1));
    if (anchor.step()) {
      walker.start(start, detail::sha256(anchor.column_blob(0)), std::string(anchor.column_text(1)));
    } else {
      walker.start(start, std::nullopt, std::nullopt);
    }
  }
  const std::string to = options.to ? options.to->to_string() : std::string();

  Statement rows = db.prepare(
      "SELECT seq, recorded_at, action, actor_id, target_type, target_id, flags, idempotency_key, hash, body"
      " FROM entries WHERE tenant_id = ?1 AND seq >= ?2 ORDER BY seq, rowid");
  rows.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(start));
  std::vector<Row> chunk;
  chunk.reserve(kChunk);
  VerifyProgress progress{report.tenant, 0, head_seq >= start ? head_seq - start + 1 : 0};
  bool more = true;
  while (more) {
    chunk.clear();
    while (chunk.size() < kChunk && (more = rows.step())) {
      if (!to.empty() && rows.column_text(1) >= to) {
        more = false;
        break;
      }
      chunk.push_back(read_row(rows));
    }
    process_parallel(chunk, jobs);
    for (const Row& r : chunk) walker.check(r);
    progress.done += chunk.size();
    if (options.progress && !chunk.empty()) options.progress(progress);
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
    throw;
  }
  VerifyReport report;
  report.path = path;
  report.format_version = static_cast<int>(db.pragma_int("user_version"));
  if (report.format_version > kFormatVersion) {
    throw Error(ErrorCode::kUnsupportedVersion,
                path + " has ledger format " + std::to_string(report.format_version) + "; this auditchain reads up to " +
                    std::to_string(kFormatVersion));
  }
  // One read transaction: every check sees the same snapshot.
  detail::Transaction snapshot(db, "BEGIN");
  check_schema(db, report.ledger_findings);
  for (const char* table : {"meta", "tenants", "entries"}) {
    if (!has_table(db, table)) {
      throw Error(ErrorCode::kCorrupt, path + " has no " + table + " table; nothing can be verified");
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
    Statement orphans = db.prepare(
        "SELECT count(*), min(tenant_id) FROM entries WHERE tenant_id NOT IN (SELECT id FROM tenants)");
    if (orphans.step() && orphans.column_int(0) > 0) {
      report.ledger_findings.push_back(
          {"", 0, FindingKind::kForeignEntry,
           std::to_string(orphans.column_int(0)) + " entries belong to no tenant of this ledger (tenant id " +
               std::to_string(orphans.column_int(1)) + ")"});
    }
  }

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  for (const TenantRow& t : tenants) {
    TenantReport tr;
    tr.tenant = t.name;
    tr.from = options.from;
    tr.to = options.to;
    verify_tenant(db, t.id, t.genesis, report.ledger_id, options, jobs, tr);
    report.tenants.push_back(std::move(tr));
  }
  return report;
}

}  // namespace auditchain
