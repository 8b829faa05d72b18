// json.cc — strict RFC 8259 parser and RFC 8785 canonical serialiser.
//
// The canonical bytes are hashed into the ledger, so every rule here is part of
// the on-disk format: change nothing without a format version bump.
#include "json.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_set>

namespace auditchain::json {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

// True when none of the 8 bytes is a control character, '"', '\\' or
// non-ASCII: the bytes a string literal carries through unchanged, both when
// parsing and when escaping. The bit tricks are exact as a yes/no answer
// (per-byte positions may be off, which we never use).
inline bool block_is_plain(std::uint64_t x) noexcept {
  const std::uint64_t ctrl = (x - kOnes * 0x20) & ~x;
  const std::uint64_t q = x ^ (kOnes * '"');
  const std::uint64_t b = x ^ (kOnes * '\\');
  return ((x | ctrl | ((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHighs) == 0;
}

inline bool byte_is_plain(unsigned char c) noexcept {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629 table 3-7), or 0.
inline std::size_t utf8_sequence_length(const unsigned char* p,
                                        const unsigned char* end) noexcept {
  const unsigned c = p[0];
  const std::size_t avail = static_cast<std::size_t>(end - p);
  auto cont = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return i < avail && p[i] >= lo && p[i] <= hi;
  };
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;  // stray continuation byte or overlong 2-byte lead
  if (c < 0xE0) return cont(1) ? 2 : 0;
  if (c < 0xF0) {
    // E0 would be overlong below A0; ED A0..BF would encode a surrogate.
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c < 0xF5) {
    // F0 would be overlong below 90; F4 90 and up is beyond U+10FFFF.
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  char buf[4];
  int n = 1;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
  } else {
    n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (int i = n - 1; i > 0; --i, cp >>= 6) buf[i] = static_cast<char>(0x80 | (cp & 0x3F));
    buf[0] = static_cast<char>((0xF00u >> n) | cp);  // lead: n one-bits, then a zero
  }
  out.append(buf, static_cast<std::size_t>(n));
}


// A short, escaped rendering of a member name for error messages.
std::string quote_for_message(std::string_view s) {
  constexpr std::size_t kMax = 40;
  const bool cut = s.size() > kMax;
  if (cut) {
    std::size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
  }
  std::string out;
  append_string(out, s);
  if (cut) out.insert(out.size() - 1, "...");
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()),
        max_depth_(limits.max_depth) {}

  Value parse_document() {
    skip_ws();
    if (p_ == end_) fail(offset(), "empty input");
    Value v;
    parse_value(v, 0);
    skip_ws();
    if (p_ != end_) fail(offset(), "unexpected content after the JSON value");
    return v;
  }

 private:
  std::size_t offset() const noexcept { return static_cast<std::size_t>(p_ - begin_); }

  [[noreturn]] static void fail(std::size_t off, std::string_view what,
                                std::string_view after = {}) {
    std::string m(what);
    m += " at byte ";
    m += std::to_string(off);
    m += after;
    throw ParseError(off, m);
  }

  [[noreturn]] void fail_unexpected(std::string_view expected) const {
    if (p_ == end_) fail(offset(), "unexpected end of input");
    const auto c = static_cast<unsigned char>(*p_);
    static constexpr char kHex[] = "0123456789ABCDEF";
    const std::string found = c >= 0x21 && c < 0x7F ? std::string{'\'', *p_, '\''}
                                                    : std::string{'0', 'x', kHex[c >> 4], kHex[c & 15]};
    fail(offset(), "expected " + std::string(expected) + ", found " + found);
  }

  void skip_ws() noexcept {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  void parse_value(Value& out, std::size_t depth) {
    if (p_ == end_) fail_unexpected("a value");
    switch (*p_) {
      case '{': {
        enter(depth);
        Object o;
        parse_object(o, depth + 1);
        out = Value(std::move(o));
        return;
      }
      case '[': {
        enter(depth);
        Array a;
        parse_array(a, depth + 1);
        out = Value(std::move(a));
        return;
      }
      case '"': {
        std::string s;
        parse_string(s);
        out = Value(std::move(s));
        return;
      }
      case 't': literal("true"); out = Value(true); return;
      case 'f': literal("false"); out = Value(false); return;
      case 'n': literal("null"); out = Value(); return;
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
          out = Value(parse_number());
          return;
        }
        fail_unexpected("a value");
    }
  }

  // Checked before recursing so that hostile nesting cannot exhaust the stack.
  void enter(std::size_t depth) const {
    if (depth >= max_depth_) {
      fail(offset(), "nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
  }

  void literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      fail(offset(), "invalid literal");
    }
    p_ += word.size();
  }

  void parse_array(Array& a, std::size_t depth) {
    ++p_;
    skip_ws();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return;
    }
    a.reserve(4);  // growing from one element costs several reallocations
    for (;;) {
      a.emplace_back();
      parse_value(a.back(), depth);
      skip_ws();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        skip_ws();
      } else if (p_ != end_ && *p_ == ']') {
        ++p_;
        return;
      } else {
        fail_unexpected("',' or ']'");
      }
    }
  }

