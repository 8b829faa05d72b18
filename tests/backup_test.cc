// backup_test.cc — online backups: a verified, self-contained copy taken while
// threads and processes append, and every destination that must be refused.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "auditchain/auditchain.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::raw_count;
using testing::raw_sql;
using testing::read_file;
using testing::ScratchDir;
using testing::write_file;
namespace fs = std::filesystem;

struct Link {
  std::uint64_t seq;
  Hash hash;
  std::string bytes;
};

// Every entry of `tenant` in the ledger file at `path`, read through the API.
std::vector<Link> chain_of(const std::string& path, const std::string& tenant) {
  OpenOptions read_only;
  read_only.read_only = true;
  Ledger ledger = Ledger::open(path, read_only);
  std::vector<Link> chain;
  for (const Entry& e : ledger.tenant(tenant).entries()) chain.push_back({e.seq, e.hash, e.bytes});
  return chain;
}

std::vector<std::string> tenants_of(const std::string& path) {
  OpenOptions read_only;
  read_only.read_only = true;
  return Ledger::open(path, read_only).tenants();
}

void append_many(TenantLedger& tenant, int n, const std::string& action = "invoice.update") {
  std::vector<Event> batch;
  for (int i = 0; i < n; ++i) {
    Event e = make_event(action, "u:writer");
    e.metadata["i"] = std::to_string(i);
    e.after = R"({"note":")" + std::string(200, 'x') + R"("})";
    batch.push_back(std::move(e));
    if (batch.size() == 500) {
      tenant.append_batch(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) tenant.append_batch(batch);
}

// The names in `dir`, sorted: what a failed backup must not add to.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void expect_same_chains(const std::string& source, const std::string& copy) {
  const std::vector<std::string> tenants = tenants_of(source);
  EXPECT_EQ(tenants_of(copy), tenants);
  for (const std::string& t : tenants) {
    const std::vector<Link> a = chain_of(source, t);
    const std::vector<Link> b = chain_of(copy, t);
    ASSERT_EQ(a.size(), b.size()) << "tenant " << t;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].seq, b[i].seq);
      EXPECT_EQ(a[i].hash, b[i].hash) << "tenant " << t << " seq " << a[i].seq;
      EXPECT_EQ(a[i].bytes, b[i].bytes) << "tenant " << t << " seq " << a[i].seq;
    }
  }
}

// `copy`'s chain of `tenant` is the first entries of `source`'s, entry for entry.
void expect_prefix(const std::string& source, const std::string& copy, const std::string& tenant) {
  const std::vector<Link> full = chain_of(source, tenant);
  const std::vector<Link> part = chain_of(copy, tenant);
  ASSERT_LE(part.size(), full.size()) << "tenant " << tenant;
  for (std::size_t i = 0; i < part.size(); ++i) {
    ASSERT_EQ(part[i].seq, i + 1) << "tenant " << tenant;
    ASSERT_EQ(part[i].hash, full[i].hash) << "tenant " << tenant << " seq " << part[i].seq;
  }
}

std::uint64_t entries_of(const BackupReport& report, const std::string& tenant) {
  for (const TenantReport& t : report.verification.tenants) {
    if (t.tenant == tenant) return t.entries_checked;
  }
  ADD_FAILURE() << "no tenant " << tenant << " in the backup report";
  return 0;
}

TEST(Backup, CopyOfAMultiTenantLedgerEqualsItEntryForEntry) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  const std::string dest = dir.file("audit.backup");
  {
    Ledger ledger = Ledger::open(path);
    TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
    TenantLedger globex = ledger.tenant("globex", TenantMode::kCreateIfMissing);
    ledger.tenant("initech", TenantMode::kCreateIfMissing);
    append_many(acme, 40);
    append_many(globex, 7, "auth.login");
    acme.checkpoint(SignerKey::generate("backup.test"));
    // Not the default mode: the copy must take the ledger's.
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    const BackupReport report = ledger.backup(dest);
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.source, path);
    EXPECT_EQ(report.path, dest);
    EXPECT_EQ(report.bytes, fs::file_size(dest));
    EXPECT_GT(report.pages, 0u);
    EXPECT_EQ(report.verification.path, dest);
    EXPECT_EQ(report.verification.ledger_id, ledger.id());
    ASSERT_EQ(report.verification.tenants.size(), 3u);
    EXPECT_EQ(entries_of(report, "acme"), 40u);
    EXPECT_EQ(entries_of(report, "globex"), 7u);
    EXPECT_EQ(entries_of(report, "initech"), 0u);
  }
  // Nothing but the copy beside the ledger: no temporary file, no -wal.
  EXPECT_EQ(listing(dir.file("")), (std::vector<std::string>{"audit.backup", "audit.ledger"}));
  EXPECT_EQ(fs::status(dest).permissions(), fs::status(path).permissions());
  expect_same_chains(path, dest);
  EXPECT_EQ(raw_count(dest, "SELECT count(*) FROM checkpoints"), 1);
}

