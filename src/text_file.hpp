// text_file.hpp — reading small text files (keys, notes) with clear errors.
#pragma once

#include <sodium.h>

#include <string>
#include <string_view>

namespace auditchain::detail {

// The whole content of `path`, at most 1 MiB. `what` names the file's role in
// error messages ("signer key"). Throws Error(kNotFound / kIo / kInvalidArgument).
std::string read_text_file(const std::string& path, const std::string& what);

// Creates `path` with mode 0600 (never overwriting an existing file), writes
// `secret` and a newline and flushes it to disk. Wipes `secret` in any case.
// Throws Error(kAlreadyExists / kIo).
void write_secret_file(const std::string& path, std::string secret);

// Reads a file holding a secret, returns parse(text), and wipes the text
// whether or not parsing succeeds.
template <class Parse>
auto parse_secret_file(const std::string& path, const std::string& what, Parse parse) {
  struct Wiped {
    std::string text;
    ~Wiped() { sodium_memzero(text.data(), text.size()); }
  } file{read_text_file(path, what)};
  return parse(file.text);
}

}  // namespace auditchain::detail