  // Compares member names through their index so that the set survives the
  // member vector reallocating (short strings move their bytes when moved).
  struct NameHash {
    const Object* o;
    std::size_t operator()(std::size_t i) const noexcept {
      return std::hash<std::string_view>{}((*o)[i].first);
    }
  };
  struct NameEq {
    const Object* o;
    bool operator()(std::size_t i, std::size_t j) const noexcept {
      return (*o)[i].first == (*o)[j].first;
    }
  };
  using NameSet = std::unordered_set<std::size_t, NameHash, NameEq>;

  void parse_object(Object& o, std::size_t depth) {
    // Typical objects are small: a linear scan beats hashing and allocates
    // nothing; large ones switch to a hash set to stay linear overall.
    constexpr std::size_t kLinearLimit = 16;
    std::optional<NameSet> names;
    ++p_;
    skip_ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return;
    }
    o.reserve(8);  // one allocation covers most objects found in audit entries
    for (;;) {
      if (p_ == end_ || *p_ != '"') fail_unexpected("a member name");
      const std::size_t name_offset = offset();
      o.emplace_back();
      parse_string(o.back().first);
      const std::size_t idx = o.size() - 1;
      bool duplicate = false;
      if (idx < kLinearLimit) {
        for (std::size_t i = 0; i < idx && !duplicate; ++i) duplicate = o[i].first == o[idx].first;
      } else {
        if (!names) {
          names.emplace(2 * kLinearLimit, NameHash{&o}, NameEq{&o});
          for (std::size_t i = 0; i < idx; ++i) names->insert(i);
        }
        duplicate = !names->insert(idx).second;
      }
      if (duplicate) {
        fail(name_offset, "duplicate member name " + quote_for_message(o[idx].first));
      }
      skip_ws();
      if (p_ == end_ || *p_ != ':') fail_unexpected("':'");
      ++p_;
      skip_ws();
      parse_value(o.back().second, depth);
      skip_ws();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        skip_ws();
      } else if (p_ != end_ && *p_ == '}') {
        ++p_;
        return;
      } else {
        fail_unexpected("',' or '}'");
      }
    }
  }

  void parse_string(std::string& out) {
    const std::size_t start = offset();
    ++p_;
    const char* run = p_;
    for (;;) {
      while (end_ - p_ >= 8 && block_is_plain(load8(p_))) p_ += 8;
      while (p_ != end_ && byte_is_plain(static_cast<unsigned char>(*p_))) ++p_;
      if (p_ == end_) fail(start, "unterminated string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c >= 0x80) {
        const std::size_t n = utf8_sequence_length(
            reinterpret_cast<const unsigned char*>(p_), reinterpret_cast<const unsigned char*>(end_));
        if (n == 0) fail(offset(), "invalid UTF-8");
        p_ += n;
      } else if (c == '"') {
        out.append(run, static_cast<std::size_t>(p_ - run));
        ++p_;
        return;
      } else if (c == '\\') {
        out.append(run, static_cast<std::size_t>(p_ - run));
        parse_escape(out);
        run = p_;
      } else {
        fail(offset(), "unescaped control character in string");
      }
    }
  }

  void parse_escape(std::string& out) {
    const std::size_t start = offset();
    ++p_;
    if (p_ == end_) fail(start, "unterminated string");
    static constexpr std::string_view kLetters = "\"\\/bfnrt";
    static constexpr std::string_view kMeanings = "\"\\/\b\f\n\r\t";
    const char letter = *p_++;
    if (const std::size_t i = kLetters.find(letter); i != std::string_view::npos) {
      out += kMeanings[i];
      return;
    }
    if (letter != 'u') fail(start, "invalid escape sequence");
    std::uint32_t cp = hex4(start);
    if (cp >= 0xDC00 && cp <= 0xDFFF) fail(start, "lone surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
        fail(start, "lone surrogate in \\u escape");
      }
      p_ += 2;
      const std::uint32_t low = hex4(start);
      if (low < 0xDC00 || low > 0xDFFF) fail(start, "lone surrogate in \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
  }

  std::uint32_t hex4(std::size_t escape_offset) {
    if (end_ - p_ < 4) fail(escape_offset, "invalid \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      std::uint32_t d;
      if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
      else fail(escape_offset, "invalid \\u escape");
      v = v << 4 | d;
    }
    return v;
  }

  bool at_digit() const noexcept { return p_ != end_ && *p_ >= '0' && *p_ <= '9'; }

  // The token's value is digits × 10^(exponent − fraction length), decided
  // exactly on the digit string: no binary floating point is ever involved.
  std::int64_t parse_number() {
    const std::size_t start = offset();
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (!at_digit()) fail_unexpected("a digit");
    const char* int_begin = p_;
    if (*p_ == '0') {
      ++p_;
      if (at_digit()) fail(start, "number with a leading zero");
    } else {
      while (at_digit()) ++p_;
    }
    const char* int_end = p_;
    const char* frac_begin = p_;
    const char* frac_end = p_;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      frac_begin = p_;
      if (!at_digit()) fail_unexpected("a digit after the decimal point");
      while (at_digit()) ++p_;
      frac_end = p_;
    }
    // Saturating far beyond any possible digit count keeps huge exponents
    // exact in their effect (zero stays zero, anything else is out of range).
    std::int64_t exponent = 0;
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      bool exp_negative = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) exp_negative = *p_++ == '-';
      if (!at_digit()) fail_unexpected("a digit in the exponent");
      constexpr std::int64_t kSaturate = 1000000000000000000;  // 1e18
      while (at_digit()) {
        if (exponent < kSaturate / 10) exponent = exponent * 10 + (*p_ - '0');
        else exponent = kSaturate;
        ++p_;
      }
      if (exp_negative) exponent = -exponent;
    }

    const std::size_t int_len = static_cast<std::size_t>(int_end - int_begin);
    const std::size_t frac_len = static_cast<std::size_t>(frac_end - frac_begin);
    const std::size_t total = int_len + frac_len;
    auto digit = [&](std::size_t i) { return i < int_len ? int_begin[i] : frac_begin[i - int_len]; };
    std::size_t first = 0;
    while (first < total && digit(first) == '0') ++first;
    if (first == total) return 0;
    std::size_t last = total - 1;
    while (digit(last) == '0') --last;
    const std::size_t trailing_zeros = total - 1 - last;
    const std::int64_t scale = exponent - static_cast<std::int64_t>(frac_len) +
                               static_cast<std::int64_t>(trailing_zeros);
    if (scale < 0) {
      fail(start, "number", " is not an integer: pass decimals and fractions as strings");
    }
    const std::size_t significant = last - first + 1;
    constexpr std::size_t kMaxDigits = 16;  // 2^53 - 1 has 16 digits
    std::uint64_t value = 0;
    if (significant + static_cast<std::uint64_t>(scale) <= kMaxDigits) {
      for (std::size_t i = first; i <= last; ++i) value = value * 10 + static_cast<unsigned>(digit(i) - '0');
      for (std::int64_t i = 0; i < scale; ++i) value *= 10;
    }
    if (value == 0 || value > static_cast<std::uint64_t>(kMaxSafeInteger)) {
      fail(start, "number",
           " is beyond +-9007199254740991 (2^53-1): pass larger numbers, decimals and "
           "fractions as strings");
    }
    const auto v = static_cast<std::int64_t>(value);
    return negative ? -v : v;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::size_t max_depth_;
};

