// bench_data.cc — building benchmark ledgers; measuring peak memory.
#include "bench_data.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "auditchain/auditchain.hpp"
#include "schema.hpp"

#ifndef AUDITCHAIN_BENCH_DATA_DIR
#define AUDITCHAIN_BENCH_DATA_DIR "."
#endif

namespace bench {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBatch = 1000;

// True when the file at `path` holds `entries` entries under the schema this
// build of the library writes (a ledger left by an older build is rebuilt).
bool reusable(const std::string& path, std::int64_t entries) {
  if (!fs::exists(path) || count_rows(path, "SELECT count(*) FROM entries") != entries) return false;
  for (const auto& object : auditchain::detail::schema_objects()) {
    if (count_rows(path, "SELECT count(*) FROM sqlite_schema WHERE name = ?1 AND sql = ?2",
                   {object.name, object.sql}) != 1) {
      return false;
    }
  }
  return true;
}

std::string build(const std::string& name, std::int64_t entries, const std::vector<std::string>& names) {
  fs::create_directories(data_dir());
  const std::string path = (fs::path(data_dir()) / (name + "-" + std::to_string(entries) + ".ledger")).string();
  if (reusable(path, entries)) return path;
  const std::string building = path + ".building";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(path + suffix);
    fs::remove(building + suffix);
  }
  std::fprintf(stderr, "building a ledger of %lld entries in %s ...\n", static_cast<long long>(entries), path.c_str());
  {
    auditchain::OpenOptions options;
    options.durability = auditchain::Durability::kOff;  // benchmark data can be rebuilt
    auditchain::Ledger ledger = auditchain::Ledger::open(building, options);
    std::vector<auditchain::TenantLedger> tenants;
    for (const std::string& tenant : names) {
      tenants.push_back(ledger.tenant(tenant, auditchain::TenantMode::kCreateIfMissing));
    }
    std::vector<std::int64_t> appended(tenants.size(), 0);
    std::vector<auditchain::Event> batch;
    for (std::int64_t done = 0; done < entries;) {
      const std::size_t t = static_cast<std::size_t>(done / static_cast<std::int64_t>(kBatch)) % tenants.size();
      batch.clear();
      for (std::size_t k = 0; k < kBatch && done < entries; ++k, ++done) {
        auditchain::Event e = realistic_event(done);
        if (appended[t] > 50 && done % 20 == 0) e.derived_from = static_cast<std::uint64_t>(appended[t] - 25);
        ++appended[t];
        batch.push_back(std::move(e));
      }
      tenants[t].append_batch(batch);
    }
  }
  fs::rename(building, path);
  return path;
}

long kib_field(const char* name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(name);
  while (std::getline(status, line)) {
    if (line.compare(0, len, name) == 0) return std::strtol(line.c_str() + len + 1, nullptr, 10);
  }
  return -1;
}

}  // namespace

std::string data_dir() {
  const char* env = std::getenv("AUDITCHAIN_BENCH_DATA");
  return env && *env ? env : AUDITCHAIN_BENCH_DATA_DIR;
}

long long count_rows(const std::string& path, const char* sql, const std::vector<std::string>& params) {
  sqlite3* db = nullptr;
  long long n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        sqlite3_bind_text(s, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
      }
      if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

auditchain::Event realistic_event(std::int64_t i) {
  static const char* kActions[] = {"invoice.update", "invoice.create", "payment.approve", "customer.update",
                                   "permission.change"};
  static const char* kStatus[] = {"draft", "sent", "approved", "paid", "cancelled"};
  auditchain::Event e;
  e.action = kActions[i % 5];
  e.actor.id = "u:user-" + std::to_string(1000 + i % 397);
  e.actor.kind = i % 11 == 0 ? auditchain::ActorKind::kService : auditchain::ActorKind::kUser;
  e.actor.ip = "10." + std::to_string(i % 200) + "." + std::to_string(i % 250) + "." + std::to_string(1 + i % 253);
  e.actor.session_id = "sess-" + std::to_string(0x5f3a0000 + i / 40);
  char request[40];
  std::snprintf(request, sizeof request, "req-%08llx-%06lld",
                static_cast<unsigned long long>(i * 2654435761u) & 0xffffffffu, static_cast<long long>(i % 1000000));
  e.actor.request_id = request;
  const std::string number = "INV-2026-" + std::to_string(100000 + i % 50000);
  e.target = auditchain::Target{"invoice", number};
  const std::string total = std::to_string(100 + i % 9000) + "." + std::to_string(10 + i % 90);
  const std::string customer = "C-" + std::to_string(10000 + i % 3000);
  e.before = R"({"customer":")" + customer + R"(","lines":)" + std::to_string(1 + i % 7) + R"(,"status":")" +
             kStatus[i % 5] + R"(","total":")" + total + R"("})";
  e.after = R"({"customer":")" + customer + R"(","lines":)" + std::to_string(1 + (i + 1) % 7) + R"(,"status":")" +
            kStatus[(i + 1) % 5] + R"(","total":")" + total + R"("})";
  e.amount = auditchain::Amount{total, "EUR"};
  e.metadata = {{"channel", i % 3 == 0 ? "api" : "web"}};
  if (i % 7 == 0) e.sensitive = true;
  if (i % 13 == 0) e.high_risk = true;
  if (i % 10 == 0) e.idempotency_key = "op-" + std::to_string(i);
  return e;
}

const std::string& ledger(const std::string& name, std::int64_t entries, std::initializer_list<const char*> tenants) {
  static std::map<std::string, std::string> built;
  const std::string key = name + "-" + std::to_string(entries);
  auto it = built.find(key);
  if (it == built.end()) it = built.emplace(key, build(name, entries, {tenants.begin(), tenants.end()})).first;
  return it->second;
}

void warm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
  }
}

double peak_growth_mib(const std::function<void()>& work) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  const pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    // Resetting the high-water mark makes VmHWM the peak of the work alone.
    std::ofstream("/proc/self/clear_refs") << "5";
    const long before = kib_field("VmRSS:");
    long growth = -1;
    try {
      work();
      growth = kib_field("VmHWM:") - before;
    } catch (...) {
    }
    const ssize_t written = write(pipe_fds[1], &growth, sizeof growth);
    _exit(written == sizeof growth ? 0 : 1);
  }
  close(pipe_fds[1]);
  long growth = -1;
  const ssize_t got = read(pipe_fds[0], &growth, sizeof growth);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return got == sizeof growth && growth >= 0 ? static_cast<double>(growth) / 1024.0 : -1;
}

}  // namespace bench
