// export_parallel.cc — export_entries on every core.
//
// The calling thread reads rows from SQLite into a chunk while the workers
// scan, check, filter and format the chunk before it; then the calling thread
// joins them, and writes the finished chunk out in seq order. Each worker
// keeps its own counts, merged at the end; what depends on order (the number
// of entries, first and last seq, the entries digest) is kept while writing.
// Entries holding protected values are formatted by the calling thread, which
// alone may use the database to tell an erased value from an encrypted one.
//
// The calling thread sets the pace (reading from SQLite is its alone), so
// what can leave it does: the entries digest of a chunk, a SHA-256 over its
// hashes in order, is taken by a worker while the next chunk is formatted,
// and a block's formatted rows go to the writer as they are, not copied.
#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>

#include "auditchain/error.hpp"
#include "export_csv.hpp"
#include "export_internal.hpp"
#include "sha256.hpp"
#include "workers.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace auditchain::detail {
namespace {

constexpr std::size_t kChunkRows = 2048;
constexpr std::size_t kChunkBytes = 4 << 20;
constexpr std::size_t kBlock = 32;  // rows a thread takes at a time
constexpr auto kMaxRowSeq = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

Error corrupt(std::uint64_t seq, const std::string& tenant, const std::string& why) {
  return Error(ErrorCode::kCorrupt,
               "entry " + std::to_string(seq) + " of tenant \"" + tenant + "\" " + why + "; run auditchain verify");
}

struct Row {
  std::uint64_t seq = 0;
  std::uint32_t hash_at = 0, hash_size = 0, body_at = 0, body_size = 0;
  std::uint32_t out_at = 0, out_size = 0;  // within the block's output
  bool matched = false;
  bool protected_values = false;  // formatted by the calling thread
  std::exception_ptr failure;
};

// What one thread needs to format rows; one per thread, reused.
struct Formatter {
  FieldScratch scratch;
  EntryFields fields;
  // The last recorded_at found canonical: the entries of a batch share it.
  std::string canonical_time;
  std::optional<DecodedEntry> decoded;  // for what the scanner does not read
  Tally tally;
  char hash_hex[2 * Hash::kSize];
};

// Writes the lowercase hex of a 32-byte hash to `out` (64 bytes).
void hash_to_hex(const char* hash, char* out) noexcept {
#if defined(__SSE2__)
  const __m128i low_nibble = _mm_set1_epi8(0x0f);
  const auto digits = [](__m128i nibbles) {
    // '0' + n, and 'a' - 10 + n above 9.
    const __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
    return _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8('0')), letters);
  };
  for (int half = 0; half < 2; ++half) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hash + 16 * half));
    const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibble);
    const __m128i low = _mm_and_si128(bytes, low_nibble);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32 * half), digits(_mm_unpacklo_epi8(high, low)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32 * half + 16), digits(_mm_unpackhi_epi8(high, low)));
  }
#else
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < Hash::kSize; ++i) {
    const auto b = static_cast<unsigned char>(hash[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xf];
  }
#endif
}

struct Chunk {
  std::string arena;
  std::vector<Row> rows;
  std::size_t size = 0;
  std::vector<std::string> outputs;  // one per block of kBlock rows
  alignas(64) std::atomic<std::size_t> next{0};

  std::string_view view(std::uint32_t at, std::uint32_t size) const { return {arena.data() + at, size}; }
  bool full() const { return size >= kChunkRows || arena.size() >= kChunkBytes; }
  void clear() {
    arena.clear();
    size = 0;
  }
};

class ParallelExport {
 public:
  ParallelExport(Database& db, const LedgerState& state, const std::string& tenant, const ExportRange& range,
                 const EntryFilter& filter, ExportFormat format, HashingWriter& writer, Tally& tally,
                 const ExportOptions& options)
      : state_(state),
        tenant_(tenant),
        filter_(filter),
        format_(format),
        writer_(writer),
        tally_(tally),
        options_(options),
        range_(range),
        revealer_(db, range.tenant_id, state.ledger_id, tenant, no_keys_) {
    if (range.tenant_id < 0 || range.size() == 0) return;
    rows_ = db.prepare("SELECT seq, hash, body FROM entries WHERE tenant_id = ?1 AND seq >= ?2 AND seq <= ?3 ORDER BY seq");
    rows_.bind(1, range.tenant_id)
        .bind(2, static_cast<std::int64_t>(std::min(range.first, kMaxRowSeq)))
        .bind(3, static_cast<std::int64_t>(std::min(range.last, kMaxRowSeq)));
  }

  void run() {
    if (rows_.get() == nullptr) return;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    formatters_ = std::vector<Formatter>(cores);  // not movable: made in place
    // Declared before the workers, so that when an error leaves this function
    // the workers stop (finishing the chunk they are on) before the chunks go.
    Chunk chunks[2];
    Workers workers(cores - 1);
    ExportProgress progress{0, range_.size()};
    Chunk* current = &chunks[0];
    Chunk* next = &chunks[1];
    fill(*current);
    start(workers, *current);
    while (current->size > 0) {
      fill(*next);
      workers.finish();
      start(workers, *next);
      emit(*current);
      progress.done = tally_.entries();
      if (options_.progress) options_.progress(progress);
      std::swap(current, next);
    }
    workers.finish();
    tally_.add_to_digest(hashes_[gathering_]);
    for (const Formatter& f : formatters_) tally_.merge(f.tally);
  }

