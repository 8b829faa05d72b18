// text_file.cc — reading small text files (keys, notes) with clear errors.
#include "text_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "auditchain/error.hpp"

namespace auditchain::detail {

std::string read_text_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(ErrorCode::kNotFound, "no " + what + " file at " + path, "path");
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::kInvalidArgument, path + " is a directory, not a " + what + " file", "path");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > (1u << 20)) throw Error(ErrorCode::kInvalidArgument, path + " is too large for a " + what + " file", "path");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot read " + what + " file " + path, "path");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_secret_file(const std::string& path, std::string secret) {
  std::string text = std::move(secret);
  text += '\n';
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    sodium_memzero(text.data(), text.size());
    if (errno == EEXIST) throw Error(ErrorCode::kAlreadyExists, path + " already exists; not overwriting a key", "path");
    throw Error(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno), "path");
  }
  const ssize_t written = ::write(fd, text.data(), text.size());
  sodium_memzero(text.data(), text.size());
  const bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(ErrorCode::kIo, "cannot write " + path, "path");
}

}  // namespace auditchain::detail
