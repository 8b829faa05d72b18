// export_walk.cc — the walk over a tenant's entries that every export makes,
// the totals it keeps and the hashed output it writes.
#include <algorithm>
#include <cstring>
#include <limits>

#include "auditchain/error.hpp"
#include "export_internal.hpp"
#include "sha256.hpp"

namespace auditchain::detail {
namespace {

constexpr auto kMaxRowSeq = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// The recorded time an entry's bytes hold, as canonical text.
std::string recorded_at_of(std::string_view body, std::uint64_t seq) {
  FieldScratch scratch;
  EntryFields f;
  if (scan_entry(body, f, scratch) && Timestamp::is_canonical(f.recorded_at)) return std::string(f.recorded_at);
  try {
    return decode_entry(body).entry.recorded_at.to_string();
  } catch (const DecodeError& e) {
    throw Error(ErrorCode::kCorrupt,
                "entry " + std::to_string(seq) + " cannot be decoded: " + e.what() + "; run auditchain verify");
  }
}

}  // namespace

std::uint64_t first_recorded_at_or_after(Database& db, std::int64_t tenant_id, std::uint64_t head, Timestamp t) {
  Statement at = db.prepare("SELECT body FROM entries WHERE tenant_id = ?1 AND seq = ?2");
  const std::string target = t.to_string();
  std::uint64_t lo = 1;
  std::uint64_t hi = head + 1;  // the answer lies in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    at.reset();
    at.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(mid));
    if (!at.step()) {
      throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(mid) + " is missing; run auditchain verify");
    }
    if (recorded_at_of(at.column_blob(0), mid) >= target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

ExportRange resolve_range(Database& db, const std::string& tenant, const ExportFilter& filter, std::uint64_t cap) {
  ExportRange r;
  r.tenant_id = find_tenant(db, tenant);
  if (r.tenant_id < 0) return r;
  r.head = read_head(db, r.tenant_id).seq;
  r.first = filter.seq_from.value_or(1);
  r.last = std::min({filter.seq_to.value_or(r.head), r.head, cap});
  if (filter.from && r.first <= r.last) {
    r.first = std::max(r.first, first_recorded_at_or_after(db, r.tenant_id, r.head, *filter.from));
  }
  if (filter.to && r.first <= r.last) {
    r.last = std::min(r.last, first_recorded_at_or_after(db, r.tenant_id, r.head, *filter.to) - 1);
  }
  return r;
}

// ---- ExportWalk --------------------------------------------------------------------

ExportWalk::ExportWalk(Database& db, const LedgerState& state, const std::string& tenant, const ExportRange& range,
                       const EntryFilter& filter, bool with_merkle, bool decrypt)
    : state_(state),
      tenant_(tenant),
      filter_(filter),
      ring_(decrypt ? state.ring() : std::vector<std::shared_ptr<const MasterKey>>{}),
      revealer_(db, range.tenant_id, state.ledger_id, tenant, ring_),
      with_merkle_(with_merkle) {
  select_ = db.prepare(with_merkle
                           ? "SELECT seq, hash, body, merkle FROM entries WHERE tenant_id = ?1 AND seq >= ?2 AND seq <= ?3 ORDER BY seq"
                           : "SELECT seq, hash, body FROM entries WHERE tenant_id = ?1 AND seq >= ?2 AND seq <= ?3 ORDER BY seq");
  select_.bind(1, range.tenant_id)
      .bind(2, static_cast<std::int64_t>(std::min(range.first, kMaxRowSeq)))
      .bind(3, static_cast<std::int64_t>(std::min(range.last, kMaxRowSeq)));
  if (range.tenant_id < 0 || range.size() == 0) select_ = Statement();
}

void ExportWalk::corrupt(const std::string& why) const {
  throw Error(ErrorCode::kCorrupt,
              "entry " + std::to_string(seq_) + " of tenant \"" + tenant_ + "\" " + why + "; run auditchain verify");
}

void ExportWalk::decode() {
  try {
    decoded_ = decode_entry(bytes_);
  } catch (const DecodeError& e) {
    corrupt(std::string("cannot be decoded: ") + e.what());
  }
  fields_from_entry(decoded_->entry, decoded_->ledger_id, fields_, scratch_);
  fields_.protected_values = !decoded_->envelopes.empty();
}

bool ExportWalk::next() {
  if (select_.get() == nullptr) return false;
  for (;;) {
    if (!select_.step()) {
      select_ = Statement();
      return false;
    }
    ++rows_;
    seq_ = static_cast<std::uint64_t>(select_.column_int(0));
    stored_hash_ = select_.column_blob(1);
    bytes_ = select_.column_blob(2);
    if (with_merkle_) merkle_ = select_.column_blob(3);
    decoded_.reset();
    revealed_ = false;
    scratch_.reset();
    if (!scan_entry(bytes_, fields_, scratch_) || !Timestamp::is_canonical(fields_.recorded_at)) {
      scratch_.reset();
      decode();
    }
    if (fields_.tenant != tenant_) corrupt("names tenant \"" + std::string(fields_.tenant) + "\"");
    if (fields_.ledger != state_.ledger_id) corrupt("names ledger " + std::string(fields_.ledger));
    if (fields_.seq != seq_) corrupt("says it is entry " + std::to_string(fields_.seq));
    if (stored_hash_.size() != Hash::kSize) corrupt("has a stored hash of the wrong size");
    if (filter_.matches(fields_)) return true;
  }
}

const EntryFields& ExportWalk::shown() {
  if (!fields_.protected_values) return fields_;
  if (!revealed_) {
    if (!decoded_) decode();
    // A copy: fields() may point into the decoded entry.
    shown_entry_ = decoded_->entry;
    revealer_.reveal(shown_entry_, decoded_->envelopes);
    shown_scratch_.reset();
    fields_from_entry(shown_entry_, decoded_->ledger_id, shown_fields_, shown_scratch_);
    revealed_ = true;
  }
  return shown_fields_;
}

const std::vector<ProtectedValue>& ExportWalk::protected_values() {
  static const std::vector<ProtectedValue> kNone;
  shown();
  return revealed_ ? shown_entry_.protected_values : kNone;
}

// ---- Tally ---------------------------------------------------------------------------

Tally::Tally() {
  ensure_sodium();
  crypto_hash_sha256_init(&digest_);
}

namespace {

// A plain decimal of at most 18 digits, -?[0-9]+(\.[0-9]+)?, as an integer
// and its scale; false for anything else (the caller parses it in full).
bool small_decimal(std::string_view text, std::int64_t& value, int& scale) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) i = 1;
  std::int64_t v = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point; -1 before it
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && fraction < 0 && digits > 0) {
      fraction = 0;
      continue;
    }
    if (c < '0' || c > '9' || ++digits > 18) return false;
    v = v * 10 + (c - '0');
    if (fraction >= 0) ++fraction;
  }
  if (digits == 0 || fraction == 0) return false;
  value = negative ? -v : v;
  scale = fraction < 0 ? 0 : fraction;
  return true;
}

