// options.cc — option parsing, ledger opening and the files options name.
#include "options.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "auditchain/error.hpp"

namespace auditchain::cli {
namespace {

namespace fs = std::filesystem;

// Writes all of `content` to `fd` and flushes it to stable storage: a
// checkpoint written to a file is a trust anchor and must survive a crash.
bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return ::fsync(fd) == 0;
}

[[noreturn]] void io_error(std::string_view option, const std::string& reason) {
  throw Error(ErrorCode::kIo, std::string(option) + ": " + reason, std::string(option));
}

}  // namespace

void usage_error(std::string_view option, const std::string& reason) {
  throw Error(ErrorCode::kInvalidArgument, std::string(option) + ": " + reason, std::string(option));
}

std::string examples(std::initializer_list<std::string_view> lines, std::string_view notes) {
  std::string out(notes);
  if (!out.empty()) out += "\n\n";
  out += "Examples:\n";
  for (std::string_view line : lines) {
    out += "  ";
    out += line;
    out += '\n';
  }
  return out;
}

CLI::Option* add_ledger_argument(CLI::App& cmd, std::string& path) {
  return cmd.add_option("LEDGER", path, "The ledger file")->required()->type_name("FILE");
}

CLI::Option* add_text_option(CLI::App& cmd, const std::string& name, OptionalText& text,
                             const std::string& description, const std::string& type_name) {
  text.option = cmd.add_option(name, text.value, description)->type_name(type_name);
  return text.option;
}

void add_time_range(CLI::App& cmd, TimeRange& range) {
  const std::string only = "Only entries recorded ";
  add_text_option(cmd, "--from", range.from,
                  only + "at or after TIME (inclusive). RFC 3339, e.g. 2026-11-01T00:00:00Z or "
                         "2026-11-01T01:00:00+01:00",
                  "TIME");
  add_text_option(cmd, "--to", range.to, only + "before TIME (exclusive). RFC 3339", "TIME");
}

std::optional<Timestamp> TimeRange::from_time() const {
  if (!from.given()) return std::nullopt;
  return Timestamp::parse(from.value, "--from");
}

std::optional<Timestamp> TimeRange::to_time() const {
  if (!to.given()) return std::nullopt;
  return Timestamp::parse(to.value, "--to");
}

std::uint64_t parse_count(const std::string& text, std::string_view option, std::uint64_t min) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) usage_error(option, "\"" + text + "\" is too large");
  if (ec != std::errc() || ptr != end) {
    usage_error(option, "\"" + text + "\" is not a whole number" +
                            (min > 0 ? " of " + std::to_string(min) + " or more" : std::string()));
  }
  if (value < min) usage_error(option, "must be " + std::to_string(min) + " or more");
  return value;
}

std::optional<std::uint64_t> parse_optional_count(const OptionalText& text, std::uint64_t min) {
  if (!text.given()) return std::nullopt;
  return parse_count(text.value, text.option->get_name(), min);
}

std::vector<std::shared_ptr<const MasterKey>> MasterKeyOptions::load() const {
  std::vector<std::shared_ptr<const MasterKey>> keys;
  for (const std::string& file : files) {
    try {
      keys.push_back(std::make_shared<const MasterKey>(MasterKey::load(file)));
    } catch (const Error& e) {
      throw Error(e.code(), "--master-key: " + std::string(e.what()), "--master-key");
    }
  }
  for (const std::string& var : env_vars) {
    try {
      keys.push_back(std::make_shared<const MasterKey>(MasterKey::from_env(var.c_str())));
    } catch (const Error& e) {
      throw Error(e.code(), "--master-key-env: " + std::string(e.what()), "--master-key-env");
    }
  }
  return keys;
}

void add_master_key_options(CLI::App& cmd, MasterKeyOptions& keys, const std::string& purpose) {
  one_value_per_use(cmd.add_option("--master-key", keys.files,
                                   "Master key file " + purpose +
                                       " (repeatable: the first is the current key, the others older ones)"))
      ->type_name("FILE");
  one_value_per_use(cmd.add_option("--master-key-env", keys.env_vars,
                                   "Read a master key from environment variable VAR instead of a file (repeatable)"))
      ->type_name("VAR");
}

namespace {

Ledger open_with(const std::string& path, OpenOptions options, const MasterKeyOptions& keys) {
  options.create_if_missing = false;
  try {
    return Ledger::open(path, options);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kWrongKey) throw;
    // Says which option to fix; the library's message names the ledger's key ids.
    const std::string option = keys.files.empty() && !keys.env_vars.empty() ? "--master-key-env" : "--master-key";
    throw Error(e.code(), option + ": " + e.what(), option);
  }
}

}  // namespace

