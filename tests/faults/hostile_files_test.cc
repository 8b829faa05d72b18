// hostile_files_test.cc — verify() and verify_bundle() on files that are
// damaged, cut short, foreign or malformed.
//
// Whatever the file, verification ends with a report or an auditchain::Error
// saying why it could not run: never a crash, a hang or an error that blames
// auditchain itself (kInternal). A report that says "valid" is accepted only
// when everything verify vouches for is exactly what was written. And
// verification never changes the file it reads.
#include <sqlite3.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "auditchain/auditchain.hpp"
#include "auditchain/export.hpp"
#include "json.hpp"
#include "sha256.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

namespace fs = std::filesystem;

// Fixed, so that a failure names a position that reproduces it.
constexpr std::uint64_t kSeed = 0x6175646974;
constexpr int kFlips = 300;
constexpr int kBundleFlips = 80;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Runs `sql` on a plain read-only connection and returns every row, or
// nullopt when SQLite cannot read the file.
std::optional<std::string> dump(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::optional<std::string> out = std::string();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return std::nullopt;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    out.reset();
  } else {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
        *out += std::to_string(sqlite3_column_type(s, i)) + ":";
        if (p) out->append(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
        *out += '\x1f';
      }
      *out += '\x1e';
    }
    if (rc != SQLITE_DONE) out.reset();
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// True when SQLite's own integrity check finds nothing wrong with the file.
bool sqlite_says_intact(const std::string& path) {
  return dump(path, "PRAGMA integrity_check") == std::to_string(SQLITE_TEXT) + ":ok\x1f\x1e";
}

// Everything verify vouches for, read without the library but along the
// same paths (the same indexes) verify reads it: the schema, the ledger id,
// each tenant's name and genesis, every column of every entry, and the
// checkpoints. nullopt when any of it cannot be read.
std::optional<std::string> vouched_content(const std::string& path) {
  std::string all;
  for (const char* sql : {
           "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
           "SELECT value FROM meta WHERE key = 'ledger_id'",
           "SELECT id, name, genesis FROM tenants ORDER BY name",
           "SELECT tenant_id, seq, recorded_at, action, actor_id, target_type, target_id, flags, idempotency_key,"
           " hash, body, merkle FROM entries INDEXED BY sqlite_autoindex_entries_1 ORDER BY tenant_id, seq",
           "SELECT tenant_id, tree_size, root, sealed_through, note FROM checkpoints INDEXED BY checkpoints_tenant"
           " ORDER BY tenant_id, id",
           "PRAGMA application_id",
           "PRAGMA user_version",
       }) {
    const std::optional<std::string> part = dump(path, sql);
    if (!part) return std::nullopt;
    all += *part;
    all += '\x1d';
  }
  return all;
}

// What a verification came to.
enum class Outcome { kFindings, kError, kValid };

struct Tally {
  std::map<std::string, int> counts;  // "findings", "error kCorrupt: ...", "valid"
  void add(const std::string& what) { ++counts[what]; }
  std::string text() const {
    std::string out;
    for (const auto& [what, n] : counts) out += "  " + std::to_string(n) + " x " + what + "\n";
    return out;
  }
};

