// text_file.hpp — reading small text files (keys, notes) with clear errors.
#pragma once

#include <string>

namespace auditchain::detail {

// The whole content of `path`, at most 1 MiB. `what` names the file's role in
// error messages ("signer key"). Throws Error(kNotFound / kIo / kInvalidArgument).
std::string read_text_file(const std::string& path, const std::string& what);

// Creates `path` with mode 0600 (never overwriting an existing file), writes
// `secret` and a newline, flushes it to disk, and wipes the copy it made.
// Throws Error(kAlreadyExists / kIo).
void write_secret_file(const std::string& path, std::string_view secret);

}  // namespace auditchain::detail