Ledger open_read_only(const std::string& path, const MasterKeyOptions& keys) {
  OpenOptions options;
  options.read_only = true;
  options.master_keys = keys.load();
  return open_with(path, options, keys);
}

Ledger open_existing_for_writing(const std::string& path, const MasterKeyOptions& keys) {
  OpenOptions options;
  options.master_keys = keys.load();  // before opening: a missing key file is not a missing ledger
  try {
    return open_with(path, options, keys);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    throw Error(e.code(), std::string(e.what()) + " (create it with: auditchain init " + path + ")", e.field());
  }
}

void add_entry_selection(CLI::App& cmd, EntrySelection& s) {
  add_time_range(cmd, s.range);
  add_text_option(cmd, "--seq-from", s.seq_from, "Only entries with seq >= N", "N");
  add_text_option(cmd, "--seq-to", s.seq_to, "Only entries with seq <= N (inclusive)", "N");
  add_text_option(cmd, "--action", s.action, "Only actions starting with PREFIX, e.g. invoice.", "PREFIX");
  add_text_option(cmd, "--actor", s.actor, "Only entries by actor ID", "ID");
  add_text_option(cmd, "--target-type", s.target_type, "Only entries about records of type T", "T");
  one_value_per_use(cmd.add_option("--flag", s.flags, "Only entries carrying FLAG (repeatable: all must be set)"))
      ->check(CLI::IsMember({"sensitive", "high_risk"}))
      ->type_name("FLAG");
}

bool EntrySelection::sensitive() const { return std::find(flags.begin(), flags.end(), "sensitive") != flags.end(); }
bool EntrySelection::high_risk() const { return std::find(flags.begin(), flags.end(), "high_risk") != flags.end(); }

CLI::Option* add_operator_option(CLI::App& cmd, OptionalText& actor) {
  return add_text_option(cmd, "--actor", actor,
                         "Who is doing it, recorded as the entry's actor (default: cli:<login name>)", "ID");
}

Actor operator_actor(const OptionalText& actor) {
  Actor a;
  a.kind = ActorKind::kUser;
  if (actor.given()) {
    a.id = actor.value;
    return a;
  }
  const char* user = std::getenv("USER");
  if (user == nullptr || *user == '\0') user = std::getenv("LOGNAME");
  a.id = "cli:" + (user != nullptr && *user != '\0' ? std::string(user) : "uid-" + std::to_string(::getuid()));
  return a;
}

CLI::Option* one_value_per_use(CLI::Option* option) { return option->allow_extra_args(false); }

void rethrow_for_option(const Error& e, std::string_view field, std::string_view option) {
  if (e.field() != field) throw e;
  // The library's message usually starts with a label such as "size: " or
  // "sizes: "; that label gives way to the option, the reason after it stays.
  std::string reason = e.what();
  const auto colon = reason.find(": ");
  if (colon != std::string::npos && reason.find(' ') > colon) reason.erase(0, colon + 2);
  throw Error(e.code(), std::string(option) + ": " + reason, std::string(option));
}

std::string read_input(const std::string& source, std::string_view option) {
  if (source == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::error_code ec;
  if (!fs::exists(source, ec)) usage_error(option, "no file at " + source);
  if (fs::is_directory(source, ec)) usage_error(option, source + " is a directory, not a file");
  std::ifstream in(source, std::ios::binary);
  if (!in) io_error(option, "cannot read " + source);
  std::string text(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) io_error(option, "cannot read " + source);
  return text;
}

void write_output_file(const std::string& path, std::string_view content, std::string_view option, bool exclusive) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) usage_error(option, path + " is a directory, not a file");
  // Written beside the target and renamed over it, unless the target must
  // not exist: then it is created in place, exclusively.
  const std::string written = exclusive ? path : path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(written.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EEXIST && exclusive) {
      throw Error(ErrorCode::kAlreadyExists, std::string(option) + ": " + path + " already exists; not overwriting it",
                  std::string(option));
    }
    io_error(option, "cannot create " + written + ": " + std::strerror(errno));
  }
  const bool ok = write_all(fd, content);
  const int saved_errno = errno;
  ::close(fd);
  if (!ok || (!exclusive && ::rename(written.c_str(), path.c_str()) != 0)) {
    const std::string reason = std::strerror(ok ? errno : saved_errno);
    ::unlink(written.c_str());
    io_error(option, "cannot write " + path + ": " + reason);
  }
}

}  // namespace auditchain::cli
