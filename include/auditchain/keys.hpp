// auditchain/keys.hpp — Ed25519 keys and C2SP signed notes.
//
// Checkpoints are signed as C2SP signed notes (c2sp.org/signed-note) with
// Ed25519. Keys use that ecosystem's text forms:
//   verifier key  <name>+<key id, 8 hex>+<base64(0x01 || 32-byte public key)>
//   signer key    PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 || 32-byte seed)>
// where key id = first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
// A name is non-empty UTF-8 with no spaces and no '+'.
//
// Secret key bytes live only inside SignerKey, are wiped (sodium_memzero) when
// it is destroyed or moved from, and never appear in an error message.
//
// Thread safety: SignerKey and VerifierKey are immutable after construction
// and may be shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/visibility.hpp"

namespace auditchain {

class AUDITCHAIN_API VerifierKey {
 public:
  // Parses the verifier-key text form. Throws Error(kInvalidArgument) when the
  // text is malformed or its key id does not match the key.
  static VerifierKey parse(std::string_view text);
  // Reads a file holding the text form (surrounding whitespace ignored).
  // Throws Error(kNotFound / kIo / kInvalidArgument).
  static VerifierKey load(const std::string& path);

  const std::string& name() const noexcept { return name_; }
  std::uint32_t key_id() const noexcept { return key_id_; }
  const std::array<std::uint8_t, 32>& public_key() const noexcept { return public_key_; }
  std::string to_text() const;

  // True when `signature` (64 bytes) is this key's signature of `message`.
  bool verify(std::string_view message, std::string_view signature) const noexcept;

 private:
  friend class SignerKey;
  VerifierKey() = default;
  std::string name_;
  std::uint32_t key_id_ = 0;
  std::array<std::uint8_t, 32> public_key_{};
};

class AUDITCHAIN_API SignerKey {
 public:
  // A new random key named `name`. Throws Error(kInvalidArgument) for a bad name.
  static SignerKey generate(std::string_view name);
  // Parses the signer-key text form. Throws Error(kInvalidArgument); the
  // message never contains key material.
  static SignerKey parse(std::string_view text);
  // Reads a signer key file. Throws Error(kNotFound / kIo / kInvalidArgument).
  static SignerKey load(const std::string& path);

  SignerKey(SignerKey&& other) noexcept;
  SignerKey& operator=(SignerKey&& other) noexcept;
  SignerKey(const SignerKey&) = delete;
  SignerKey& operator=(const SignerKey&) = delete;
  ~SignerKey();

  const std::string& name() const noexcept { return verifier_.name(); }
  std::uint32_t key_id() const noexcept { return verifier_.key_id(); }
  const VerifierKey& verifier() const noexcept { return verifier_; }

  // The signer-key text form. It is the secret: write it only to a file of mode 0600.
  std::string to_text() const;

  // The 64-byte Ed25519 signature of `message`.
  std::string sign(std::string_view message) const;

  // Writes the secret key to `path` with mode 0600 (created exclusively: an
  // existing file is not overwritten). Throws Error(kAlreadyExists / kIo).
  void save(const std::string& path) const;

 private:
  SignerKey() = default;
  VerifierKey verifier_;
  std::array<std::uint8_t, 64> secret_{};  // libsodium's seed || public key
};

// Signs `text` as a C2SP signed note: returns text, a blank line and one
// signature line "— <name> <base64(key id || signature)>". REQUIRES (checked,
// kInvalidArgument otherwise): text is non-empty UTF-8 ending in "\n".
AUDITCHAIN_API std::string sign_note(std::string_view text, const SignerKey& key);

// A signature line of a note.
struct NoteSignature {
  std::string key_name;
  std::uint32_t key_id = 0;
  std::string signature;  // raw bytes (64 for Ed25519)
};

struct SignedNote {
  std::string text;                       // what the signatures cover, ending in "\n"
  std::vector<NoteSignature> signatures;  // as they appear, verified or not
};

// Splits a signed note into text and signature lines without checking any
// signature. Throws Error(kInvalidArgument) when the note is malformed.
AUDITCHAIN_API SignedNote parse_note(std::string_view note);

// Checks `note` against trusted `keys`: returns its text when at least one
// signature line names a trusted key (by name and key id) and every such line
// verifies. Throws Error(kBadSignature) otherwise (naming the reason: no
// signature by a trusted key, or a signature by a trusted key that does not
// verify) and Error(kInvalidArgument) for a malformed note.
AUDITCHAIN_API std::string open_note(std::string_view note, std::span<const VerifierKey> keys);

}  // namespace auditchain
