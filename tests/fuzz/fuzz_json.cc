// fuzz_json.cc — the strict JSON parser and the RFC 8785 canonical form.
//
// Entry bytes are canonical JSON, so these are format properties: whatever the
// parser accepts is valid UTF-8, has a canonical form that contains no
// whitespace or raw control character, parses back to the same value and is
// its own canonical form; object members come out sorted by UTF-16 code units
// (checked against a plain UTF-16 conversion, not the library's shortcut); the
// depth limit is exact. Rejections must be ParseError with an offset inside
// the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "json.hpp"

namespace {

using namespace auditchain;
using namespace auditchain::json;

// UTF-16 code units of valid UTF-8 text, decoded the long way.
std::u16string utf16_of(const std::string& s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += n;
  }
  return out;
}

std::size_t depth_of(const Value& v) {
  std::size_t d = 0;
  if (v.is_array()) {
    for (const Value& e : v.as_array()) d = std::max(d, depth_of(e));
    return d + 1;
  }
  if (v.is_object()) {
    for (const Member& m : v.as_object()) d = std::max(d, depth_of(m.second));
    return d + 1;
  }
  return 0;
}

// `v` was parsed from canonical text, so its members are in text order: that
// order must be strictly increasing in UTF-16 code units, and utf16_less must
// agree with the reference comparison on every neighbouring pair.
void check_order(const Value& v) {
  if (v.is_array()) {
    for (const Value& e : v.as_array()) check_order(e);
  } else if (v.is_object()) {
    const Object& o = v.as_object();
    for (std::size_t i = 0; i < o.size(); ++i) {
      check_order(o[i].second);
      if (i == 0) continue;
      const std::u16string a = utf16_of(o[i - 1].first);
      const std::u16string b = utf16_of(o[i].first);
      FUZZ_CHECK(a < b);
      FUZZ_CHECK(utf16_less(o[i - 1].first, o[i].first));
      FUZZ_CHECK(!utf16_less(o[i].first, o[i - 1].first));
    }
  } else if (v.is_integer()) {
    FUZZ_CHECK(v.as_integer() >= -kMaxSafeInteger && v.as_integer() <= kMaxSafeInteger);
  } else if (v.is_string()) {
    FUZZ_CHECK(is_valid_utf8(v.as_string()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  Value value;
  try {
    value = parse(text);
  } catch (const ParseError& e) {
    FUZZ_CHECK_MSG(e.offset() <= size, e.what());
    return 0;
  }
  FUZZ_CHECK(is_valid_utf8(text));

  const std::string canon = canonical(value);
  FUZZ_CHECK(is_valid_utf8(canon));
  FUZZ_CHECK(std::none_of(canon.begin(), canon.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));

  Value again;
  try {
    again = parse(canon);
  } catch (const ParseError& e) {
    FUZZ_CHECK_MSG(false, std::string("the canonical form does not parse: ") + e.what());
  }
  FUZZ_CHECK(again == value);
  FUZZ_CHECK(value == again);
  FUZZ_CHECK(canonical(again) == canon);
  check_order(again);

  // The depth limit admits exactly the values nested that deep.
  const std::size_t depth = depth_of(value);
  FUZZ_CHECK(depth <= ParseLimits{}.max_depth);
  ParseLimits limits;
  limits.max_depth = depth;
  FUZZ_CHECK(parse(canon, limits) == value);
  if (depth > 0) {
    limits.max_depth = depth - 1;
    bool refused = false;
    try {
      parse(canon, limits);
    } catch (const ParseError&) {
      refused = true;
    }
    FUZZ_CHECK(refused);
  }
  // And the size limit is exact too.
  limits = ParseLimits{};
  limits.max_bytes = canon.size();
  FUZZ_CHECK(parse(canon, limits) == value);
  return 0;
}
