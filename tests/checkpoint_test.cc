// checkpoint_test.cc — the tree kept at append, signed checkpoints, seals and proofs.
#include <thread>

#include "auditchain/auditchain.hpp"
#include "merkle.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

// The root computed from scratch from the entries' bytes, as an outside
// auditor would: nothing of the stored tree is trusted.
Hash independent_root(TenantLedger& t, std::uint64_t size) {
  detail::merkle::Frontier f;
  Query q;
  q.seq_to = size;
  for (const Entry& e : t.entries(q)) f.append(detail::merkle::leaf_hash(e.bytes));
  return f.root();
}

class Checkpoints : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = std::make_unique<Ledger>(Ledger::open(dir_.file("a.ledger")));
    t_ = std::make_unique<TenantLedger>(ledger_->tenant("acme corp+eu", TenantMode::kCreateIfMissing));
  }
  void append(int n) {
    for (int i = 0; i < n; ++i) t_->append(make_event());
  }
  ScratchDir dir_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<TenantLedger> t_;
  SignerKey key_ = SignerKey::generate("audit.example/acme");
};

TEST_F(Checkpoints, TheStoredTreeHasTheRootOfTheEntriesAtEverySize) {
  EXPECT_EQ(t_->merkle_root(), detail::merkle::empty_root());
  for (std::uint64_t n = 1; n <= 40; ++n) {
    t_->append(make_event());
    EXPECT_EQ(t_->merkle_root(), independent_root(*t_, n)) << n;
  }
  for (std::uint64_t n : {1u, 7u, 16u, 33u}) EXPECT_EQ(t_->merkle_root(n), independent_root(*t_, n)) << n;
  EXPECT_AUDITCHAIN_ERROR(t_->merkle_root(41), ErrorCode::kInvalidArgument, "size");
}

TEST_F(Checkpoints, TwoWritersOfOneFileKeepOneTree) {
  // A second connection appends in between: the first must not extend a stale tree.
  Ledger other = Ledger::open(dir_.file("a.ledger"));
  TenantLedger t2 = other.tenant("acme corp+eu");
  for (int i = 0; i < 20; ++i) {
    (i % 3 ? *t_ : t2).append(make_event());
  }
  EXPECT_EQ(t_->merkle_root(), independent_root(*t_, 20));
  EXPECT_EQ(t2.merkle_root(), independent_root(*t_, 20));
}

TEST_F(Checkpoints, ACheckpointIsSignedStoredAndOpensWithTheVerifierKey) {
  append(5);
  const Checkpoint c = t_->checkpoint(key_);
  EXPECT_EQ(c.tree_size, 5u);
  EXPECT_EQ(c.root, t_->merkle_root());
  EXPECT_EQ(c.tenant, "acme corp+eu");
  EXPECT_EQ(c.ledger_id, ledger_->id());
  // The body is a C2SP checkpoint: origin, size, base64 root, then extensions.
  EXPECT_EQ(c.note.substr(0, c.note.find('\n')), "auditchain/" + ledger_->id() + "/acme%20corp%2Beu");
  EXPECT_NE(c.note.find("\n5\n"), std::string::npos);
  const VerifierKey v = key_.verifier();
  const Checkpoint opened = open_checkpoint(c.note, std::span(&v, 1));
  EXPECT_EQ(opened.root, c.root);
  EXPECT_EQ(opened.tenant, c.tenant);
  ASSERT_EQ(t_->checkpoints().size(), 1u);
  EXPECT_EQ(t_->checkpoints()[0].note, c.note);
}

TEST_F(Checkpoints, StoredCheckpointsAreAppendOnly) {
  append(2);
  t_->checkpoint(key_);
  ledger_->close();
  EXPECT_EQ(testing::raw_sql(dir_.file("a.ledger"), "UPDATE checkpoints SET tree_size = 1;"), SQLITE_CONSTRAINT);
  EXPECT_EQ(testing::raw_sql(dir_.file("a.ledger"), "DELETE FROM checkpoints;"), SQLITE_CONSTRAINT);
}

