// entry_scan.cc — a one-pass check of canonical entry bytes, for verify.
#include "entry_scan.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "auditchain/decimal.hpp"
#include "auditchain/timestamp.hpp"
#include "entry_codec.hpp"
#include "schema.hpp"
#include "validate.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace auditchain::detail {
namespace {


// ---- the fast path: one pass over canonical bytes ----------------------------------

// Containers nested deeper than this go to the reference decoder, whose own
// limit is a little higher.
constexpr int kFastDepth = 32;

// Unaligned loads of 4 and 8 bytes.
inline std::uint32_t load4(const char* p) noexcept {
  std::uint32_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

#if !defined(__SSE2__)
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline bool has_zero_byte(std::uint64_t x) noexcept { return ((x - kOnes) & ~x & kHighs) != 0; }

// True when all 8 bytes are ASCII, not control characters, not '"' or '\\':
// bytes a canonical string literal carries verbatim.
inline bool eight_plain(std::uint64_t x) noexcept {
  return (x & kHighs) == 0 && ((x - kOnes * 0x20) & ~x & kHighs) == 0 && !has_zero_byte(x ^ (kOnes * '"')) &&
         !has_zero_byte(x ^ (kOnes * '\\'));
}
#endif

inline bool one_plain(unsigned char c) noexcept { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Skips the bytes a canonical string literal carries verbatim; returns the
// first other byte (or end). Most of an entry is such bytes.
[[gnu::always_inline]] inline const char* skip_plain(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // A signed comparison: bytes 0x80..0xFF are negative, so "below space" too.
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmplt_epi8(v, space));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#else
  while (end - p >= 8 && eight_plain(load8(p))) p += 8;
#endif
  while (p != end && one_plain(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// The value of each lowercase hex digit; -1 for every other byte.
constexpr auto kNibble = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  return t;
}();

inline int nibble(char c) noexcept { return kNibble[static_cast<unsigned char>(c)]; }

#if defined(__SSE2__)
// Decodes 32 lowercase hex digits at `p` into 16 bytes at `out`; false when
// any of them is not one.
inline bool hex32(const char* p, std::uint8_t* out) noexcept {
  __m128i bad = _mm_setzero_si128();
  // Chars at or above 0x80 are negative as signed bytes: in neither range.
  const auto nibbles = [&bad](__m128i v) {
    const __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i letter =
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(_mm_or_si128(digit, letter), _mm_setzero_si128()));
    return _mm_or_si128(_mm_and_si128(digit, _mm_sub_epi8(v, _mm_set1_epi8('0'))),
                        _mm_and_si128(letter, _mm_sub_epi8(v, _mm_set1_epi8('a' - 10))));
  };
  const __m128i a = nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  const __m128i b = nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)));
  if (_mm_movemask_epi8(bad) != 0) return false;
  // Each 16-bit lane holds two digits, the high nibble in its low byte.
  const __m128i low_byte = _mm_set1_epi16(0x00FF);
  const __m128i pa = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(a, low_byte), 4), _mm_srli_epi16(a, 8));
  const __m128i pb = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(b, low_byte), 4), _mm_srli_epi16(b, 8));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(pa, pb));
  return true;
}
#endif

// Decodes exactly 2*n lowercase hex digits into `out` (may be null to only check).
bool lower_hex(std::string_view s, std::size_t n, std::uint8_t* out = nullptr) noexcept {
  if (s.size() != 2 * n) return false;
#if defined(__SSE2__)
  if (n % 16 == 0) {
    std::uint8_t scratch[16];
    for (std::size_t i = 0; i < n; i += 16) {
      if (!hex32(s.data() + 2 * i, out ? out + i : scratch)) return false;
    }
    return true;
  }
#endif
  int bad = 0;  // a negative nibble anywhere makes it negative; one test at the end
  for (std::size_t i = 0; i < n; ++i) {
    const int hi = nibble(s[2 * i]);
    const int lo = nibble(s[2 * i + 1]);
    bad |= hi | lo;
    if (out) out[i] = static_cast<std::uint8_t>(hi << 4 | (lo & 0xf));
  }
  return bad >= 0;
}