bool objects_equal(const Object& a, const Object& b) {
  if (a.size() != b.size()) return false;
  bool same_order = true;
  for (std::size_t i = 0; i < a.size() && same_order; ++i) {
    same_order = a[i].first == b[i].first && a[i].second == b[i].second;
  }
  if (same_order) return true;
  std::vector<const Member*> x, y;
  x.reserve(a.size());
  y.reserve(b.size());
  for (const Member& m : a) x.push_back(&m);
  for (const Member& m : b) y.push_back(&m);
  auto by_name = [](const Member* l, const Member* r) { return l->first < r->first; };
  std::sort(x.begin(), x.end(), by_name);
  std::sort(y.begin(), y.end(), by_name);
  // Programmatic objects may repeat a name: such runs must match as multisets.
  for (std::size_t i = 0; i < x.size();) {
    std::size_t j = i;
    while (j < x.size() && x[j]->first == x[i]->first) ++j;
    if (y[j - 1]->first != x[i]->first || (j < y.size() && y[j]->first == x[i]->first) ||
        y[i]->first != x[i]->first) {
      return false;
    }
    std::vector<bool> used(j - i, false);
    for (std::size_t k = i; k < j; ++k) {
      bool matched = false;
      for (std::size_t l = i; l < j && !matched; ++l) {
        if (!used[l - i] && x[k]->second == y[l]->second) used[l - i] = matched = true;
      }
      if (!matched) return false;
    }
    i = j;
  }
  return true;
}

template <typename T, typename Variant>
auto& checked_get(Variant& v, const char* wanted) {
  if (auto* p = std::get_if<T>(&v)) return *p;
  throw std::logic_error(std::string("json value is not ") + wanted);
}

}  // namespace

