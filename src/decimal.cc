// decimal.cc — exact decimals kept as canonical text, computed with cpp_int.
//
// A Decimal stores only its canonical string: that is what entries hash, and
// equality is then a string comparison. Arithmetic converts to an unscaled
// integer and a scale, works exactly, and converts back.
//
// How the limits are counted (the header leaves this open):
//   - kMaxScale counts the digits after the point as written, so "1.0000…"
//     with 19 fraction digits is refused even though its value is 1;
//   - kMaxDigits counts significant digits: the integer part without its
//     leading zeros plus the fraction without its trailing zeros. Zero
//     padding therefore never makes a value unacceptable, and the canonical
//     form of any parsed value has at most kMaxDigits digits.
#include "auditchain/decimal.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cstddef>
#include <string>
#include <utility>

#include "auditchain/error.hpp"

namespace auditchain {
namespace {

using boost::multiprecision::cpp_int;

// Why a text is not an accepted decimal; kOk when it is.
enum class Problem { kOk, kSyntax, kTooManyDigits, kScaleTooLarge };

bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The pieces of an accepted text, as views into it.
struct Parts {
  bool negative = false;
  std::string_view integer;   // without leading zeros; may be empty
  std::string_view fraction;  // without trailing zeros; may be empty
  std::size_t written_scale = 0;
};

// Checks `text` without allocating, so that is_valid() can be noexcept.
Problem split(std::string_view text, Parts& parts) noexcept {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    parts.negative = text[i] == '-';
    ++i;
  }
  const std::size_t int_begin = i;
  while (i < text.size() && is_ascii_digit(text[i])) ++i;
  const std::size_t int_end = i;
  if (int_end == int_begin) return Problem::kSyntax;

  std::size_t frac_begin = i;
  std::size_t frac_end = i;
  if (i < text.size() && text[i] == '.') {
    frac_begin = ++i;
    while (i < text.size() && is_ascii_digit(text[i])) ++i;
    frac_end = i;
    if (frac_end == frac_begin) return Problem::kSyntax;
  }
  if (i != text.size()) return Problem::kSyntax;

  std::size_t lead = int_begin;
  while (lead < int_end && text[lead] == '0') ++lead;
  std::size_t trail = frac_end;
  while (trail > frac_begin && text[trail - 1] == '0') --trail;
  parts.integer = text.substr(lead, int_end - lead);
  parts.fraction = text.substr(frac_begin, trail - frac_begin);
  parts.written_scale = frac_end - frac_begin;

  if (parts.written_scale > static_cast<std::size_t>(Decimal::kMaxScale)) {
    return Problem::kScaleTooLarge;
  }
  if (parts.integer.size() + parts.fraction.size() >
      static_cast<std::size_t>(Decimal::kMaxDigits)) {
    return Problem::kTooManyDigits;
  }
  return Problem::kOk;
}

// The input is echoed in messages that end up in logs: keep it short and
// printable whatever the caller passed.
std::string quote(std::string_view text) {
  constexpr std::size_t kShown = 60;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += text.size() > kShown ? "\"..." : "\"";
  return out;
}

[[noreturn]] void fail(std::string_view field, std::string message) {
  std::string full;
  if (!field.empty()) {
    full.append(field);
    full += ": ";
  }
  full += message;
  throw Error(ErrorCode::kInvalidArgument, full, std::string(field));
}

// An exact value: unscaled / 10^scale.
struct Fixed {
  cpp_int unscaled;
  int scale = 0;
};

constexpr std::uint64_t kPow10[] = {
    1ULL,                 10ULL,                 100ULL,                 1000ULL,
    10000ULL,             100000ULL,             1000000ULL,             10000000ULL,
    100000000ULL,         1000000000ULL,         10000000000ULL,         100000000000ULL,
    1000000000000ULL,     10000000000000ULL,     100000000000000ULL,     1000000000000000ULL,
    10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL,
};
constexpr int kMaxPow = 18;

void scale_up(cpp_int& value, int digits) {
  while (digits > kMaxPow) {
    value *= kPow10[kMaxPow];
    digits -= kMaxPow;
  }
  if (digits > 0) value *= kPow10[digits];
}

// Digits are folded in 18 at a time; cpp_int's own string constructor is
// avoided because it reads a leading "0" as an octal prefix.
void append_digits(cpp_int& value, std::string_view digits) {
  while (!digits.empty()) {
    const std::size_t n = digits.size() < kMaxPow ? digits.size() : kMaxPow;
    std::uint64_t chunk = 0;
    for (std::size_t i = 0; i < n; ++i) chunk = chunk * 10 + static_cast<unsigned>(digits[i] - '0');
    value *= kPow10[n];
    value += chunk;
    digits.remove_prefix(n);
  }
}

// Loads a canonical string (produced by this file, so not re-validated) into
// `unscaled`, which is overwritten, and returns its scale.
int load(std::string_view text, cpp_int& unscaled) {
  unscaled = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  int scale = 0;
  const std::size_t point = text.find('.');
  if (point == std::string_view::npos) {
    append_digits(unscaled, text);
  } else {
    append_digits(unscaled, text.substr(0, point));
    append_digits(unscaled, text.substr(point + 1));
    scale = static_cast<int>(text.size() - point - 1);
  }
  if (negative) unscaled = -unscaled;
  return scale;
}

Fixed value_of(const std::string& canonical) {
  Fixed out;
  out.scale = load(canonical, out.unscaled);
  return out;
}

void align(Fixed& a, Fixed& b) {
  if (a.scale < b.scale) {
    scale_up(a.unscaled, b.scale - a.scale);
    a.scale = b.scale;
  } else if (b.scale < a.scale) {
    scale_up(b.unscaled, a.scale - b.scale);
    b.scale = a.scale;
  }
}

std::string canonical_of(const cpp_int& unscaled, int scale) {
  if (unscaled.is_zero()) return "0";
  std::string digits = cpp_int(boost::multiprecision::abs(unscaled)).str();
  if (digits.size() <= static_cast<std::size_t>(scale)) {
    digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
  }
  const std::size_t int_len = digits.size() - static_cast<std::size_t>(scale);
  std::size_t end = digits.size();
  while (end > int_len && digits[end - 1] == '0') --end;
  std::string out = unscaled.sign() < 0 ? "-" : "";
  out.append(digits, 0, int_len);
  if (end > int_len) {
    out += '.';
    out.append(digits, int_len, end - int_len);
  }
  return out;
}

}  // namespace

