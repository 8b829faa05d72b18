// text_file.cc — reading small text files (keys, notes) with clear errors.
#include "text_file.hpp"

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

}  // namespace auditchain::detail
