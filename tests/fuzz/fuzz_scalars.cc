// fuzz_scalars.cc — exact decimals and RFC 3339 timestamps, the two scalar
// forms entries hash as text.
//
// The input is split at its first newline into two texts; each is read as a
// decimal and as a timestamp. Properties:
//   - Decimal::is_valid agrees with Decimal::parse, which refuses only with
//     Error(kInvalidArgument); the canonical form has no '+', no "-0", no
//     leading or trailing zeros, and reads back as itself; to_fixed pads
//     without changing the value; + and - are exact (x + 0 = x, x - x = 0,
//     (x + y) - y = x), DecimalSum adds like +, and ordering agrees with the
//     sign of the difference;
//   - Timestamp::parse refuses only with Error(kInvalidArgument); to_string is
//     canonical and reads back as the same instant; canonical text is its own
//     to_string.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "auditchain/decimal.hpp"
#include "auditchain/error.hpp"
#include "auditchain/timestamp.hpp"
#include "fuzz_support.hpp"

using namespace auditchain;

namespace {

bool canonical_decimal_text(const std::string& s) {
  std::string_view d = s;
  if (!d.empty() && d[0] == '-') d.remove_prefix(1);
  if (d.empty() || s == "-0") return false;
  const std::size_t point = d.find('.');
  const std::string_view integer = d.substr(0, point);
  if (integer.empty() || (integer.size() > 1 && integer[0] == '0')) return false;
  if (point != std::string_view::npos && (point + 1 == d.size() || d.back() == '0')) return false;
  return true;
}

std::optional<Decimal> decimal(std::string_view text) {
  std::optional<Decimal> d;
  try {
    d = Decimal::parse(text, "value");
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
  }
  FUZZ_CHECK(Decimal::is_valid(text) == d.has_value());
  if (!d) return d;
  const std::string& s = d->to_string();
  FUZZ_CHECK_MSG(canonical_decimal_text(s), s);
  FUZZ_CHECK(Decimal::is_valid(s) && Decimal::parse(s) == *d);
  FUZZ_CHECK((*d <=> Decimal::parse(s)) == std::strong_ordering::equal);
  FUZZ_CHECK(d->is_zero() == (s == "0"));
  FUZZ_CHECK(d->scale() >= 0 && d->scale() <= Decimal::kMaxScale);
  const std::string fixed = d->to_fixed(Decimal::kMaxScale);
  FUZZ_CHECK_MSG(Decimal::is_valid(fixed) && Decimal::parse(fixed) == *d, fixed);
  FUZZ_CHECK(*d + Decimal() == *d);
  FUZZ_CHECK((*d - *d).is_zero());
  return d;
}

void pair(const Decimal& a, const Decimal& b) {
  const Decimal sum = a + b;
  FUZZ_CHECK(sum - b == a);
  FUZZ_CHECK(sum - a == b);
  FUZZ_CHECK(b + a == sum);
  DecimalSum total;
  total.add(a);
  total.add(b);
  FUZZ_CHECK(total.total() == sum && total.count() == 2);
  const Decimal difference = a - b;
  const std::strong_ordering order = a <=> b;
  if (difference.is_zero()) {
    FUZZ_CHECK(order == std::strong_ordering::equal && a == b);
  } else if (difference.is_negative()) {
    FUZZ_CHECK(order == std::strong_ordering::less);
  } else {
    FUZZ_CHECK(order == std::strong_ordering::greater);
  }
  FUZZ_CHECK((b <=> a) == (0 <=> (a <=> b)));
}

void timestamp(std::string_view text) {
  std::optional<Timestamp> t;
  try {
    t = Timestamp::parse(text, "time");
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
  }
  if (Timestamp::is_canonical(text)) FUZZ_CHECK(t.has_value());
  if (!t) return;
  const std::string s = t->to_string();
  FUZZ_CHECK_MSG(Timestamp::is_canonical(s), s);
  FUZZ_CHECK(Timestamp::parse(s) == *t);
  if (Timestamp::is_canonical(text)) FUZZ_CHECK(s == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::text_of(data, size);
  const std::size_t eol = in.find('\n');
  const std::string_view first = in.substr(0, eol);
  const std::string_view second = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
  const std::optional<Decimal> a = decimal(first);
  const std::optional<Decimal> b = decimal(second);
  if (a && b) pair(*a, *b);
  timestamp(first);
  timestamp(second);
  return 0;
}