// The ledger every test damages, built once: two tenants with varied
// entries, checkpoints of both, a seal, and a bundle of one.
class HostileFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir();
    key_ = new SignerKey(SignerKey::generate("audit.example.com"));
    original_ = new std::string(scratch_->file("original.ledger"));
    bundle_ = new std::string(scratch_->file("bundle"));
    {
      Ledger ledger = Ledger::open(*original_);
      TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
      TenantLedger globex = ledger.tenant("globex", TenantMode::kCreateIfMissing);
      for (int i = 0; i < 30; ++i) {
        Event e = make_event(i % 3 ? "invoice.update" : "auth.login", "u:user-" + std::to_string(i % 5));
        if (i % 2) e.target = Target{"invoice", "INV-" + std::to_string(i)};
        if (i % 4 == 1) e.amount = Amount{std::to_string(100 + i) + ".50", "EUR"};
        if (i % 5 == 2) {
          e.before = R"({"status":"draft"})";
          e.after = R"({"status":"sent"})";
        }
        if (i % 6 == 0) e.idempotency_key = "key-" + std::to_string(i);
        e.metadata["note"] = "entry " + std::to_string(i);
        acme.append(e);
        if (i % 3 == 0) globex.append(make_event("payment.approve", "u:hiro"));
      }
      acme.checkpoint(*key_);
      globex.checkpoint(*key_);
      acme.seal(Timestamp::now(), *key_);
      acme.append(make_event("auth.logout"));
      BundleOptions options;
      options.signer = key_;
      options.export_options.exported_by.id = "u:auditor";
      recorded_manifest_sha256_ = new std::string(export_bundle(acme, *bundle_, options).summary.sha256);
    }
    const VerifyReport report = verify(*original_, keys());
    ASSERT_TRUE(report.valid());
    entries_ = new std::uint64_t(report.entries_valid());
    content_ = new std::string(*vouched_content(*original_));
    // Everything is in the database file: verify leaves at most an empty log.
    ASSERT_TRUE(!fs::exists(*original_ + "-wal") || fs::file_size(*original_ + "-wal") == 0);
  }

  static void TearDownTestSuite() {
    delete scratch_;
    delete key_;
    delete original_;
    delete bundle_;
    delete entries_;
    delete content_;
    delete recorded_manifest_sha256_;
  }

  static VerifyOptions keys() {
    VerifyOptions options;
    options.keys.push_back(key_->verifier());
    options.jobs = 2;
    return options;
  }

  // A copy of the ledger for one case, with its bytes replaced by `bytes`.
  std::string hostile(const std::string& name, std::string_view bytes) {
    const std::string path = dir_.file(name);
    write_bytes(path, bytes);
    return path;
  }

  // Verifies `path` and checks what must hold whatever the file: the
  // outcome is findings, a clear error, or "valid" with everything vouched
  // for as written; the file is unchanged afterwards.
  Outcome check(const std::string& path, Tally& tally, const std::string& what) {
    SCOPED_TRACE(what);
    const std::string before = read_bytes(path);
    Outcome outcome;
    try {
      const VerifyReport report = verify(path, keys());
      if (report.valid()) {
        outcome = Outcome::kValid;
        // Nothing verify vouches for may differ from what was written.
        EXPECT_EQ(report.entries_valid(), *entries_) << "valid, but not every entry was checked";
        const std::optional<std::string> content = vouched_content(path);
        EXPECT_TRUE(content.has_value()) << "valid, but the entries cannot be read back";
        if (content) {
          EXPECT_TRUE(*content == *content_) << "valid, but what it vouches for was changed";
        }
        // verify does not run SQLite's own integrity check: a flip in unused
        // space, or in a table row where its index (which verify reads) still
        // holds the written value, leaves the chain intact.
        tally.add(sqlite_says_intact(path)
                      ? "valid (the damage is in bytes SQLite does not use)"
                      : "valid (SQLite-level damage outside the chain, e.g. a table row its index contradicts)");
      } else {
        outcome = Outcome::kFindings;
        std::size_t findings = report.ledger_findings.size();
        for (const TenantReport& t : report.tenants) findings += t.findings.size() + t.findings_dropped;
        EXPECT_GT(findings, 0u);
        for (const Finding& f : report.ledger_findings) EXPECT_FALSE(f.detail.empty());
        for (const TenantReport& t : report.tenants) {
          for (const Finding& f : t.findings) EXPECT_FALSE(f.detail.empty());
        }
        tally.add("findings");
      }
    } catch (const Error& e) {
      outcome = Outcome::kError;
      EXPECT_NE(e.code(), ErrorCode::kInternal) << "a damaged file is not a bug in auditchain: " << e.what();
      EXPECT_NE(e.code(), ErrorCode::kOk);
      EXPECT_GT(std::string(e.what()).size(), 10u);
      tally.add(std::string("error ") + error_code_name(e.code()));
    }
    EXPECT_TRUE(read_bytes(path) == before) << "verify changed the file it read";
    return outcome;
  }

  static ScratchDir* scratch_;
  static SignerKey* key_;
  static std::string* original_;
  static std::string* bundle_;
  static std::uint64_t* entries_;
  static std::string* content_;
  static std::string* recorded_manifest_sha256_;  // as the ledger's data.export entry holds it
  ScratchDir dir_;
};

