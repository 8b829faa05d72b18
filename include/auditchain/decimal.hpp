// auditchain/decimal.hpp — exact decimal numbers for amounts and confidence scores.
//
// auditchain never stores or hashes a binary floating-point value. Amounts and
// AI confidence scores are exact decimals, written in entries as strings in the
// canonical form below, and summed exactly (arbitrary precision).
//
// Accepted input (Decimal::parse):   [+|-] digits [ "." digits ]
//   - at least one digit before the point, and at least one after it if present;
//   - no exponent, no spaces, no thousands separators, no "NaN"/"Infinity";
//   - at most kMaxDigits digits in all and kMaxScale digits after the point.
//
// Canonical form (Decimal::to_string), as hashed in entries:
//   - "-" for negative values, never "+";
//   - no leading zeros in the integer part ("0" when it is zero);
//   - no trailing zeros after the point, and no point when nothing follows it;
//   - zero is "0" (never "-0").
//   Examples: "010.500" -> "10.5", "-0.00" -> "0", "+7" -> "7", "1.000" -> "1".
//
// Thread safety: Decimal is an immutable value type; DecimalSum is not
// synchronised (use one per thread).
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auditchain/visibility.hpp"

namespace auditchain {

class AUDITCHAIN_API Decimal {
 public:
  static constexpr int kMaxDigits = 40;
  static constexpr int kMaxScale = 18;

  // Zero.
  Decimal();

  // Parses `text` as described above. Throws Error(kInvalidArgument) naming
  // `field` (may be empty) when `text` is not an accepted decimal.
  static Decimal parse(std::string_view text, std::string_view field = {});

  // True when `text` would be accepted by parse().
  static bool is_valid(std::string_view text) noexcept;

  // The canonical form described above.
  const std::string& to_string() const noexcept { return canonical_; }

  // The value with exactly `scale` digits after the point (padding with zeros),
  // e.g. Decimal::parse("10000").to_fixed(2) == "10000.00". Throws
  // Error(kInvalidArgument) when that would drop non-zero digits.
  std::string to_fixed(int scale) const;

  // Number of digits after the point in the canonical form.
  int scale() const noexcept;
  bool is_negative() const noexcept { return !canonical_.empty() && canonical_[0] == '-'; }
  bool is_zero() const noexcept { return canonical_ == "0"; }

  // Exact arithmetic. The result of + and - may have more digits than
  // kMaxDigits (sums are unbounded); it is still exact.
  friend AUDITCHAIN_API Decimal operator+(const Decimal& a, const Decimal& b);
  friend AUDITCHAIN_API Decimal operator-(const Decimal& a, const Decimal& b);

  // Numeric comparison: 1.5 == 1.50, -2 < 0.1.
  friend AUDITCHAIN_API std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return a.canonical_ == b.canonical_; }

 private:
  friend class DecimalSum;
  explicit Decimal(std::string canonical) : canonical_(std::move(canonical)) {}
  std::string canonical_;
};

// An exact running total, cheaper than repeated operator+ for long sums.
//   DecimalSum sum; for (...) sum.add(d); Decimal total = sum.total();
class AUDITCHAIN_API DecimalSum {
 public:
  DecimalSum();
  ~DecimalSum();
  DecimalSum(const DecimalSum&) = delete;
  DecimalSum& operator=(const DecimalSum&) = delete;

  void add(const Decimal& value);
  Decimal total() const;
  std::uint64_t count() const noexcept { return count_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t count_ = 0;
};

}  // namespace auditchain
