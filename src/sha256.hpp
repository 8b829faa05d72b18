// sha256.hpp — SHA-256, hex and randomness, over libsodium.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auditchain/entry.hpp"

namespace auditchain::detail {

// Initialises libsodium once per process; safe from any thread.
void ensure_sodium();

Hash sha256(std::string_view data);

// Lowercase hex of `n` bytes.
std::string to_hex(const std::uint8_t* data, std::size_t n);
// Decodes exactly 2*n hex digits into `out`; false on any other input.
bool from_hex(std::string_view hex, std::uint8_t* out, std::size_t n) noexcept;
// True when `s` is 2*n lowercase hex digits.
bool is_lower_hex(std::string_view s, std::size_t n) noexcept;
// True when `s` holds only the standard base64 alphabet and '='. Strict
// decoding checks this before sodium_base642bin, which (libsodium 1.0.18)
// reads every byte from 0x80 up as '/'.
bool is_base64_text(std::string_view s) noexcept;

// `n` random bytes from the operating system's CSPRNG, as lowercase hex.
std::string random_hex(std::size_t n);

}  // namespace auditchain::detail
