// auditchain/timestamp.hpp — points in time, as written in entries.
//
// A Timestamp is a count of microseconds since 1970-01-01T00:00:00Z (UTC).
// Entries write it in RFC 3339 form, always UTC, always with exactly six
// fractional digits, so that text order is time order:
//     2026-11-21T07:03:29.123456Z
// The range is 0001-01-01T00:00:00.000000Z .. 9999-12-31T23:59:59.999999Z.
//
// Thread safety: Timestamp is a plain value type.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "auditchain/visibility.hpp"

namespace auditchain {

struct AUDITCHAIN_API Timestamp {
  std::int64_t micros = 0;  // microseconds since the Unix epoch, UTC

  // The current time of the system clock, truncated to microseconds.
  static Timestamp now() noexcept;

  // Parses an RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)".
  // 't' and 'z' are accepted for 'T' and 'Z'; a space is accepted for 'T'.
  // An offset is converted to UTC. The fraction may have 1..9 digits; digits
  // beyond the sixth must be zero (no silent rounding). Leap seconds (":60")
  // are refused. Throws Error(kInvalidArgument) naming `field` otherwise.
  static Timestamp parse(std::string_view text, std::string_view field = {});

  // True when `text` is exactly in the canonical form written by to_string().
  static bool is_canonical(std::string_view text) noexcept;

  // "YYYY-MM-DDTHH:MM:SS.ffffffZ".
  std::string to_string() const;

  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

}  // namespace auditchain
