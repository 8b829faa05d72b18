// options.cc — option parsing and ledger opening shared by the commands.
#include "options.hpp"

#include <charconv>

#include "auditchain/error.hpp"

namespace auditchain::cli {

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

Ledger open_read_only(const std::string& path) {
  OpenOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  return Ledger::open(path, options);
}

Ledger open_existing_for_writing(const std::string& path) {
  OpenOptions options;
  options.create_if_missing = false;
  try {
    return Ledger::open(path, options);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    throw Error(e.code(), std::string(e.what()) + " (create it with: auditchain init " + path + ")", e.field());
  }
}

CLI::Option* one_value_per_use(CLI::Option* option) { return option->allow_extra_args(false); }

}  // namespace auditchain::cli
