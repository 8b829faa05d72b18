// export_internal.hpp — what export_entries, export_bundle and verify_bundle
// share: options, filters, the walk over a tenant's entries, control totals
// and hashed output.
#pragma once

#include <sodium.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "auditchain/export.hpp"
#include "auditchain/ledger.hpp"
#include "entry_codec.hpp"
#include "export_scan.hpp"
#include "json.hpp"
#include "ledger_state.hpp"
#include "protect_fields.hpp"
#include "sqlite.hpp"

namespace auditchain::detail {

// The shared state of the ledger a handle belongs to.
inline std::shared_ptr<LedgerState> tenant_state(const TenantLedger& tenant) { return tenant.state(); }

// ---- options and filters ------------------------------------------------------

// Refuses what an export cannot do, before anything is written or read:
// kClosed, kInvalidArgument (options, filter, format), kReadOnly, kWrongKey.
// `extra` are metadata members the data.export entry will carry besides the
// usual ones (their values at their longest), so the entry is known to be
// acceptable before the export starts.
void check_export_options(const LedgerState& state, ExportFormat format, const ExportOptions& options,
                          const std::map<std::string, std::string>& extra = {});

// The filter as canonical JSON (only the bounds and filters that are set).
std::string filter_to_json(const ExportFilter& filter);
// The inverse. Throws std::invalid_argument when `v` is not such an object.
ExportFilter filter_from_json(const json::Value& v);

// A filter ready to test entries. Times are compared as the canonical text
// entries hold (callers make sure recorded_at is canonical).
class EntryFilter {
 public:
  explicit EntryFilter(const ExportFilter& filter);
  const ExportFilter& filter() const noexcept { return filter_; }
  // True when the entry satisfies every bound and filter.
  bool matches(const EntryFields& f) const;

 private:
  ExportFilter filter_;
  std::string from_, to_;
};

// ---- the range and the walk ---------------------------------------------------

struct ExportRange {
  std::int64_t tenant_id = -1;  // -1: the tenant has no entries yet
  std::uint64_t head = 0;       // the tenant's newest seq in the snapshot
  std::uint64_t first = 1;      // the seq range the filter's bounds allow,
  std::uint64_t last = 0;       // capped at `cap`; empty when first > last
  std::uint64_t size() const noexcept { return last >= first ? last - first + 1 : 0; }
};

// Turns the filter's seq and time bounds into a seq range (time bounds by
// binary search over the entries' bytes: recorded times never decrease along
// a chain), capped at seq `cap`.
ExportRange resolve_range(Database& db, const std::string& tenant, const ExportFilter& filter, std::uint64_t cap);

// The seq of the first entry whose bytes say it was recorded at or after
// `t`, searched in [1, head]; head + 1 when none.
std::uint64_t first_recorded_at_or_after(Database& db, std::int64_t tenant_id, std::uint64_t head, Timestamp t);

// Streams the entries of a range that match a filter, in seq order. Every
// entry is checked to be what its row says (tenant, ledger, seq) and filtered
// on its bytes, never on the query columns. Throws Error(kCorrupt) for bytes
// that are not an entry of this tenant.
class ExportWalk {
 public:
  ExportWalk(Database& db, const LedgerState& state, const std::string& tenant, const ExportRange& range,
             const EntryFilter& filter, bool with_merkle, bool decrypt);

  // Moves to the next matching entry; false at the end.
  bool next();

  std::uint64_t seq() const noexcept { return seq_; }
  std::string_view bytes() const noexcept { return bytes_; }
  std::string_view stored_hash() const noexcept { return stored_hash_; }
  std::string_view merkle() const noexcept { return merkle_; }
  std::uint64_t rows_read() const noexcept { return rows_; }

  // The entry's fields as its bytes hold them (protected values unresolved).
  const EntryFields& fields() const noexcept { return fields_; }
  // The fields to show: protected values as markers, or as plaintext when
  // decrypting.
  const EntryFields& shown();
  // The protected values of the entry as shown() resolved them.
  const std::vector<ProtectedValue>& protected_values();

 private:
  [[noreturn]] void corrupt(const std::string& why) const;
  void decode();