ScratchDir* HostileFileTest::scratch_ = nullptr;
SignerKey* HostileFileTest::key_ = nullptr;
std::string* HostileFileTest::original_ = nullptr;
std::string* HostileFileTest::bundle_ = nullptr;
std::uint64_t* HostileFileTest::entries_ = nullptr;
std::string* HostileFileTest::content_ = nullptr;
std::string* HostileFileTest::recorded_manifest_sha256_ = nullptr;

// ---- ledgers -----------------------------------------------------------------------

// Where in the file the entries' bytes and hashes sit, as [begin, end) offsets.
std::vector<std::pair<std::size_t, std::size_t>> stored_entry_bytes(const std::string& path, const std::string& file) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  sqlite3* db = nullptr;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT hash, body FROM entries", -1, &s, nullptr) == SQLITE_OK) {
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int i = 0; i < 2; ++i) {
        const std::string value(static_cast<const char*>(sqlite3_column_blob(s, i)),
                                static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
        const std::size_t at = file.find(value);
        if (at != std::string::npos) ranges.emplace_back(at, at + value.size());
      }
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return ranges;
}

// Half of the flips land anywhere in the file, much of which SQLite leaves
// unused; the other half inside an entry's stored bytes or hash, where every
// one must be found.
TEST_F(HostileFileTest, FlippedBytesAreFoundOrRefused) {
  const std::string original = read_bytes(*original_);
  const auto entry_bytes = stored_entry_bytes(*original_, original);
  ASSERT_GE(entry_bytes.size(), 2 * *entries_) << "every entry's bytes and hash are found in the file";
  std::mt19937_64 random(kSeed);
  Tally anywhere;
  Tally in_entries;
  for (int i = 0; i < kFlips; ++i) {
    const bool targeted = i % 2 == 1;
    std::size_t at;
    if (targeted) {
      const auto& [begin, end] = entry_bytes[random() % entry_bytes.size()];
      at = begin + random() % (end - begin);
    } else {
      // SQLite's 100-byte header gets its share too.
      at = i % 8 == 0 ? random() % 100 : random() % original.size();
    }
    const auto mask = static_cast<char>(1 + random() % 255);
    std::string bytes = original;
    bytes[at] = static_cast<char>(bytes[at] ^ mask);
    const std::string path = hostile("flip-" + std::to_string(i) + ".ledger", bytes);
    std::ostringstream what;
    what << "byte " << at << " xor 0x" << std::hex << (static_cast<unsigned>(mask) & 0xff);
    const Outcome outcome = check(path, targeted ? in_entries : anywhere, what.str());
    if (targeted) {
      EXPECT_NE(outcome, Outcome::kValid) << what.str() << " lies in an entry's bytes or hash";
    }
    if (HasFailure()) break;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  }
  std::cout << "[ outcomes ] " << kFlips / 2 << " single-byte flips anywhere in a " << original.size()
            << "-byte ledger:\n"
            << anywhere.text() << "[ outcomes ] " << kFlips / 2 << " inside entries' bytes and hashes:\n"
            << in_entries.text();
}

TEST_F(HostileFileTest, TruncatedLedgersAreFoundOrRefused) {
  const std::string original = read_bytes(*original_);
  const std::size_t n = original.size();
  Tally tally;
  for (const std::size_t length : {std::size_t{1}, std::size_t{16}, std::size_t{99}, std::size_t{100},
                                   std::size_t{101}, std::size_t{512}, std::size_t{4095}, std::size_t{4096},
                                   std::size_t{4097}, n / 3, n / 2, n - 4096, n - 4095, n - 1}) {
    ASSERT_LT(length, n);
    const std::string path = hostile("truncated-" + std::to_string(length) + ".ledger", original.substr(0, length));
    EXPECT_NE(check(path, tally, "cut to " + std::to_string(length) + " bytes"), Outcome::kValid)
        << "cut to " << length << " of " << n << " bytes";
  }
  std::cout << "[ outcomes ] truncations:\n" << tally.text();
}

