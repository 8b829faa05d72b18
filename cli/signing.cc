// signing.cc — keys and signed checkpoint notes as the commands read and write them.
#include "signing.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "auditchain/error.hpp"
#include "entry_text.hpp"
#include "json_out.hpp"

namespace auditchain::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";

// The library names the file only when it cannot read it; a key that does
// not parse is named here, so the user knows which of several --key options
// is wrong.
[[noreturn]] void rethrow_about_file(const Error& e, const std::string& path, std::string_view option) {
  std::string message = e.what();
  if (message.find(path) == std::string::npos) message = path + ": " + message;
  throw Error(e.code(), std::string(option) + ": " + message, std::string(option));
}

bool starts_with_signer_prefix(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(kSignerPrefix.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in && head == kSignerPrefix;
}

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

std::string key_id_text(std::uint32_t key_id) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(key_id));
  return text;
}

SignerKey load_signer_key(const std::string& path, std::string_view option) {
  try {
    return SignerKey::load(path);
  } catch (const Error& e) {
    rethrow_about_file(e, path, option);
  }
}

std::vector<VerifierKey> load_verifier_keys(const std::vector<std::string>& paths, std::string_view option) {
  std::vector<VerifierKey> keys;
  for (const std::string& path : paths) {
    try {
      keys.push_back(VerifierKey::load(path));
    } catch (const Error& e) {
      // A signer key where a verifier key belongs is an easy slip with
      // PREFIX.key beside PREFIX.pub; say so rather than "malformed".
      if (e.code() == ErrorCode::kInvalidArgument && starts_with_signer_prefix(path)) {
        usage_error(option, path + " is a signer (secret) key; give the verifier key, e.g. the .pub file keygen wrote");
      }
      rethrow_about_file(e, path, option);
    }
  }
  return keys;
}

std::string join_notes(const std::vector<std::string>& notes) {
  std::string out;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (i) {
      out += kNoteSeparator;
      out += '\n';
    }
    out += notes[i];
  }
  return out;
}

std::vector<std::string> split_notes(std::string_view text) {
  std::vector<std::string> notes;
  std::string current;
  const auto finish = [&] {
    if (!blank(current)) notes.push_back(current);
    current.clear();
  };
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol == std::string_view::npos ? text.size() : eol + 1);
    text.remove_prefix(line.size());
    std::string_view bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
    if (bare == kNoteSeparator) {
      finish();
    } else {
      current += line;
    }
  }
  finish();
  return notes;
}

bool NoteDestination::is_directory() const {
  std::error_code ec;
  return out.given() && fs::is_directory(out.value, ec);
}

void NoteDestination::check(std::size_t checkpoints) const {
  if (!out.given() || is_directory()) return;
  if (checkpoints != 1) {
    usage_error("--out", std::to_string(checkpoints) +
                             " tenants to checkpoint but " + out.value +
                             " is not a directory: give an existing directory (one file per tenant) or one --tenant");
  }
  // Found now rather than after signing, when the checkpoint would already be stored.
  const fs::path parent = fs::path(out.value).parent_path();
  std::error_code ec;
  if (out.value.empty() || (!parent.empty() && !fs::is_directory(parent, ec))) {
    usage_error("--out", "no directory " + (parent.empty() ? std::string("given") : parent.string()) +
                             " to write " + out.value + " in");
  }
}

std::optional<std::string> NoteDestination::file_for(const Checkpoint& c) const {
  if (!out.given()) return std::nullopt;
  if (is_directory()) return (fs::path(out.value) / checkpoint_file_name(c.ledger_id, c.tenant)).string();
  return out.value;
}

std::string checkpoint_file_name(const std::string& ledger_id, const std::string& tenant) {
  const std::string origin = checkpoint_origin(ledger_id, tenant);
  return origin.substr(origin.rfind('/') + 1) + ".checkpoint";
}

void emit_checkpoints(const std::vector<Checkpoint>& made, const NoteDestination& destination, bool json,
                      bool single) {
  std::vector<std::string> printed;
  std::vector<std::string> objects;
  std::string summary;
  for (const Checkpoint& c : made) {
    const std::optional<std::string> file = destination.file_for(c);
    if (file) {
      write_output_file(*file, c.note, "--out", false);
      summary += printable(c.tenant) + ": checkpoint of " + std::to_string(c.tree_size) +
                 (c.tree_size == 1 ? " entry" : " entries") + ", root " + c.root.hex();
      if (c.sealed_through) summary += ", sealed through " + c.sealed_through->to_string();
      summary += ", written to " + printable(*file) + "\n";
    } else {
      printed.push_back(c.note);
    }
    objects.push_back(JsonObject()
                 .string("tenant", c.tenant)
                 .string("ledger_id", c.ledger_id)
                 .number("tree_size", c.tree_size)
                 .string("root", c.root.hex())
                 .string("time", c.time.to_string())
                 .optional_string("sealed_through",
                                  c.sealed_through ? std::optional(c.sealed_through->to_string()) : std::nullopt)
                 .optional_string("file", file)
                 .string("note", c.note)
                 .str());
  }
  if (json) {
    // One object for a seal; for checkpoint a list, even of one, so that
    // scripts need not care how many tenants there were.
    if (single && objects.size() == 1) {
      std::cout << objects.front() << "\n";
    } else {
      JsonArray list;
      for (const std::string& object : objects) list.raw(object);
      std::cout << JsonObject().raw("checkpoints", list.str()).str() << "\n";
    }
  } else if (destination.out.given()) {
    std::cout << summary;
  } else {
    std::cout << join_notes(printed);
  }
}

}  // namespace auditchain::cli
