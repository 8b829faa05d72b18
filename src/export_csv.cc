// export_csv.cc — entries as CSV rows, safe to open in a spreadsheet.
//
// An export writes one row of some 30 cells per entry. Growing the output
// cell by cell, each append checking its capacity, cost as much as reading the
// entry; so a row takes room once for the longest it can be, writes its cells
// through a pointer and is cut to size at the end.
#include "export_csv.hpp"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace auditchain::detail {
namespace {

constexpr std::string_view kHeader =
    "seq,recorded_at,occurred_at,action,actor_id,actor_kind,on_behalf_of,ip,session_id,request_id,"
    "target_type,target_id,amount,currency,sensitive,high_risk,ai_model,ai_model_version,ai_confidence,"
    "ai_source_uri,ai_source_sha256,ai_rule_id,ai_rule_version,derived_from,overrides,idempotency_key,"
    "before,after,metadata,prev_hash,hash\r\n";

// The number of columns, counted from the header so that the two cannot drift.
constexpr std::size_t kColumns = [] {
  std::size_t n = 1;
  for (const char c : kHeader) n += c == ',';
  return n;
}();
static_assert(kColumns == 31, "append_csv_row writes one cell per column of the header");

// Characters a spreadsheet may read as the start of a formula, and the
// apostrophe itself, so that removing one leading apostrophe always restores
// the value.
bool needs_apostrophe(char first) noexcept {
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ||
         first == '\'';
}

inline bool special(char c) noexcept { return c == ',' || c == '"' || c == '\r' || c == '\n'; }

#if defined(__SSE2__)
// A bit per byte of `v` that is a comma, a quote, CR or LF.
inline unsigned special_bits(__m128i v) noexcept {
  const auto is = [v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  const __m128i hit = _mm_or_si128(_mm_or_si128(is(','), is('"')), _mm_or_si128(is('\r'), is('\n')));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

// Where the loads below go: texts of 16 bytes or more in 16-byte loads (the
// last one overlapping the one before), shorter ones in two overlapping loads
// of 8 or 4 bytes, the shortest byte by byte. Nothing is read past a text's end.

// Copies a text that needs no quotes to `w`: true, and `w` moved past it.
// False when the text holds a comma, a quote, CR or LF (then what was copied
// is to be overwritten). Most cells are short and plain, and every cell of
// every row comes here, so the check and the copy share their loads.
inline bool copy_plain(char*& w, const char* p, std::size_t n) noexcept {
#if defined(__SSE2__)
  if (n >= 16) {
    for (std::size_t i = 0; i + 16 < n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      if (special_bits(v) != 0) return false;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), v);
    }
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16));
    if (special_bits(v) != 0) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w + n - 16), v);
    w += n;
    return true;
  }
  if (n >= 8) {
    const __m128i head = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    const __m128i tail = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8));
    if (special_bits(_mm_unpacklo_epi64(head, tail)) != 0) return false;
    _mm_storel_epi64(reinterpret_cast<__m128i*>(w), head);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(w + n - 8), tail);
    w += n;
    return true;
  }
  if (n >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    // The zero bytes above the two loads are none of the special characters.
    if (special_bits(_mm_unpacklo_epi32(_mm_cvtsi32_si128(static_cast<int>(head)),
                                        _mm_cvtsi32_si128(static_cast<int>(tail)))) != 0) {
      return false;
    }
    std::memcpy(w, &head, 4);
    std::memcpy(w + n - 4, &tail, 4);
    w += n;
    return true;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) {
    if (special(p[i])) return false;
    w[i] = p[i];
  }
  w += n;
  return true;
}

// Copies the text to `w` with every '"' doubled; returns the end. Before,
// after and metadata are JSON text, with a quote every few bytes.
char* copy_doubling_quotes(char* w, const char* p, std::size_t n) noexcept {
  const char* const end = p + n;
#if defined(__SSE2__)
  // Sixteen bytes are stored at a time, only while sixteen or more remain to
  // be read: they become at least sixteen bytes of output, so the store
  // never reaches past the cell, and what it wrote after a quote is written
  // again, shifted by the doubled quote, on the next round.
  const __m128i quote = _mm_set1_epi8('"');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
    const auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
    if (quotes == 0) {
      p += 16;
      w += 16;
      continue;
    }
    const auto through_quote = static_cast<std::size_t>(std::countr_zero(quotes)) + 1;
    p += through_quote;
    w += through_quote;
    *w++ = '"';
  }
#endif
  for (; p != end; ++p) {
    *w++ = *p;
    if (*p == '"') *w++ = '"';
  }
  return w;
}

// The most a text can take as a cell: a leading apostrophe, two quotes and
// every byte a doubled quote.
constexpr std::size_t most_written(std::size_t n) noexcept { return 2 * n + 3; }
inline std::size_t most_written(std::string_view text) noexcept { return most_written(text.size()); }
inline std::size_t most_written(const std::optional<std::string_view>& text) noexcept {
  return text ? most_written(text->size()) : 0;
}
// ... of several texts together.
template <class... Texts>
std::size_t most_written(const Texts&... texts) noexcept {
  return (most_written(texts) + ...);
}

