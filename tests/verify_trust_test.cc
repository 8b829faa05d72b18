// verify_trust_test.cc — what only checkpoints held outside the ledger can
// catch: truncation, rollback, wholesale rewrites; and forged, foreign or
// conflicting checkpoints, broken seals and tampered tree nodes.
#include <filesystem>

#include "auditchain/auditchain.hpp"
#include "entry_codec.hpp"
#include "merkle.hpp"
#include "sha256.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::raw_sql;
using testing::ScratchDir;

// Rewrites tenant `tenant`'s whole chain in the file the way an attacker with
// write access and this documentation would: every entry re-encoded after
// `mutate`, with links, hashes, Merkle nodes and query columns recomputed.
// Afterwards the chain verifies as valid on its own.
void rewrite_chain(const std::string& path, const std::string& tenant,
                   const std::function<void(std::uint64_t seq, Event&)>& mutate) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "DROP TRIGGER entries_no_update;", nullptr, nullptr, nullptr);
  sqlite3_stmt* rows = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT e.rowid, e.body FROM entries e JOIN tenants t ON t.id = e.tenant_id"
                     " WHERE t.name = ?1 ORDER BY e.seq",
                     -1, &rows, nullptr);
  sqlite3_bind_text(rows, 1, tenant.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::pair<std::int64_t, std::string>> all;
  while (sqlite3_step(rows) == SQLITE_ROW) {
    all.emplace_back(sqlite3_column_int64(rows, 0),
                     std::string(static_cast<const char*>(sqlite3_column_blob(rows, 1)), sqlite3_column_bytes(rows, 1)));
  }
  sqlite3_finalize(rows);
  sqlite3_stmt* update = nullptr;
  sqlite3_prepare_v2(db, "UPDATE entries SET body = ?1, hash = ?2, merkle = ?3, action = ?4 WHERE rowid = ?5", -1,
                     &update, nullptr);
  detail::merkle::Frontier frontier;
  std::optional<Hash> prev;
  for (auto& [rowid, body] : all) {
    detail::DecodedEntry d = detail::decode_entry(body);
    if (!prev) prev = d.entry.prev_hash;
    mutate(d.entry.seq, d.entry.event);
    const std::string bytes = detail::encode_entry(
        d.entry.event, {d.ledger_id, d.entry.tenant, d.entry.seq, *prev, d.entry.recorded_at});
    const Hash hash = detail::sha256(bytes);
    std::vector<Hash> nodes;
    frontier.append(detail::merkle::leaf_hash(bytes), &nodes);
    std::string merkle;
    for (const Hash& n : nodes) merkle.append(reinterpret_cast<const char*>(n.bytes.data()), Hash::kSize);
    sqlite3_bind_blob(update, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(update, 2, hash.bytes.data(), Hash::kSize, SQLITE_TRANSIENT);
    sqlite3_bind_blob(update, 3, merkle.data(), static_cast<int>(merkle.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(update, 4, d.entry.event.action.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(update, 5, rowid);
    ASSERT_EQ(sqlite3_step(update), SQLITE_DONE);
    sqlite3_reset(update);
    prev = hash;
  }
  sqlite3_finalize(update);
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

bool has(const VerifyReport& r, FindingKind kind) {
  for (const Finding& f : r.ledger_findings) {
    if (f.kind == kind) return true;
  }
  for (const TenantReport& t : r.tenants) {
    for (const Finding& f : t.findings) {
      if (f.kind == kind) return true;
    }
  }
  return false;
}

std::string kinds(const VerifyReport& r) {
  std::string out;
  for (const Finding& f : r.ledger_findings) out += std::string(finding_kind_name(f.kind)) + ": " + f.detail + "\n";
  for (const TenantReport& t : r.tenants) {
    for (const Finding& f : t.findings) out += std::string(finding_kind_name(f.kind)) + ": " + f.detail + "\n";
  }
  return out;
}

class Trust : public ::testing::Test {
 protected:
  void SetUp() override {
    Ledger ledger = Ledger::open(path());
    TenantLedger t = ledger.tenant("acme", TenantMode::kCreateIfMissing);
    for (int i = 0; i < 12; ++i) t.append(make_event("invoice.update"));
    checkpoint_ = t.checkpoint(key_).note;
  }
  std::string path() const { return dir_.file("a.ledger"); }
  std::string copy(const std::string& name) {
    const std::string to = dir_.file(name);
    std::filesystem::copy_file(path(), to, std::filesystem::copy_options::overwrite_existing);
    return to;
  }
  VerifyReport verify_with_trust(const std::string& file, const SignerKey* key = nullptr) {
    VerifyOptions o;
    o.trusted_checkpoints = {checkpoint_};
    o.keys = {(key ? *key : key_).verifier()};
    return verify(file, o);
  }
  ScratchDir dir_;
  SignerKey key_ = SignerKey::generate("audit.example/acme");
  std::string checkpoint_;
};

TEST_F(Trust, AnUntouchedLedgerVerifiesWithItsCheckpoint) {
  const VerifyReport r = verify_with_trust(path());
  EXPECT_TRUE(r.valid()) << kinds(r);
}

TEST_F(Trust, DeletingTheLastEntriesIsCaught) {
  const std::string file = copy("cut.ledger");
  // The attacker removes the stored checkpoint too, which would otherwise tell.
  ASSERT_EQ(raw_sql(file, "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE seq > 9;"
                          "DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints;"),
            SQLITE_OK);
  EXPECT_TRUE(verify(file).tenants[0].findings.empty());  // the chain alone cannot see it
  const VerifyReport r = verify_with_trust(file);
  EXPECT_FALSE(r.valid());
  EXPECT_TRUE(has(r, FindingKind::kTruncated)) << kinds(r);
}

TEST_F(Trust, ACheckpointStillStoredInTheFileAlsoRevealsTheCut) {
  const std::string file = copy("cut.ledger");
  ASSERT_EQ(raw_sql(file, "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE seq > 9;"), SQLITE_OK);
  EXPECT_TRUE(has(verify(file), FindingKind::kTruncated));
}

TEST_F(Trust, AnOlderCopyOfTheFileIsCaught) {
  const std::string old_copy = copy("old.ledger");
  {
    Ledger ledger = Ledger::open(path());
    TenantLedger t = ledger.tenant("acme");
    for (int i = 0; i < 5; ++i) t.append(make_event());
    checkpoint_ = t.checkpoint(key_).note;  // the auditor now holds this one
  }
  const VerifyReport r = verify_with_trust(old_copy);
  EXPECT_TRUE(has(r, FindingKind::kTruncated)) << kinds(r);
}

TEST_F(Trust, ARewriteOfTheWholeChainIsCaughtOnlyByTheCheckpoint) {
  const std::string file = copy("rewritten.ledger");
  rewrite_chain(file, "acme", [](std::uint64_t seq, Event& e) {
    if (seq == 4) e.action = "invoice.void";
  });
  // On its own the rewritten chain is consistent...
  VerifyOptions no_trust;
  no_trust.keys = {key_.verifier()};
  const VerifyReport alone = verify(file, no_trust);
  EXPECT_FALSE(has(alone, FindingKind::kHashMismatch));
  EXPECT_FALSE(has(alone, FindingKind::kBrokenLink));
  // ...but not with the root the auditor was given.
  const VerifyReport r = verify_with_trust(file);
  EXPECT_TRUE(has(r, FindingKind::kCheckpointMismatch)) << kinds(r);
}

TEST_F(Trust, AForgedCheckpointIsCaught) {
  std::string forged = checkpoint_;
  forged.replace(forged.find("\n12\n"), 4, "\n11\n");
  checkpoint_ = forged;
  const VerifyReport r = verify_with_trust(path());
  EXPECT_TRUE(has(r, FindingKind::kBadCheckpoint)) << kinds(r);
}

TEST_F(Trust, ACheckpointSignedByAnotherKeyIsCaught) {
  const SignerKey other = SignerKey::generate("audit.example/acme");
  const VerifyReport r = verify_with_trust(path(), &other);
  EXPECT_TRUE(has(r, FindingKind::kBadCheckpoint)) << kinds(r);
}

TEST_F(Trust, TwoCheckpointsOfOneSizeWithDifferentRootsAreCaught) {
  // A rewritten copy, checkpointed with the same key (as by someone holding it).
  const std::string forked = copy("forked.ledger");
  rewrite_chain(forked, "acme", [](std::uint64_t seq, Event& e) {
    if (seq == 2) e.action = "invoice.delete";
  });
  std::string other_note;
  {
    Ledger ledger = Ledger::open(forked);
    other_note = ledger.tenant("acme").checkpoint(key_).note;
  }
  const std::string file = copy("both.ledger");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  const Checkpoint parsed = parse_checkpoint(other_note);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO checkpoints (tenant_id, tree_size, root, created_at, note)"
                     " SELECT id, ?1, ?2, ?3, ?4 FROM tenants WHERE name = 'acme'",
                     -1, &s, nullptr);
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(parsed.tree_size));
  sqlite3_bind_blob(s, 2, parsed.root.bytes.data(), Hash::kSize, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, parsed.time.to_string().c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 4, other_note.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
  sqlite3_close(db);
  VerifyOptions o;
  o.keys = {key_.verifier()};
  const VerifyReport r = verify(file, o);
  EXPECT_TRUE(has(r, FindingKind::kConflictingCheckpoints)) << kinds(r);
}

TEST_F(Trust, AnEntryBackdatedIntoASealedPeriodIsCaught) {
  {
    Ledger ledger = Ledger::open(path());
    ledger.tenant("acme").seal(Timestamp::parse("2026-10-31T23:59:59Z"), key_);
    ledger.tenant("acme").append(make_event("invoice.create"));  // entry 13
  }
  // Someone rewrites entry 13 to have occurred in October, re-linking everything.
  rewrite_chain(path(), "acme", [](std::uint64_t seq, Event& e) {
    if (seq == 13) e.occurred_at = Timestamp::parse("2026-10-15T09:00:00Z");
  });
  VerifyOptions o;
  o.keys = {key_.verifier()};
  const VerifyReport r = verify(path(), o);
  EXPECT_TRUE(has(r, FindingKind::kSealBroken)) << kinds(r);
}

TEST_F(Trust, TamperedTreeNodesAreCaught) {
  ASSERT_EQ(raw_sql(path(), "DROP TRIGGER entries_no_update; UPDATE entries SET merkle = zeroblob(64) WHERE seq = 6;"),
            SQLITE_OK);
  const VerifyReport r = verify(path());
  EXPECT_TRUE(has(r, FindingKind::kColumnMismatch)) << kinds(r);
}

TEST_F(Trust, StoredCheckpointsAreCheckedWhenKeysAreGiven) {
  VerifyOptions o;
  o.keys = {SignerKey::generate("audit.example/acme").verifier()};  // not the ledger's signer
  EXPECT_TRUE(has(verify(path(), o), FindingKind::kBadCheckpoint));
  o.keys = {key_.verifier()};
  EXPECT_TRUE(verify(path(), o).valid());
}

}  // namespace
}  // namespace auditchain
