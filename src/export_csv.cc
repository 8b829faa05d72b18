// export_csv.cc — entries as CSV rows, safe to open in a spreadsheet.
#include "export_csv.hpp"

#include <bit>
#include <charconv>
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

// Characters a spreadsheet may read as the start of a formula, and the
// apostrophe itself, so that removing one leading apostrophe always restores
// the value.
bool needs_apostrophe(char first) noexcept {
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ||
         first == '\'';
}

inline bool special(char c) noexcept { return c == ',' || c == '"' || c == '\r' || c == '\n'; }

// True when the text holds a comma, a quote, CR or LF: the cell needs quotes.
// Most cells are short and plain, and every cell of every row is asked.
bool needs_quotes(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
    if (_mm_movemask_epi8(hit) != 0) return true;
  }
#endif
  for (; p != end; ++p) {
    if (special(*p)) return true;
  }
  return false;
}

// The number of '"' in the text.
std::size_t count_quotes(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  std::size_t n = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    n += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))));
  }
#endif
  for (; p != end; ++p) n += *p == '"';
  return n;
}

// Copies the text to `w` with every '"' doubled; returns the end. A plain
// loop: in JSON text the quotes are a few bytes apart.
char* copy_doubling_quotes(std::string_view text, char* w) noexcept {
  for (const char c : text) {
    *w++ = c;
    if (c == '"') *w++ = '"';
  }
  return w;
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

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, result.ptr);
}

// A decimal as written in an entry is a number cell when it is one; anything
// else (only a damaged entry can hold it) is treated as text, neutralised.
void append_decimal(std::string& out, const std::optional<std::string_view>& text) {
  if (!text) return;
  if (plain_number(*text)) {
    out += *text;
  } else {
    append_csv_text(out, *text);
  }
}

void cell(std::string& out, const std::optional<std::string_view>& text) {
  if (text) append_csv_text(out, *text);
  out += ',';
}

void cell(std::string& out, std::string_view text) {
  append_csv_text(out, text);
  out += ',';
}

}  // namespace

std::string_view csv_header() { return kHeader; }

void append_csv_text(std::string& out, std::string_view text) {
  if (text.empty()) return;
  const bool apostrophe = needs_apostrophe(text.front());
  if (!needs_quotes(text)) {
    if (apostrophe) out += '\'';
    out += text;
    return;
  }
  // Sized once, then written: before, after and metadata are JSON text, full
  // of quotes to double.
  const std::size_t at = out.size();
  out.resize(at + text.size() + count_quotes(text) + (apostrophe ? 3 : 2));
  char* w = out.data() + at;
  *w++ = '"';
  if (apostrophe) *w++ = '\'';
  w = copy_doubling_quotes(text, w);
  *w = '"';
}

void append_csv_row(std::string& out, const EntryFields& f, std::string_view hash_hex) {
  append_number(out, f.seq);
  out += ',';
  cell(out, f.recorded_at);
  cell(out, f.occurred_at);
  cell(out, f.action);
  cell(out, f.actor_id);
  cell(out, f.actor_kind);
  cell(out, f.on_behalf_of);
  cell(out, f.ip);
  cell(out, f.session_id);
  cell(out, f.request_id);
  cell(out, f.target_type);
  cell(out, f.target_id);
  append_decimal(out, f.amount);
  out += ',';
  cell(out, f.currency);
  out += f.sensitive ? "true," : "false,";
  out += f.high_risk ? "true," : "false,";
  cell(out, f.ai_model);
  cell(out, f.ai_model_version);
  append_decimal(out, f.ai_confidence);
  out += ',';
  cell(out, f.ai_source_uri);
  cell(out, f.ai_source_sha256);
  cell(out, f.ai_rule_id);
  cell(out, f.ai_rule_version);
  if (f.derived_from) append_number(out, *f.derived_from);
  out += ',';
  if (f.overrides) append_number(out, *f.overrides);
  out += ',';
  cell(out, f.idempotency_key);
  cell(out, f.before);
  cell(out, f.after);
  cell(out, f.metadata);
  cell(out, f.prev);
  append_csv_text(out, hash_hex);
  out += "\r\n";
}

}  // namespace auditchain::detail