// Timestamp::is_canonical, remembering the last text it accepted on this
// thread: entries appended in one batch share their recorded time.
bool canonical_time(std::string_view text) noexcept {
  thread_local std::array<char, 27> last{};
  thread_local bool have_last = false;
  if (have_last && text.size() == last.size() && std::memcmp(text.data(), last.data(), last.size()) == 0) {
    return true;
  }
  if (!Timestamp::is_canonical(text)) return false;
  std::memcpy(last.data(), text.data(), last.size());  // canonical text is always 27 bytes
  have_last = true;
  return true;
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629), or 0.
inline std::size_t utf8_length(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned c = p[0];
  const auto avail = static_cast<std::size_t>(end - p);
  const auto cont = [&](std::size_t i, unsigned lo, unsigned hi) { return i < avail && p[i] >= lo && p[i] <= hi; };
  if (c < 0xC2) return 0;
  if (c < 0xE0) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c < 0xF0) {
    return cont(1, c == 0xE0 ? 0xA0 : 0x80, c == 0xED ? 0x9F : 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c < 0xF5) {
    const bool lead = cont(1, c == 0xF0 ? 0x90 : 0x80, c == 0xF4 ? 0x8F : 0xBF);
    return lead && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// A decimal already in the canonical form Decimal::to_string() writes, well
// inside its digit limits: -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?, never "-0".
bool canonical_decimal(std::string_view s) noexcept {
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  const std::size_t int_begin = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const std::size_t int_digits = i - int_begin;
  if (int_digits == 0 || (int_digits > 1 && s[int_begin] == '0') || int_digits > 20) return false;
  if (i == s.size()) return !(negative && s[int_begin] == '0');
  if (s[i] != '.') return false;
  const std::size_t frac_begin = ++i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const std::size_t frac_digits = i - frac_begin;
  return i == s.size() && frac_digits > 0 && frac_digits <= static_cast<std::size_t>(Decimal::kMaxScale) &&
         s[i - 1] != '0';
}

// name == literal. Member names are compared a dozen times per entry, and a
// call to memcmp costs more than the comparison: short ones are compared as
// two overlapping words, the literal's words folding into constants.
template <std::size_t N>
[[gnu::always_inline]] inline bool is(std::string_view name, const char (&literal)[N]) noexcept {
  constexpr std::size_t n = N - 1;
  if (name.size() != n) return false;
  const char* p = name.data();
  if constexpr (n < 4) {
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] != literal[i]) return false;
    }
    return true;
  } else if constexpr (n < 8) {
    return load4(p) == load4(literal) && load4(p + n - 4) == load4(literal + n - 4);
  } else if constexpr (n <= 16) {
    return load8(p) == load8(literal) && load8(p + n - 8) == load8(literal + n - 8);
  } else {
    return std::memcmp(p, literal, n) == 0;
  }
}

class FastReader {
 public:
  explicit FastReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool at_end() const noexcept { return p_ == end_; }

  bool eat(char c) noexcept {
    if (p_ != end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // A string literal exactly as json::append_string writes it. `raw` is what
  // lies between the quotes; `escaped` tells whether that differs from the
  // decoded value. Inlined for the common case of nothing to unescape.
  [[gnu::always_inline]] bool string(std::string_view& raw, bool& escaped) noexcept {
    if (p_ == end_ || *p_ != '"') return false;
    const char* begin = ++p_;
    p_ = skip_plain(p_, end_);
    if (p_ != end_ && *p_ == '"') {
      raw = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
      ++p_;
      escaped = false;
      return true;
    }
    return string_rest(begin, raw, escaped);
  }

  // A string whose decoded value is `raw` itself.
  [[gnu::always_inline]] bool plain_string(std::string_view& raw) noexcept {
    bool escaped;
    return string(raw, escaped) && !escaped;
  }

  // An integer in canonical form within +-(2^53-1).
  bool integer(std::int64_t& v) noexcept {
    const bool negative = eat('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
      v = 0;
      return !negative;
    }
    std::uint64_t x = 0;
    int digits = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
      if (++digits > 16) return false;
      x = x * 10 + static_cast<unsigned>(*p_++ - '0');
    }
    if (x > static_cast<std::uint64_t>(json::kMaxSafeInteger)) return false;
    v = negative ? -static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
    return true;
  }

  bool positive(std::uint64_t& v) noexcept {
    std::int64_t i;
    if (!integer(i) || i < 1) return false;
    v = static_cast<std::uint64_t>(i);
    return true;
  }

  // An object whose member names need no unescaping and are strictly
  // increasing in RFC 8785 order (hence also unique); `member(name)` reads
  // each value.
  template <typename F>
  bool object(F&& member) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    std::string_view previous;
    bool first = true;
    do {
      std::string_view name;
      if (!plain_string(name)) return false;
      if (!first && !json::utf16_less(previous, name)) return false;
      first = false;
      previous = name;
      if (!eat(':') || !member(name)) return false;
    } while (eat(','));
    return eat('}');
  }