// Writes `text` as one cell at `w`, which has room for most_written(); returns
// the end.
inline char* write_text(char* w, std::string_view text) noexcept {
  if (text.empty()) return w;
  const bool apostrophe = needs_apostrophe(text.front());
  char* const start = w;
  if (apostrophe) *w++ = '\'';
  if (copy_plain(w, text.data(), text.size())) return w;
  w = start;
  *w++ = '"';
  if (apostrophe) *w++ = '\'';
  w = copy_doubling_quotes(w, text.data(), text.size());
  *w++ = '"';
  return w;
}

inline char* write_text(char* w, const std::optional<std::string_view>& text) noexcept {
  return text ? write_text(w, *text) : w;
}

inline char* write_raw(char* w, std::string_view text) noexcept {
  std::memcpy(w, text.data(), text.size());
  return w + text.size();
}

// -?[0-9]+(\.[0-9]+)?: a number to a spreadsheet, never a formula.
bool plain_number(std::string_view text) noexcept {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  const std::size_t int_begin = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == int_begin) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  const std::size_t frac_begin = ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  return i == text.size() && i > frac_begin;
}

// A decimal as written in an entry is a number cell when it is one; anything
// else (only a damaged entry can hold it) is treated as text, neutralised.
inline char* write_decimal(char* w, const std::optional<std::string_view>& text) noexcept {
  if (!text) return w;
  return plain_number(*text) ? write_raw(w, *text) : write_text(w, *text);
}

// Writes a non-negative integer; returns the end (at most 20 bytes).
inline char* write_number(char* w, std::uint64_t n) noexcept { return std::to_chars(w, w + 20, n).ptr; }

}  // namespace

std::string_view csv_header() { return kHeader; }

void append_csv_text(std::string& out, std::string_view text) {
  const std::size_t at = out.size();
  out.resize(at + most_written(text.size()));
  out.resize(static_cast<std::size_t>(write_text(out.data() + at, text) - out.data()));
}

void append_csv_row(std::string& out, const EntryFields& f, std::string_view hash_hex) {
  // Room for the longest the row can be, made once; cut to size at the end:
  // a separator per column, three numbers, two flags and the text cells.
  constexpr std::size_t kNumber = 20;  // digits of the largest std::uint64_t
  std::size_t most = kColumns + 1 + 3 * kNumber + 2 * std::string_view("false").size();
  most += most_written(f.recorded_at, f.occurred_at, f.action, f.actor_id, f.actor_kind, f.on_behalf_of, f.ip,
                       f.session_id, f.request_id, f.target_type, f.target_id, f.amount, f.currency, f.ai_model,
                       f.ai_model_version, f.ai_confidence, f.ai_source_uri, f.ai_source_sha256, f.ai_rule_id,
                       f.ai_rule_version, f.idempotency_key, f.before, f.after, f.metadata, f.prev, hash_hex);
  const std::size_t at = out.size();
  out.resize(at + most);
  char* w = out.data() + at;
  const auto next = [&w] { *w++ = ','; };
  w = write_number(w, f.seq);
  next();
  w = write_text(w, f.recorded_at);
  next();
  w = write_text(w, f.occurred_at);
  next();
  w = write_text(w, f.action);
  next();
  w = write_text(w, f.actor_id);
  next();
  w = write_text(w, f.actor_kind);
  next();
  w = write_text(w, f.on_behalf_of);
  next();
  w = write_text(w, f.ip);
  next();
  w = write_text(w, f.session_id);
  next();
  w = write_text(w, f.request_id);
  next();
  w = write_text(w, f.target_type);
  next();
  w = write_text(w, f.target_id);
  next();
  w = write_decimal(w, f.amount);
  next();
  w = write_text(w, f.currency);
  next();
  w = write_raw(w, f.sensitive ? "true," : "false,");
  w = write_raw(w, f.high_risk ? "true," : "false,");
  w = write_text(w, f.ai_model);
  next();
  w = write_text(w, f.ai_model_version);
  next();
  w = write_decimal(w, f.ai_confidence);
  next();
  w = write_text(w, f.ai_source_uri);
  next();
  w = write_text(w, f.ai_source_sha256);
  next();
  w = write_text(w, f.ai_rule_id);
  next();
  w = write_text(w, f.ai_rule_version);
  next();
  if (f.derived_from) w = write_number(w, *f.derived_from);
  next();
  if (f.overrides) w = write_number(w, *f.overrides);
  next();
  w = write_text(w, f.idempotency_key);
  next();
  w = write_text(w, f.before);
  next();
  w = write_text(w, f.after);
  next();
  w = write_text(w, f.metadata);
  next();
  w = write_text(w, f.prev);
  next();
  w = write_text(w, hash_hex);
  *w++ = '\r';
  *w++ = '\n';
  out.resize(static_cast<std::size_t>(w - out.data()));
}

}  // namespace auditchain::detail
