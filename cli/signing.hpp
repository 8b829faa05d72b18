// signing.hpp — keys and signed checkpoint notes as the commands read and write them.
//
// Notes are kept as files so that a checkpoint can live outside the ledger
// it vouches for: that is what lets verify detect truncation, rollback to an
// older copy and rewritten chains.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/checkpoint.hpp"
#include "auditchain/keys.hpp"
#include "options.hpp"

namespace auditchain::cli {

// A key id as written in key texts and notes: 8 lowercase hex digits.
std::string key_id_text(std::uint32_t key_id);

// Keys named by an option; errors name the option and the file. Never prints key material.
SignerKey load_signer_key(const std::string& path, std::string_view option);
std::vector<VerifierKey> load_verifier_keys(const std::vector<std::string>& paths, std::string_view option);

// Several notes in one text are separated by this line. A note itself never
// holds it (its lines are the checkpoint body, a blank line and signature
// lines starting with an em dash), while it does hold a blank line, which is
// why a blank line cannot separate notes.
inline constexpr std::string_view kNoteSeparator = "---";

std::string join_notes(const std::vector<std::string>& notes);
std::vector<std::string> split_notes(std::string_view text);

// Where `checkpoint` and `seal` put the notes they make (--out).
struct NoteDestination {
  OptionalText out;

  // An existing directory receives one file per tenant; anything else is a
  // single file, for a single checkpoint. Checked before anything is signed.
  bool is_directory() const;
  void check(std::size_t checkpoints) const;
  // The file `c` goes to, or nothing when notes are printed instead.
  std::optional<std::string> file_for(const Checkpoint& c) const;
};

// The file name of `tenant`'s checkpoint in an --out directory: the tenant
// part of the checkpoint's origin line (percent-encoded, so never holding a
// '/'), then ".checkpoint".
std::string checkpoint_file_name(const std::string& ledger_id, const std::string& tenant);

// Writes or prints checkpoints just made. Text without --out: the notes,
// separated by kNoteSeparator lines; with --out: one summary line per note
// written. JSON: one object per checkpoint (`single`) or {"checkpoints": [...]}.
void emit_checkpoints(const std::vector<Checkpoint>& made, const NoteDestination& destination, bool json,
                      bool single);

}  // namespace auditchain::cli