TEST_F(HostileFileTest, AnEmptyFileIsNotALedger) {
  const std::string path = hostile("empty.ledger", "");
  EXPECT_AUDITCHAIN_ERROR(verify(path), ErrorCode::kNotALedger, "");
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(HostileFileTest, FilesThatAreNotSQLiteAreNotLedgers) {
  std::mt19937_64 random(kSeed);
  std::string noise(8192, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  const std::map<std::string, std::string> files = {
      {"text", std::string("date,actor,action\n2026-01-01,alice,login\n") + std::string(5000, 'x')},
      {"noise", noise},
      {"png", std::string("\x89PNG\r\n\x1a\n", 8) + noise},
      {"one byte", "S"},
      {"header only", std::string("SQLite format 3\0", 16)},
      {"header and noise", std::string("SQLite format 3\0", 16) + noise},
  };
  Tally tally;
  int n = 0;
  for (const auto& [name, bytes] : files) {
    const std::string path = hostile("file-" + std::to_string(n++) + ".ledger", bytes);
    EXPECT_EQ(check(path, tally, name), Outcome::kError) << name;
    try {
      verify(path);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << name << ": the error names the file: "
                                                                     << e.what();
    }
  }
  std::cout << "[ outcomes ] files that are not SQLite:\n" << tally.text();
}

TEST_F(HostileFileTest, ASQLiteFileOfAnotherApplicationIsNotALedger) {
  const std::string path = dir_.file("other.db");
  ASSERT_EQ(testing::raw_sql(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT);"
                                   "INSERT INTO invoices (total) VALUES ('12.00');"),
            SQLITE_OK);
  const std::string before = read_bytes(path);
  EXPECT_AUDITCHAIN_ERROR(verify(path), ErrorCode::kNotALedger, "");
  EXPECT_TRUE(read_bytes(path) == before);
}

// Our application id and format version, but tables that are not ours: the
// error or the findings say so; nothing is mistaken for a bug.
TEST_F(HostileFileTest, OurIdentityOverAnotherSchemaIsFoundOrRefused) {
  const std::string identity = "PRAGMA application_id = 1633904689; PRAGMA user_version = 1;";
  const std::map<std::string, std::string> schemas = {
      {"no tables", identity},
      {"foreign tables", identity + "CREATE TABLE invoices (id INTEGER PRIMARY KEY);"},
      {"our tables, other columns",
       identity + "CREATE TABLE meta (k TEXT, v TEXT); INSERT INTO meta VALUES ('ledger_id', 'x');"
                  "CREATE TABLE tenants (id INTEGER PRIMARY KEY, label TEXT);"
                  "INSERT INTO tenants VALUES (1, 'acme');"
                  "CREATE TABLE entries (id INTEGER PRIMARY KEY, payload BLOB);"
                  "INSERT INTO entries (payload) VALUES (x'00');"
                  "CREATE TABLE checkpoints (id INTEGER PRIMARY KEY);"},
      {"our tables, columns missing",
       identity + "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('ledger_id', '" +
           std::string(32, 'a') + "');"
           "CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT, genesis BLOB);"
           "INSERT INTO tenants VALUES (1, 'acme', zeroblob(32));"
           "CREATE TABLE entries (tenant_id INTEGER, seq INTEGER, hash BLOB, body BLOB);"
           "INSERT INTO entries VALUES (1, 1, zeroblob(32), '{}');"},
      {"our tables, values of the wrong types",
       identity + "CREATE TABLE meta (key, value); INSERT INTO meta VALUES ('ledger_id', 42);"
                  "CREATE TABLE tenants (id, name, genesis, created_at);"
                  "INSERT INTO tenants VALUES ('one', 7, 'not a blob', NULL);"
                  "CREATE TABLE entries (tenant_id, seq, recorded_at, action, actor_id, target_type, target_id,"
                  " flags, idempotency_key, hash, body, merkle);"
                  "INSERT INTO entries VALUES ('one', 'first', 3, NULL, NULL, 1, 2, 'x', 5, 'h', 6, 7);"
                  "INSERT INTO entries VALUES (1, -5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
                  "CREATE TABLE checkpoints (id, tenant_id, tree_size, root, created_at, sealed_through, note);"
                  "INSERT INTO checkpoints VALUES (1, 'one', 'big', 4, NULL, 5, 'not a note');"},
  };
  Tally tally;
  int n = 0;
  for (const auto& [name, sql] : schemas) {
    const std::string path = dir_.file("schema-" + std::to_string(n++) + ".ledger");
    std::string error;
    ASSERT_EQ(testing::raw_sql(path, sql, &error), SQLITE_OK) << name << ": " << error;
    EXPECT_NE(check(path, tally, name), Outcome::kValid) << name;
  }
  std::cout << "[ outcomes ] other schemas under our identity:\n" << tally.text();
}

// A ledger from a newer auditchain is refused with a clear error.
TEST_F(HostileFileTest, ANewerFormatIsRefused) {
  const std::string path = dir_.file("newer.ledger");
  fs::copy_file(*original_, path);
  ASSERT_EQ(testing::raw_sql(path, "PRAGMA user_version = 999"), SQLITE_OK);
  EXPECT_AUDITCHAIN_ERROR(verify(path), ErrorCode::kUnsupportedVersion, "");
}

// A write-ahead log of garbage beside the ledger is not a transaction: the
// ledger reads as it was committed.
TEST_F(HostileFileTest, AGarbageLogBesideTheLedgerIsIgnored) {
  const std::string path = dir_.file("logged.ledger");
  fs::copy_file(*original_, path);
  std::mt19937_64 random(kSeed);
  std::string noise(64 * 1024, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  write_bytes(path + "-wal", noise);
  Tally tally;
  EXPECT_EQ(check(path, tally, "garbage log"), Outcome::kValid);
}

// ---- bundles -------------------------------------------------------------------------

class HostileBundleTest : public HostileFileTest {
 protected:
  // A copy of the bundle in which `file` holds `bytes` (or is missing when nullopt).
  std::string bundle_with(const std::string& file, const std::optional<std::string>& bytes) {
    const std::string dir = dir_.file("bundle-" + std::to_string(copies_++));
    fs::copy(*bundle_, dir, fs::copy_options::recursive);
    if (bytes) {
      write_bytes((fs::path(dir) / file).string(), *bytes);
    } else {
      fs::remove(fs::path(dir) / file);
    }
    return dir;
  }

  static std::map<std::string, std::string> contents(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& f : fs::directory_iterator(dir)) out[f.path().filename().string()] = read_bytes(f.path().string());
    return out;
  }

  // Checks a damaged bundle: findings or a clear error, and "valid" only
  // with a manifest whose SHA-256 differs from the one the ledger recorded
  // (the comparison verify leaves to the auditor). The files are unchanged.
  Outcome check_bundle(const std::string& dir, Tally& tally, const std::string& what) {
    SCOPED_TRACE(what);
    const auto before = contents(dir);
    const VerifierKey key = key_->verifier();
    Outcome outcome;
    try {
      const BundleReport report = verify_bundle(dir, std::span<const VerifierKey>(&key, 1));
      if (report.valid()) {
        outcome = Outcome::kValid;
        // The report names the manifest it read, which is not the one the
        // ledger's data.export entry recorded: comparing the two (as the
        // report tells the auditor to) shows the change.
        const std::string manifest = read_bytes((fs::path(dir) / "manifest.json").string());
        EXPECT_EQ(report.manifest_sha256, detail::sha256(manifest).hex());
        EXPECT_NE(report.manifest_sha256, *recorded_manifest_sha256_);
        tally.add("valid, with a manifest the ledger never recorded");
      } else {
        outcome = Outcome::kFindings;
        for (const BundleFinding& f : report.findings) {
          EXPECT_FALSE(f.kind.empty());
          EXPECT_FALSE(f.detail.empty());
        }
        tally.add(report.findings.empty() ? "not valid: no trusted checkpoint" : "findings");
        if (report.findings.empty()) {
          EXPECT_FALSE(report.checkpoint.has_value());
        }
      }
    } catch (const Error& e) {
      outcome = Outcome::kError;
      EXPECT_NE(e.code(), ErrorCode::kInternal) << e.what();
      tally.add(std::string("error ") + error_code_name(e.code()));
    }
    EXPECT_TRUE(contents(dir) == before) << "verify changed the bundle";
    return outcome;
  }

  int copies_ = 0;
};

TEST_F(HostileBundleTest, TheOriginalBundleIsValid) {
  const VerifierKey key = key_->verifier();
  const BundleReport report = verify_bundle(*bundle_, std::span<const VerifierKey>(&key, 1));
  EXPECT_TRUE(report.valid());
  EXPECT_GT(report.entries, 0u);
  EXPECT_EQ(report.manifest_sha256, *recorded_manifest_sha256_);
}

TEST_F(HostileBundleTest, AMissingManifestIsAClearError) {
  const std::string dir = bundle_with("manifest.json", std::nullopt);
  const VerifierKey key = key_->verifier();
  EXPECT_AUDITCHAIN_ERROR(verify_bundle(dir, std::span<const VerifierKey>(&key, 1)), ErrorCode::kNotFound, "");
}

TEST_F(HostileBundleTest, MalformedManifestsAreFindings) {
  const std::string manifest = read_bytes((fs::path(*bundle_) / "manifest.json").string());
  std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"not JSON", "manifest"},
      {"an opening brace", "{"},
      {"an array", "[]"},
      {"null", "null"},
      {"a string", "\"manifest\""},
      {"an empty object", "{}"},
      {"half of it", manifest.substr(0, manifest.size() / 2)},
      {"invalid UTF-8", manifest.substr(0, 20) + "\xff\xfe" + manifest.substr(20)},
      {"a NUL byte", manifest.substr(0, 30) + std::string(1, '\0') + manifest.substr(30)},
      {"deeply nested", std::string(200000, '[') + std::string(200000, ']')},
      {"twice", manifest + manifest},
      {"a huge number", "{\"format\":" + std::string(5000, '9') + "}"},
  };
  // A trailing newline is not part of the JSON.
  std::string shorter = manifest;
  while (!shorter.empty() && std::isspace(static_cast<unsigned char>(shorter.back()))) shorter.pop_back();
  cases.emplace_back("all but the last byte of the JSON", shorter.substr(0, shorter.size() - 1));
  // Every member of the manifest, in turn, with a value of each wrong type.
  const json::Value parsed = json::parse(manifest);
  ASSERT_TRUE(parsed.is_object());
  for (std::size_t i = 0; i < parsed.as_object().size(); ++i) {
    const std::string& name = parsed.as_object()[i].first;
    for (const json::Value& wrong : {json::Value(), json::Value(std::int64_t{-1}), json::Value("x"),
                                     json::Value(json::Array{}), json::Value(json::Object{})}) {
      if (parsed.as_object()[i].second == wrong) continue;
      json::Value changed = parsed;
      changed.as_object()[i].second = wrong;
      cases.emplace_back(name + " = " + json::canonical(wrong), json::canonical(changed));
    }
    json::Value removed = parsed;
    removed.as_object().erase(removed.as_object().begin() + static_cast<std::ptrdiff_t>(i));
    cases.emplace_back("without " + name, json::canonical(removed));
  }
  Tally tally;
  for (const auto& [what, bytes] : cases) {
    const Outcome outcome = check_bundle(bundle_with("manifest.json", bytes), tally, "manifest: " + what);
    EXPECT_NE(outcome, Outcome::kValid) << what;
  }
  std::cout << "[ outcomes ] " << cases.size() << " malformed manifests:\n" << tally.text();
}