 private:
  void fill(Chunk& c) {
    c.clear();
    while (!done_ && !c.full()) {
      if (!rows_.step()) {
        done_ = true;  // stepping again would run the query anew
        break;
      }
      if (c.size == c.rows.size()) c.rows.emplace_back();
      Row& r = c.rows[c.size++];
      r.seq = static_cast<std::uint64_t>(rows_.column_int(0));
      const std::string_view hash = rows_.column_blob(1);
      const std::string_view body = rows_.column_blob(2);
      r.hash_at = static_cast<std::uint32_t>(c.arena.size());
      r.hash_size = static_cast<std::uint32_t>(hash.size());
      c.arena += hash;
      r.body_at = static_cast<std::uint32_t>(c.arena.size());
      r.body_size = static_cast<std::uint32_t>(body.size());
      c.arena += body;
    }
    const std::size_t blocks = (c.size + kBlock - 1) / kBlock;
    if (c.outputs.size() < blocks) c.outputs.resize(blocks);
  }

  // The workers format `c`; one of them first adds the hashes gathered by the
  // last emit() to the entries digest.
  void start(Workers& workers, Chunk& c) {
    c.next.store(0, std::memory_order_relaxed);
    next_formatter_.store(0, std::memory_order_relaxed);
    to_digest_ = &hashes_[gathering_];
    digest_taken_.store(false, std::memory_order_relaxed);
    workers.start([this, &c] { work(c); });
  }

  // Claims blocks of rows until none are left. Never throws: a row's failure
  // is kept for the calling thread to rethrow in order.
  void work(Chunk& c) noexcept {
    if (!digest_taken_.exchange(true, std::memory_order_relaxed)) tally_.add_to_digest(*to_digest_);
    Formatter& f = formatters_[next_formatter_.fetch_add(1, std::memory_order_relaxed) % formatters_.size()];
    for (;;) {
      const std::size_t first = c.next.fetch_add(kBlock, std::memory_order_relaxed);
      if (first >= c.size) return;
      std::string& out = c.outputs[first / kBlock];
      out.clear();
      const std::size_t last = std::min(c.size, first + kBlock);
      for (std::size_t i = first; i < last; ++i) {
        Row& r = c.rows[i];
        r.failure = nullptr;
        try {
          format(c, r, f, out);
        } catch (...) {
          r.matched = false;
          r.failure = std::current_exception();
        }
      }
    }
  }

  // Reads the row's bytes into `f.fields`: the scanner, or the strict decoder
  // for what the scanner does not read.
  void read_fields(std::uint64_t seq, std::string_view bytes, Formatter& f) const {
    f.scratch.reset();
    if (scan_entry(bytes, f.fields, f.scratch) && canonical_time(f)) return;
    decode_fields(seq, bytes, f);
  }

  static bool canonical_time(Formatter& f) {
    const std::string_view t = f.fields.recorded_at;
    if (t == f.canonical_time) return true;
    if (!Timestamp::is_canonical(t)) return false;
    f.canonical_time = t;
    return true;
  }

  [[gnu::noinline]] void decode_fields(std::uint64_t seq, std::string_view bytes, Formatter& f) const {
    f.scratch.reset();
    try {
      f.decoded = decode_entry(bytes);
    } catch (const DecodeError& e) {
      throw corrupt(seq, tenant_, std::string("cannot be decoded: ") + e.what());
    }
    fields_from_entry(f.decoded->entry, f.decoded->ledger_id, f.fields, f.scratch);
    f.fields.protected_values = !f.decoded->envelopes.empty();
  }

  void format(const Chunk& c, Row& r, Formatter& f, std::string& out) const {
    // The fields may point into the decoded entry of this row, never of an earlier one.
    if (f.decoded) f.decoded.reset();
    read_fields(r.seq, c.view(r.body_at, r.body_size), f);
    const EntryFields& e = f.fields;
    if (e.tenant != tenant_) throw corrupt(r.seq, tenant_, "names tenant \"" + std::string(e.tenant) + "\"");
    if (e.ledger != state_.ledger_id) throw corrupt(r.seq, tenant_, "names ledger " + std::string(e.ledger));
    if (e.seq != r.seq) throw corrupt(r.seq, tenant_, "says it is entry " + std::to_string(e.seq));
    if (r.hash_size != Hash::kSize) throw corrupt(r.seq, tenant_, "has a stored hash of the wrong size");
    r.matched = filter_.matches(e);
    r.protected_values = e.protected_values;
    r.out_at = static_cast<std::uint32_t>(out.size());
    r.out_size = 0;
    if (!r.matched) return;
    f.tally.count(e);
    if (format_ == ExportFormat::kCsv && r.protected_values) return;  // the calling thread shows these
    append(out, c, r, e, f.hash_hex);
    r.out_size = static_cast<std::uint32_t>(out.size() - r.out_at);
  }