TEST(Backup, CopyTakenWhileAnotherThreadAppendsVerifiesAndHoldsAPrefixOfEachChain) {
  ScratchDir dir;
  const std::string path = dir.file("busy.ledger");
  const std::string dest = dir.file("busy.backup");
  Ledger ledger = Ledger::open(path);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  TenantLedger globex = ledger.tenant("globex", TenantMode::kCreateIfMissing);
  // Large enough for the copy to take several steps, so that appends land
  // between them.
  append_many(acme, 3000);
  append_many(globex, 1000);
  const std::uint64_t acme_before = acme.head().seq;
  const std::uint64_t globex_before = globex.head().seq;

  // Both writers are bounded by counts, so that a copy that restarts
  // whenever the ledger changes fails here instead of running for ever.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000 && !stop; ++i) {
      acme.append(make_event("auth.login", "u:thread"));
      globex.append(make_event("auth.login", "u:thread"));
    }
  });

  std::vector<BackupProgress> steps;
  BackupOptions options;
  options.progress = [&](const BackupProgress& p) {
    steps.push_back(p);
    // An append between every two steps, whatever the thread's timing.
    if (steps.size() <= 100) acme.append(make_event("invoice.update", "u:between-steps"));
  };
  BackupReport report;
  try {
    report = ledger.backup(dest, options);
  } catch (...) {
    stop = true;
    writer.join();
    throw;
  }
  stop = true;
  writer.join();

  ASSERT_TRUE(report.valid()) << report_to_json(report.verification);
  ASSERT_GE(steps.size(), 3u) << "the copy should take several steps";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    ASSERT_EQ(steps[i].pages_total, steps.front().pages_total) << "the snapshot's size changed: step " << i;
    if (i > 0) {
      ASSERT_GT(steps[i].pages_done, steps[i - 1].pages_done) << "the copy restarted at step " << i;
    }
  }
  EXPECT_EQ(steps.back().pages_done, steps.back().pages_total);
  EXPECT_EQ(report.pages, steps.back().pages_total);

  // One snapshot: taken after the entries above, before the ones appended
  // from the progress callback.
  EXPECT_GE(entries_of(report, "acme"), acme_before);
  EXPECT_GE(entries_of(report, "globex"), globex_before);
  EXPECT_LT(entries_of(report, "acme"), acme.head().seq);
  expect_prefix(path, dest, "acme");
  expect_prefix(path, dest, "globex");
  ledger.close();
  EXPECT_TRUE(verify(path).valid());
}

