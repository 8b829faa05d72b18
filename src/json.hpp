// json.hpp — JSON values, a strict parser and the RFC 8785 (JCS) canonical form.
//
// Private to the library. Entry bytes are the canonical serialisation of a
// json::Value, so everything here is part of the on-disk contract:
//   - strings: UTF-8 in, UTF-8 out; escapes only for '"', '\\' and U+0000..U+001F
//     (as \b \t \n \f \r where they exist, otherwise \u00xx with lowercase hex);
//     everything else, including U+007F and U+2028, is written verbatim;
//   - object members sorted by the UTF-16 code units of their names;
//   - numbers: only integers in [-(2^53-1), 2^53-1], written in shortest decimal
//     form ("-0", "1.0", "1e2" are normalised to "0", "1", "100"). Other numbers
//     are refused: auditchain never stores a binary floating-point value, so
//     fractional values travel as decimal strings;
//   - literals true, false, null; no whitespace.
// For every value the parser accepts, canonical() equals what RFC 8785 gives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace auditchain::json {

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;
using Object = std::vector<Member>;  // in insertion order; canonical() sorts

inline constexpr std::int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

enum class Type { kNull, kBool, kInteger, kString, kArray, kObject };

class Value {
 public:
  Value() = default;  // null
  explicit Value(bool b) : v_(b) {}
  // REQUIRES: |i| <= kMaxSafeInteger (checked; throws std::out_of_range).
  explicit Value(std::int64_t i);
  explicit Value(std::string s) : v_(std::move(s)) {}
  explicit Value(std::string_view s) : v_(std::string(s)) {}
  explicit Value(const char* s) : v_(std::string(s)) {}
  explicit Value(Array a) : v_(std::move(a)) {}
  explicit Value(Object o) : v_(std::move(o)) {}

  Type type() const noexcept { return static_cast<Type>(v_.index()); }
  bool is_null() const noexcept { return type() == Type::kNull; }
  bool is_bool() const noexcept { return type() == Type::kBool; }
  bool is_integer() const noexcept { return type() == Type::kInteger; }
  bool is_string() const noexcept { return type() == Type::kString; }
  bool is_array() const noexcept { return type() == Type::kArray; }
  bool is_object() const noexcept { return type() == Type::kObject; }

  // Accessors throw std::logic_error when the type does not match.
  bool as_bool() const;
  std::int64_t as_integer() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  const Object& as_object() const;
  Array& as_array();
  Object& as_object();

  // The member named `key`, or nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const noexcept;

  // Structural equality; object members compare regardless of order.
  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, bool, std::int64_t, std::string, Array, Object> v_;
};

struct ParseLimits {
  std::size_t max_depth = 64;        // nesting of arrays and objects
  std::size_t max_bytes = 1 << 24;   // input size
};

// A parse failure: `offset` is the byte offset in the input where it was found.
class ParseError : public std::runtime_error {
 public:
  ParseError(std::size_t offset, const std::string& message);
  std::size_t offset() const noexcept { return offset_; }

 private:
  std::size_t offset_;
};

// Parses one RFC 8259 JSON text (surrounding whitespace allowed).
// Throws ParseError for: invalid UTF-8 anywhere in the input (including
// overlong forms, surrogates encoded in UTF-8, code points above U+10FFFF);
// \u escapes that form a lone or reversed surrogate; unescaped control
// characters in strings; duplicate member names in one object (compared after
// unescaping); numbers that are not integers within +-kMaxSafeInteger (the
// message says to pass decimals as strings); nesting beyond limits.max_depth;
// input longer than limits.max_bytes; trailing content; empty input.
Value parse(std::string_view text, const ParseLimits& limits = {});

// RFC 8785 serialisation of `v` (see the file comment).
std::string canonical(const Value& v);
void append_canonical(std::string& out, const Value& v);

// Appends `s` as a JSON string literal (with quotes) in canonical form.
// REQUIRES: s is valid UTF-8.
void append_string(std::string& out, std::string_view s);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;

// UTF-8 byte order is code point order; UTF-16 order differs only in putting
// U+E000..U+FFFF (leads EE, EF) after U+10000.. (leads F0..F4). Moving EE and
// EF above every other byte makes a byte permutation, so comparing mapped
// bytes lexicographically is a total order even on malformed input.
inline unsigned utf16_rank(unsigned char c) noexcept { return (c == 0xEE || c == 0xEF) ? c + 0x100u : c; }

// Orders two UTF-8 strings by their UTF-16 code units, as RFC 8785 sorts
// member names. REQUIRES: both valid UTF-8. Inline: verify compares the
// member names of every object of every entry.
inline bool utf16_less(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return utf16_rank(static_cast<unsigned char>(a[i])) < utf16_rank(static_cast<unsigned char>(b[i]));
    }
  }
  return a.size() < b.size();
}

}  // namespace auditchain::json
