// decimal_test.cc — parsing, canonical form, exact arithmetic and sums.
#include "auditchain/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "auditchain/error.hpp"

namespace auditchain {
namespace {

std::string canon(std::string_view text) { return Decimal::parse(text).to_string(); }

TEST(DecimalTest, DefaultIsZero) {
  Decimal d;
  EXPECT_EQ(d.to_string(), "0");
  EXPECT_TRUE(d.is_zero());
  EXPECT_FALSE(d.is_negative());
  EXPECT_EQ(d.scale(), 0);
  EXPECT_EQ(d, Decimal::parse("0"));
}

TEST(DecimalTest, CanonicalForm) {
  EXPECT_EQ(canon("010.500"), "10.5");
  EXPECT_EQ(canon("-0.00"), "0");
  EXPECT_EQ(canon("+0"), "0");
  EXPECT_EQ(canon("-0"), "0");
  EXPECT_EQ(canon("+7"), "7");
  EXPECT_EQ(canon("1.000"), "1");
  EXPECT_EQ(canon("0007"), "7");
  EXPECT_EQ(canon("0000.0001"), "0.0001");
  EXPECT_EQ(canon("-000.120"), "-0.12");
  EXPECT_EQ(canon("12.50"), "12.5");
  EXPECT_EQ(canon("100"), "100");
  EXPECT_EQ(canon("-100.0"), "-100");
  EXPECT_EQ(canon("0.000000000000000001"), "0.000000000000000001");
  EXPECT_FALSE(Decimal::parse("-0.00").is_negative());
  EXPECT_TRUE(Decimal::parse("-0.01").is_negative());
  EXPECT_TRUE(Decimal::parse("0.000").is_zero());
}

TEST(DecimalTest, CanonicalFormIsAFixedPoint) {
  for (const char* text : {"010.500", "-0.00", "+7", "123456789012345678901234567890.1234567890",
                           "-0.000000000000000001"}) {
    const std::string c = canon(text);
    EXPECT_TRUE(Decimal::is_valid(c)) << c;
    EXPECT_EQ(canon(c), c);
  }
}

TEST(DecimalTest, Scale) {
  EXPECT_EQ(Decimal::parse("10").scale(), 0);
  EXPECT_EQ(Decimal::parse("10.50").scale(), 1);
  EXPECT_EQ(Decimal::parse("-0.001").scale(), 3);
  EXPECT_EQ(Decimal::parse("1.000").scale(), 0);
}

TEST(DecimalTest, ToFixed) {
  EXPECT_EQ(Decimal::parse("10000").to_fixed(2), "10000.00");
  EXPECT_EQ(Decimal::parse("10000").to_fixed(0), "10000");
  EXPECT_EQ(Decimal::parse("12.5").to_fixed(2), "12.50");
  EXPECT_EQ(Decimal::parse("12.5").to_fixed(1), "12.5");
  EXPECT_EQ(Decimal::parse("-0.5").to_fixed(3), "-0.500");
  EXPECT_EQ(Decimal::parse("0").to_fixed(2), "0.00");
  EXPECT_EQ(Decimal::parse("1.000").to_fixed(0), "1");
  EXPECT_EQ(Decimal::parse("1").to_fixed(Decimal::kMaxScale), "1.000000000000000000");
  EXPECT_THROW(Decimal::parse("12.55").to_fixed(1), Error);
  EXPECT_THROW(Decimal::parse("0.5").to_fixed(0), Error);
  EXPECT_THROW(Decimal::parse("1").to_fixed(-1), Error);
  EXPECT_THROW(Decimal::parse("1").to_fixed(Decimal::kMaxScale + 1), Error);
  try {
    Decimal::parse("12.55").to_fixed(1);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("12.55"), std::string::npos) << e.what();
  }
}

TEST(DecimalTest, LimitsCountSignificantDigits) {
  const std::string forty(40, '9');
  EXPECT_TRUE(Decimal::is_valid(forty));
  EXPECT_TRUE(Decimal::is_valid("-" + forty));
  EXPECT_FALSE(Decimal::is_valid(forty + "9"));
  EXPECT_TRUE(Decimal::is_valid("0000" + forty));  // leading zeros are not significant
  EXPECT_TRUE(Decimal::is_valid(std::string(22, '9') + "." + std::string(18, '9')));
  EXPECT_FALSE(Decimal::is_valid(std::string(23, '9') + "." + std::string(18, '9')));
  EXPECT_TRUE(Decimal::is_valid(std::string(39, '9') + ".10"));  // trailing zero not significant
  EXPECT_TRUE(Decimal::is_valid("0." + std::string(18, '1')));
  EXPECT_FALSE(Decimal::is_valid("0." + std::string(19, '1')));
  // The scale limit counts the digits as written, trailing zeros included.
  EXPECT_TRUE(Decimal::is_valid("1." + std::string(18, '0')));
  EXPECT_FALSE(Decimal::is_valid("1." + std::string(19, '0')));
}

TEST(DecimalTest, Refusals) {
  const std::vector<std::string> bad = {
      "", "+", "-", ".5", "5.", "-.5", "+.5", ".", "1e3", "1E3", "1e-3", "1,000", "1_000",
      " 1", "1 ", "\t1", "1\n", "12.50 ", std::string("1\0", 2), "NaN", "nan", "Infinity",
      "-Infinity", "inf", "0x10", "0x", "1.2.3", "1..2", "--1", "+-1", "1-", "1/2", "\u00bd",
      "\u20ac1",
      "\u0661",                       // ARABIC-INDIC DIGIT ONE
      "1\u0661",                      // an ASCII digit then a non-ASCII one
      "\uff11",                       // FULLWIDTH DIGIT ONE
      std::string(41, '1'),           // too many digits
      "1." + std::string(19, '0'),    // too large a scale, even of zeros
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(Decimal::is_valid(text)) << '"' << text << '"';
    EXPECT_THROW(Decimal::parse(text), Error) << '"' << text << '"';
  }
}

TEST(DecimalTest, ErrorNamesTheField) {
  try {
    Decimal::parse("1e3", "amount.value");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "amount.value");
    EXPECT_EQ(std::string(e.what()),
              "amount.value: \"1e3\" is not a decimal number (expected digits with an "
              "optional point, e.g. 12.50)");
  }
  try {
    Decimal::parse(std::string(41, '1'), "amount.value");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "amount.value");
    EXPECT_NE(std::string(e.what()).find("41 significant digits"), std::string::npos) << e.what();
  }
  try {
    Decimal::parse("0.1234567890123456789", "confidence");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "confidence");
    EXPECT_NE(std::string(e.what()).find("19 digits after the point"), std::string::npos)
        << e.what();
  }
  try {
    Decimal::parse("x");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_TRUE(e.field().empty());
    EXPECT_EQ(std::string(e.what()).rfind("\"x\" is not", 0), 0u) << e.what();
  }
}

