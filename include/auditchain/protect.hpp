// auditchain/protect.hpp — sensitive fields: encryption at rest, secret
// commitments and crypto-shredding.
//
// A host marks parts of an event as protected with JSON Pointers (RFC 6901)
// into the event: "/before/iban", "/after/customer/tax_id", "/metadata/note",
// "/actor/ip", "/actor/on_behalf_of", "/actor/session_id", "/actor/request_id".
//
//  - encrypted values are replaced, inside the entry bytes, by an envelope
//    holding XChaCha20-Poly1305 ciphertext. Hashes and proofs cover the
//    envelope, so verifying never needs a key;
//  - secrets (capability tokens, magic links, one-time codes) are replaced by
//    a salted, keyed commitment (HMAC-SHA-256): the ledger can answer "was this
//    the token used?" with the master key, and never holds the token.
//
// Keys: the host supplies a 256-bit master key (file, environment variable or
// memory); it is never written to the ledger. Per-tenant keys are derived
// from it with libsodium's crypto_kdf. The data keys that encrypt values are
// random, stored in the ledger only wrapped (encrypted) under the tenant key,
// one per tenant and UTC day ("bucket") and one per data subject. Destroying a
// data key makes every value under it unrecoverable while every hash, proof
// and signature stays valid: erasing a subject destroys its key; a retention
// period destroys the day keys older than it. Both are recorded as entries.
//
// Thread safety: MasterKey is immutable and may be shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/visibility.hpp"

namespace auditchain {

class AUDITCHAIN_API MasterKey {
 public:
  static constexpr std::size_t kSize = 32;

  // A new random key.
  static MasterKey generate();
  // From 64 hexadecimal digits or base64 of 32 bytes (surrounding whitespace
  // ignored). Throws Error(kInvalidArgument); messages never hold key material.
  static MasterKey parse(std::string_view text);
  // From a file holding the text form. Throws Error(kNotFound/kIo/kInvalidArgument).
  static MasterKey load(const std::string& path);
  // From the environment variable `name`. Throws Error(kNotFound) when unset.
  static MasterKey from_env(const char* name);

  MasterKey(MasterKey&& other) noexcept;
  MasterKey& operator=(MasterKey&& other) noexcept;
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  ~MasterKey();  // wipes the key bytes

  // A public identifier of the key (16 hex digits, derived one-way from it).
  const std::string& id() const noexcept { return id_; }
  // The text form (64 hex digits): the secret itself.
  std::string to_text() const;
  // Writes the key to `path` with mode 0600, never overwriting.
  void save(const std::string& path) const;

  // For the library's own use.
  const std::array<std::uint8_t, kSize>& bytes() const noexcept { return key_; }

 private:
  MasterKey() = default;
  void set_id();
  std::array<std::uint8_t, kSize> key_{};
  std::string id_;
};

// What of an event to protect, and for whom.
struct Protection {
  std::vector<std::string> encrypt;    // JSON Pointers of values to encrypt
  std::vector<std::string> secret;     // JSON Pointers of values kept only as a commitment
  std::optional<std::string> subject;  // data subject the encrypted values belong to
};

// A protected value of an entry, as read back.
struct ProtectedValue {
  enum class State { kPlaintext, kEncrypted, kErased, kSecret };
  std::string pointer;  // where it sits, e.g. "/before/iban"
  State state = State::kEncrypted;
  // kPlaintext: the value as canonical JSON. Otherwise empty.
  std::string plaintext;
};

// "plaintext", "encrypted", "erased", "secret".
AUDITCHAIN_API const char* protected_state_name(ProtectedValue::State state) noexcept;

// Markers shown in place of values that cannot be read.
inline constexpr const char* kEncryptedMarker = "[encrypted]";
inline constexpr const char* kErasedMarker = "[erased]";
inline constexpr const char* kSecretMarker = "[secret]";

}  // namespace auditchain