  void append(std::string& out, const Chunk& c, const Row& r, const EntryFields& shown, char* hash_hex) const {
    switch (format_) {
      case ExportFormat::kJsonLines:
        out += c.view(r.body_at, r.body_size);
        out += '\n';
        break;
      case ExportFormat::kJson:
        out += c.view(r.body_at, r.body_size);
        break;
      case ExportFormat::kCsv:
        // format() checked that the stored hash has Hash::kSize bytes.
        hash_to_hex(c.arena.data() + r.hash_at, hash_hex);
        append_csv_row(out, shown, std::string_view(hash_hex, 2 * Hash::kSize));
        break;
    }
  }

  // Writes the chunk's matching rows in order, and gathers their hashes for
  // the entries digest (into the buffer the workers are not reading).
  void emit(Chunk& c) {
    gathering_ ^= 1;
    std::string& hashes = hashes_[gathering_];
    hashes.clear();
    for (std::size_t first = 0; first < c.size; first += kBlock) {
      const std::size_t last = std::min(c.size, first + kBlock);
      // A block's output holds its matching rows one after the other: unless
      // a row is still to be formatted here, or JSON needs commas between
      // them, the writer takes it whole, without a copy.
      bool whole = format_ != ExportFormat::kJson;
      for (std::size_t i = first; i < last; ++i) {
        const Row& r = c.rows[i];
        if (r.failure) std::rethrow_exception(r.failure);
        if (!r.matched) continue;
        tally_.add_seq(r.seq);
        hashes += c.view(r.hash_at, r.hash_size);
        if (format_ == ExportFormat::kCsv && r.protected_values) whole = false;
      }
      std::string& out = c.outputs[first / kBlock];
      if (!whole) {
        write_rows(c, first, last);
      } else if (!out.empty()) {
        writer_.hand_over(out);
      }
    }
  }

  // Writes the matching rows of [first, last) one by one.
  void write_rows(const Chunk& c, std::size_t first, std::size_t last) {
    std::string& buf = writer_.buffer();
    const std::string& out = c.outputs[first / kBlock];
    for (std::size_t i = first; i < last; ++i) {
      const Row& r = c.rows[i];
      if (!r.matched) continue;
      if (format_ == ExportFormat::kJson && wrote_any_) buf += ',';
      if (format_ == ExportFormat::kCsv && r.protected_values) {
        append(buf, c, r, shown_with_markers(c, r), hash_hex_);
      } else {
        buf.append(out, r.out_at, r.out_size);
      }
      wrote_any_ = true;
      writer_.maybe_flush();
    }
  }

  // The entry with its protected values as markers, from the database's
  // knowledge of which keys were destroyed.
  const EntryFields& shown_with_markers(const Chunk& c, const Row& r) {
    std::optional<DecodedEntry> decoded;
    try {
      decoded = decode_entry(c.view(r.body_at, r.body_size));
    } catch (const DecodeError& e) {
      throw corrupt(r.seq, tenant_, std::string("cannot be decoded: ") + e.what());
    }
    shown_entry_ = decoded->entry;
    revealer_.reveal(shown_entry_, decoded->envelopes);
    shown_scratch_.reset();
    fields_from_entry(shown_entry_, decoded->ledger_id, shown_fields_, shown_scratch_);
    return shown_fields_;
  }

  const LedgerState& state_;
  const std::string& tenant_;
  const EntryFilter& filter_;
  ExportFormat format_;
  HashingWriter& writer_;
  Tally& tally_;
  const ExportOptions& options_;
  ExportRange range_;
  const std::vector<std::shared_ptr<const MasterKey>> no_keys_;
  Revealer revealer_;
  Statement rows_;
  bool done_ = false;
  std::vector<Formatter> formatters_;
  std::atomic<std::size_t> next_formatter_{0};
  // The hashes of the matching entries of the last two chunks written: emit()
  // fills hashes_[gathering_], the workers then digest it while emit() fills
  // the other one.
  std::string hashes_[2];
  std::size_t gathering_ = 0;
  bool wrote_any_ = false;  // JSON: a comma goes before every entry but the first
  const std::string* to_digest_ = nullptr;  // what the running job digests
  std::atomic<bool> digest_taken_{false};
  char hash_hex_[2 * Hash::kSize];
  Entry shown_entry_;
  FieldScratch shown_scratch_;
  EntryFields shown_fields_;
};

}  // namespace

void export_in_parallel(Database& db, const LedgerState& state, const std::string& tenant, const ExportRange& range,
                        const EntryFilter& filter, ExportFormat format, HashingWriter& writer, Tally& tally,
                        const ExportOptions& options) {
  ParallelExport(db, state, tenant, range, filter, format, writer, tally, options).run();
}

}  // namespace auditchain::detail