TEST(DecimalTest, ErrorMessagesAreBoundedAndPrintable) {
  const std::string text = "\x01\"" + std::string(1000, 'a');
  try {
    Decimal::parse(text, "amount.value");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 200u) << what;
    EXPECT_NE(what.find("\\x01\\\""), std::string::npos) << what;
    for (char c : what) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << what;
  }
}

TEST(DecimalTest, AdditionAndSubtraction) {
  auto d = [](const char* t) { return Decimal::parse(t); };
  EXPECT_EQ((d("0.1") + d("0.2")).to_string(), "0.3");
  EXPECT_EQ((d("1.005") + d("-1.005")).to_string(), "0");
  EXPECT_EQ((d("-5") + d("2.25")).to_string(), "-2.75");
  EXPECT_EQ((d("2.25") - d("5")).to_string(), "-2.75");
  EXPECT_EQ((d("0.5") + d("0.5")).to_string(), "1");
  EXPECT_EQ((d("0.000000000000000001") + d("1")).to_string(), "1.000000000000000001");
  EXPECT_EQ((d("-0.1") - d("-0.1")).to_string(), "0");
  EXPECT_EQ((d("10") - d("0.01")).to_string(), "9.99");
  EXPECT_EQ((d("0") - d("7.5")).to_string(), "-7.5");
}

TEST(DecimalTest, BeyondSixtyFourBits) {
  const Decimal max = Decimal::parse(std::string(40, '9'));
  const Decimal one = Decimal::parse("1");
  EXPECT_EQ((max + one).to_string(), "1" + std::string(40, '0'));  // 41 digits: sums may exceed
  EXPECT_EQ((max + max).to_string(), "1" + std::string(39, '9') + "8");
  EXPECT_EQ((Decimal() - max - one).to_string(), "-1" + std::string(40, '0'));
  const Decimal u64 = Decimal::parse("18446744073709551615");  // 2^64 - 1
  EXPECT_EQ((u64 + one).to_string(), "18446744073709551616");
  EXPECT_EQ((u64 + u64 + Decimal::parse("0.5")).to_string(), "36893488147419103230.5");
  const Decimal big_frac = Decimal::parse("1234567890123456789012.123456789012345678");
  EXPECT_EQ((big_frac - big_frac).to_string(), "0");
  EXPECT_EQ((big_frac + big_frac).to_string(), "2469135780246913578024.246913578024691356");
}

