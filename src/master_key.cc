// master_key.cc — the host's master key: parsing, loading, identifying, wiping.
#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "auditchain/error.hpp"
#include "auditchain/protect.hpp"
#include "sha256.hpp"
#include "text_file.hpp"

namespace auditchain {
namespace {

[[noreturn]] void bad_key(const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, "master key: " + what, "master_key");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.back())) s.remove_suffix(1);
  while (!s.empty() && std::strchr(" \t\r\n", s.front())) s.remove_prefix(1);
  return s;
}

}  // namespace

MasterKey::MasterKey(MasterKey&& other) noexcept : key_(other.key_), id_(std::move(other.id_)) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

MasterKey& MasterKey::operator=(MasterKey&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    id_ = std::move(other.id_);
    sodium_memzero(other.key_.data(), other.key_.size());
  }
  return *this;
}

MasterKey::~MasterKey() { sodium_memzero(key_.data(), key_.size()); }

// The id is a keyed BLAKE2b of a constant: it names the key without
// revealing anything about it.
void MasterKey::set_id() {
  static constexpr char kLabel[] = "auditchain master key id";
  std::uint8_t out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(kLabel), sizeof kLabel - 1, key_.data(),
                     key_.size());
  id_ = detail::to_hex(out, sizeof out);
}

MasterKey MasterKey::generate() {
  detail::ensure_sodium();
  MasterKey k;
  crypto_kdf_keygen(k.key_.data());
  k.set_id();
  return k;
}

MasterKey MasterKey::parse(std::string_view text) {
  detail::ensure_sodium();
  text = trim(text);
  MasterKey k;
  if (text.size() == 2 * kSize) {
    if (!detail::from_hex(text, k.key_.data(), kSize)) bad_key("expected 64 hexadecimal digits or base64 of 32 bytes");
  } else {
    std::size_t len = 0;
    const char* end = nullptr;
    if (!detail::is_base64_text(text) ||
        sodium_base642bin(k.key_.data(), kSize, text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != kSize || end != text.data() + text.size()) {
      bad_key("expected 64 hexadecimal digits or base64 of 32 bytes");
    }
  }
  k.set_id();
  return k;
}

MasterKey MasterKey::load(const std::string& path) {
  return detail::parse_secret_file(path, "master key", [](const std::string& text) { return parse(text); });
}

MasterKey MasterKey::from_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw Error(ErrorCode::kNotFound, std::string("master key: the environment variable ") + name + " is not set",
                "master_key");
  }
  return parse(value);
}

std::string MasterKey::to_text() const { return detail::to_hex(key_.data(), key_.size()); }

void MasterKey::save(const std::string& path) const { detail::write_secret_file(path, to_text()); }

}  // namespace auditchain