// `v` / 10^scale as decimal text.
template <typename Wide>
std::string scaled_text(Wide v, int scale) {
  const bool negative = v < 0;
  std::string digits;
  do {
    const int d = static_cast<int>(v % 10);
    digits += static_cast<char>('0' + (d < 0 ? -d : d));
    v /= 10;
  } while (v != 0);
  while (static_cast<int>(digits.size()) <= scale) digits += '0';
  std::string out = negative ? "-" : "";
  for (std::size_t i = digits.size(); i-- > 0;) {
    out += digits[i];
    if (static_cast<int>(i) == scale && scale > 0) out += '.';
  }
  return out;
}

// Two texts that are equal: short ones (actions, currencies) compared in two
// overlapping loads rather than by a call.
bool same_text(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
  const auto same = [&](std::size_t at, auto word) {
    decltype(word) x, y;
    std::memcpy(&x, a.data() + at, sizeof x);
    std::memcpy(&y, b.data() + at, sizeof y);
    return x == y;
  };
  if (n >= 8) return same(0, std::uint64_t{}) && same(n - 8, std::uint64_t{});
  if (n >= 4) return same(0, std::uint32_t{}) && same(n - 4, std::uint32_t{});
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// A slot among `slots` (a power of two) for a text, from its length and its
// first and last bytes. Texts that share a slot only cost a lookup.
std::size_t slot_of(std::string_view text, std::size_t slots) noexcept {
  const std::size_t n = text.size();
  std::uint64_t head = 0, tail = 0;
  if (n >= 8) {
    std::memcpy(&head, text.data(), 8);
    std::memcpy(&tail, text.data() + n - 8, 8);
  } else if (n > 0) {
    std::memcpy(&head, text.data(), n);
  }
  const std::uint64_t mixed = (head ^ (tail * 0x9e3779b97f4a7c15ULL) ^ n) * 0xff51afd7ed558ccdULL;
  return static_cast<std::size_t>(mixed >> 40) & (slots - 1);
}

}  // namespace

