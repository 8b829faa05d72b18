// backup.cc — an online, verified copy of a ledger file.
//
// The copy is made with SQLite's backup API from a read connection of its
// own, stepping through the pages inside one read transaction held open for
// the whole copy. In WAL mode that transaction is a snapshot: every step
// copies pages of the same committed state while writers go on appending to
// the WAL, so the copy is consistent and is never restarted. Two alternatives
// were rejected: stepping without holding a transaction lets each step see
// the newer commits, and SQLite then restarts the copy from its first page —
// under steady appends it might never finish; one step of all pages (-1) is a
// snapshot too, but leaves no moment to report progress on a large file.
// Holding the snapshot keeps WAL checkpoints from passing it until the copy
// ends, as any long reader (a cursor, verify) does.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "auditchain/ledger.hpp"
#include "ledger_state.hpp"
#include "sqlite.hpp"

namespace auditchain {
namespace {

namespace fs = std::filesystem;
using detail::Database;

// Pages copied per step: 256 pages are 1 MiB at SQLite's default page size,
// so a progress report comes every megabyte; each step costs one call.
constexpr int kPagesPerStep = 256;

// The files SQLite keeps beside a database.
constexpr const char* kSideFiles[] = {"-wal", "-shm", "-journal"};

// Errors about the destination name it, as the `dest` argument.
[[noreturn]] void refuse(ErrorCode code, const std::string& reason) { throw Error(code, "dest: " + reason, "dest"); }

[[noreturn]] void io_error(const std::string& what, const std::string& path, int error) {
  refuse(ErrorCode::kIo, what + " " + path + ": " + std::strerror(error));
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

// Refuses destinations that would lose data or yield a copy that is not what
// it seems. Whether dest exists is checked again when the copy is put in
// place (TemporaryCopy::commit).
void check_destination(const std::string& source, const std::string& dest, bool overwrite) {
  if (dest.empty()) refuse(ErrorCode::kInvalidArgument, "the destination path is empty");
  if (same_file(dest, source)) {
    refuse(ErrorCode::kInvalidArgument, dest + " is the ledger itself; back it up to another file");
  }
  for (const char* suffix : kSideFiles) {
    if (same_file(dest, source + suffix)) {
      refuse(ErrorCode::kInvalidArgument,
             dest + " is the ledger's " + (suffix + 1) + " file; back the ledger up to another file");
    }
  }
  std::error_code ec;
  if (fs::is_directory(dest, ec)) refuse(ErrorCode::kInvalidArgument, dest + " is a directory; name the backup file");
  // SQLite would apply a -wal file or roll back a -journal file it finds
  // beside the copy, turning a good backup into a corrupt one.
  for (const char* suffix : {"-wal", "-journal"}) {
    if (fs::exists(dest + suffix, ec)) {
      refuse(ErrorCode::kInvalidArgument, dest + suffix + " exists, and SQLite would apply it to the copy; move it "
                                          "away first (is " + dest + " a ledger in use?)");
    }
  }
  if (!overwrite && fs::exists(fs::symlink_status(dest, ec))) {
    refuse(ErrorCode::kAlreadyExists, dest + " already exists; not overwriting it");
  }
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) io_error("cannot open", path, errno);
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    io_error("cannot flush", path, saved);
  }
  ::close(fd);
}

std::string directory_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// The copy under its temporary name beside the destination: created empty
// (never over an existing file), removed with SQLite's side files unless it
// was put in place.
class TemporaryCopy {
 public:
  // The copy gets the ledger's permission bits (`mode`): it holds the same
  // data, and a restored file should be as readable as the original was.
  TemporaryCopy(const std::string& dest, mode_t mode) {
    static std::atomic<unsigned> counter{0};
    path_ = dest + ".backup-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) io_error("cannot create a file in", directory_of(dest), errno);
    const bool ok = ::fchmod(fd, mode & 0777) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
      remove();
      io_error("cannot set the permissions of", dest, saved);
    }
  }
  TemporaryCopy(const TemporaryCopy&) = delete;
  TemporaryCopy& operator=(const TemporaryCopy&) = delete;
  ~TemporaryCopy() { remove(); }

  const std::string& path() const { return path_; }

  void remove() noexcept {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    for (const char* suffix : kSideFiles) ::unlink((path_ + suffix).c_str());
    path_.clear();
  }

