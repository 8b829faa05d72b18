// sqlite.hpp — a thin RAII layer over the SQLite C API.
//
// Every SQLite failure becomes an auditchain::Error with a code chosen from
// the SQLite result code, so callers above never see raw result codes.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auditchain/error.hpp"

namespace auditchain::detail {

// Throws the Error matching SQLite result `rc`; `what` says what was being done.
[[noreturn]] void throw_sqlite(int rc, sqlite3* db, std::string_view what);

class Database;

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, std::string_view text);
  Statement& bind_blob(int i, const void* data, std::size_t n);
  Statement& bind_null(int i);

  // Steps once: true when a row is available, false when done.
  bool step();
  // Steps to completion, expecting no rows.
  void run();
  // Resets for re-execution and clears bindings.
  void reset() noexcept;

  std::int64_t column_int(int i) const noexcept;
  bool column_is_null(int i) const noexcept;
  std::string_view column_text(int i) const noexcept;
  std::string_view column_blob(int i) const noexcept;

  sqlite3_stmt* get() const noexcept { return stmt_; }

 private:
  friend class Database;
  // Set when the statement is lent by a Database's cache: the destructor
  // resets it and hands it back instead of finalizing it.
  bool* lent_ = nullptr;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens `path` with SQLite `flags` (SQLITE_OPEN_NOMUTEX is always added:
  // each Database is used by one thread at a time, guarded by its owner).
  Database(const std::string& path, int flags);
  Database(Database&&) = delete;
  Database& operator=(Database&&) = delete;
  ~Database();

  // Waits up to `timeout` for locks held by other connections, polling often
  // so that contending writers hand the lock over quickly.
  void set_busy_timeout(std::chrono::milliseconds timeout);
  void exec(const char* sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  // A statement compiled once per connection and lent for the caller's scope:
  // for the statements every append runs, whose compilation (with the
  // append-only triggers) costs more than running them. The Statement must
  // not outlive this Database. Asked for again while lent, it is compiled
  // afresh for the second borrower.
  Statement cached(std::string_view sql);
  std::int64_t pragma_int(const char* name);

  sqlite3* get() const noexcept { return db_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool lent = false;
  };

  sqlite3* db_ = nullptr;
  std::chrono::milliseconds busy_timeout_{0};
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

// Runs a transaction: commit() or the destructor's rollback.
class Transaction {
 public:
  // `begin` is e.g. "BEGIN IMMEDIATE" (takes the writer lock) or "BEGIN".
  Transaction(Database& db, const char* begin);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace auditchain::detail
