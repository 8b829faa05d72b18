// sha256.cc — SHA-256, hex and randomness, over libsodium.
#include "sha256.hpp"

#include <sodium.h>

#include <mutex>
#include <vector>

#include "auditchain/error.hpp"

namespace auditchain::detail {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium could not be initialised");
  });
}

Hash sha256(std::string_view data) {
  Hash h;
  crypto_hash_sha256(h.bytes.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return h;
}

std::string to_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

static int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex(std::string_view hex, std::uint8_t* out, std::size_t n) noexcept {
  if (hex.size() != 2 * n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool is_lower_hex(std::string_view s, std::size_t n) noexcept {
  if (s.size() != 2 * n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_base64_text(std::string_view s) noexcept {
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
          c == '=')) {
      return false;
    }
  }
  return true;
}

std::string random_hex(std::size_t n) {
  ensure_sodium();
  std::vector<std::uint8_t> buf(n);
  randombytes_buf(buf.data(), n);
  return to_hex(buf.data(), n);
}

}  // namespace auditchain::detail

namespace auditchain {

Hash sha256(std::string_view bytes) {
  detail::ensure_sodium();
  return detail::sha256(bytes);
}

std::string Hash::hex() const { return detail::to_hex(bytes.data(), bytes.size()); }

Hash Hash::from_hex(std::string_view hex, std::string_view field) {
  Hash h;
  if (!detail::from_hex(hex, h.bytes.data(), h.bytes.size())) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(field.empty() ? "hash" : field) + ": expected 64 hexadecimal digits",
                std::string(field));
  }
  return h;
}

}  // namespace auditchain