TEST_F(Checkpoints, AreWrittenAutomaticallyEveryNEntries) {
  ledger_->close();
  OpenOptions o;
  o.checkpoint_signer = std::make_shared<SignerKey>(SignerKey::generate("auto"));
  o.checkpoint_every_entries = 10;
  Ledger ledger = Ledger::open(dir_.file("a.ledger"), o);
  TenantLedger t = ledger.tenant("acme corp+eu");
  for (int i = 0; i < 35; ++i) t.append(make_event());
  const auto stored = t.checkpoints();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].tree_size, 10u);
  EXPECT_EQ(stored[2].tree_size, 30u);
}

TEST_F(Checkpoints, AreWrittenAutomaticallyOnceTheIntervalHasPassed) {
  ledger_->close();
  OpenOptions o;
  o.checkpoint_signer = std::make_shared<SignerKey>(SignerKey::generate("auto"));
  o.checkpoint_interval = std::chrono::seconds(1);
  Ledger ledger = Ledger::open(dir_.file("a.ledger"), o);
  TenantLedger t = ledger.tenant("acme corp+eu");
  t.append(make_event());  // no checkpoint yet: the first is due at once
  ASSERT_EQ(t.checkpoints().size(), 1u);
  t.append(make_event());  // within the interval: none
  EXPECT_EQ(t.checkpoints().size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  t.append(make_event());
  ASSERT_EQ(t.checkpoints().size(), 2u);
  EXPECT_EQ(t.checkpoints()[1].tree_size, 3u);
}

TEST_F(Checkpoints, ASealRefusesEventsThatOccurredInTheClosedPeriod) {
  append(3);
  const Timestamp month_end = Timestamp::parse("2026-10-31T23:59:59.999999Z");
  const Checkpoint seal = t_->seal(month_end, key_);
  EXPECT_EQ(seal.sealed_through, month_end);
  EXPECT_NE(seal.note.find("\nseal 2026-10-31T23:59:59.999999Z\n"), std::string::npos);

  Event late = make_event("invoice.create");
  late.occurred_at = Timestamp::parse("2026-10-15T12:00:00Z");
  EXPECT_AUDITCHAIN_ERROR(t_->append(late), ErrorCode::kSealed, "occurred_at");
  late.occurred_at = month_end;
  EXPECT_AUDITCHAIN_ERROR(t_->append(late), ErrorCode::kSealed, "occurred_at");
  EXPECT_EQ(t_->head().seq, 3u);
  late.occurred_at = Timestamp::parse("2026-11-01T00:00:00Z");
  EXPECT_EQ(t_->append(late).seq, 4u);
  t_->append(make_event());  // no occurred_at: it happened now
}

TEST_F(Checkpoints, ASealCannotCloseTheFutureOrReopenThePast) {
  append(1);
  EXPECT_AUDITCHAIN_ERROR(t_->seal(Timestamp{Timestamp::now().micros + 86400000000}, key_),
                          ErrorCode::kInvalidArgument, "through");
  t_->seal(Timestamp::parse("2026-10-31T00:00:00Z"), key_);
  EXPECT_AUDITCHAIN_ERROR(t_->seal(Timestamp::parse("2026-09-30T00:00:00Z"), key_), ErrorCode::kInvalidArgument,
                          "through");
}

TEST_F(Checkpoints, EveryInclusionProofVerifiesOfflineWithTheKey) {
  append(13);
  t_->checkpoint(key_);
  append(4);
  const VerifierKey v = key_.verifier();
  for (std::uint64_t seq = 1; seq <= 13; ++seq) {
    const InclusionProof p = t_->prove_inclusion(seq);  // defaults to the checkpoint of 13
    EXPECT_EQ(p.tree_size, 13u);
    ASSERT_TRUE(p.checkpoint.has_value());
    const ProofVerdict verdict = verify_proof_json(proof_to_json(p), std::span(&v, 1));
    EXPECT_TRUE(verdict.valid) << (verdict.problems.empty() ? "" : verdict.problems[0]);
  }
  // Entry 15 is not covered by a checkpoint: the proof is for the head, unsigned.
  const InclusionProof head = t_->prove_inclusion(15);
  EXPECT_EQ(head.tree_size, 17u);
  EXPECT_FALSE(head.checkpoint);
  EXPECT_TRUE(verify_proof_json(proof_to_json(head), {}).valid);
  EXPECT_FALSE(verify_proof_json(proof_to_json(head), std::span(&v, 1)).valid);
}

TEST_F(Checkpoints, AnAlteredInclusionProofDoesNotVerify) {
  append(9);
  t_->checkpoint(key_);
  const VerifierKey v = key_.verifier();
  const InclusionProof p = t_->prove_inclusion(4);
  InclusionProof changed_entry = p;
  changed_entry.entry.replace(changed_entry.entry.find("invoice.update"), 14, "invoice.delete");
  EXPECT_FALSE(verify_proof_json(proof_to_json(changed_entry), std::span(&v, 1)).valid);
  InclusionProof changed_path = p;
  changed_path.path[1].bytes[0] ^= 1;
  EXPECT_FALSE(verify_proof_json(proof_to_json(changed_path), std::span(&v, 1)).valid);
  InclusionProof changed_root = p;
  changed_root.root.bytes[0] ^= 1;
  EXPECT_FALSE(verify_proof_json(proof_to_json(changed_root), std::span(&v, 1)).valid);
  const SignerKey stranger = SignerKey::generate("audit.example/acme");
  const VerifierKey sv = stranger.verifier();
  EXPECT_FALSE(verify_proof_json(proof_to_json(p), std::span(&sv, 1)).valid);
}

TEST_F(Checkpoints, ConsistencyProofsLinkOldCheckpointsToNewOnes) {
  append(6);
  t_->checkpoint(key_);
  append(11);
  t_->checkpoint(key_);
  const VerifierKey v = key_.verifier();
  const ConsistencyProof p = t_->prove_consistency(6);
  EXPECT_EQ(p.new_size, 17u);
  EXPECT_TRUE(p.old_checkpoint && p.new_checkpoint);
  const ProofVerdict ok = verify_proof_json(proof_to_json(p), std::span(&v, 1));
  EXPECT_TRUE(ok.valid) << (ok.problems.empty() ? "" : ok.problems[0]);
  ConsistencyProof forged = p;
  forged.old_root.bytes[3] ^= 1;
  EXPECT_FALSE(verify_proof_json(proof_to_json(forged), std::span(&v, 1)).valid);
  for (std::uint64_t m = 1; m <= 17; ++m) {
    for (std::uint64_t n = m; n <= 17; ++n) {
      EXPECT_TRUE(verify_proof_json(proof_to_json(t_->prove_consistency(m, n)), {}).valid) << m << "->" << n;
    }
  }
  EXPECT_AUDITCHAIN_ERROR(t_->prove_consistency(0), ErrorCode::kInvalidArgument, "size");
  EXPECT_AUDITCHAIN_ERROR(t_->prove_consistency(5, 18), ErrorCode::kInvalidArgument, "size");
}

TEST(ProofJson, TextThatIsNotAProofIsAnError) {
  EXPECT_AUDITCHAIN_ERROR(verify_proof_json("{}", {}), ErrorCode::kInvalidArgument, "proof");
  EXPECT_AUDITCHAIN_ERROR(verify_proof_json("not json", {}), ErrorCode::kInvalidArgument, "proof");
  EXPECT_AUDITCHAIN_ERROR(verify_proof_json(R"({"proof":"other","format":1,"ledger":"x","tenant":"t"})", {}),
                          ErrorCode::kInvalidArgument, "proof");
}

}  // namespace
}  // namespace auditchain
