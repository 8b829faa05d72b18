// test_util.hpp — shared helpers for the tests: scratch files, events, raw SQL.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "auditchain/auditchain.hpp"

namespace auditchain::testing {

// A fresh directory for one test, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("AUDITCHAIN_TEST_TMP");
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "scratch";
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
            (name + "." + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline Event make_event(std::string action = "invoice.update", std::string actor = "u:alice") {
  Event e;
  e.action = std::move(action);
  e.actor.id = std::move(actor);
  return e;
}

// Runs SQL on `path` through a plain SQLite connection, as someone with the
// file and a sqlite3 shell could. Returns the SQLite result code; the error
// message goes to `error` when given.
inline int raw_sql(const std::string& path, const std::string& sql, std::string* error = nullptr) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(path.c_str(), &db);
  if (rc == SQLITE_OK) {
    char* message = nullptr;
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    if (error) *error = message ? message : "";
    sqlite3_free(message);
  }
  sqlite3_close(db);
  return rc;
}

// The whole of a file's bytes (empty when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Replaces a file's bytes with `text`.
inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// The number of rows `sql` (a SELECT count(*) ...) reports.
inline long long raw_count(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  long long n = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      n = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

// Expects `statement` to throw auditchain::Error with `code` and, when given, `field`.
#define EXPECT_AUDITCHAIN_ERROR(statement, expected_code, expected_field)                 \
  do {                                                                                    \
    try {                                                                                 \
      statement;                                                                          \
      ADD_FAILURE() << "expected an auditchain::Error from: " #statement;                 \
    } catch (const ::auditchain::Error& e_) {                                             \
      EXPECT_EQ(e_.code(), expected_code) << e_.what();                                   \
      if (std::string(expected_field) != "") {                                            \
        EXPECT_EQ(e_.field(), expected_field) << e_.what();                               \
      }                                                                                   \
    }                                                                                     \
  } while (0)

}  // namespace auditchain::testing
