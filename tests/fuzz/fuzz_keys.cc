// fuzz_keys.cc — the text forms of verifier, signer and master keys.
//
// Key files are read from disk and from the environment, so every parser sees
// whatever a user or an attacker put there. Each input is given to all three
// parsers. Properties:
//   - refusals are Error(kInvalidArgument), and those of secret keys never
//     quote the key material;
//   - the verifier and signer forms are canonical: what parse accepts is
//     exactly what to_text writes (less surrounding whitespace), so one key
//     has one text; key names are UTF-8, as keys.hpp says;
//   - a parsed signer key signs what its verifier key accepts, and its
//     verifier key is the one its text names;
//   - a master key read back from its own text has the same id.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "auditchain/error.hpp"
#include "auditchain/keys.hpp"
#include "auditchain/protect.hpp"
#include "fuzz_support.hpp"
#include "json.hpp"

using namespace auditchain;

namespace {

// As the parsers trim: the verifier and signer forms drop these at both ends
// except a leading '\r'.
std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  return s;
}

// Text that could be key material: 16 or more characters of the base64
// alphabet (which includes hex). Error messages are made of words and quoted
// names, so such a run in a message can only have come from the key.
bool looks_like_material(std::string_view s) {
  if (s.size() < 16) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                    c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

// A refusal of secret key text: kInvalidArgument, and the secret part (all
// of `text` after `from`) is not in the message, unless the same characters
// also stand earlier in the text, where a name may be quoted from.
void check_secret_refusal(const Error& e, std::string_view text, std::size_t from) {
  FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
  const std::string_view material = text.substr(std::min(from, text.size()));
  if (!looks_like_material(material) || text.find(material) < from) return;
  FUZZ_CHECK_MSG(std::string_view(e.what()).find(material) == std::string_view::npos, e.what());
}

void verifier_key(std::string_view text) {
  try {
    const VerifierKey key = VerifierKey::parse(text);
    FUZZ_CHECK_MSG(key.to_text() == trimmed(text), key.to_text());
    FUZZ_CHECK(json::is_valid_utf8(key.name()));
    const VerifierKey again = VerifierKey::parse(key.to_text());
    FUZZ_CHECK(again.name() == key.name() && again.key_id() == key.key_id() && again.public_key() == key.public_key());
    FUZZ_CHECK(!key.verify("message", std::string(64, '\0')));
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
  }
}

void signer_key(std::string_view text) {
  try {
    const SignerKey key = SignerKey::parse(text);
    FUZZ_CHECK(key.to_text() == trimmed(text));
    FUZZ_CHECK(json::is_valid_utf8(key.name()));
    const VerifierKey& verifier = key.verifier();
    FUZZ_CHECK(verifier.name() == key.name() && verifier.key_id() == key.key_id());
    FUZZ_CHECK(VerifierKey::parse(verifier.to_text()).public_key() == verifier.public_key());
    const std::string signature = key.sign("checkpoint body\n");
    FUZZ_CHECK(verifier.verify("checkpoint body\n", signature));
    FUZZ_CHECK(!verifier.verify("checkpoint body.\n", signature));
    const std::string note = sign_note("checkpoint body\n", key);
    const VerifierKey trusted[] = {verifier};
    FUZZ_CHECK(open_note(note, trusted) == "checkpoint body\n");
  } catch (const Error& e) {
    const std::string_view t = trimmed(text);
    const auto last_plus = t.rfind('+');
    check_secret_refusal(e, t, last_plus == std::string_view::npos ? 0 : last_plus + 1);
  }
}

void master_key(std::string_view text) {
  try {
    const MasterKey key = MasterKey::parse(text);
    FUZZ_CHECK(key.id().size() == 16);
    const MasterKey again = MasterKey::parse(key.to_text());
    FUZZ_CHECK(again.id() == key.id() && again.bytes() == key.bytes());
  } catch (const Error& e) {
    check_secret_refusal(e, trimmed(text), 0);  // the whole text is the key here
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  verifier_key(text);
  signer_key(text);
  master_key(text);
  return 0;
}
