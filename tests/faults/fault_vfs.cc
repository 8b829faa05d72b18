// fault_vfs.cc — a SQLite VFS for tests that fails writes, flushes or
// truncations on command.
//
// Each file the shim opens is a ShimFile followed in the same allocation by
// the wrapped VFS's own file object; every method forwards to that object,
// and xWrite, xSync and xTruncate first ask the armed plan whether this call
// is the one to fail.
#include "fault_vfs.hpp"

#include <array>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace auditchain::testing {
namespace {

enum class FileKind { kMainDb = 0, kWal = 1, kOther = 2 };

struct ShimFile {
  sqlite3_file base;    // must come first: SQLite sees a ShimFile as a sqlite3_file
  sqlite3_file* real;   // the wrapped VFS's file, right after this struct
  FileKind kind;
};
// The wrapped file object follows a ShimFile; keep it aligned for any type.
constexpr int kShimSize = static_cast<int>((sizeof(ShimFile) + 15) / 16 * 16);

struct Shared {
  std::mutex mutex;
  std::optional<FaultPlan> plan;
  std::uint64_t seen = 0;      // matching calls since the plan was armed
  std::uint64_t injected = 0;  // faults injected since then
  std::array<std::array<std::uint64_t, 3>, 3> counts{};  // [op][file kind]
};

Shared& shared() {
  static Shared s;
  return s;
}

sqlite3_vfs* wrapped = nullptr;  // the default VFS found at installation

bool matches(FaultTarget target, FileKind kind) {
  switch (target) {
    case FaultTarget::kAnyFile: return true;
    case FaultTarget::kMainDb: return kind == FileKind::kMainDb;
    case FaultTarget::kWal: return kind == FileKind::kWal;
  }
  return false;
}

// Counts the call and returns the result code to fail it with, or SQLITE_OK
// to let it through.
int check(FaultOp op, const ShimFile* f) {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  ++s.counts[static_cast<int>(op)][static_cast<int>(f->kind)];
  if (!s.plan || s.plan->op != op || !matches(s.plan->target, f->kind)) return SQLITE_OK;
  ++s.seen;
  if (s.seen == s.plan->nth || (s.plan->sticky && s.seen > s.plan->nth)) {
    ++s.injected;
    return s.plan->result;
  }
  return SQLITE_OK;
}

ShimFile* shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return shim(f)->real; }

// ---- file methods ---------------------------------------------------------------

int shim_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }

int shim_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 at) {
  return real(f)->pMethods->xRead(real(f), buf, n, at);
}

