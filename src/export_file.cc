// export_file.cc — an export into a file that never looks whole unless it is.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "auditchain/error.hpp"
#include "auditchain/export.hpp"

namespace auditchain {
namespace {

// The file an export goes to, written under a temporary name beside it and
// renamed over it once complete and flushed, so that a failed export never
// leaves a file that looks whole.
class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)) {
    static std::atomic<unsigned> counter{0};
    temp_ = path_ + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    std::error_code ec;
    if (std::filesystem::is_directory(path_, ec)) {
      throw Error(ErrorCode::kInvalidArgument, "path: " + path_ + " is a directory, not a file", "path");
    }
    stream_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!stream_) fail("cannot create", temp_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (!committed_) {
      stream_.close();
      ::unlink(temp_.c_str());
    }
  }

  std::ostream& stream() { return stream_; }

  void commit() {
    stream_.close();
    if (!stream_) fail("cannot write", temp_);
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int saved = errno;
      if (fd >= 0) ::close(fd);
      errno = saved;
      fail("cannot flush", temp_);
    }
    ::close(fd);
    if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("cannot rename the finished export to", path_);
    committed_ = true;
  }

 private:
  [[noreturn]] static void fail(const char* what, const std::string& path) {
    throw Error(ErrorCode::kIo, std::string("path: ") + what + " " + path + ": " + std::strerror(errno),
                "path");
  }
  std::string path_;
  std::string temp_;
  std::ofstream stream_;
  bool committed_ = false;
};

}  // namespace

ExportSummary export_file(TenantLedger& tenant, ExportFormat format, const std::string& path,
                          const ExportOptions& options) {
  OutputFile file(path);
  ExportSummary summary = export_entries(tenant, format, file.stream(), options);
  file.commit();
  return summary;
}

}  // namespace auditchain