  // An object of members the format defines. `member(name)` reads the value
  // and returns the name's rank in canonical order, or -1 for anything
  // wrong; ranks must increase, which is canonical order for known names.
  // Returns the set of ranks seen, or 0 on failure.
  template <typename F>
  std::uint32_t known_object(F&& member) {
    if (!eat('{') || eat('}')) return 0;  // every such object has a required member
    std::uint32_t seen = 0;
    int previous = -1;
    do {
      std::string_view name;
      if (!plain_string(name) || !eat(':')) return 0;
      const int rank = member(name);
      if (rank <= previous) return 0;
      previous = rank;
      seen |= 1u << rank;
    } while (eat(','));
    return eat('}') ? seen : 0;
  }

  // Any canonical JSON value.
  bool value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        if (depth >= kFastDepth) return false;
        // A member named "$protected" makes the object a protection envelope,
        // which has rules of its own: the reference decoder checks those.
        return object([&](std::string_view name) { return !is(name, "$protected") && value(depth + 1); });
      case '[':
        if (depth >= kFastDepth) return false;
        ++p_;
        if (eat(']')) return true;
        do {
          if (!value(depth + 1)) return false;
        } while (eat(','));
        return eat(']');
      case '"': {
        std::string_view s;
        bool escaped;
        return string(s, escaped);
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: {
        std::int64_t i;
        return integer(i);
      }
    }
  }

  bool any_string() noexcept {
    std::string_view s;
    bool escaped;
    return string(s, escaped);
  }

 private:
  // The rest of a string literal from the first byte that is not plain.
  bool string_rest(const char* begin, std::string_view& raw, bool& escaped) noexcept {
    escaped = false;
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        raw = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
        ++p_;
        return true;
      }
      if (c >= 0x80) {
        const std::size_t n =
            utf8_length(reinterpret_cast<const unsigned char*>(p_), reinterpret_cast<const unsigned char*>(end_));
        if (n == 0) return false;
        p_ += n;
      } else if (c != '\\' || end_ - p_ < 2) {
        return false;  // a raw control character, or a cut escape
      } else {
        escaped = true;
        const char e = p_[1];
        if (e == '"' || e == '\\' || e == 'b' || e == 't' || e == 'n' || e == 'f' || e == 'r') {
          p_ += 2;
        } else {
          // Only the control characters without a short form are written
          // \u00xx, in lowercase hex.
          if (e != 'u' || end_ - p_ < 6 || p_[2] != '0' || p_[3] != '0' || (p_[4] != '0' && p_[4] != '1')) {
            return false;
          }
          const int low = nibble(p_[5]);
          if (low < 0) return false;
          const int code = (p_[4] - '0') * 16 + low;
          if (code == '\b' || code == '\t' || code == '\n' || code == '\f' || code == '\r') return false;
          p_ += 6;
        }
      }
      p_ = skip_plain(p_, end_);
    }
  }

  bool literal(std::string_view word) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  const char* p_;
  const char* end_;
};

// Decodes canonical entry bytes the way decode_entry() does, into views of
// `bytes`. False means "not sure": the reference decoder must decide.

}  // namespace

