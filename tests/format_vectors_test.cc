// format_vectors_test.cc — the test vectors of docs/FORMAT.md hold for the code.
//
// The vectors are read from the document itself, so the specification and
// the implementation cannot drift apart unnoticed.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "auditchain/auditchain.hpp"
#include "entry_codec.hpp"
#include "json.hpp"
#include "merkle.hpp"
#include "sha256.hpp"
#include "validate.hpp"

namespace auditchain {
namespace {

using Block = std::map<std::string, std::string>;

// The fenced blocks of docs/FORMAT.md whose info string is `kind`, as key: value maps.
std::vector<Block> blocks(const std::string& kind) {
  std::ifstream in(std::string(AUDITCHAIN_SOURCE_DIR) + "/docs/FORMAT.md");
  EXPECT_TRUE(in.good()) << "docs/FORMAT.md not found";
  std::vector<Block> out;
  std::string line;
  Block* current = nullptr;
  while (std::getline(in, line)) {
    if (current == nullptr && line == "```" + kind) {
      current = &out.emplace_back();
    } else if (current != nullptr && line == "```") {
      current = nullptr;
    } else if (current != nullptr) {
      const auto colon = line.find(": ");
      if (colon != std::string::npos) (*current)[line.substr(0, colon)] = line.substr(colon + 2);
    }
  }
  return out;
}

// The raw text of the first fenced block whose info string is `kind`.
std::string raw_block(const std::string& kind) {
  std::ifstream in(std::string(AUDITCHAIN_SOURCE_DIR) + "/docs/FORMAT.md");
  std::string line, text;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```" + kind) {
      inside = true;
    } else if (inside && line == "```") {
      return text;
    } else if (inside) {
      text += line + "\n";
    }
  }
  ADD_FAILURE() << "no ```" << kind << " block in docs/FORMAT.md";
  return text;
}

TEST(FormatVectors, TheDocumentHoldsAtLeastFourEntryVectorsAndTwoGenesisValues) {
  EXPECT_GE(blocks("vector").size(), 4u);
  EXPECT_GE(blocks("genesis").size(), 2u);
}

TEST(FormatVectors, GenesisValuesMatch) {
  for (const Block& b : blocks("genesis")) {
    EXPECT_EQ(detail::genesis_bytes(b.at("ledger"), b.at("tenant")), b.at("bytes"));
    EXPECT_EQ(genesis_hash(b.at("ledger"), b.at("tenant")).hex(), b.at("sha256"));
  }
}

TEST(FormatVectors, EncodingTheInputsGivesExactlyTheDocumentedBytesAndHash) {
  for (const Block& b : blocks("vector")) {
    SCOPED_TRACE(b.at("name"));
    const Event event = detail::prepare_event(parse_event_json(b.at("event")));
    const detail::ChainFields chain{b.at("ledger"), b.at("tenant"), std::stoull(b.at("seq")),
                                    Hash::from_hex(b.at("prev")), Timestamp::parse(b.at("recorded_at"))};
    const std::string bytes = detail::encode_entry(event, chain);
    EXPECT_EQ(bytes, b.at("bytes"));
    EXPECT_EQ(detail::sha256(bytes).hex(), b.at("sha256"));
  }
}

TEST(FormatVectors, DocumentedBytesAreCanonicalAndDecodeToTheChainFields) {
  for (const Block& b : blocks("vector")) {
    SCOPED_TRACE(b.at("name"));
    const std::string& bytes = b.at("bytes");
    EXPECT_EQ(json::canonical(json::parse(bytes)), bytes);
    const detail::DecodedEntry d = detail::decode_entry(bytes);
    EXPECT_EQ(d.ledger_id, b.at("ledger"));
    EXPECT_EQ(d.entry.tenant, b.at("tenant"));
    EXPECT_EQ(d.entry.seq, std::stoull(b.at("seq")));
    EXPECT_EQ(d.entry.prev_hash.hex(), b.at("prev"));
    EXPECT_EQ(d.entry.recorded_at.to_string(), b.at("recorded_at"));
    // Re-encoding what was decoded gives the same bytes: nothing is lost.
    const detail::ChainFields chain{d.ledger_id, d.entry.tenant, d.entry.seq, d.entry.prev_hash, d.entry.recorded_at};
    EXPECT_EQ(detail::encode_entry(d.entry.event, chain), bytes);
  }
}

TEST(FormatVectors, TheSecondVectorLinksToTheFirst) {
  const auto v = blocks("vector");
  ASSERT_GE(v.size(), 2u);
  EXPECT_EQ(v[0].at("seq"), "1");
  EXPECT_EQ(v[1].at("seq"), "2");
  EXPECT_EQ(v[1].at("prev"), v[0].at("sha256"));
  EXPECT_EQ(v[0].at("prev"), genesis_hash(v[0].at("ledger"), v[0].at("tenant")).hex());
}

