// fault_vfs.hpp — a SQLite VFS for tests that fails writes, flushes or
// truncations on command, as a full disk or a failing device would.
//
// The shim wraps the process's default VFS and every file it opens, passing
// each call through unchanged until a fault is armed; then the chosen call
// (the nth from now, optionally every one after it) returns the chosen result
// code instead of reaching the file. Installed as the default VFS, it sits
// under every connection the library opens, with no change to the library.
//
// Thread safety: all members may be called from any thread; the counters and
// the armed fault are guarded by one mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace auditchain::testing {

// The file operations a fault can hit.
enum class FaultOp { kWrite, kSync, kTruncate };

// Which files a fault can hit.
enum class FaultTarget {
  kAnyFile,  // every file SQLite opens (database, WAL, journals, temporary files)
  kMainDb,   // the database file itself
  kWal,      // its write-ahead log
};

struct FaultPlan {
  FaultOp op = FaultOp::kWrite;
  FaultTarget target = FaultTarget::kAnyFile;
  // What the failing call returns: SQLITE_FULL for a full disk,
  // SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC / SQLITE_IOERR_TRUNCATE for a
  // device error.
  int result = SQLITE_IOERR_WRITE;
  // The nth matching call from now fails (1: the next one).
  std::uint64_t nth = 1;
  // When true, every matching call after the nth fails too (a disk that stays
  // full); when false, only the nth does.
  bool sticky = false;
};

// "write", "sync", "truncate"; "any file", "database", "WAL"; for test names
// and failure messages.
const char* fault_op_name(FaultOp op);
const char* fault_target_name(FaultTarget target);
std::string describe(const FaultPlan& plan);

class FaultVfs {
 public:
  // Registers the shim as the default VFS on first use and returns it.
  static FaultVfs& instance();

  // Replaces any armed fault with `plan`; its count of calls starts now.
  void arm(const FaultPlan& plan);
  // Lets every call through again.
  void disarm();
  // Faults injected since the last arm().
  std::uint64_t injected() const;
  // Calls of `op` on `target` files seen since the last reset_counts().
  std::uint64_t calls(FaultOp op, FaultTarget target) const;
  void reset_counts();

  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

 private:
  FaultVfs() = default;
};

// Disarms the shim when it goes out of scope, so that a failed assertion in
// a test never leaves a fault armed for the next.
class ScopedFault {
 public:
  explicit ScopedFault(const FaultPlan& plan) { FaultVfs::instance().arm(plan); }
  ~ScopedFault() { FaultVfs::instance().disarm(); }
  ScopedFault(const ScopedFault&) = delete;
  ScopedFault& operator=(const ScopedFault&) = delete;
};

}  // namespace auditchain::testing