int shim_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 at) {
  if (const int rc = check(FaultOp::kWrite, shim(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xWrite(real(f), buf, n, at);
}

int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = check(FaultOp::kTruncate, shim(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xTruncate(real(f), size);
}

int shim_sync(sqlite3_file* f, int flags) {
  if (const int rc = check(FaultOp::kSync, shim(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}

int shim_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int shim_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int shim_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int shim_check_reserved(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int shim_file_control(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int shim_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int shim_device(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }

// Shared memory and memory mapping exist from method versions 2 and 3; the
// shim offers version 3 and forwards only what the wrapped file has.
int shim_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* f) {
  if (real(f)->pMethods->iVersion >= 2) real(f)->pMethods->xShmBarrier(real(f));
}
int shim_shm_unmap(sqlite3_file* f, int delete_flag) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_OK;
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
int shim_fetch(sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
  if (real(f)->pMethods->iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return real(f)->pMethods->xFetch(real(f), at, n, out);
}
int shim_unfetch(sqlite3_file* f, sqlite3_int64 at, void* p) {
  if (real(f)->pMethods->iVersion < 3) return SQLITE_OK;
  return real(f)->pMethods->xUnfetch(real(f), at, p);
}

const sqlite3_io_methods kShimMethods = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved,
    shim_file_control,
    shim_sector_size,
    shim_device,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

// ---- VFS methods: all forwarded to the wrapped VFS ----------------------------

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  ShimFile* f = shim(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kShimSize);
  std::memset(f->real, 0, static_cast<std::size_t>(wrapped->szOsFile));
  f->kind = (flags & SQLITE_OPEN_MAIN_DB) ? FileKind::kMainDb
            : (flags & SQLITE_OPEN_WAL)   ? FileKind::kWal
                                          : FileKind::kOther;
  const int rc = wrapped->xOpen(wrapped, name, f->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open, so
  // the shim's methods are installed exactly when the wrapped file has some.
  if (f->real->pMethods) f->base.pMethods = &kShimMethods;
  return rc;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) { return wrapped->xDelete(wrapped, name, sync_dir); }
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return wrapped->xAccess(wrapped, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return wrapped->xFullPathname(wrapped, name, n, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) { return wrapped->xDlOpen(wrapped, name); }
void vfs_dl_error(sqlite3_vfs*, int n, char* out) { wrapped->xDlError(wrapped, n, out); }
void (*vfs_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return wrapped->xDlSym(wrapped, handle, symbol);
}
void vfs_dl_close(sqlite3_vfs*, void* handle) { wrapped->xDlClose(wrapped, handle); }
int vfs_randomness(sqlite3_vfs*, int n, char* out) { return wrapped->xRandomness(wrapped, n, out); }
int vfs_sleep(sqlite3_vfs*, int micros) { return wrapped->xSleep(wrapped, micros); }
int vfs_current_time(sqlite3_vfs*, double* out) { return wrapped->xCurrentTime(wrapped, out); }
int vfs_last_error(sqlite3_vfs*, int n, char* out) { return wrapped->xGetLastError(wrapped, n, out); }
int vfs_current_time64(sqlite3_vfs*, sqlite3_int64* out) { return wrapped->xCurrentTimeInt64(wrapped, out); }
int vfs_set_syscall(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return wrapped->xSetSystemCall(wrapped, name, p);
}
sqlite3_syscall_ptr vfs_get_syscall(sqlite3_vfs*, const char* name) { return wrapped->xGetSystemCall(wrapped, name); }
const char* vfs_next_syscall(sqlite3_vfs*, const char* name) { return wrapped->xNextSystemCall(wrapped, name); }

sqlite3_vfs shim_vfs = {};

}  // namespace

const char* fault_op_name(FaultOp op) {
  switch (op) {
    case FaultOp::kWrite: return "write";
    case FaultOp::kSync: return "sync";
    case FaultOp::kTruncate: return "truncate";
  }
  return "?";
}

const char* fault_target_name(FaultTarget target) {
  switch (target) {
    case FaultTarget::kAnyFile: return "any file";
    case FaultTarget::kMainDb: return "database";
    case FaultTarget::kWal: return "WAL";
  }
  return "?";
}

std::string describe(const FaultPlan& plan) {
  return std::string(fault_op_name(plan.op)) + " #" + std::to_string(plan.nth) + (plan.sticky ? " and later" : "") +
         " on " + fault_target_name(plan.target) + " fails with " + sqlite3_errstr(plan.result);
}

FaultVfs& FaultVfs::instance() {
  static FaultVfs* vfs = [] {
    wrapped = sqlite3_vfs_find(nullptr);
    // The shim needs a wrapped VFS of version 3 (every method it forwards).
    if (wrapped == nullptr || wrapped->iVersion < 3) throw std::runtime_error("no default SQLite VFS of version 3");
    shim_vfs.iVersion = 3;
    shim_vfs.szOsFile = kShimSize + wrapped->szOsFile;
    shim_vfs.mxPathname = wrapped->mxPathname;
    shim_vfs.zName = "auditchain-fault";
    shim_vfs.xOpen = vfs_open;
    shim_vfs.xDelete = vfs_delete;
    shim_vfs.xAccess = vfs_access;
    shim_vfs.xFullPathname = vfs_full_pathname;
    shim_vfs.xDlOpen = vfs_dl_open;
    shim_vfs.xDlError = vfs_dl_error;
    shim_vfs.xDlSym = vfs_dl_sym;
    shim_vfs.xDlClose = vfs_dl_close;
    shim_vfs.xRandomness = vfs_randomness;
    shim_vfs.xSleep = vfs_sleep;
    shim_vfs.xCurrentTime = vfs_current_time;
    shim_vfs.xGetLastError = vfs_last_error;
    shim_vfs.xCurrentTimeInt64 = vfs_current_time64;
    shim_vfs.xSetSystemCall = vfs_set_syscall;
    shim_vfs.xGetSystemCall = vfs_get_syscall;
    shim_vfs.xNextSystemCall = vfs_next_syscall;
    if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK) throw std::runtime_error("cannot register the fault VFS");
    return new FaultVfs();
  }();
  return *vfs;
}

void FaultVfs::arm(const FaultPlan& plan) {
  if (plan.nth == 0) throw std::invalid_argument("FaultPlan::nth counts from 1");
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  s.plan = plan;
  s.seen = 0;
  s.injected = 0;
}

void FaultVfs::disarm() {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  s.plan.reset();
}

std::uint64_t FaultVfs::injected() const {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  return s.injected;
}

std::uint64_t FaultVfs::calls(FaultOp op, FaultTarget target) const {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  const auto& row = s.counts[static_cast<int>(op)];
  switch (target) {
    case FaultTarget::kAnyFile: return row[0] + row[1] + row[2];
    case FaultTarget::kMainDb: return row[0];
    case FaultTarget::kWal: return row[1];
  }
  return 0;
}

void FaultVfs::reset_counts() {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  s.counts = {};
}

}  // namespace auditchain::testing