Value::Value(std::int64_t i) : v_(i) {
  if (i > kMaxSafeInteger || i < -kMaxSafeInteger) {
    throw std::out_of_range("json integer beyond +-(2^53-1): " + std::to_string(i));
  }
}

bool Value::as_bool() const { return checked_get<bool>(v_, "a boolean"); }
std::int64_t Value::as_integer() const { return checked_get<std::int64_t>(v_, "an integer"); }
const std::string& Value::as_string() const { return checked_get<std::string>(v_, "a string"); }
const Array& Value::as_array() const { return checked_get<Array>(v_, "an array"); }
const Object& Value::as_object() const { return checked_get<Object>(v_, "an object"); }
Array& Value::as_array() { return checked_get<Array>(v_, "an array"); }
Object& Value::as_object() { return checked_get<Object>(v_, "an object"); }

const Value* Value::find(std::string_view key) const noexcept {
  const auto* o = std::get_if<Object>(&v_);
  if (o == nullptr) return nullptr;
  for (const Member& m : *o) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.v_.index() != b.v_.index()) return false;
  if (const auto* o = std::get_if<Object>(&a.v_)) return objects_equal(*o, std::get<Object>(b.v_));
  return a.v_ == b.v_;
}

ParseError::ParseError(std::size_t offset, const std::string& message)
    : std::runtime_error(message), offset_(offset) {}

Value parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ParseError(limits.max_bytes, "input is longer than " +
                                           std::to_string(limits.max_bytes) + " bytes");
  }
  return Parser(text, limits).parse_document();
}

std::string canonical(const Value& v) {
  std::string out;
  out.reserve(256);
  append_canonical(out, v);
  return out;
}

void append_canonical(std::string& out, const Value& v) {
  switch (v.type()) {
    case Type::kNull: out += "null"; return;
    case Type::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Type::kInteger: {
      char buf[24];
      const auto r = std::to_chars(buf, buf + sizeof buf, v.as_integer());
      out.append(buf, static_cast<std::size_t>(r.ptr - buf));
      return;
    }
    case Type::kString: append_string(out, v.as_string()); return;
    case Type::kArray: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        append_canonical(out, e);
      }
      out += ']';
      return;
    }
    case Type::kObject: break;
  }
  const Object& o = v.as_object();
  auto emit = [&out](const Member& m, bool first) {
    if (!first) out += ',';
    append_string(out, m.first);
    out += ':';
    append_canonical(out, m.second);
  };
  out += '{';
  // Re-serialising stored entries is the hot case, and their members are
  // already in canonical order: detect that and skip the sort.
  bool sorted = true;
  for (std::size_t i = 1; i < o.size() && sorted; ++i) sorted = utf16_less(o[i - 1].first, o[i].first);
  if (sorted) {
    for (std::size_t i = 0; i < o.size(); ++i) emit(o[i], i == 0);
  } else {
    std::vector<const Member*> order;
    order.reserve(o.size());
    for (const Member& m : o) order.push_back(&m);
    std::sort(order.begin(), order.end(),
              [](const Member* a, const Member* b) { return utf16_less(a->first, b->first); });
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (i > 0 && order[i - 1]->first == order[i]->first) {
        throw std::invalid_argument("json object has duplicate member name " +
                                    quote_for_message(order[i]->first));
      }
      emit(*order[i], i == 0);
    }
  }
  out += '}';
}

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;
  out += '"';
  for (;;) {
    while (end - p >= 8 && block_is_plain(load8(p))) p += 8;
    while (p != end && byte_is_plain(static_cast<unsigned char>(*p))) ++p;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(p),
                                                 reinterpret_cast<const unsigned char*>(end));
      if (n == 0) {
        throw std::invalid_argument("json string is not valid UTF-8 at byte " +
                                    std::to_string(p - s.data()));
      }
      p += n;
      continue;
    }
    static constexpr std::string_view kShortForms = "\"\\\b\t\n\f\r";
    static constexpr std::string_view kShortLetters = "\"\\btnfr";
    out.append(run, static_cast<std::size_t>(p - run));
    out += '\\';
    if (const std::size_t i = kShortForms.find(static_cast<char>(c)); i != std::string_view::npos) {
      out += kShortLetters[i];
    } else {
      const char hex[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(hex, sizeof hex);
    }
    run = ++p;
  }
  out.append(run, static_cast<std::size_t>(p - run));
  out += '"';
}

bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  while (p != end) {
    while (end - p >= 8 && (load8(reinterpret_cast<const char*>(p)) & kHighs) == 0) p += 8;
    if (p == end) break;
    const std::size_t n = utf8_sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}


}  // namespace auditchain::json