Decimal::Decimal() : canonical_("0") {}

Decimal Decimal::parse(std::string_view text, std::string_view field) {
  Parts parts;
  switch (split(text, parts)) {
    case Problem::kOk:
      break;
    case Problem::kSyntax:
      fail(field, quote(text) +
                      " is not a decimal number (expected digits with an optional point, "
                      "e.g. 12.50)");
    case Problem::kTooManyDigits:
      fail(field, quote(text) + " has " +
                      std::to_string(parts.integer.size() + parts.fraction.size()) +
                      " significant digits; at most " + std::to_string(kMaxDigits) +
                      " are allowed");
    case Problem::kScaleTooLarge:
      fail(field, quote(text) + " has " + std::to_string(parts.written_scale) +
                      " digits after the point; at most " + std::to_string(kMaxScale) +
                      " are allowed");
  }
  if (parts.integer.empty() && parts.fraction.empty()) return Decimal();
  std::string canonical = parts.negative ? "-" : "";
  if (parts.integer.empty()) {
    canonical += '0';
  } else {
    canonical.append(parts.integer);
  }
  if (!parts.fraction.empty()) {
    canonical += '.';
    canonical.append(parts.fraction);
  }
  return Decimal(std::move(canonical));
}

bool Decimal::is_valid(std::string_view text) noexcept {
  Parts parts;
  return split(text, parts) == Problem::kOk;
}

int Decimal::scale() const noexcept {
  const std::size_t point = canonical_.find('.');
  return point == std::string::npos ? 0 : static_cast<int>(canonical_.size() - point - 1);
}

std::string Decimal::to_fixed(int scale) const {
  // Beyond kMaxScale the text could not be parsed back, and an unchecked
  // caller-supplied scale could ask for an enormous allocation.
  if (scale < 0 || scale > kMaxScale) {
    fail({}, "to_fixed: scale " + std::to_string(scale) + " is outside 0.." +
                 std::to_string(kMaxScale));
  }
  const int current = this->scale();
  if (scale < current) {
    fail({}, "to_fixed: " + canonical_ + " cannot be written with " + std::to_string(scale) +
                 " digits after the point without dropping non-zero digits");
  }
  std::string out = canonical_;
  if (scale > 0 && current == 0) out += '.';
  out.append(static_cast<std::size_t>(scale - current), '0');
  return out;
}

Decimal operator+(const Decimal& a, const Decimal& b) {
  Fixed x = value_of(a.canonical_);
  Fixed y = value_of(b.canonical_);
  align(x, y);
  x.unscaled += y.unscaled;
  return Decimal(canonical_of(x.unscaled, x.scale));
}

Decimal operator-(const Decimal& a, const Decimal& b) {
  Fixed x = value_of(a.canonical_);
  Fixed y = value_of(b.canonical_);
  align(x, y);
  x.unscaled -= y.unscaled;
  return Decimal(canonical_of(x.unscaled, x.scale));
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.canonical_ == b.canonical_) return std::strong_ordering::equal;
  Fixed x = value_of(a.canonical_);
  Fixed y = value_of(b.canonical_);
  align(x, y);
  const int c = x.unscaled.compare(y.unscaled);
  if (c < 0) return std::strong_ordering::less;
  if (c > 0) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

// The accumulator is kept at the largest scale seen so far, so each add is
// one integer addition; values with a smaller scale are scaled up to it.
struct DecimalSum::Impl {
  cpp_int total;
  int scale = 0;
  cpp_int term;  // reused across adds to avoid reallocating large values
};

DecimalSum::DecimalSum() : impl_(std::make_unique<Impl>()) {}
DecimalSum::~DecimalSum() = default;

void DecimalSum::add(const Decimal& value) {
  Impl& s = *impl_;
  const int scale = load(value.canonical_, s.term);
  if (scale > s.scale) {
    scale_up(s.total, scale - s.scale);
    s.scale = scale;
  } else {
    scale_up(s.term, s.scale - scale);
  }
  s.total += s.term;
  ++count_;
}

Decimal DecimalSum::total() const { return Decimal(canonical_of(impl_->total, impl_->scale)); }

}  // namespace auditchain
