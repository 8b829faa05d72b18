// timestamp_test.cc — RFC 3339 parsing, canonical text and calendar arithmetic.
#include "auditchain/timestamp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "auditchain/error.hpp"

namespace auditchain {
namespace {

// Expected values were computed independently with GNU date, e.g.
//   date -u -d '2026-11-21T07:03:29Z' +%s   -> 1795244609
//   date -u -d '0001-01-01T00:00:00Z' +%s   -> -62135596800
//   date -u -d '9999-12-31T23:59:59Z' +%s   -> 253402300799
//   date -u -d '1900-03-01T00:00:00Z' +%s   -> -2203891200
//   date -u -d '2000-02-29T12:00:00Z' +%s   -> 951825600
constexpr std::int64_t kKnown = 1795244609'123456;  // 2026-11-21T07:03:29.123456Z
constexpr std::int64_t kMin = -62135596800'000000;  // 0001-01-01T00:00:00.000000Z
constexpr std::int64_t kMax = 253402300799'999999;  // 9999-12-31T23:59:59.999999Z

std::int64_t micros(std::string_view text) { return Timestamp::parse(text).micros; }

// An independent oracle: libstdc++'s C++20 calendar (the library itself does
// not use it).
std::string chrono_format(std::int64_t us) {
  using namespace std::chrono;
  const sys_time<microseconds> t{microseconds{us}};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", int{ymd.year()},
                unsigned{ymd.month()}, unsigned{ymd.day()}, static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

// A deterministic pseudo-random instant in the supported range.
std::int64_t next_instant(std::uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  const std::uint64_t span = static_cast<std::uint64_t>(kMax - kMin) + 1;
  return kMin + static_cast<std::int64_t>((state ^ (state >> 29)) % span);
}

TEST(TimestampTest, Epoch) {
  EXPECT_EQ(micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(micros("1970-01-01T00:00:00.000000Z"), 0);
  EXPECT_EQ(Timestamp{}.to_string(), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(Timestamp{1}.to_string(), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(Timestamp{-1}.to_string(), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(micros("1969-12-31T23:59:59.999999Z"), -1);
}

TEST(TimestampTest, KnownInstants) {
  EXPECT_EQ(micros("2026-11-21T07:03:29.123456Z"), kKnown);
  EXPECT_EQ(Timestamp{kKnown}.to_string(), "2026-11-21T07:03:29.123456Z");
  EXPECT_EQ(micros("0001-01-01T00:00:00Z"), kMin);
  EXPECT_EQ(Timestamp{kMin}.to_string(), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(micros("9999-12-31T23:59:59.999999Z"), kMax);
  EXPECT_EQ(Timestamp{kMax}.to_string(), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(micros("1900-03-01T00:00:00Z"), -2203891200'000000);
  EXPECT_EQ(micros("2000-02-29T12:00:00Z"), 951825600'000000);
  EXPECT_EQ(Timestamp{-2203891200'000000 - 1}.to_string(), "1900-02-28T23:59:59.999999Z");
}

TEST(TimestampTest, Fractions) {
  EXPECT_EQ(micros("1970-01-01T00:00:00.1Z"), 100000);
  EXPECT_EQ(micros("1970-01-01T00:00:00.12Z"), 120000);
  EXPECT_EQ(micros("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(micros("1970-01-01T00:00:00.1234560Z"), 123456);
  EXPECT_EQ(micros("1970-01-01T00:00:00.123456000Z"), 123456);
  EXPECT_EQ(micros("1969-12-31T23:59:59.5Z"), -500000);
}

TEST(TimestampTest, AlternativeSeparatorsAndCase) {
  EXPECT_EQ(micros("2026-11-21t07:03:29.123456z"), kKnown);
  EXPECT_EQ(micros("2026-11-21 07:03:29.123456Z"), kKnown);
  EXPECT_EQ(micros("2026-11-21T07:03:29.123456z"), kKnown);
  EXPECT_EQ(micros("2026-11-21 07:03:29.123456+00:00"), kKnown);
}

TEST(TimestampTest, OffsetsConvertToUtc) {
  EXPECT_EQ(micros("2026-11-21T09:33:29.123456+02:30"), kKnown);
  EXPECT_EQ(micros("2026-11-21T02:03:29.123456-05:00"), kKnown);
  EXPECT_EQ(micros("2026-11-21T07:03:29.123456-00:00"), kKnown);
  EXPECT_EQ(micros("2026-11-22T06:03:29.123456+23:00"), kKnown);
  EXPECT_EQ(micros("2026-11-20T07:04:29.123456-23:59"), kKnown);
  EXPECT_EQ(Timestamp::parse("2026-01-01T00:30:00+01:00").to_string(),
            "2025-12-31T23:30:00.000000Z");
  EXPECT_EQ(Timestamp::parse("2024-02-28T23:00:00-01:00").to_string(),
            "2024-02-29T00:00:00.000000Z");
  EXPECT_EQ(Timestamp::parse("1970-01-01T00:59:59.999999+01:00").micros, -1);
  // Only the UTC instant must be in range, not the local time.
  EXPECT_EQ(Timestamp::parse("0000-12-31T23:30:00-01:00").to_string(),
            "0001-01-01T00:30:00.000000Z");
}

TEST(TimestampTest, LeapYears) {
  EXPECT_NO_THROW(Timestamp::parse("2024-02-29T00:00:00Z"));
  EXPECT_NO_THROW(Timestamp::parse("2000-02-29T00:00:00Z"));
  EXPECT_NO_THROW(Timestamp::parse("0004-02-29T00:00:00Z"));
  EXPECT_NO_THROW(Timestamp::parse("9996-02-29T00:00:00Z"));
  EXPECT_THROW(Timestamp::parse("2023-02-29T00:00:00Z"), Error);
  EXPECT_THROW(Timestamp::parse("1900-02-29T00:00:00Z"), Error);
  EXPECT_THROW(Timestamp::parse("2100-02-29T00:00:00Z"), Error);
  EXPECT_THROW(Timestamp::parse("2024-02-30T00:00:00Z"), Error);
  const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    char ok[32], bad[32];
    std::snprintf(ok, sizeof ok, "2023-%02d-%02dT00:00:00Z", m, lengths[m - 1]);
    std::snprintf(bad, sizeof bad, "2023-%02d-%02dT00:00:00Z", m, lengths[m - 1] + 1);
    EXPECT_NO_THROW(Timestamp::parse(ok)) << ok;
    EXPECT_THROW(Timestamp::parse(bad), Error) << bad;
  }
}

TEST(TimestampTest, RoundTripsAgainstAnIndependentCalendar) {
  std::vector<std::int64_t> samples = {kMin, kMin + 1, kMax, kMax - 1, 0, -1, 1, kKnown,
                                       -2203891200'000000, 951825600'000000};
  std::uint64_t state = 42;
  for (int i = 0; i < 20000; ++i) samples.push_back(next_instant(state));
  // Every day from 1895 to 2105, at a moment just before midnight.
  for (std::int64_t day = -27'000; day <= 49'000; ++day) {
    samples.push_back(day * 86'400'000'000 + 86'399'999'999);
  }
  for (std::int64_t us : samples) {
    const std::string text = Timestamp{us}.to_string();
    ASSERT_EQ(text, chrono_format(us)) << us;
    ASSERT_TRUE(Timestamp::is_canonical(text)) << text;
    ASSERT_EQ(Timestamp::parse(text).micros, us) << text;
  }
}

TEST(TimestampTest, TextOrderIsTimeOrder) {
  std::vector<std::int64_t> instants = {kMin, kMax, 0, -1, 1};
  std::uint64_t state = 7;
  for (int i = 0; i < 5000; ++i) instants.push_back(next_instant(state));
  for (int i = 0; i < 200; ++i) instants.push_back(kKnown + (i % 20) - 10);  // near-equal
  std::sort(instants.begin(), instants.end());
  for (std::size_t i = 1; i < instants.size(); ++i) {
    const Timestamp a{instants[i - 1]}, b{instants[i]};
    EXPECT_EQ(a <=> b, a.to_string() <=> b.to_string()) << a.to_string() << " " << b.to_string();
  }
}

TEST(TimestampTest, Refusals) {
  const std::vector<std::string> bad = {
      "",
      "2026-11-21",
      "2026-11-21T07:03:29",             // no offset
      "2026-11-21T07:03Z",               // no seconds
      "2026-11-21T07:03:29.Z",           // empty fraction
      "2026-11-21T07:03:29.1234567891Z", // ten fractional digits
      "2026-11-21T07:03:29.1234567Z",    // sub-microsecond precision
      "2026-11-21T07:03:29.123456001Z",
      "2026-11-21T07:03:29,123456Z",     // comma fraction
      "2026-11-21T07:03:60Z",            // leap second
      "2016-12-31T23:59:60Z",
      "2026-11-21T07:03:61Z",
      "2026-11-21T07:60:29Z",
      "2026-11-21T24:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-01T00:00:00Z",
      "2026-11-00T00:00:00Z",
      "2026-11-31T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "0000-01-01T00:00:00Z",            // before the range
      "0001-01-01T00:00:00+01:00",       // before the range once in UTC
      "9999-12-31T23:59:59-01:00",       // after the range once in UTC
      "2026-11-21T07:03:29+24:00",
      "2026-11-21T07:03:29+01:60",
      "2026-11-21T07:03:29+0100",
      "2026-11-21T07:03:29+01",
      "2026-11-21T07:03:29+1:00",
      "2026-11-21T07:03:29 +01:00",
      "2026-11-21T07:03:29UTC",
      "2026-11-21T07:03:29ZZ",
      "2026-11-21T07:03:29Z ",
      " 2026-11-21T07:03:29Z",
      "2026-11-21_07:03:29Z",
      "2026-11-21TT07:03:29Z",
      "26-11-21T07:03:29Z",
      "+2026-11-21T07:03:29Z",
      "2026-1-21T07:03:29Z",
      "2026-11-2T07:03:29Z",
      "2026-11-21T7:03:29Z",
      "2026/11/21T07:03:29Z",
      "2026-11-21T07.03.29Z",
      "\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa6-11-21T07:03:29Z",  // Arabic-Indic digits
      std::string("2026-11-21T07:03:29Z\0", 21),
      "1795244609",
  };
  for (const std::string& text : bad) {
    EXPECT_THROW(Timestamp::parse(text), Error) << text;
    EXPECT_FALSE(Timestamp::is_canonical(text)) << text;
  }
}

std::string message_for(std::string_view text, std::string_view field = "at") {
  try {
    Timestamp::parse(text, field);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), field);
    return e.what();
  }
  ADD_FAILURE() << "no Error for " << text;
  return {};
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(TimestampTest, ErrorMessagesExplain) {
  EXPECT_EQ(message_for("yesterday").rfind("at: \"yesterday\" is not an RFC 3339 date-time", 0),
            0u);
  EXPECT_TRUE(contains(message_for("2026-11-21T07:03:29.1234567Z"), "sub-microsecond precision"));
  EXPECT_TRUE(contains(message_for("2026-11-21T07:03:60Z"), "leap seconds"));
  EXPECT_TRUE(contains(message_for("2023-02-29T00:00:00Z"), "2023-02 has 28 days"));
  EXPECT_TRUE(contains(message_for("2026-13-01T00:00:00Z"), "month 13"));
  EXPECT_TRUE(contains(message_for("2026-11-21T24:00:00Z"), "hour 24"));
  EXPECT_TRUE(contains(message_for("2026-11-21T07:03:29+24:00"), "offset hour 24"));
  EXPECT_TRUE(contains(message_for("0001-01-01T00:00:00+01:00"), "outside the supported range"));
  EXPECT_TRUE(contains(message_for("2026-11-21T07:03:29.1234567891Z"), "10 fractional digits"));
  const std::string no_field = message_for("x", "");
  EXPECT_EQ(no_field.rfind("\"x\" is not", 0), 0u) << no_field;
  const std::string long_input = message_for("\x01" + std::string(500, '9'));
  EXPECT_LT(long_input.size(), 400u);
  EXPECT_TRUE(contains(long_input, "\\x01"));
}

TEST(TimestampTest, IsCanonical) {
  EXPECT_TRUE(Timestamp::is_canonical("2026-11-21T07:03:29.123456Z"));
  EXPECT_TRUE(Timestamp::is_canonical("0001-01-01T00:00:00.000000Z"));
  EXPECT_TRUE(Timestamp::is_canonical("9999-12-31T23:59:59.999999Z"));
  EXPECT_TRUE(Timestamp::is_canonical("2024-02-29T00:00:00.000000Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:29Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:29.123Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:29.123456000Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21t07:03:29.123456Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:29.123456z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21 07:03:29.123456Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:29.123456+00:00"));
  EXPECT_FALSE(Timestamp::is_canonical("2023-02-29T00:00:00.000000Z"));
  EXPECT_FALSE(Timestamp::is_canonical("0000-12-31T23:59:59.999999Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:60.000000Z"));
  EXPECT_FALSE(Timestamp::is_canonical("2026-11-21T07:03:2x.123456Z"));
}

TEST(TimestampTest, ToStringRefusesInstantsOutsideTheRange) {
  EXPECT_THROW((void)Timestamp{kMin - 1}.to_string(), Error);
  EXPECT_THROW((void)Timestamp{kMax + 1}.to_string(), Error);
  EXPECT_THROW((void)Timestamp{INT64_MIN}.to_string(), Error);
  EXPECT_THROW((void)Timestamp{INT64_MAX}.to_string(), Error);
}

TEST(TimestampTest, NowIsPlausible) {
  const Timestamp now = Timestamp::now();
  EXPECT_GT(now, Timestamp::parse("2024-01-01T00:00:00Z"));
  EXPECT_LT(now, Timestamp::parse("2200-01-01T00:00:00Z"));
  EXPECT_TRUE(Timestamp::is_canonical(now.to_string()));
}

}  // namespace
}  // namespace auditchain