// operator+ over many values with mixed signs and scales, against an exact
// reference kept in integer units of 10^-6.
TEST(DecimalTest, ManyAdditionsMatchIntegerReference) {
  Decimal total;
  DecimalSum sum;
  std::int64_t reference = 0;  // millionths
  std::uint64_t state = 12345;
  for (int i = 0; i < 10000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::int64_t millionths = static_cast<std::int64_t>(state >> 40) - (1LL << 23);
    const int scale = static_cast<int>((state >> 20) % 7);  // 0..6 digits shown
    std::int64_t unit = 1;
    for (int k = 0; k < 6 - scale; ++k) unit *= 10;
    const std::int64_t value = millionths / unit * unit;  // representable with `scale` digits
    const std::int64_t mag = value < 0 ? -value : value;
    std::string frac = std::to_string(mag % 1000000);
    frac.insert(0, 6 - frac.size(), '0');
    std::string text = (value < 0 ? "-" : "") + std::to_string(mag / 1000000);
    if (scale > 0) text += "." + frac.substr(0, static_cast<std::size_t>(scale));
    const Decimal d = Decimal::parse(text);
    total = total + d;
    sum.add(d);
    reference += value;
  }
  const std::int64_t mag = reference < 0 ? -reference : reference;
  std::string frac = std::to_string(mag % 1000000);
  frac.insert(0, 6 - frac.size(), '0');
  const Decimal expected =
      Decimal::parse((reference < 0 ? "-" : "") + std::to_string(mag / 1000000) + "." + frac);
  EXPECT_EQ(total, expected);
  EXPECT_EQ(sum.total(), expected);
  EXPECT_EQ(sum.count(), 10000u);
}

TEST(DecimalTest, SumOfOneMillionCents) {
  const Decimal cent = Decimal::parse("0.01");
  DecimalSum sum;
  for (int i = 0; i < 1000000; ++i) sum.add(cent);
  const Decimal total = sum.total();
  EXPECT_EQ(total, Decimal::parse("10000.00"));
  EXPECT_EQ(total.to_fixed(2), "10000.00");
  EXPECT_EQ(total.to_string(), "10000");
  EXPECT_EQ(sum.count(), 1000000u);
}

TEST(DecimalTest, SumRescalesWhenALargerScaleArrives) {
  DecimalSum sum;
  EXPECT_EQ(sum.total().to_string(), "0");
  EXPECT_EQ(sum.count(), 0u);
  sum.add(Decimal::parse("100"));
  sum.add(Decimal::parse("0.5"));
  sum.add(Decimal::parse("-0.000000000000000001"));
  sum.add(Decimal::parse("3"));
  sum.add(Decimal::parse(std::string(40, '9')));
  EXPECT_EQ(sum.total().to_string(), "1" + std::string(37, '0') + "102.499999999999999999");
  sum.add(Decimal::parse("-" + std::string(40, '9')));
  sum.add(Decimal::parse("-103.499999999999999999"));
  EXPECT_EQ(sum.total().to_string(), "0");
  EXPECT_EQ(sum.count(), 7u);
}

TEST(DecimalTest, Comparisons) {
  auto d = [](const char* t) { return Decimal::parse(t); };
  EXPECT_EQ(d("1.5") <=> d("1.50"), std::strong_ordering::equal);
  EXPECT_TRUE(d("1.5") == d("1.50"));
  EXPECT_TRUE(d("-2") < d("0.1"));
  EXPECT_TRUE(d("0.1") > d("-2"));
  EXPECT_TRUE(d("0.09") < d("0.1"));
  EXPECT_TRUE(d("-0.1") < d("-0.09"));
  EXPECT_TRUE(d("9") < d("10"));
  EXPECT_TRUE(d("-10") < d("-9"));
  EXPECT_TRUE(d("0") == d("-0.0"));
  EXPECT_TRUE(d("-0.000000000000000001") < d("0"));
  EXPECT_TRUE(d("0") < d("0.000000000000000001"));
  EXPECT_TRUE(d(std::string(40, '9').c_str()) > d("18446744073709551616"));
  EXPECT_TRUE(d("1") != d("1.000000000000000001"));
  EXPECT_TRUE(d("1") <= d("1.0"));
  EXPECT_TRUE(d("1") >= d("1.0"));

  const std::vector<const char*> ascending = {"-1000", "-99.99", "-1", "-0.5", "0",
                                              "0.000001", "0.5", "1", "1.01", "99.999", "1000"};
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    for (std::size_t j = 0; j < ascending.size(); ++j) {
      EXPECT_EQ(d(ascending[i]) <=> d(ascending[j]), i <=> j)
          << ascending[i] << " vs " << ascending[j];
    }
  }
}

}  // namespace
}  // namespace auditchain
