// json_test.cc — the strict parser and the RFC 8785 canonical form.
#include "json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <set>
#include <string>
#include <string_view>

namespace auditchain::json {
namespace {

using namespace std::string_literals;

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s += static_cast<char>(b);
  return s;
}

std::string quoted(const std::string& inner) { return "\"" + inner + "\""; }

std::string canon(std::string_view text) { return canonical(parse(text)); }

bool refused(std::string_view text, const ParseLimits& limits = {}) {
  try {
    parse(text, limits);
    return false;
  } catch (const ParseError&) {
    return true;
  }
}

ParseError error_of(std::string_view text, const ParseLimits& limits = {}) {
  try {
    parse(text, limits);
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "parse accepted: " << text;
  return ParseError(0, "");
}

std::int64_t integer_of(std::string_view text) { return parse(text).as_integer(); }

// ---- numbers ---------------------------------------------------------------

TEST(JsonNumbers, IntegerValuedTokensInAnyNotationAreAccepted) {
  EXPECT_EQ(integer_of("1"), 1);
  EXPECT_EQ(integer_of("-0"), 0);
  EXPECT_EQ(integer_of("1.0"), 1);
  EXPECT_EQ(integer_of("1e2"), 100);
  EXPECT_EQ(integer_of("1E+2"), 100);
  EXPECT_EQ(integer_of("100E-2"), 1);
  EXPECT_EQ(integer_of("1.5e1"), 15);
  EXPECT_EQ(integer_of("-1.2300e2"), -123);
  EXPECT_EQ(integer_of("12300e-2"), 123);
  EXPECT_EQ(integer_of("0.000e5"), 0);
  EXPECT_EQ(integer_of("90071992547409910e-1"), kMaxSafeInteger);
}

TEST(JsonNumbers, TheSafeIntegerBoundsAreAcceptedExactly) {
  EXPECT_EQ(integer_of("9007199254740991"), kMaxSafeInteger);
  EXPECT_EQ(integer_of("-9007199254740991"), -kMaxSafeInteger);
  EXPECT_EQ(integer_of("9.007199254740991e15"), kMaxSafeInteger);
}

TEST(JsonNumbers, FractionalValuesAreRefused) {
  for (const char* text : {"1.5", "0.1", "-0.5", "1e-1", "1.25e1", "10000000000000001e-1"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonNumbers, IntegersBeyondTwoToThe53MinusOneAreRefused) {
  for (const char* text : {"9007199254740992", "-9007199254740992", "1e16", "1e400",
                           "9007199254740991.0e1", "18446744073709551616"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonNumbers, TheRefusalMessageSaysToPassDecimalsAsStrings) {
  for (const char* text : {"[1.5]", "[1e400]"}) {
    const ParseError e = error_of(text);
    EXPECT_NE(std::string(e.what()).find("decimals and fractions as strings"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.offset(), 1u);
  }
}

TEST(JsonNumbers, EnormousExponentsAreDecidedWithoutOverflow) {
  EXPECT_TRUE(refused("1e999999999999"));
  EXPECT_TRUE(refused("1e-999999999999"));
  EXPECT_TRUE(refused("1e99999999999999999999999999999999999999"));
  EXPECT_TRUE(refused("1e-99999999999999999999999999999999999999"));
  EXPECT_TRUE(refused("1e9223372036854775808"));
}

TEST(JsonNumbers, ZeroWithAnEnormousExponentIsZero) {
  EXPECT_EQ(integer_of("0e99999999999"), 0);
  EXPECT_EQ(integer_of("-0.0e+99999999999999999999999999"), 0);
  EXPECT_EQ(integer_of("0e-99999999999999999999999999"), 0);
}

TEST(JsonNumbers, VeryLongDigitStringsAreDecidedExactly) {
  const std::string zeros(100000, '0');
  EXPECT_EQ(integer_of("1" + zeros + "e-100000"), 1);
  EXPECT_EQ(integer_of("0." + std::string(99999, '0') + "1e100000"), 1);
  EXPECT_EQ(integer_of("7" + zeros.substr(0, 15) + "." + zeros), 7000000000000000);
  EXPECT_TRUE(refused("1" + zeros));
  EXPECT_EQ(integer_of("1" + zeros + "e-99985"), 1000000000000000);
  EXPECT_TRUE(refused("1" + zeros + "e-99984"));
  EXPECT_TRUE(refused("1" + zeros + "e-100001"));
}

TEST(JsonNumbers, LeadingZerosAreRefused) {
  for (const char* text : {"01", "-01", "00", "-00", "00.5", "[01]"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonNumbers, MalformedNumberTokensAreRefused) {
  for (const char* text : {"+1", ".5", "-.5", "1.", "1.e5", "-", "1e", "1e+", "1E-", "0x10",
                           "- 1", "1e2.0", "--1"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonNumbers, NanAndInfinityAreRefused) {
  for (const char* text : {"NaN", "Infinity", "-Infinity", "nan", "[NaN]"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonNumbers, CanonicalIntegersArePlainDecimalWithoutNegativeZero) {
  EXPECT_EQ(canon("[-0, 0.0e7, 1e2, -1.50e1, 9007199254740991, -9007199254740991]"),
            "[0,0,100,-15,9007199254740991,-9007199254740991]");
  EXPECT_EQ(canonical(Value(std::int64_t{-0})), "0");
}

// ---- grammar ---------------------------------------------------------------

TEST(JsonGrammar, LiteralsParseToTheirValues) {
  EXPECT_TRUE(parse("true").as_bool());
  EXPECT_FALSE(parse("false").as_bool());
  EXPECT_TRUE(parse("null").is_null());
}

TEST(JsonGrammar, MisspelledOrTruncatedLiteralsAreRefused) {
  for (const char* text : {"tru", "True", "nul", "nulls", "falsey", "f", "undefined"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonGrammar, OnlyTheFourJsonWhitespaceCharactersAreAllowed) {
  EXPECT_EQ(integer_of(" \t\n\r1 \t\n\r"), 1);
  EXPECT_EQ(canon("{ \"a\" :\n[ 1 ,\t2 ] }"), R"({"a":[1,2]})");
  EXPECT_TRUE(refused("\f1"));
  EXPECT_TRUE(refused("\v1"));
  EXPECT_TRUE(refused("1" + bytes({0xC2, 0xA0})));  // no-break space
  EXPECT_TRUE(refused(bytes({0xEF, 0xBB, 0xBF}) + "1"));  // byte order mark
}

TEST(JsonGrammar, EmptyAndWhitespaceOnlyInputsAreRefused) {
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(" \n\t\r"));
}

TEST(JsonGrammar, TrailingContentIsRefused) {
  for (const char* text : {"1 2", "{} x", "[]]", "{}}", "\"a\"\"b\"", "null,"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
  EXPECT_EQ(error_of("[1] x").offset(), 4u);
}

TEST(JsonGrammar, TrailingAndMissingCommasAreRefused) {
  for (const char* text : {"[1,]", R"({"a":1,})", "[,1]", "{,}", "[1 2]", R"({"a":1 "b":2})",
                           "[1,,2]"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonGrammar, CommentsAreRefused) {
  for (const char* text : {"[1 /* c */]", "// c\n1", "1 # c", "[1] // c"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonGrammar, SingleQuotesAndBareNamesAreRefused) {
  for (const char* text : {"'a'", "{'a':1}", "{a:1}", R"({"a" 1})", R"({"a":})", "{1:1}"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonGrammar, UnterminatedContainersAndStringsAreRefused) {
  for (const char* text : {"[", "[1", "[1,", "{", R"({"a")", R"({"a":)", R"({"a":1)", "\"abc",
                           "\"abc\\", "\"\\u12"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonGrammar, NonAsciiBytesOutsideStringsAreRefused) {
  EXPECT_TRUE(refused(bytes({0xC3, 0xA9})));
  EXPECT_TRUE(refused("[" + bytes({0xFF}) + "]"));
}

TEST(JsonGrammar, ScalarsAreValidDocuments) {
  EXPECT_EQ(parse("\"x\"").as_string(), "x");
  EXPECT_EQ(integer_of("42"), 42);
}

TEST(JsonGrammar, ErrorsCarryTheByteOffsetInTheirMessage) {
  const ParseError e = error_of("[1, x]");
  EXPECT_EQ(e.offset(), 4u);
  EXPECT_NE(std::string(e.what()).find("at byte 4"), std::string::npos) << e.what();
  EXPECT_EQ(error_of("[1").offset(), 2u);
}

// ---- strings ---------------------------------------------------------------

TEST(JsonStrings, EverySimpleEscapeDecodes) {
  EXPECT_EQ(parse(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
}

TEST(JsonStrings, UnicodeEscapesDecodeToUtf8InEitherCase) {
  EXPECT_EQ(parse(R"("\u0041\u00e9\u00E9\u20AC")").as_string(), "A\xC3\xA9\xC3\xA9\xE2\x82\xAC");
}

TEST(JsonStrings, AnEscapedNulDecodesToANulByte) {
  const std::string s = parse(R"("a\u0000b")").as_string();
  EXPECT_EQ(s, "a\0b"s);
  EXPECT_EQ(s.size(), 3u);
}

TEST(JsonStrings, EscapedSurrogatePairsDecodeToOneSupplementaryCharacter) {
  EXPECT_EQ(parse(R"("\ud83d\ude00")").as_string(), bytes({0xF0, 0x9F, 0x98, 0x80}));
  EXPECT_EQ(parse(R"("\uDBFF\uDFFF")").as_string(), bytes({0xF4, 0x8F, 0xBF, 0xBF}));
  EXPECT_EQ(parse(R"("\uD800\uDC00")").as_string(), bytes({0xF0, 0x90, 0x80, 0x80}));
}

TEST(JsonStrings, LoneAndReversedSurrogateEscapesAreRefused) {
  for (const char* text : {R"("\ud83d")", R"("\ud83dx")", R"("\ud83d\u0041")",
                           R"("\ud83d\ud83d")", R"("\ude00")", R"("\ude00\ud83d")",
                           R"("\ud83d\n")", R"("\ud83d\)"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonStrings, InvalidEscapesAreRefused) {
  for (const char* text : {R"("\a")", R"("\x41")", R"("\'")", R"("\0")", R"("\U0041")",
                           R"("\u12")", R"("\u12G4")", R"("\u 123")", R"("\)"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(JsonStrings, RawControlCharactersAreRefusedButDeleteIsAccepted) {
  for (int c = 0; c < 0x20; ++c) {
    EXPECT_TRUE(refused(quoted(std::string(1, static_cast<char>(c))))) << c;
  }
  EXPECT_EQ(parse(quoted("\x7F")).as_string(), "\x7F");
}

TEST(JsonStrings, WellFormedUtf8BoundariesAreAccepted) {
  for (const std::string& s :
       {bytes({0xC2, 0x80}), bytes({0xDF, 0xBF}), bytes({0xE0, 0xA0, 0x80}),
        bytes({0xED, 0x9F, 0xBF}), bytes({0xEE, 0x80, 0x80}), bytes({0xEF, 0xBF, 0xBF}),
        bytes({0xF0, 0x90, 0x80, 0x80}), bytes({0xF4, 0x8F, 0xBF, 0xBF})}) {
    EXPECT_EQ(parse(quoted(s)).as_string(), s);
  }
}

TEST(JsonStrings, OverlongUtf8IsRefused) {
  EXPECT_TRUE(refused(quoted(bytes({0xC0, 0x80}))));
  EXPECT_TRUE(refused(quoted(bytes({0xC1, 0xBF}))));
  EXPECT_TRUE(refused(quoted(bytes({0xE0, 0x80, 0x80}))));
  EXPECT_TRUE(refused(quoted(bytes({0xE0, 0x9F, 0xBF}))));
  EXPECT_TRUE(refused(quoted(bytes({0xF0, 0x80, 0x80, 0x80}))));
  EXPECT_TRUE(refused(quoted(bytes({0xF0, 0x8F, 0xBF, 0xBF}))));
}

TEST(JsonStrings, Utf8EncodedSurrogatesAreRefused) {
  EXPECT_TRUE(refused(quoted(bytes({0xED, 0xA0, 0x80}))));
  EXPECT_TRUE(refused(quoted(bytes({0xED, 0xBF, 0xBF}))));
  EXPECT_TRUE(refused(quoted(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}))));
}

TEST(JsonStrings, CodePointsAboveU10FFFFAreRefused) {
  EXPECT_TRUE(refused(quoted(bytes({0xF4, 0x90, 0x80, 0x80}))));
  for (int lead = 0xF5; lead <= 0xFF; ++lead) {
    EXPECT_TRUE(refused(quoted(bytes({lead, 0x80, 0x80, 0x80})))) << lead;
  }
}

TEST(JsonStrings, TruncatedSequencesAndStrayContinuationBytesAreRefused) {
  EXPECT_TRUE(refused(quoted(bytes({0x80}))));
  EXPECT_TRUE(refused(quoted(bytes({0xBF}))));
  EXPECT_TRUE(refused(quoted(bytes({0xC3}))));
  EXPECT_TRUE(refused(quoted(bytes({0xE2, 0x82}))));
  EXPECT_TRUE(refused(quoted(bytes({0xF0, 0x9F, 0x98}))));
  EXPECT_TRUE(refused(quoted(bytes({0xE2, 0x41, 0x82}))));
  EXPECT_TRUE(refused("\"" + bytes({0xE2, 0x82})));  // input ends mid-sequence
}

TEST(JsonStrings, InvalidUtf8IsReportedAtTheOffendingByte) {
  const ParseError e = error_of(R"({"name":"abcdefg)" + bytes({0xC0, 0x80}) + "\"}");
  EXPECT_EQ(e.offset(), 16u);
  EXPECT_STREQ(e.what(), "invalid UTF-8 at byte 16");
}

TEST(JsonStrings, LongStringsMixingAsciiEscapesAndUtf8Decode) {
  std::string text = "\"";
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    text += "abcdefghij\\n" + bytes({0xC3, 0xB6}) + "0123456789ABCDEF";
    expected += "abcdefghij\n" + bytes({0xC3, 0xB6}) + "0123456789ABCDEF";
  }
  text += "\"";
  EXPECT_EQ(parse(text).as_string(), expected);
}

// ---- objects ---------------------------------------------------------------

TEST(JsonObjects, DuplicateMemberNamesAreRefusedWithTheNameInTheMessage) {
  const ParseError e = error_of(R"({"a":1,"a":2})");
  EXPECT_EQ(e.offset(), 7u);
  EXPECT_STREQ(e.what(), "duplicate member name \"a\" at byte 7");
}

TEST(JsonObjects, DuplicateNamesAreComparedAfterUnescaping) {
  EXPECT_TRUE(refused(R"({"a":1,"\u0061":2})"));
  EXPECT_TRUE(refused(R"({"\u00e9":1,")" + bytes({0xC3, 0xA9}) + R"(":2})"));
  EXPECT_TRUE(refused(R"({"\/":1,"/":2})"));
}

TEST(JsonObjects, DuplicatesAreFoundInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 300; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(parse(text + "\"last\":0}").as_object().size(), 301u);
  EXPECT_TRUE(refused(text + "\"k150\":0}"));
  EXPECT_TRUE(refused(text + "\"k0\":0}"));
}

TEST(JsonObjects, TheSameNameInDifferentObjectsIsAccepted) {
  EXPECT_EQ(canon(R"({"a":{"a":{"a":1}},"b":{"a":2}})"), R"({"a":{"a":{"a":1}},"b":{"a":2}})");
}

TEST(JsonObjects, MembersKeepInsertionOrderAfterParsing) {
  const Value v = parse(R"({"b":1,"a":2})");
  ASSERT_EQ(v.as_object().size(), 2u);
  EXPECT_EQ(v.as_object()[0].first, "b");
  EXPECT_EQ(v.as_object()[1].first, "a");
}

// ---- limits ----------------------------------------------------------------

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(JsonLimits, NestingUpToTheDefaultDepthOf64IsAccepted) {
  EXPECT_NO_THROW(parse(nested_arrays(64)));
  EXPECT_TRUE(refused(nested_arrays(65)));
}

TEST(JsonLimits, ObjectsAndArraysBothCountTowardsDepth) {
  ParseLimits limits;
  limits.max_depth = 3;
  EXPECT_NO_THROW(parse(R"([{"a":[1]}])", limits));
  EXPECT_TRUE(refused(R"([{"a":[{}]}])", limits));
  EXPECT_TRUE(refused(R"({"a":{"b":{"c":{}}}})", limits));
}

TEST(JsonLimits, ADepthLimitOfZeroAllowsOnlyScalars) {
  ParseLimits limits;
  limits.max_depth = 0;
  EXPECT_EQ(parse("7", limits).as_integer(), 7);
  EXPECT_TRUE(refused("[]", limits));
}

TEST(JsonLimits, AMillionOpenBracketsFailCleanlyAtTheLimit) {
  const std::string text(1000000, '[');
  const ParseError e = error_of(text);
  EXPECT_EQ(e.offset(), 64u);
  EXPECT_NE(std::string(e.what()).find("nesting"), std::string::npos) << e.what();
  EXPECT_TRUE(refused(std::string(1000000, '{')));
}

TEST(JsonLimits, InputLongerThanMaxBytesIsRefused) {
  ParseLimits limits;
  limits.max_bytes = 8;
  EXPECT_EQ(parse("  [1,2] ", limits).as_array().size(), 2u);
  EXPECT_TRUE(refused("  [1,2]  ", limits));
}

// ---- canonical form --------------------------------------------------------

TEST(JsonCanonical, MembersSortLikeTheRfc8785Example) {
  // RFC 8785 section 3.2.3. UTF-16 code units of the names: "\r" 000D, "1"
  // 0031, U+0080, U+00F6, U+20AC, U+1F600 as D83D DE00, U+FB33. The emoji
  // sorts before U+FB33 although its code point is larger.
  const std::string text = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string expected =
      R"({"\r":"Carriage Return","1":"One",")" + bytes({0xC2, 0x80}) + R"(":"Control",")" +
      bytes({0xC3, 0xB6}) + R"(":"Latin Small Letter O With Diaeresis",")" +
      bytes({0xE2, 0x82, 0xAC}) + R"(":"Euro Sign",")" + bytes({0xF0, 0x9F, 0x98, 0x80}) +
      R"(":"Emoji: Grinning Face",")" + bytes({0xEF, 0xAC, 0xB3}) +
      R"(":"Hebrew Letter Dalet With Dagesh"})";
  EXPECT_EQ(canon(text), expected);
}

TEST(JsonCanonical, SupplementaryCharactersSortBeforeUE000ThroughUFFFF) {
  // UTF-8 byte order would put U+E000 and U+FFFF first.
  EXPECT_EQ(canon(R"({"\uffff":1,"\ue000":2,"\ud800\udc00":3,"\ud7ff":4})"),
            "{\"" + bytes({0xED, 0x9F, 0xBF}) + "\":4,\"" + bytes({0xF0, 0x90, 0x80, 0x80}) +
                "\":3,\"" + bytes({0xEE, 0x80, 0x80}) + "\":2,\"" + bytes({0xEF, 0xBF, 0xBF}) +
                "\":1}");
}

TEST(JsonCanonical, ShorterNamesSortBeforeTheirExtensions) {
  EXPECT_EQ(canon(R"({"ab":1,"a":2,"":3,"b":4})"), R"({"":3,"a":2,"ab":1,"b":4})");
}

TEST(JsonCanonical, EveryControlCharacterIsEscapedWithLowercaseHex) {
  static const char* const kExpected[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  for (int c = 0; c < 32; ++c) {
    EXPECT_EQ(canonical(Value(std::string(1, static_cast<char>(c)))),
              std::string("\"") + kExpected[c] + "\"")
        << c;
  }
  EXPECT_EQ(canon(R"("\u001F\u000B")"), R"("\u001f\u000b")");
}

TEST(JsonCanonical, QuoteAndBackslashAreTheOnlyPrintableCharactersEscaped) {
  EXPECT_EQ(canon(R"("\"\\\/")"), R"("\"\\/")");
  std::string printable;
  for (int c = 0x20; c < 0x80; ++c) {
    if (c != '"' && c != '\\') printable += static_cast<char>(c);
  }
  EXPECT_EQ(canonical(Value(printable)), "\"" + printable + "\"");
}

TEST(JsonCanonical, NonAsciiIsWrittenVerbatimIncludingLineSeparators) {
  EXPECT_EQ(canon(R"("\u2028\u2029\u00e9\ud83d\ude00\u007f")"),
            "\"" + bytes({0xE2, 0x80, 0xA8, 0xE2, 0x80, 0xA9, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80,
                          0x7F}) +
                "\"");
}

TEST(JsonCanonical, EscapesAreFoundAtEveryPositionOfALongString) {
  for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (std::size_t pos = 0; pos < 40; ++pos) {
      std::string s(40, 'x');
      s[pos] = special;
      const std::string out = canonical(Value(s));
      EXPECT_EQ(parse(out).as_string(), s) << pos;
      EXPECT_EQ(out.size(), s.size() + 2 + (special == '\x01' || special == '\x1f' ? 5 : 1));
    }
  }
}

TEST(JsonCanonical, WhitespaceIsRemovedAndArraysKeepTheirOrder) {
  EXPECT_EQ(canon(" { \"z\" : [ 3 , 1 , 2 ] , \"a\" : { \"y\" : null , \"x\" : true } ,"
                  " \"m\" : [ ] , \"n\" : { } , \"f\" : false } "),
            R"({"a":{"x":true,"y":null},"f":false,"m":[],"n":{},"z":[3,1,2]})");
}

TEST(JsonCanonical, ProgrammaticValuesSerialiseCanonically) {
  Object inner{{"b", Value(true)}, {"a", Value()}};
  Object o{{"z", Value(std::int64_t{-5})},
           {"arr", Value(Array{Value("s"), Value(std::int64_t{kMaxSafeInteger})})},
           {"obj", Value(std::move(inner))},
           {"q\"", Value(std::string_view("tab\there"))}};
  EXPECT_EQ(canonical(Value(std::move(o))),
            R"({"arr":["s",9007199254740991],"obj":{"a":null,"b":true},"q\"":"tab\there","z":-5})");
}

TEST(JsonCanonical, ProgrammaticObjectsWithDuplicateNamesAreRejected) {
  const Value v(Object{{"a", Value(std::int64_t{1})}, {"b", Value()}, {"a", Value()}});
  EXPECT_THROW(canonical(v), std::invalid_argument);
  const Value nested(Array{Value(Object{{"x", Value()}, {"x", Value()}})});
  EXPECT_THROW(canonical(nested), std::invalid_argument);
}

TEST(JsonCanonical, ProgrammaticInvalidUtf8IsRejected) {
  EXPECT_THROW(canonical(Value(bytes({0xC0, 0x80}))), std::invalid_argument);
  EXPECT_THROW(canonical(Value(bytes({0xED, 0xA0, 0x80}))), std::invalid_argument);
  EXPECT_THROW(canonical(Value(Object{{bytes({0xFF}), Value()}})), std::invalid_argument);
  EXPECT_THROW(canonical(Value(Array{Value("ok"), Value("bad" + bytes({0xE2, 0x82}))})),
               std::invalid_argument);
}

TEST(JsonCanonical, AppendStringAppendsAQuotedLiteral) {
  std::string out = "x=";
  append_string(out, "a\"b\\c\n" + bytes({0xC3, 0xA9}));
  EXPECT_EQ(out, "x=\"a\\\"b\\\\c\\n" + bytes({0xC3, 0xA9}) + "\"");
  append_string(out, "");
  EXPECT_EQ(out.substr(out.size() - 2), "\"\"");
}

TEST(JsonCanonical, AppendCanonicalAppendsToExistingOutput) {
  std::string out = "prefix:";
  append_canonical(out, parse(R"({"b":1,"a":[]})"));
  EXPECT_EQ(out, R"(prefix:{"a":[],"b":1})");
}

TEST(JsonCanonical, ParseThenCanonicalIsAFixedPoint) {
  for (const char* text :
       {R"({"b":[1,{"d":"\u0000\u001f","c":-0}],"a":"\ud83d\ude00 \u20ac","":null})",
        R"([true,false,null,"",[],{},[[[]]]])", R"("\/\b\f\n\r\t\"\\")", "1e15",
        R"({"\ufb33":1,"\ud83d\ude00":2,"\u20ac":3})"}) {
    const std::string once = canon(text);
    EXPECT_EQ(canon(once), once) << text;
    EXPECT_EQ(parse(once), parse(text)) << text;
  }
}

// ---- generated values ------------------------------------------------------

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  Value value(int depth) {
    switch (pick(depth > 0 ? 6 : 4)) {
      case 0: return pick(2) ? Value(pick(2) == 1) : Value();
      case 1: return Value(integer());
      case 2:
      case 3: return Value(string());
      case 4: {
        Array a;
        for (std::size_t n = pick(5); n > 0; --n) a.push_back(value(depth - 1));
        return Value(std::move(a));
      }
      default: {
        Object o;
        std::set<std::string> names;
        for (std::size_t n = pick(6); n > 0; --n) {
          std::string name = string();
          if (names.insert(name).second) o.emplace_back(std::move(name), value(depth - 1));
        }
        return Value(std::move(o));
      }
    }
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  std::int64_t integer() {
    switch (pick(3)) {
      case 0: return static_cast<std::int64_t>(pick(21)) - 10;
      case 1: return pick(2) ? kMaxSafeInteger : -kMaxSafeInteger;
      default: return std::uniform_int_distribution<std::int64_t>(-kMaxSafeInteger, kMaxSafeInteger)(rng_);
    }
  }

  // Code points are drawn from ranges that stress escaping and UTF-16 order.
  std::string string() {
    static constexpr std::uint32_t kRanges[][2] = {
        {0x00, 0x1F},     {0x20, 0x7F},     {0x22, 0x22},       {0x5C, 0x5C},     {0x61, 0x63},
        {0x80, 0x7FF},    {0x800, 0xD7FF},  {0xE000, 0xFFFF},   {0x10000, 0x10FFFF}};
    std::string s;
    for (std::size_t n = pick(12); n > 0; --n) {
      const auto& r = kRanges[pick(std::size(kRanges))];
      const std::uint32_t cp = std::uniform_int_distribution<std::uint32_t>(r[0], r[1])(rng_);
      if (cp < 0x80) {
        s += static_cast<char>(cp);
      } else if (cp < 0x800) {
        s += bytes({static_cast<int>(0xC0 | (cp >> 6)), static_cast<int>(0x80 | (cp & 0x3F))});
      } else if (cp < 0x10000) {
        s += bytes({static_cast<int>(0xE0 | (cp >> 12)), static_cast<int>(0x80 | ((cp >> 6) & 0x3F)),
                    static_cast<int>(0x80 | (cp & 0x3F))});
      } else {
        s += bytes({static_cast<int>(0xF0 | (cp >> 18)), static_cast<int>(0x80 | ((cp >> 12) & 0x3F)),
                    static_cast<int>(0x80 | ((cp >> 6) & 0x3F)), static_cast<int>(0x80 | (cp & 0x3F))});
      }
    }
    return s;
  }

  std::mt19937_64 rng_;
};

TEST(JsonGenerated, RandomValuesSurviveACanonicalRoundTrip) {
  Generator gen(20240611);
  for (int i = 0; i < 3000; ++i) {
    const Value v = gen.value(4);
    const std::string once = canonical(v);
    ASSERT_TRUE(is_valid_utf8(once)) << i;
    const Value back = parse(once);
    ASSERT_EQ(back, v) << once;
    ASSERT_EQ(canonical(back), once) << once;
  }
}

// Reference UTF-8 → UTF-16 conversion for checking utf16_less independently.
std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (cp >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += n;
  }
  return out;
}

TEST(JsonGenerated, Utf16LessAgreesWithComparingUtf16CodeUnits) {
  Generator gen(7);
  std::vector<std::string> names;
  for (int i = 0; i < 400; ++i) {
    const Value v = gen.value(0);
    if (v.is_string()) names.push_back(v.as_string());
  }
  for (const auto& a : names) {
    for (const auto& b : names) {
      ASSERT_EQ(utf16_less(a, b), to_utf16(a) < to_utf16(b));
    }
  }
}

// ---- direct helpers --------------------------------------------------------

TEST(JsonUtf8, IsValidUtf8AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("nul\0inside"s));
  EXPECT_TRUE(is_valid_utf8(bytes({0xC2, 0x80, 0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80,
                                   0x80, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF})));
}

TEST(JsonUtf8, IsValidUtf8RefusesEveryMalformation) {
  for (const std::string& s :
       {bytes({0xC0, 0x80}), bytes({0xC1, 0xBF}), bytes({0xE0, 0x80, 0x80}),
        bytes({0xE0, 0x9F, 0xBF}), bytes({0xED, 0xA0, 0x80}), bytes({0xED, 0xBF, 0xBF}),
        bytes({0xF0, 0x8F, 0xBF, 0xBF}), bytes({0xF4, 0x90, 0x80, 0x80}),
        bytes({0xF5, 0x80, 0x80, 0x80}), bytes({0xFE}), bytes({0xFF}), bytes({0x80}),
        bytes({0xC3}), bytes({0xE2, 0x82}), bytes({0xF0, 0x9F, 0x98}),
        bytes({0xC3, 0x41}), "12345678" + bytes({0xC3})}) {
    EXPECT_FALSE(is_valid_utf8(s));
    EXPECT_FALSE(is_valid_utf8("long ascii prefix " + s + " and suffix"));
  }
}

TEST(JsonUtf8, Utf16LessOrdersByCodeUnitsNotCodePoints) {
  const std::string bmp_high = bytes({0xEF, 0xBF, 0xBF});          // U+FFFF
  const std::string private_use = bytes({0xEE, 0x80, 0x80});       // U+E000
  const std::string supplementary = bytes({0xF0, 0x90, 0x80, 0x80});  // U+10000
  const std::string below = bytes({0xED, 0x9F, 0xBF});             // U+D7FF
  EXPECT_TRUE(utf16_less(supplementary, bmp_high));
  EXPECT_TRUE(utf16_less(supplementary, private_use));
  EXPECT_FALSE(utf16_less(bmp_high, supplementary));
  EXPECT_TRUE(utf16_less(below, supplementary));
  EXPECT_TRUE(utf16_less("a", "b"));
  EXPECT_TRUE(utf16_less("a", "ab"));
  EXPECT_TRUE(utf16_less("", "a"));
  EXPECT_FALSE(utf16_less("a", "a"));
  EXPECT_FALSE(utf16_less("", ""));
  EXPECT_TRUE(utf16_less("Z", "a"));
}

// ---- the Value type --------------------------------------------------------

TEST(JsonValue, IntegersBeyondTheSafeRangeCannotBeConstructed) {
  EXPECT_EQ(Value{kMaxSafeInteger}.as_integer(), kMaxSafeInteger);
  EXPECT_EQ(Value{-kMaxSafeInteger}.as_integer(), -kMaxSafeInteger);
  EXPECT_THROW((void)Value{kMaxSafeInteger + 1}, std::out_of_range);
  EXPECT_THROW((void)Value{-kMaxSafeInteger - 1}, std::out_of_range);
  EXPECT_THROW((void)Value{INT64_MIN}, std::out_of_range);
}

TEST(JsonValue, AccessorsThrowLogicErrorOnTypeMismatch) {
  const Value s("text");
  EXPECT_THROW((void)s.as_integer(), std::logic_error);
  EXPECT_THROW((void)s.as_bool(), std::logic_error);
  EXPECT_THROW((void)s.as_array(), std::logic_error);
  EXPECT_THROW((void)s.as_object(), std::logic_error);
  EXPECT_THROW((void)Value().as_string(), std::logic_error);
  Value mutable_int(std::int64_t{1});
  EXPECT_THROW((void)mutable_int.as_array(), std::logic_error);
  EXPECT_THROW((void)mutable_int.as_object(), std::logic_error);
  EXPECT_EQ(s.as_string(), "text");
}

TEST(JsonValue, TypeReflectsTheStoredAlternative) {
  EXPECT_EQ(Value().type(), Type::kNull);
  EXPECT_EQ(Value(false).type(), Type::kBool);
  EXPECT_EQ(Value(std::int64_t{3}).type(), Type::kInteger);
  EXPECT_EQ(Value("x").type(), Type::kString);
  EXPECT_EQ(Value(Array{}).type(), Type::kArray);
  EXPECT_EQ(Value(Object{}).type(), Type::kObject);
}

TEST(JsonValue, MutableAccessorsModifyInPlace) {
  Value v = parse(R"({"a":[1]})");
  v.as_object().emplace_back("b", Value(true));
  Value* a = const_cast<Value*>(v.find("a"));
  a->as_array().push_back(Value(std::int64_t{2}));
  EXPECT_EQ(canonical(v), R"({"a":[1,2],"b":true})");
}

TEST(JsonValue, FindReturnsTheNamedMemberOrNull) {
  const Value v = parse(R"({"a":1,"b":{"c":2}})");
  ASSERT_NE(v.find("b"), nullptr);
  EXPECT_EQ(v.find("b")->find("c")->as_integer(), 2);
  EXPECT_EQ(v.find("c"), nullptr);
  EXPECT_EQ(parse("[1]").find("a"), nullptr);
  EXPECT_EQ(Value().find(""), nullptr);
}

TEST(JsonValue, EqualityIgnoresMemberOrder) {
  EXPECT_EQ(parse(R"({"a":1,"b":[{"x":1,"y":2}]})"), parse(R"({"b":[{"y":2,"x":1}],"a":1})"));
}

TEST(JsonValue, EqualityComparesValuesTypesAndArrayOrder) {
  EXPECT_NE(parse(R"({"a":1})"), parse(R"({"a":2})"));
  EXPECT_NE(parse(R"({"a":1})"), parse(R"({"b":1})"));
  EXPECT_NE(parse(R"({"a":1})"), parse(R"({"a":1,"b":1})"));
  EXPECT_NE(parse("[1,2]"), parse("[2,1]"));
  EXPECT_NE(parse("1"), parse("\"1\""));
  EXPECT_NE(parse("false"), parse("0"));
  EXPECT_NE(parse("null"), parse("false"));
  EXPECT_EQ(parse("-0"), parse("0"));
}

TEST(JsonValue, EqualityTreatsRepeatedProgrammaticNamesAsAMultiset) {
  const Value a(Object{{"k", Value(std::int64_t{1})}, {"k", Value(std::int64_t{2})}});
  const Value b(Object{{"k", Value(std::int64_t{2})}, {"k", Value(std::int64_t{1})}});
  const Value c(Object{{"k", Value(std::int64_t{1})}, {"k", Value(std::int64_t{1})}});
  const Value d(Object{{"k", Value(std::int64_t{1})}, {"j", Value(std::int64_t{2})}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
}

}  // namespace
}  // namespace auditchain::json
