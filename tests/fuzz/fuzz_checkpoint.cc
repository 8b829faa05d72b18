// fuzz_checkpoint.cc — signed notes and the checkpoints they carry.
//
// Checkpoints come from outside the ledger (an auditor's file, a bundle's
// manifest, a proof), so their parser sees hostile text. Properties:
//   - parse_note, parse_checkpoint and open_checkpoint refuse with the error
//     codes they document and nothing else;
//   - a parsed note's text ends with a newline and it has 1..100 signatures;
//   - open_checkpoint, when it accepts, reads the same checkpoint as
//     parse_checkpoint, and only when some signature line names the key;
//   - a parsed checkpoint, written out again (checkpoint_body), signed and
//     opened, gives back the same ledger, tenant, size, root, time and seal,
//     and its size and root lines are exactly as checkpoint_body writes them;
//   - sign_note signs exactly the texts keys.hpp says it does (non-empty
//     UTF-8 ending in a newline, without a blank line), and what it signs
//     opens to the same text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auditchain/checkpoint.hpp"
#include "auditchain/error.hpp"
#include "auditchain/keys.hpp"
#include "fuzz_support.hpp"
#include "json.hpp"

using namespace auditchain;

namespace {

const SignerKey& signer() {
  static const SignerKey key = SignerKey::parse(fuzz::kSignerKey);
  return key;
}

const std::vector<VerifierKey>& trusted_keys() {
  static const std::vector<VerifierKey> keys{signer().verifier()};
  return keys;
}

bool same(const Checkpoint& a, const Checkpoint& b) {
  return a.ledger_id == b.ledger_id && a.tenant == b.tenant && a.tree_size == b.tree_size && a.root == b.root &&
         a.time == b.time && a.sealed_through == b.sealed_through;
}

// Line `n` (from 0) of `text`, without its newline.
std::string_view line_of(std::string_view text, int n) {
  for (; n > 0; --n) text.remove_prefix(std::min(text.size(), text.find('\n') + 1));
  return text.substr(0, text.find('\n'));
}

// The input as the text of a note to sign.
void check_signing(std::string_view text) {
  const bool signable = !text.empty() && text.back() == '\n' && text.find("\n\n") == std::string_view::npos &&
                        json::is_valid_utf8(text);
  std::string note;
  try {
    note = sign_note(text, signer());
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(!signable, e.what());
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
    return;
  }
  FUZZ_CHECK_MSG(signable, "sign_note signed a text it should refuse");
  try {
    FUZZ_CHECK(parse_note(note).text == text);
    FUZZ_CHECK(open_note(note, trusted_keys()) == text);
  } catch (const Error& e) {
    fuzz::violated(__FILE__, __LINE__, "a note sign_note made does not open", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  check_signing(text);

  std::optional<SignedNote> note;
  try {
    note = parse_note(text);
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
  }
  if (note) {
    FUZZ_CHECK(!note->text.empty() && note->text.back() == '\n');
    FUZZ_CHECK(!note->signatures.empty() && note->signatures.size() <= 100);
    FUZZ_CHECK(text.substr(0, note->text.size()) == note->text);
  }

  std::optional<Checkpoint> parsed;
  try {
    parsed = parse_checkpoint(text);
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
  }
  if (parsed) FUZZ_CHECK(note.has_value());

  std::optional<Checkpoint> opened;
  try {
    opened = open_checkpoint(text, trusted_keys());
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kBadSignature, e.what());
  }
  if (opened) {
    FUZZ_CHECK(parsed && same(*opened, *parsed));
    bool named = false;
    for (const NoteSignature& s : note->signatures) {
      named = named || (s.key_name == signer().name() && s.key_id == signer().key_id());
    }
    FUZZ_CHECK(named);
  }
  if (!parsed) return 0;

  // The checkpoint survives being written out, signed and read back.
  const std::string body = checkpoint_body(*parsed);
  // The size and root lines have one form only (decimal without leading
  // zeros, padded base64), so they read back as written.
  FUZZ_CHECK(line_of(note->text, 1) == line_of(body, 1));
  FUZZ_CHECK(line_of(note->text, 2) == line_of(body, 2));
  std::string resigned;
  try {
    resigned = sign_note(body, signer());
  } catch (const Error& e) {
    fuzz::violated(__FILE__, __LINE__, "a checkpoint body cannot be signed", e.what());
  }
  try {
    const Checkpoint back = open_checkpoint(resigned, trusted_keys());
    FUZZ_CHECK_MSG(same(back, *parsed), resigned);
    FUZZ_CHECK(back.note == resigned);
    FUZZ_CHECK(checkpoint_body(back) == body);
  } catch (const Error& e) {
    fuzz::violated(__FILE__, __LINE__, "a re-signed checkpoint does not open", e.what());
  }
  return 0;
}