  const LedgerState& state_;
  const std::string& tenant_;
  const EntryFilter& filter_;
  std::vector<std::shared_ptr<const MasterKey>> ring_;  // empty unless decrypting
  Revealer revealer_;
  bool with_merkle_;
  Statement select_;
  std::uint64_t rows_ = 0;
  std::uint64_t seq_ = 0;
  std::string_view bytes_, stored_hash_, merkle_;
  FieldScratch scratch_, shown_scratch_;
  EntryFields fields_, shown_fields_;
  std::optional<DecodedEntry> decoded_;
  Entry shown_entry_;
  bool revealed_ = false;
};

// Writes the entries of `range` that match `filter` to `writer` in `format`,
// reading on the calling thread and formatting on every core; counts into
// `tally`. Not for decrypting exports (the keys' lookups need the database).
class Tally;
class HashingWriter;
void export_in_parallel(Database& db, const LedgerState& state, const std::string& tenant, const ExportRange& range,
                        const EntryFilter& filter, ExportFormat format, HashingWriter& writer, Tally& tally,
                        const ExportOptions& options);

// ---- what an export adds up -----------------------------------------------------

// Counts, first and last seq, and exact totals per currency.
class Tally {
 public:
  Tally();
  // Not copied: the counters last used are found through pointers into the maps.
  Tally(const Tally&) = delete;
  Tally& operator=(const Tally&) = delete;
  // `entry_hash`: the entry's 32-byte hash, for the entries digest.
  // Throws Error(kCorrupt) when the amount is not a decimal.
  void add(const EntryFields& f, std::string_view entry_hash) {
    count(f);
    add_entry(f.seq, entry_hash);
  }
  // The counts per action and the totals per currency, which do not depend
  // on the order entries come in: threads may count apart and merge().
  void count(const EntryFields& f);
  // The number of entries, first and last seq and the digest, in export order.
  void add_entry(std::uint64_t seq, std::string_view entry_hash) {
    add_seq(seq);
    add_to_digest(entry_hash);
  }
  // add_entry() in two halves, for a caller that hashes on another thread: the
  // count and the seqs, and the entry hashes (any number of them at once), each
  // in export order.
  void add_seq(std::uint64_t seq) noexcept {
    ++entries_;
    if (!first_) first_ = seq;
    last_ = seq;
  }
  void add_to_digest(std::string_view entry_hashes) noexcept;
  // Adds `other`'s counts and totals (not its entries or digest).
  void merge(const Tally& other);
  std::uint64_t entries() const noexcept { return entries_; }
  std::optional<std::uint64_t> first() const noexcept { return first_; }
  std::optional<std::uint64_t> last() const noexcept { return last_; }
  std::map<std::string, std::uint64_t> per_action() const;
  std::map<std::string, Decimal> totals() const;
  // Hex SHA-256 of the entry hashes added so far (ExportSummary::entries_digest).
  std::string digest() const;
  void fill(ExportSummary& summary) const;

 private:
  std::uint64_t entries_ = 0;
  std::optional<std::uint64_t> first_, last_;
  std::map<std::string, std::uint64_t, std::less<>> per_action_;
  // Amounts of up to 18 digits are summed per scale in 128-bit integers
  // (the common case, and exact); others in a DecimalSum.
  __extension__ typedef __int128 Wide;
  static constexpr int kScales = Decimal::kMaxScale + 1;
  struct Total {
    Wide by_scale[kScales] = {};
    DecimalSum rest;
  };
  std::map<std::string, Total, std::less<>> totals_;
  crypto_hash_sha256_state digest_;
  // Every entry adds to the counter of its action and, when it has an amount,
  // to the total of its currency. The counters last used are remembered (map
  // nodes never move), by a hash of the action, so that an entry seldom needs
  // a lookup in the maps.
  std::uint64_t& action_count(std::string_view action);
  Total& total_of(std::string_view currency);
  struct ActionCounter {
    const std::string* action = nullptr;
    std::uint64_t* count = nullptr;
  };
  std::array<ActionCounter, 64> recent_actions_{};
  const std::string* recent_currency_ = nullptr;
  Total* recent_total_ = nullptr;
};

// ---- output ------------------------------------------------------------------

// Buffers output, writes it to a stream in large chunks and, when asked,
// keeps the SHA-256 of everything written (a bundle's files; plain exports
// are named by their entries digest instead). In the background mode a
// second thread hashes and writes each full chunk while the caller fills the
// next one, so the stream is written from that thread while the caller is
// inside the export; text the caller formatted in buffers of its own can be
// handed over, to be written from there without another copy.
class HashingWriter {
 public:
  // `what` names the output in error messages. Without `hash`, only buffers.
  HashingWriter(std::ostream& out, std::string what, bool hash = true, bool background = false);
  HashingWriter(const HashingWriter&) = delete;
  HashingWriter& operator=(const HashingWriter&) = delete;
  // Stops the background thread; what was not written by finish() is dropped.
  ~HashingWriter();

  // Append here, then call maybe_flush().
  std::string& buffer() noexcept { return buffer_; }
  void maybe_flush() {
    if (queued_size_ + buffer_.size() >= kChunk) flush();
  }
  // Takes `text` to write after what was appended or handed over before, and
  // leaves in its place an empty string to reuse (with the capacity of one
  // taken earlier). May flush().
  void hand_over(std::string& text);
  // Writes what is buffered (or hands it to the background thread). Throws
  // Error(kIo), also for a chunk the background thread failed to write.
  void flush();
  // Writes everything and returns the hex SHA-256 of all bytes written.
  std::string finish();

 private:
  static constexpr std::size_t kChunk = 256 * 1024;
  void write(const std::string& chunk);
  void work();
  void wait_idle();
  void stop() noexcept;
  // A string from spare_ (or a new one), to swap with one taken.
  std::string take_spare();

  std::ostream& out_;
  std::string what_;
  std::string buffer_;
  bool hash_;
  crypto_hash_sha256_state sha_;
  // Background mode: what the next flush() hands to the thread, in order:
  // `queued_`, then `buffer_`; `queued_size_` bytes in all. Strings the
  // thread has written are kept in `spare_` for hand_over() to give back.
  std::vector<std::string> queued_;
  std::size_t queued_size_ = 0;
  std::vector<std::string> spare_;
  // Background mode: `pending_texts_`, then `pending_` (written in that
  // order), belong to the thread while `busy_` is set.
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> pending_texts_;
  std::string pending_;
  bool busy_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;
};

// ---- the record of an export ----------------------------------------------------

// The metadata of the "data.export" entry: format, filter, counts, sha256,
// whether values were decrypted, and `extra`.
std::map<std::string, std::string> export_metadata(std::string_view format, const ExportOptions& options,
                                                   const Tally& tally, std::string_view sha256,
                                                   const std::map<std::string, std::string>& extra = {});
// The "data.export" event recording an export.
Event export_record(const ExportOptions& options, std::map<std::string, std::string> metadata);

}  // namespace auditchain::detail