std::uint64_t& Tally::action_count(std::string_view action) {
  ActionCounter& recent = recent_actions_[slot_of(action, recent_actions_.size())];
  if (recent.action != nullptr && same_text(*recent.action, action)) return *recent.count;
  auto it = per_action_.find(action);
  if (it == per_action_.end()) it = per_action_.emplace(std::string(action), 0).first;
  recent = {&it->first, &it->second};
  return it->second;
}

Tally::Total& Tally::total_of(std::string_view currency) {
  if (recent_currency_ != nullptr && same_text(*recent_currency_, currency)) return *recent_total_;
  auto it = totals_.find(currency);
  if (it == totals_.end()) it = totals_.try_emplace(std::string(currency)).first;
  recent_currency_ = &it->first;
  recent_total_ = &it->second;
  return it->second;
}

void Tally::count(const EntryFields& f) {
  ++action_count(f.action);
  if (f.amount && f.currency) {
    Total& total = total_of(*f.currency);
    std::int64_t value;
    int scale;
    if (small_decimal(*f.amount, value, scale)) {
      total.by_scale[scale] += value;
    } else if (Decimal::is_valid(*f.amount)) {
      total.rest.add(Decimal::parse(*f.amount));
    } else {
      throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(f.seq) +
                                           " holds an amount that is not a decimal; run auditchain verify");
    }
  }
}

void Tally::add_to_digest(std::string_view entry_hashes) noexcept {
  crypto_hash_sha256_update(&digest_, reinterpret_cast<const unsigned char*>(entry_hashes.data()), entry_hashes.size());
}

void Tally::merge(const Tally& other) {
  for (const auto& [action, n] : other.per_action_) {
    auto it = per_action_.find(action);
    if (it == per_action_.end()) it = per_action_.emplace(action, 0).first;
    it->second += n;
  }
  for (const auto& [currency, theirs] : other.totals_) {
    auto it = totals_.find(currency);
    if (it == totals_.end()) it = totals_.try_emplace(currency).first;
    for (int s = 0; s < kScales; ++s) it->second.by_scale[s] += theirs.by_scale[s];
    if (theirs.rest.count() > 0) it->second.rest.add(theirs.rest.total());
  }
}

std::map<std::string, std::uint64_t> Tally::per_action() const { return {per_action_.begin(), per_action_.end()}; }

std::map<std::string, Decimal> Tally::totals() const {
  std::map<std::string, Decimal> out;
  for (const auto& [currency, total] : totals_) {
    DecimalSum sum;
    if (total.rest.count() > 0) sum.add(total.rest.total());
    for (int s = 0; s < kScales; ++s) {
      if (total.by_scale[s] != 0) sum.add(Decimal::parse(scaled_text(total.by_scale[s], s)));
    }
    out.emplace(currency, sum.total());
  }
  return out;
}

std::string Tally::digest() const {
  crypto_hash_sha256_state copy = digest_;
  Hash h;
  crypto_hash_sha256_final(&copy, h.bytes.data());
  return h.hex();
}