  // Puts the copy at `dest`. Without `overwrite`, a file that appeared at
  // `dest` meanwhile is not replaced: link() fails rather than replace.
  void commit(const std::string& dest, bool overwrite) {
    if (overwrite) {
      if (::rename(path_.c_str(), dest.c_str()) != 0) io_error("cannot rename the copy to", dest, errno);
    } else if (::link(path_.c_str(), dest.c_str()) == 0) {
      ::unlink(path_.c_str());
    } else if (errno == EEXIST) {
      refuse(ErrorCode::kAlreadyExists, dest + " already exists; not overwriting it");
    } else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK) {
      // A file system without hard links: the check before the copy must do.
      std::error_code ec;
      if (fs::exists(fs::symlink_status(dest, ec))) {
        refuse(ErrorCode::kAlreadyExists, dest + " already exists; not overwriting it");
      }
      if (::rename(path_.c_str(), dest.c_str()) != 0) io_error("cannot rename the copy to", dest, errno);
    } else {
      io_error("cannot put the copy at", dest, errno);
    }
    // The copy is in rollback-journal mode and was closed cleanly, so SQLite
    // left no side files under the temporary name; should one exist, it must
    // not linger.
    for (const char* suffix : kSideFiles) ::unlink((path_ + suffix).c_str());
    path_.clear();
    fsync_path(directory_of(dest), O_RDONLY | O_DIRECTORY);
  }

 private:
  std::string path_;
};

// Copies the snapshot of `source` into the empty database at `target` and
// returns the number of pages copied.
std::uint64_t copy_pages(Database& source, const std::string& target,
                         const std::function<void(const BackupProgress&)>& progress) {
  // The snapshot: a read transaction, started by the first read and held
  // until the copy is complete. sqlite3_backup_step() uses it rather than
  // opening one per step.
  detail::Transaction snapshot(source, "BEGIN");
  source.prepare("SELECT count(*) FROM sqlite_schema").step();

  Database copy(target, SQLITE_OPEN_READWRITE);
  // Finished on every path: a progress callback may throw to stop the copy.
  struct Backup {
    sqlite3_backup* handle;
    ~Backup() { sqlite3_backup_finish(handle); }
  } backup{sqlite3_backup_init(copy.get(), "main", source.get(), "main")};
  if (backup.handle == nullptr) detail::throw_sqlite(sqlite3_errcode(copy.get()), copy.get(), "starting the backup");
  std::uint64_t pages = 0;
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(backup.handle, kPagesPerStep);
    pages = static_cast<std::uint64_t>(sqlite3_backup_pagecount(backup.handle));
    if ((rc == SQLITE_OK || rc == SQLITE_DONE) && progress) {
      progress({pages - static_cast<std::uint64_t>(sqlite3_backup_remaining(backup.handle)), pages});
    }
  } while (rc == SQLITE_OK);
  const int finish = sqlite3_backup_finish(std::exchange(backup.handle, nullptr));
  if (rc != SQLITE_DONE) detail::throw_sqlite(rc, copy.get(), "copying the ledger");
  if (finish != SQLITE_OK) detail::throw_sqlite(finish, copy.get(), "finishing the copy");

  // The pages carry the ledger's WAL mode in their header. A backup must be
  // one self-contained file that opens read-only anywhere (a WAL database
  // opened read-only needs its -shm file), so the copy is switched to a
  // rollback journal; Ledger::open() switches a restored file back to WAL.
  {
    detail::Statement mode = copy.prepare("PRAGMA journal_mode = DELETE");
    if (!mode.step() || mode.column_text(0) != "delete") {
      throw Error(ErrorCode::kIo, "cannot take the backup copy " + target + " out of WAL mode");
    }
  }
  return pages;
}

}  // namespace

BackupReport Ledger::backup(const std::string& dest, const BackupOptions& options) const {
  state_->check_open();
  if (!options.verify.tenants.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "verify.tenants: a backup is verified whole; leave it empty",
                "verify.tenants");
  }
  if (options.verify.from || options.verify.to) {
    const char* field = options.verify.from ? "verify.from" : "verify.to";
    throw Error(ErrorCode::kInvalidArgument,
                std::string(field) + ": a backup is verified whole; leave from and to unset", field);
  }
  const std::string& source = state_->path;
  check_destination(source, dest, options.overwrite);

  struct stat ledger_file {};
  if (::stat(source.c_str(), &ledger_file) != 0) {
    throw Error(ErrorCode::kIo, "cannot read the ledger file " + source + ": " + std::strerror(errno));
  }
  TemporaryCopy copy(dest, ledger_file.st_mode);
  BackupReport report;
  report.source = source;
  report.path = dest;
  {
    std::unique_ptr<Database> reader = state_->open_reader();
    report.pages = copy_pages(*reader, copy.path(), options.progress);
  }
  // The copy's connection is closed. Whatever its synchronous setting did,
  // the file is flushed here before it is verified and put in place.
  fsync_path(copy.path(), O_RDONLY);
  std::error_code ec;
  report.bytes = fs::file_size(copy.path(), ec);
  if (ec) io_error("cannot read the size of", copy.path(), ec.value());

  report.verification = verify(copy.path(), options.verify);
  report.verification.path = dest;
  if (!report.verification.valid()) {
    copy.remove();
    return report;
  }
  copy.commit(dest, options.overwrite);
  return report;
}

}  // namespace auditchain