// Who exported is not covered by the checkpoint; a manifest naming someone
// else is told apart by its SHA-256, which the report gives and the ledger's
// data.export entry recorded.
TEST_F(HostileBundleTest, AChangedExporterShowsInTheManifestHash) {
  std::string manifest = read_bytes((fs::path(*bundle_) / "manifest.json").string());
  const std::size_t at = manifest.find("u:auditor");
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, 9, "u:mallory");
  Tally tally;
  const std::string dir = bundle_with("manifest.json", manifest);
  check_bundle(dir, tally, "exported_by changed");
  const VerifierKey key = key_->verifier();
  const BundleReport report = verify_bundle(dir, std::span<const VerifierKey>(&key, 1));
  EXPECT_EQ(report.manifest_sha256, detail::sha256(manifest).hex());
  EXPECT_NE(report.manifest_sha256, *recorded_manifest_sha256_);
  std::cout << "[ outcomes ] a changed exporter:\n" << tally.text();
}

TEST_F(HostileBundleTest, MalformedEntryLinesAreFindings) {
  const std::string entries = read_bytes((fs::path(*bundle_) / "entries.jsonl").string());
  const std::size_t first_end = entries.find('\n');
  ASSERT_NE(first_end, std::string::npos);
  const std::string first = entries.substr(0, first_end + 1);
  const std::string rest = entries.substr(first_end + 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"a blank line first", "\n" + entries},
      {"a garbage line", first + "not json at all\n" + rest},
      {"a line cut short", first.substr(0, first.size() / 2) + "\n" + rest},
      {"no final newline", entries.substr(0, entries.size() - 1)},
      {"CRLF line ends", [&] {
         std::string out;
         for (char c : entries) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
         return out;
       }()},
      {"a line repeated", first + entries},
      {"lines swapped", rest.substr(0, rest.find('\n') + 1) + first + rest.substr(rest.find('\n') + 1)},
      {"a deeply nested line", first + std::string(100000, '[') + "\n" + rest},
      {"a very long line", first + "\"" + std::string(3 * 1024 * 1024, 'a') + "\"\n" + rest},
      {"a JSON array line", first + "[1,2,3]\n" + rest},
      {"half of the file", entries.substr(0, entries.size() / 2)},
      {"invalid UTF-8", first + "{\"action\":\"\xc3\x28\"}\n" + rest},
  };
  Tally tally;
  for (const auto& [what, bytes] : cases) {
    EXPECT_NE(check_bundle(bundle_with("entries.jsonl", bytes), tally, "entries.jsonl: " + what), Outcome::kValid)
        << what;
  }
  std::cout << "[ outcomes ] " << cases.size() << " malformed entries.jsonl files:\n" << tally.text();
}