TEST(Backup, CopyTakenWhileAnotherProcessAppendsVerifiesAndHoldsAPrefixOfEachChain) {
  ScratchDir dir;
  const std::string path = dir.file("shared.ledger");
  const std::string dest = dir.file("shared.backup");
  {
    Ledger ledger = Ledger::open(path);
    TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
    append_many(acme, 2000);
  }
  constexpr int kChildAppends = 400;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int status = 0;
    try {
      Ledger ledger = Ledger::open(path);
      TenantLedger acme = ledger.tenant("acme");
      for (int i = 0; i < kChildAppends; ++i) acme.append(make_event("auth.login", "u:process"));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "writer process: %s\n", e.what());
      status = 1;
    }
    _exit(status);
  }
  BackupReport report;
  {
    OpenOptions read_only;
    read_only.read_only = true;
    Ledger ledger = Ledger::open(path, read_only);
    TenantLedger acme = ledger.tenant("acme");
    // Start once the other process is appending (bounded: should it fail,
    // the checks below say so).
    for (int i = 0; i < 30000 && acme.head().seq < 2010; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    report = ledger.backup(dest);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer process failed";
  ASSERT_TRUE(report.valid()) << report_to_json(report.verification);
  EXPECT_GE(entries_of(report, "acme"), 2010u);
  EXPECT_LE(entries_of(report, "acme"), 2000u + kChildAppends);
  expect_prefix(path, dest, "acme");
  EXPECT_EQ(chain_of(path, "acme").size(), 2000u + kChildAppends);
}

TEST(Backup, CopyIsOneFileThatOpensWithoutAWalFile) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  const std::string dest = dir.file("audit.backup");
  Ledger ledger = Ledger::open(path);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  // Entries still in the source's WAL (not checkpointed) must be in the copy.
  append_many(acme, 25);
  ASSERT_TRUE(fs::exists(path + "-wal"));
  ASSERT_TRUE(ledger.backup(dest).valid());
  for (const char* side : {"-wal", "-shm", "-journal"}) EXPECT_FALSE(fs::exists(dest + side)) << side;

  // Bytes 18 and 19 of the header: 1 is a rollback journal, 2 would be WAL.
  const std::string header = read_file(dest).substr(0, 20);
  EXPECT_EQ(header[18], 1);
  EXPECT_EQ(header[19], 1);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dest.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "delete");
  sqlite3_finalize(s);
  sqlite3_close(db);

  EXPECT_EQ(chain_of(dest, "acme").size(), 25u);
  EXPECT_TRUE(verify(dest).valid());
  EXPECT_FALSE(fs::exists(dest + "-wal"));
}

TEST(Backup, RestoredCopyTakesAppendsAndContinuesTheChain) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  const std::string dest = dir.file("audit.backup");
  Hash head_at_backup;
  {
    Ledger ledger = Ledger::open(path);
    TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
    append_many(acme, 10);
    head_at_backup = acme.head().hash;
    ASSERT_TRUE(ledger.backup(dest).valid());
  }
  // Restore: the damaged ledger and its side files move away, the copy takes its place.
  fs::rename(path, path + ".damaged");
  for (const char* side : {"-wal", "-shm"}) fs::remove(path + side);
  fs::copy_file(dest, path);
  {
    Ledger ledger = Ledger::open(path);
    TenantLedger acme = ledger.tenant("acme");
    EXPECT_EQ(acme.head().seq, 10u);
    const Receipt r = acme.append(make_event("auth.login"));
    EXPECT_EQ(r.seq, 11u);
    EXPECT_EQ(acme.read(11).prev_hash, head_at_backup);
  }
  EXPECT_TRUE(verify(path).valid());
  // The restored file is a working ledger again: back in WAL mode.
  const std::string header = read_file(path).substr(0, 20);
  EXPECT_EQ(header[18], 2);
}

TEST(Backup, ExistingDestinationIsRefusedAndLeftUnchanged) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  const std::string dest = dir.file("audit.backup");
  write_file(dest, "yesterday's backup");
  Ledger ledger = Ledger::open(path);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  append_many(acme, 3);
  const auto before = listing(dir.file(""));
  EXPECT_AUDITCHAIN_ERROR((void)ledger.backup(dest), ErrorCode::kAlreadyExists, "dest");
  EXPECT_EQ(read_file(dest), "yesterday's backup");
  EXPECT_EQ(listing(dir.file("")), before);

  BackupOptions overwrite;
  overwrite.overwrite = true;
  ASSERT_TRUE(ledger.backup(dest, overwrite).valid());
  EXPECT_EQ(chain_of(dest, "acme").size(), 3u);
}

