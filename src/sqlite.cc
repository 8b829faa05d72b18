// sqlite.cc — a thin RAII layer over the SQLite C API.
#include "sqlite.hpp"

#include <thread>
#include <utility>

namespace auditchain::detail {

[[noreturn]] void throw_sqlite(int rc, sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  ErrorCode code = ErrorCode::kIo;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: code = ErrorCode::kBusy; break;
    case SQLITE_NOTADB: code = ErrorCode::kNotALedger; break;
    case SQLITE_CORRUPT: code = ErrorCode::kCorrupt; break;
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_PERM: code = ErrorCode::kReadOnly; break;
    case SQLITE_CANTOPEN: code = ErrorCode::kNotFound; break;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_ERROR: code = ErrorCode::kInternal; break;
    case SQLITE_CONSTRAINT: code = ErrorCode::kReadOnly; break;  // append-only triggers, UNIQUE
    default: code = ErrorCode::kIo; break;
  }
  throw Error(code, message);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(rc, db, "preparing a statement");
}

Statement::Statement(Statement&& other) noexcept
    : lent_(std::exchange(other.lent_, nullptr)),
      db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    this->~Statement();
    lent_ = std::exchange(other.lent_, nullptr);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (lent_) {
    // Reset so that a read does not keep its snapshot open; bindings cleared
    // so that no caller's text stays referenced.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *lent_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::bind(int i, std::int64_t v) {
  const int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK) throw_sqlite(rc, db_, "binding a parameter");
  return *this;
}

Statement& Statement::bind(int i, std::string_view text) {
  const int rc = sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_sqlite(rc, db_, "binding a parameter");
  return *this;
}

Statement& Statement::bind_blob(int i, const void* data, std::size_t n) {
  const int rc = sqlite3_bind_blob64(stmt_, i, data, n, SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_sqlite(rc, db_, "binding a parameter");
  return *this;
}

Statement& Statement::bind_null(int i) {
  const int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK) throw_sqlite(rc, db_, "binding a parameter");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(rc, db_, "executing a statement");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int i) const noexcept { return sqlite3_column_int64(stmt_, i); }

bool Statement::column_is_null(int i) const noexcept {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

std::string_view Statement::column_text(int i) const noexcept {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  const int n = sqlite3_column_bytes(stmt_, i);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}

std::string_view Statement::column_blob(int i) const noexcept {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
  const int n = sqlite3_column_bytes(stmt_, i);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}

Database::Database(const std::string& path, int flags) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    try {
      throw_sqlite(rc, db_, "opening " + path);
    } catch (...) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry->stmt);
  sqlite3_close_v2(db_);
}

Statement Database::cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    Statement compiled(db_, sql);
    auto entry = std::make_unique<CachedStatement>();
    entry->stmt = std::exchange(compiled.stmt_, nullptr);
    it = cache_.emplace(std::string(sql), std::move(entry)).first;
  }
  CachedStatement& entry = *it->second;
  if (entry.lent) return Statement(db_, sql);
  entry.lent = true;
  Statement lent;
  lent.db_ = db_;
  lent.stmt_ = entry.stmt;
  lent.lent_ = &entry.lent;
  return lent;
}

// SQLite's default busy handler sleeps up to 100 ms between tries, which
// starves writers under contention; short jittered sleeps hand the writer lock
// over promptly. The handler runs on the thread using the connection, so the
// start of the current wait can live in a thread_local.
static int busy_handler(void* arg, int attempt) {
  using Clock = std::chrono::steady_clock;
  static thread_local Clock::time_point wait_started;
  static thread_local std::uint32_t jitter = 0x9e3779b9u;
  const auto now = Clock::now();
  if (attempt == 0) wait_started = now;
  const auto* timeout = static_cast<const std::chrono::milliseconds*>(arg);
  if (now - wait_started >= *timeout) return 0;
  jitter = jitter * 1664525u + 1013904223u;
  const auto pause = std::chrono::microseconds(attempt < 50 ? 100 + (jitter >> 23) : 2000);
  std::this_thread::sleep_for(pause);
  return 1;
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
  busy_timeout_ = timeout;
  sqlite3_busy_handler(db_, busy_handler, &busy_timeout_);
}

void Database::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) throw_sqlite(rc, db_, "executing SQL");
}

std::int64_t Database::pragma_int(const char* name) {
  Statement s(db_, std::string("PRAGMA ") + name);
  return s.step() ? s.column_int(0) : 0;
}

Transaction::Transaction(Database& db, const char* begin) : db_(db) {
  db_.cached(begin).run();
  open_ = true;
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  Statement commit = db_.cached("COMMIT");
  const int rc = sqlite3_step(commit.get());
  if (rc != SQLITE_DONE) {
    // A commit that cannot write (full disk, I/O error) is rolled back by
    // SQLite, any other by the destructor: the message says so, and where.
    const char* file = sqlite3_db_filename(db_.get(), "main");
    throw_sqlite(rc, db_.get(),
                 std::string("committing to ") + (file && *file ? file : "the database") + " (rolled back)");
  }
  open_ = false;
}

}  // namespace auditchain::detail