TEST_F(HostileBundleTest, TruncatedAndFlippedFilesAreFindings) {
  std::mt19937_64 random(kSeed);
  Tally tally;
  int cases = 0;
  for (const char* name : {"manifest.json", "entries.jsonl", "entries.csv"}) {
    const std::string file = name;
    const std::string bytes = read_bytes((fs::path(*bundle_) / file).string());
    ASSERT_FALSE(bytes.empty()) << file;
    for (const std::size_t length : {std::size_t{0}, std::size_t{1}, bytes.size() / 3, bytes.size() - 1}) {
      ++cases;
      const Outcome outcome =
          check_bundle(bundle_with(file, bytes.substr(0, length)), tally, file + " cut to " + std::to_string(length));
      // Only the manifest's final newline may go unnoticed: it is not part of the JSON.
      const bool blank = file == "manifest.json" && length == bytes.size() - 1 && bytes.back() == '\n';
      if (!blank) {
        EXPECT_NE(outcome, Outcome::kValid) << file << " cut to " << length;
      }
    }
    for (int i = 0; i < kBundleFlips; ++i) {
      std::string flipped = bytes;
      const std::size_t at = random() % flipped.size();
      const auto mask = static_cast<char>(1 + random() % 255);
      flipped[at] = static_cast<char>(flipped[at] ^ mask);
      ++cases;
      const Outcome outcome = check_bundle(bundle_with(file, flipped), tally, file + " byte " + std::to_string(at));
      // The entries and the CSV are covered by hashes in the manifest.
      if (file != "manifest.json") {
        EXPECT_NE(outcome, Outcome::kValid) << file << " byte " << at;
      }
    }
  }
  std::cout << "[ outcomes ] " << cases << " truncated or flipped bundle files:\n" << tally.text();
}

}  // namespace
}  // namespace auditchain