void Tally::fill(ExportSummary& s) const {
  s.entries = entries_;
  s.entries_digest = digest();
  s.first_seq = first_;
  s.last_seq = last_;
  s.per_action = per_action();
  s.totals = totals();
}

// ---- HashingWriter -------------------------------------------------------------------

HashingWriter::HashingWriter(std::ostream& out, std::string what, bool hash, bool background)
    : out_(out), what_(std::move(what)), hash_(hash) {
  ensure_sodium();
  crypto_hash_sha256_init(&sha_);
  buffer_.reserve(kChunk + 64 * 1024);
  if (background) {
    pending_.reserve(kChunk + 64 * 1024);
    thread_ = std::thread([this] { work(); });
  }
}

HashingWriter::~HashingWriter() { stop(); }

void HashingWriter::stop() noexcept {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void HashingWriter::write(const std::string& chunk) {
  if (hash_) crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size());
  out_.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  if (!out_) throw Error(ErrorCode::kIo, "cannot write " + what_);
}

void HashingWriter::work() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return busy_ || stopping_; });
      if (stopping_) return;
    }
    try {
      if (!error_) {
        for (const std::string& text : pending_texts_) write(text);
        write(pending_);
      }
    } catch (...) {
      error_ = std::current_exception();
    }
    pending_.clear();
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    changed_.notify_all();
  }
}

void HashingWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !busy_; });
  if (error_) std::rethrow_exception(error_);
}

std::string HashingWriter::take_spare() {
  if (spare_.empty()) return std::string();
  std::string s = std::move(spare_.back());
  spare_.pop_back();
  return s;
}

void HashingWriter::hand_over(std::string& text) {
  if (!thread_.joinable()) {
    buffer_ += text;
    text.clear();
    maybe_flush();
    return;
  }
  // What was appended before goes first.
  if (!buffer_.empty()) {
    queued_.push_back(take_spare());
    std::swap(queued_.back(), buffer_);
    queued_size_ += queued_.back().size();
  }
  queued_size_ += text.size();
  queued_.push_back(take_spare());
  std::swap(queued_.back(), text);
  maybe_flush();
}

void HashingWriter::flush() {
  if (buffer_.empty() && queued_.empty()) return;
  if (!thread_.joinable()) {
    write(buffer_);
    buffer_.clear();
    return;
  }
  wait_idle();
  // The texts the thread has written are kept for hand_over() to give back.
  for (std::string& text : pending_texts_) {
    text.clear();
    spare_.push_back(std::move(text));
  }
  pending_texts_.clear();
  {
    std::lock_guard lock(mutex_);
    std::swap(buffer_, pending_);
    std::swap(queued_, pending_texts_);
    busy_ = true;
  }
  queued_size_ = 0;
  changed_.notify_all();
}

std::string HashingWriter::finish() {
  flush();
  if (thread_.joinable()) {
    wait_idle();
    stop();
  }
  out_.flush();
  if (!out_) throw Error(ErrorCode::kIo, "cannot write " + what_);
  Hash h;
  crypto_hash_sha256_final(&sha_, h.bytes.data());
  return h.hex();
}

// ---- the record ----------------------------------------------------------------------

std::map<std::string, std::string> export_metadata(std::string_view format, const ExportOptions& options,
                                                   const Tally& tally, std::string_view sha256,
                                                   const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> m = extra;
  m["format"] = format;
  m["filter"] = filter_to_json(options.filter);
  m["entries"] = std::to_string(tally.entries());
  if (tally.first()) m["first_seq"] = std::to_string(*tally.first());
  if (tally.last()) m["last_seq"] = std::to_string(*tally.last());
  m["entries_digest"] = tally.digest();
  if (!sha256.empty()) m["sha256"] = sha256;
  if (options.decrypt) m["decrypted"] = "true";
  return m;
}

Event export_record(const ExportOptions& options, std::map<std::string, std::string> metadata) {
  Event e;
  e.action = "data.export";
  e.actor = options.exported_by;
  e.metadata = std::move(metadata);
  // Plaintext leaving the ledger is the export an auditor wants to find first.
  e.high_risk = options.decrypt;
  return e;
}

}  // namespace auditchain::detail
