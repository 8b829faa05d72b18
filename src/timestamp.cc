// timestamp.cc — RFC 3339 text <-> microseconds since the Unix epoch.
//
// Calendar arithmetic is done by hand on the proleptic Gregorian calendar
// (after Howard Hinnant's days_from_civil / civil_from_days), so the result
// never depends on the host's time zone database, locale or C library.
#include "auditchain/timestamp.hpp"

#include <chrono>
#include <cstddef>
#include <string>

#include "auditchain/error.hpp"

namespace auditchain {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01. Eras of 400 years starting on March 1st make the
// leap day the last day of each year, so month lengths follow a fixed pattern.
constexpr std::int64_t days_from_civil(std::int64_t y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                  // [0, 399]
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          // [0, 146096]
  return era * 146097 + doe - 719468;
}

constexpr Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr std::int64_t kMinMicros = days_from_civil(1, 1, 1) * kMicrosPerDay;
constexpr std::int64_t kMaxMicros = (days_from_civil(9999, 12, 31) + 1) * kMicrosPerDay - 1;
static_assert(kMinMicros == -62'135'596'800'000'000);
static_assert(kMaxMicros == 253'402'300'799'999'999);

constexpr bool is_leap(std::int64_t y) noexcept {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr int days_in_month(std::int64_t y, int m) noexcept {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

enum class Why {
  kOk, kSyntax, kMonth, kDay, kHour, kMinute, kLeapSecond, kSecond,
  kFractionLength, kSubMicrosecond, kOffsetHour, kOffsetMinute, kRange,
};

// What parse_text found; the numbers let the error message be specific.
struct Result {
  Why why = Why::kOk;
  std::int64_t micros = 0;
  int year = 0;
  int month = 0;
  int bad_value = 0;  // the out-of-range component
  std::size_t fraction_digits = 0;
};

bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Never allocates or throws, so is_canonical() can be noexcept.
Result parse_text(std::string_view s) noexcept {
  Result r;
  auto fail = [&r](Why why, int value = 0) {
    r.why = why;
    r.bad_value = value;
    return r;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' ||
      !read_digits(s, 5, 2, month) || s[7] != '-' || !read_digits(s, 8, 2, day) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !read_digits(s, 11, 2, hour) ||
      s[13] != ':' || !read_digits(s, 14, 2, minute) || s[16] != ':' ||
      !read_digits(s, 17, 2, second)) {
    return fail(Why::kSyntax);
  }
  std::size_t pos = 19;
  std::int64_t fraction = 0;  // microseconds
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t begin = ++pos;
    bool sub_micro = false;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      const std::size_t index = pos - begin;
      if (index < 6) {
        fraction = fraction * 10 + (s[pos] - '0');
      } else if (s[pos] != '0') {
        sub_micro = true;
      }
      ++pos;
    }
    r.fraction_digits = pos - begin;
    if (r.fraction_digits == 0) return fail(Why::kSyntax);
    if (r.fraction_digits > 9) return fail(Why::kFractionLength);
    if (sub_micro) return fail(Why::kSubMicrosecond);
    for (std::size_t i = r.fraction_digits; i < 6; ++i) fraction *= 10;
  }
  int offset_sign = 0, offset_hour = 0, offset_minute = 0;
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    // UTC
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') &&
             read_digits(s, pos + 1, 2, offset_hour) && s[pos + 3] == ':' &&
             read_digits(s, pos + 4, 2, offset_minute)) {
    offset_sign = s[pos] == '+' ? 1 : -1;
  } else {
    return fail(Why::kSyntax);
  }

  r.year = year;
  r.month = month;
  if (month < 1 || month > 12) return fail(Why::kMonth, month);
  if (day < 1 || day > days_in_month(year, month)) return fail(Why::kDay, day);
  if (hour > 23) return fail(Why::kHour, hour);
  if (minute > 59) return fail(Why::kMinute, minute);
  if (second == 60) return fail(Why::kLeapSecond, second);
  if (second > 59) return fail(Why::kSecond, second);
  if (offset_hour > 23) return fail(Why::kOffsetHour, offset_hour);
  if (offset_minute > 59) return fail(Why::kOffsetMinute, offset_minute);

  // A year 0000 local time can still be in range once the offset is applied,
  // so the range is checked only on the UTC instant.
  const std::int64_t local_seconds =
      days_from_civil(year, month, day) * 86'400 + hour * 3'600 + minute * 60 + second;
  const std::int64_t offset_seconds = offset_sign * (offset_hour * 3'600 + offset_minute * 60);
  r.micros = (local_seconds - offset_seconds) * kMicrosPerSecond + fraction;
  if (r.micros < kMinMicros || r.micros > kMaxMicros) return fail(Why::kRange);
  return r;
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

std::string two_digits(int v) {
  return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

std::string explain(const Result& r) {
  const std::string value = std::to_string(r.bad_value);
  switch (r.why) {
    case Why::kOk:
      break;
    case Why::kSyntax:
      return "is not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS[.fraction] "
             "followed by Z or an offset +HH:MM/-HH:MM, e.g. 2026-11-21T07:03:29.123456Z)";
    case Why::kMonth:
      return "has month " + value + "; months are 01..12";
    case Why::kDay:
      return "has day " + value + ", but " + std::to_string(r.year) + "-" +
             two_digits(r.month) + " has " + std::to_string(days_in_month(r.year, r.month)) +
             " days";
    case Why::kHour:
      return "has hour " + value + "; hours are 00..23";
    case Why::kMinute:
      return "has minute " + value + "; minutes are 00..59";
    case Why::kLeapSecond:
      return "has second 60; leap seconds are not accepted";
    case Why::kSecond:
      return "has second " + value + "; seconds are 00..59";
    case Why::kFractionLength:
      return "has " + std::to_string(r.fraction_digits) +
             " fractional digits; at most 9 are accepted";
    case Why::kSubMicrosecond:
      return "has non-zero digits beyond the sixth fractional digit; sub-microsecond "
             "precision is not kept, and it is not rounded away silently";
    case Why::kOffsetHour:
      return "has offset hour " + value + "; offset hours are 00..23";
    case Why::kOffsetMinute:
      return "has offset minute " + value + "; offset minutes are 00..59";
    case Why::kRange:
      return "is outside the supported range 0001-01-01T00:00:00Z .. "
             "9999-12-31T23:59:59.999999Z (compared in UTC)";
  }
  return "is not a valid timestamp";
}

}  // namespace

Timestamp Timestamp::now() noexcept {
  // floor, not duration_cast, so a (theoretical) pre-epoch clock still
  // truncates towards the past like to_string() does.
  const auto since_epoch = std::chrono::floor<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Timestamp{static_cast<std::int64_t>(since_epoch.count())};
}

Timestamp Timestamp::parse(std::string_view text, std::string_view field) {
  const Result r = parse_text(text);
  if (r.why == Why::kOk) return Timestamp{r.micros};
  std::string message;
  if (!field.empty()) {
    message.append(field);
    message += ": ";
  }
  message += quote(text) + " " + explain(r);
  throw Error(ErrorCode::kInvalidArgument, message, std::string(field));
}

bool Timestamp::is_canonical(std::string_view text) noexcept {
  return text.size() == 27 && text[10] == 'T' && text[19] == '.' && text[26] == 'Z' &&
         parse_text(text).why == Why::kOk;
}

std::string Timestamp::to_string() const {
  // Outside the range the fixed four-digit form cannot express the year, and
  // writing anything else would break "text order is time order".
  if (micros < kMinMicros || micros > kMaxMicros) {
    throw Error(ErrorCode::kInvalidArgument,
                "a timestamp of " + std::to_string(micros) +
                    " microseconds since the epoch is outside 0001-01-01T00:00:00Z .. "
                    "9999-12-31T23:59:59.999999Z");
  }
  // Floor division: before 1970 the remainder must still count forwards
  // from midnight.
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) {
    in_day += kMicrosPerDay;
    --days;
  }
  const Civil c = civil_from_days(days);
  const std::int64_t seconds = in_day / kMicrosPerSecond;
  std::string out = "0000-00-00T00:00:00.000000Z";
  auto field = [&out](std::size_t end, std::int64_t v, int width) {
    for (std::size_t i = end; width > 0; --width, v /= 10) {
      out[--i] = static_cast<char>('0' + v % 10);
    }
  };
  field(4, c.year, 4);
  field(7, c.month, 2);
  field(10, c.day, 2);
  field(13, seconds / 3'600, 2);
  field(16, seconds / 60 % 60, 2);
  field(19, seconds % 60, 2);
  field(26, in_day % kMicrosPerSecond, 6);
  return out;
}

}  // namespace auditchain
