// options.hpp — option parsing, ledger opening and the files options name,
// shared by the commands.
//
// Values are kept as text while CLI11 parses and converted afterwards, so that
// every conversion error names the option it came from and follows the
// library's "field: reason" message style (CLI11's own unsigned conversion
// would also accept "-1" as 2^64-1).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/error.hpp"
#include "auditchain/ledger.hpp"
#include "auditchain/timestamp.hpp"

namespace auditchain::cli {

// Throws Error(kInvalidArgument) naming `option`; main() prints it and exits 2.
[[noreturn]] void usage_error(std::string_view option, const std::string& reason);

// The help footer of a command: `notes` (details too long for the one-line
// description in the command list), then "Examples:" and one example per line.
std::string examples(std::initializer_list<std::string_view> lines, std::string_view notes = {});

// The LEDGER positional argument every command takes.
CLI::Option* add_ledger_argument(CLI::App& cmd, std::string& path);

// An option's text and whether it was given at all: `--action ""` must reach
// the library's validation as an empty action, not be taken for "not given".
struct OptionalText {
  std::string value;
  CLI::Option* option = nullptr;
  bool given() const { return option != nullptr && option->count() > 0; }
  std::optional<std::string> get() const { return given() ? std::optional(value) : std::nullopt; }
};
CLI::Option* add_text_option(CLI::App& cmd, const std::string& name, OptionalText& text,
                             const std::string& description, const std::string& type_name = "TEXT");

// --from/--to, converted once parsing is done so errors name the option.
struct TimeRange {
  OptionalText from;
  OptionalText to;
  std::optional<Timestamp> from_time() const;
  std::optional<Timestamp> to_time() const;
};
void add_time_range(CLI::App& cmd, TimeRange& range);

// The filters `log` and `export` share: --from/--to, --seq-from/--seq-to,
// --action, --actor, --target-type and --flag (repeatable).
struct EntrySelection {
  TimeRange range;
  OptionalText seq_from, seq_to, action, actor, target_type;
  std::vector<std::string> flags;
  bool sensitive() const;
  bool high_risk() const;
};
void add_entry_selection(CLI::App& cmd, EntrySelection& s);

// A decimal integer >= `min` without sign, spaces or fraction.
std::uint64_t parse_count(const std::string& text, std::string_view option, std::uint64_t min = 0);
std::optional<std::uint64_t> parse_optional_count(const OptionalText& text, std::uint64_t min = 0);

// --master-key FILE and --master-key-env VAR (both repeatable): the master
// keys of protected values. The first given is the ledger's current key, the
// others older ones (files first, then variables). Loaded only when the
// command runs, so errors name the option.
struct MasterKeyOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_vars;
  bool given() const { return !files.empty() || !env_vars.empty(); }
  std::vector<std::shared_ptr<const MasterKey>> load() const;
};
void add_master_key_options(CLI::App& cmd, MasterKeyOptions& keys, const std::string& purpose);

// Read-only commands never create or change a file: a missing one is
// "no ledger file at PATH", exit 2. With master keys, protected values read
// as plaintext; a key the ledger never used is refused (kWrongKey).
Ledger open_read_only(const std::string& path, const MasterKeyOptions& keys = {});

// Writing commands other than init refuse a missing file too, so that a
// mistyped path does not silently start a second, empty audit trail.
Ledger open_existing_for_writing(const std::string& path, const MasterKeyOptions& keys = {});

// --actor ID of the commands that record an entry on the operator's behalf
// (erase, retention, purge). Default: "cli:" and the login name ($USER,
// else $LOGNAME, else "uid-N").
CLI::Option* add_operator_option(CLI::App& cmd, OptionalText& actor);
Actor operator_actor(const OptionalText& actor);

// Repeatable options (--tenant A --tenant B) take one value per occurrence;
// otherwise CLI11 would let "--tenant A LEDGER" swallow the positional.
CLI::Option* one_value_per_use(CLI::Option* option);

// Re-throws a library error about `field` (e.g. "size") as one about the
// option the user typed (e.g. "--size"), so the message names what to fix.
// Other errors are re-thrown unchanged.
[[noreturn]] void rethrow_for_option(const Error& e, std::string_view field, std::string_view option);

// The whole content of the file `source`, or of standard input for "-".
// Errors name `option`.
std::string read_input(const std::string& source, std::string_view option);

// Writes `content` to the file `path`. With `exclusive`, an existing file is
// refused (keys are never overwritten); otherwise the file is replaced
// atomically, so a reader never sees half a note or proof. Errors name `option`.
void write_output_file(const std::string& path, std::string_view content, std::string_view option, bool exclusive);

}  // namespace auditchain::cli