TEST(Backup, TheLedgerItselfIsRefusedAsDestinationEvenWithOverwrite) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  Ledger ledger = Ledger::open(path);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  append_many(acme, 3);
  fs::create_directory(dir.file("sub"));
  fs::create_symlink(path, dir.file("link.ledger"));
  BackupOptions overwrite;
  overwrite.overwrite = true;
  for (const std::string& dest : {path, dir.file("sub/../audit.ledger"), dir.file("link.ledger"), path + "-wal",
                                  path + "-shm"}) {
    ASSERT_TRUE(fs::exists(dest)) << dest;
    EXPECT_AUDITCHAIN_ERROR((void)ledger.backup(dest, overwrite), ErrorCode::kInvalidArgument, "dest");
  }
  EXPECT_EQ(listing(dir.file("")),
            (std::vector<std::string>{"audit.ledger", "audit.ledger-shm", "audit.ledger-wal", "link.ledger", "sub"}));
  EXPECT_EQ(acme.append(make_event()).seq, 4u);
  ledger.close();
  EXPECT_TRUE(verify(path).valid());
}

TEST(Backup, WalOrJournalFileBesideTheDestinationIsRefused) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  Ledger ledger = Ledger::open(path);
  ledger.tenant("acme", TenantMode::kCreateIfMissing);
  BackupOptions overwrite;
  overwrite.overwrite = true;
  for (const char* side : {"-wal", "-journal"}) {
    const std::string dest = dir.file(std::string("old") + side + ".backup");
    write_file(dest + side, "frames of another database");
    try {
      (void)ledger.backup(dest, overwrite);
      ADD_FAILURE() << "a " << side << " file beside the destination was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find(dest + side), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dest));
  }
}

TEST(Backup, DirectoryAsDestinationIsRefused) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("audit.ledger"));
  fs::create_directory(dir.file("backups"));
  EXPECT_AUDITCHAIN_ERROR((void)ledger.backup(dir.file("backups")), ErrorCode::kInvalidArgument, "dest");
  EXPECT_TRUE(fs::is_empty(dir.file("backups")));
}

TEST(Backup, MissingDirectoryFailsWithAClearErrorAndLeavesNothing) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("audit.ledger"));
  write_file(dir.file("plain-file"), "");
  const auto before = listing(dir.file(""));
  for (const std::string& dest : {dir.file("no-such-dir/audit.backup"), dir.file("plain-file/audit.backup")}) {
    try {
      (void)ledger.backup(dest);
      ADD_FAILURE() << "backup to " << dest << " succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
      const std::string message = e.what();
      EXPECT_NE(message.find(fs::path(dest).parent_path().string()), std::string::npos) << message;
      EXPECT_TRUE(message.find("No such file") != std::string::npos ||
                  message.find("Not a directory") != std::string::npos)
          << message;
    }
  }
  EXPECT_EQ(listing(dir.file("")), before);
}

// A directory the backup may not write into. Superuser bypasses file modes,
// so the backup runs in a child process that drops to the unprivileged user
// "nobody" when started as root.
TEST(Backup, UnwritableDirectoryFailsWithAClearErrorAndLeavesNothing) {
  ScratchDir dir;
  const std::string mine = dir.file("mine");
  const std::string locked = dir.file("locked");
  fs::create_directory(mine);
  fs::create_directory(locked);
  ASSERT_EQ(::chmod(mine.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(locked.c_str(), 0555), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int status = 0;
    try {
      if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
        throw std::runtime_error("cannot drop privileges to uid 65534");
      }
      Ledger ledger = Ledger::open(mine + "/audit.ledger");
      TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
      acme.append(make_event());
      try {
        (void)ledger.backup(locked + "/audit.backup");
        std::fprintf(stderr, "the backup into a read-only directory succeeded\n");
        status = 1;
      } catch (const Error& e) {
        const std::string message = e.what();
        if (e.code() != ErrorCode::kIo || message.find(locked) == std::string::npos ||
            message.find("Permission denied") == std::string::npos) {
          std::fprintf(stderr, "unexpected error: %s\n", e.what());
          status = 1;
        }
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
      status = 1;
    }
    _exit(status);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "see the child's message above";
  EXPECT_TRUE(fs::is_empty(locked));
  ::chmod(locked.c_str(), 0755);
}

TEST(Backup, CopyThatDoesNotVerifyIsNotLeftAtTheDestination) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  const std::string dest = dir.file("audit.backup");
  {
    Ledger ledger = Ledger::open(path);
    TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
    append_many(acme, 5);
  }
  ASSERT_EQ(raw_sql(path,
                    "DROP TRIGGER entries_no_update;"
                    "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'u:writer', 'u:mallory') AS BLOB)"
                    " WHERE seq = 3"),
            SQLITE_OK);
  write_file(dest, "last week's backup");
  OpenOptions read_only;
  read_only.read_only = true;
  Ledger ledger = Ledger::open(path, read_only);
  const auto before = listing(dir.file(""));
  BackupOptions overwrite;
  overwrite.overwrite = true;
  const BackupReport report = ledger.backup(dest, overwrite);
  EXPECT_FALSE(report.valid());
  EXPECT_FALSE(report.verification.ledger_findings.empty());  // the dropped trigger
  ASSERT_EQ(report.verification.tenants.size(), 1u);
  ASSERT_FALSE(report.verification.tenants[0].findings.empty());
  EXPECT_EQ(report.verification.tenants[0].findings[0].seq, 3u);
  EXPECT_EQ(read_file(dest), "last week's backup");
  EXPECT_EQ(listing(dir.file("")), before);
}

TEST(Backup, VerifyOptionsThatWouldCheckPartOfTheCopyAreRefused) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("audit.ledger"));
  ledger.tenant("acme", TenantMode::kCreateIfMissing);
  BackupOptions some_tenants;
  some_tenants.verify.tenants = {"acme"};
  EXPECT_AUDITCHAIN_ERROR((void)ledger.backup(dir.file("a.backup"), some_tenants), ErrorCode::kInvalidArgument,
                          "verify.tenants");
  BackupOptions time_range;
  time_range.verify.from = Timestamp::now();
  EXPECT_AUDITCHAIN_ERROR((void)ledger.backup(dir.file("b.backup"), time_range), ErrorCode::kInvalidArgument,
                          "verify.from");
  EXPECT_FALSE(fs::exists(dir.file("a.backup")));
  EXPECT_FALSE(fs::exists(dir.file("b.backup")));
}