bool fast_decode(std::string_view bytes, EntryView& out) {
  if (bytes.size() > detail::Limits::kEntryBytes) return false;
  FastReader r(bytes);
  out.target_type.reset();
  out.target_id.reset();
  out.idempotency_key.reset();
  out.derived_from.reset();
  out.overrides.reset();
  out.occurred_at.reset();
  out.flags = 0;
  constexpr int kFail = -1;
  const auto ok = [](bool good, int rank) { return good ? rank : kFail; };

  // An object of exactly two string members, both required.
  const auto pair = [&](const auto& first, std::string_view& a, const auto& second, std::string_view& b) {
    return r.known_object([&](std::string_view name) {
      if (is(name, first)) return ok(r.plain_string(a), 0);
      if (is(name, second)) return ok(r.plain_string(b), 1);
      return kFail;
    }) == 0b11;
  };
  const auto actor = [&] {
    const std::uint32_t seen = r.known_object([&](std::string_view name) {
      std::string_view kind;
      switch (name.size()) {
        case 2:
          if (is(name, "id")) return ok(r.plain_string(out.actor_id), 0);
          if (is(name, "ip")) return ok(r.any_string(), 1);
          return kFail;
        case 4:
          return ok(is(name, "kind") && r.plain_string(kind) &&
                        (is(kind, "user") || is(kind, "service") || is(kind, "ai_agent") || is(kind, "system")),
                    2);
        default:
          if (is(name, "on_behalf_of")) return ok(r.any_string(), 3);
          if (is(name, "request_id")) return ok(r.any_string(), 4);
          if (is(name, "session_id")) return ok(r.any_string(), 5);
          return kFail;
      }
    });
    return (seen & 0b101) == 0b101;  // id and kind
  };
  const auto ai = [&] {
    const std::uint32_t seen = r.known_object([&](std::string_view name) {
      std::string_view a, b;
      if (is(name, "confidence")) return ok(r.plain_string(a) && canonical_decimal(a), 0);
      if (is(name, "model")) return ok(r.any_string(), 1);
      if (is(name, "model_version")) return ok(r.any_string(), 2);
      if (is(name, "rule")) return ok(pair("id", a, "version", b), 3);
      if (is(name, "source")) return ok(pair("sha256", a, "uri", b) && lower_hex(a, Hash::kSize), 4);
      return kFail;
    });
    return (seen & 0b10) != 0;  // model
  };
  const auto flags = [&] {
    if (!r.eat('[')) return false;
    do {
      std::string_view flag;
      if (!r.plain_string(flag)) return false;
      const std::int64_t bit = is(flag, "sensitive")   ? detail::kFlagSensitive
                               : is(flag, "high_risk") ? detail::kFlagHighRisk
                                                       : 0;
      if (bit == 0 || (out.flags & bit) != 0) return false;
      // As decode_entry: high_risk comes first, so it follows no other flag.
      if (bit == detail::kFlagHighRisk && out.flags != 0) return false;
      out.flags |= bit;
    } while (r.eat(','));
    return r.eat(']');
  };
  const auto metadata = [&] {
    bool any = false;
    return r.object([&](std::string_view) { return any = r.any_string(); }) && any;
  };

  // Ranks follow the members' canonical order.
  const std::uint32_t seen = r.known_object([&](std::string_view name) {
    std::string_view a, b;
    std::int64_t v;
    if (name.empty()) return kFail;
    switch (name[0]) {
      case 'a':
        if (is(name, "action")) return ok(r.plain_string(out.action), 0);
        if (is(name, "actor")) return ok(actor(), 1);
        if (is(name, "after")) return ok(r.value(1), 2);
        if (is(name, "ai")) return ok(ai(), 3);
        if (is(name, "amount")) return ok(pair("currency", a, "value", b) && canonical_decimal(b), 4);
        return kFail;
      case 'b': return ok(is(name, "before") && r.value(1), 5);
      case 'd': return ok(is(name, "derived_from") && r.positive(out.derived_from.emplace()), 6);
      case 'f': return ok(is(name, "flags") && flags(), 7);
      case 'i':
        if (!is(name, "idempotency_key") || !r.plain_string(a)) return kFail;
        out.idempotency_key = a;
        return 8;
      case 'l': return ok(is(name, "ledger") && r.plain_string(out.ledger_id) && lower_hex(out.ledger_id, 16), 9);
      case 'm': return ok(is(name, "metadata") && metadata(), 10);
      case 'o':
        if (is(name, "occurred_at")) {
          if (!r.plain_string(a) || !Timestamp::is_canonical(a)) return kFail;
          out.occurred_at = a;
          return 11;
        }
        if (is(name, "overrides")) return ok(r.positive(out.overrides.emplace()), 12);
        return kFail;
      case 'p':
        return ok(is(name, "prev") && r.plain_string(a) && lower_hex(a, Hash::kSize, out.prev.bytes.data()), 13);
      case 'r':
        return ok(is(name, "recorded_at") && r.plain_string(out.recorded_at) && canonical_time(out.recorded_at), 14);
      case 's': return ok(is(name, "seq") && r.positive(out.seq), 15);
      case 't':
        if (is(name, "target")) {
          if (!pair("id", a, "type", b)) return kFail;
          out.target_id = a;
          out.target_type = b;
          return 16;
        }
        return ok(is(name, "tenant") && r.plain_string(out.tenant), 17);
      case 'v': return ok(is(name, "v") && r.integer(v) && v == detail::kEntryVersion, 18);
      default: return kFail;
    }
  });
  // action, actor, ledger, prev, recorded_at, seq, tenant and v are required.
  constexpr std::uint32_t kRequired =
      1u << 0 | 1u << 1 | 1u << 9 | 1u << 13 | 1u << 14 | 1u << 15 | 1u << 17 | 1u << 18;
  return (seen & kRequired) == kRequired && r.at_end();
}

}  // namespace auditchain::detail