TEST(FormatVectors, TheTreeOfTheFirstTwoEntriesHasTheDocumentedLeavesAndRoot) {
  const auto v = blocks("vector");
  const Block tree = blocks("merkle").at(0);
  const Hash l1 = detail::merkle::leaf_hash(v.at(0).at("bytes"));
  const Hash l2 = detail::merkle::leaf_hash(v.at(1).at("bytes"));
  EXPECT_EQ(l1.hex(), tree.at("leaf 1"));
  EXPECT_EQ(l2.hex(), tree.at("leaf 2"));
  EXPECT_EQ(detail::merkle::node_hash(l1, l2).hex(), tree.at("root 2"));
}

TEST(FormatVectors, TheCheckpointVectorIsReproducedBySigningAndOpensWithTheKey) {
  const Block keys = blocks("keys").at(0);
  const SignerKey signer = SignerKey::parse(keys.at("signer"));
  EXPECT_EQ(signer.verifier().to_text(), keys.at("verifier"));
  const std::string note = raw_block("note");
  const Checkpoint c = parse_checkpoint(note);
  EXPECT_EQ(c.tree_size, 2u);
  EXPECT_EQ(c.root.hex(), blocks("merkle").at(0).at("root 2"));
  EXPECT_EQ(sign_note(checkpoint_body(c), signer), note);
  const VerifierKey v = VerifierKey::parse(keys.at("verifier"));
  EXPECT_EQ(open_checkpoint(note, std::span(&v, 1)).tenant, "acme");
}

TEST(FormatVectors, TheProofVectorVerifiesWithTheKeyAndEmbedsTheCheckpoint) {
  const VerifierKey v = VerifierKey::parse(blocks("keys").at(0).at("verifier"));
  std::string proof = raw_block("proof");
  proof.pop_back();  // the block's newline
  const ProofVerdict verdict = verify_proof_json(proof, std::span(&v, 1));
  EXPECT_TRUE(verdict.valid) << (verdict.problems.empty() ? "" : verdict.problems[0]);
  EXPECT_NE(proof.find(json_quote(raw_block("note"))), std::string::npos);
}

TEST(FormatVectors, TheConsistencyVectorLinksTheTreeOfOneEntryToTheTreeOfTwo) {
  std::string proof = raw_block("consistency");
  proof.pop_back();
  const ProofVerdict verdict = verify_proof_json(proof, {});
  EXPECT_TRUE(verdict.valid) << (verdict.problems.empty() ? "" : verdict.problems[0]);
  EXPECT_EQ(verdict.kind, "consistency");
  const Block tree = blocks("merkle").at(0);
  EXPECT_NE(proof.find(tree.at("leaf 1")), std::string::npos);  // the old root is entry 1's leaf
  EXPECT_NE(proof.find(tree.at("root 2")), std::string::npos);
  std::string altered = proof;
  altered.replace(altered.find(tree.at("leaf 2")), 4, "0000");
  EXPECT_FALSE(verify_proof_json(altered, {}).valid);
}

TEST(EntryCodec, EveryEncodedEntryIsCanonical) {
  // A field set that exercises every optional member, in every combination of presence.
  for (int mask = 0; mask < 64; ++mask) {
    Event e;
    e.action = "a.b";
    e.actor.id = "u";
    if (mask & 1) e.target = Target{"t", "i"};
    if (mask & 2) e.after = R"({"z":1,"a":[true,null,"x"]})";
    if (mask & 4) e.amount = Amount{"1.5", "EUR"};
    if (mask & 8) e.metadata = {{"b", "1"}, {"a", "2"}};
    if (mask & 16) e.ai = AiProvenance{"m", "1", "0.5", SourceDocument{"u", std::string(64, 'a')}, Rule{"r", "1"}};
    if (mask & 32) {
      e.sensitive = true;
      e.derived_from = 1;
      e.occurred_at = Timestamp{0};
      e.actor.ip = "10.0.0.1";
      e.actor.on_behalf_of = "o";
    }
    const Event prepared = detail::prepare_event(e);
    const std::string bytes = detail::encode_entry(prepared, {"00112233445566778899aabbccddeeff", "t", 2, Hash{}, Timestamp{1}});
    EXPECT_EQ(json::canonical(json::parse(bytes)), bytes) << bytes;
    EXPECT_NO_THROW(detail::decode_entry(bytes)) << bytes;
  }
}

TEST(EntryCodec, BytesThatAreNotCanonicalAreRefused) {
  const std::string good = blocks("vector").at(0).at("bytes");
  EXPECT_NO_THROW(detail::decode_entry(good));
  std::string spaced = good;
  spaced.insert(1, " ");
  EXPECT_THROW(detail::decode_entry(spaced), detail::DecodeError);
  std::string unknown = good;
  unknown.insert(1, "\"aaa\":1,");
  EXPECT_THROW(detail::decode_entry(unknown), detail::DecodeError);
  EXPECT_THROW(detail::decode_entry("not json"), detail::DecodeError);
}

}  // namespace
}  // namespace auditchain