TEST(Backup, VerifierKeysCheckTheCopysStoredCheckpoints) {
  ScratchDir dir;
  const std::string path = dir.file("audit.ledger");
  Ledger ledger = Ledger::open(path);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  append_many(acme, 4);
  const SignerKey signer = SignerKey::generate("backup.test");
  acme.checkpoint(signer);
  BackupOptions trusted;
  trusted.verify.keys = {signer.verifier()};
  EXPECT_TRUE(ledger.backup(dir.file("trusted.backup"), trusted).valid());
  BackupOptions other_key;
  other_key.verify.keys = {SignerKey::generate("someone.else").verifier()};
  const BackupReport report = ledger.backup(dir.file("untrusted.backup"), other_key);
  EXPECT_FALSE(report.valid());
  ASSERT_EQ(report.verification.tenants.size(), 1u);
  ASSERT_FALSE(report.verification.tenants[0].findings.empty());
  EXPECT_EQ(report.verification.tenants[0].findings[0].kind, FindingKind::kBadCheckpoint);
  EXPECT_FALSE(fs::exists(dir.file("untrusted.backup")));
}

TEST(Backup, ExceptionFromTheProgressCallbackStopsTheBackupAndLeavesNothing) {
  ScratchDir dir;
  const std::string dest = dir.file("audit.backup");
  Ledger ledger = Ledger::open(dir.file("audit.ledger"));
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  append_many(acme, 1500);
  const auto before = listing(dir.file(""));
  struct Cancelled {};
  int calls = 0;
  BackupOptions options;
  options.progress = [&](const BackupProgress& p) {
    ++calls;
    if (p.pages_done < p.pages_total) throw Cancelled{};
  };
  EXPECT_THROW((void)ledger.backup(dest, options), Cancelled);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(listing(dir.file("")), before);
  // The ledger is unaffected, and the next backup succeeds.
  EXPECT_EQ(acme.append(make_event()).seq, 1501u);
  EXPECT_TRUE(ledger.backup(dest).valid());
}

TEST(Backup, ClosedLedgerCannotBeBackedUp) {
  ScratchDir dir;
  Ledger ledger = Ledger::open(dir.file("audit.ledger"));
  ledger.close();
  EXPECT_AUDITCHAIN_ERROR((void)ledger.backup(dir.file("audit.backup")), ErrorCode::kClosed, "");
  EXPECT_FALSE(fs::exists(dir.file("audit.backup")));
}

}  // namespace
}  // namespace auditchain
