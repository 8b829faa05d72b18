// merkle_test.cc — RFC 6962 tree heads and proofs, checked against the
// Certificate Transparency reference vectors (leaves D[0..8) below).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "merkle.hpp"
#include "sha256.hpp"

namespace auditchain::detail::merkle {
namespace {

std::string unhex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  EXPECT_TRUE(from_hex(hex, reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
  return out;
}
Hash h(std::string_view hex) { return Hash::from_hex(hex); }

// The reference leaves and the roots of the trees of 0..8 of them.
const std::vector<std::string> kLeafData = {
    unhex(""), unhex("00"), unhex("10"), unhex("2021"), unhex("3031"), unhex("40414243"),
    unhex("5051525354555657"), unhex("606162636465666768696a6b6c6d6e6f")};
const std::vector<std::string> kRoots = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

// A store of every perfect node, filled the way the ledger fills it.
struct NodeStore {
  std::map<std::pair<unsigned, std::uint64_t>, Hash> nodes;
  Frontier frontier;
  void add(const Hash& leaf) {
    std::vector<Hash> completed;
    const std::uint64_t index = frontier.size();
    frontier.append(leaf, &completed);
    for (unsigned level = 0; level < completed.size(); ++level) nodes[{level, index >> level}] = completed[level];
  }
  NodeSource source() const {
    return [this](unsigned level, std::uint64_t index) { return nodes.at({level, index}); };
  }
};

NodeStore reference_tree(std::size_t n) {
  NodeStore store;
  for (std::size_t i = 0; i < n; ++i) store.add(leaf_hash(kLeafData[i]));
  return store;
}

std::vector<Hash> hashes(std::initializer_list<const char*> hex) {
  std::vector<Hash> out;
  for (const char* x : hex) out.push_back(h(x));
  return out;
}

TEST(Merkle, TreeHeadsMatchTheReferenceForEverySize) {
  EXPECT_EQ(empty_root().hex(), kRoots[0]);
  EXPECT_EQ(Frontier().root().hex(), kRoots[0]);
  NodeStore store;
  for (std::size_t n = 1; n <= 8; ++n) {
    store.add(leaf_hash(kLeafData[n - 1]));
    EXPECT_EQ(store.frontier.root().hex(), kRoots[n]) << "size " << n;
    EXPECT_EQ(subtree_root(0, n, store.source()).hex(), kRoots[n]) << "size " << n;
  }
}

TEST(Merkle, InclusionProofsMatchTheReference) {
  const NodeStore store = reference_tree(8);
  struct Case {
    std::uint64_t index, size;
    std::vector<Hash> path;
  };
  const std::vector<Case> cases = {
      {0, 8, hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8, hashes({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 3, hashes({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5, hashes({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(inclusion_path(c.index, c.size, store.source()), c.path) << c.index << "/" << c.size;
    const Hash leaf = leaf_hash(kLeafData[c.index]);
    EXPECT_TRUE(verify_inclusion(c.index, c.size, leaf, c.path, h(kRoots[c.size])));
    EXPECT_FALSE(verify_inclusion(c.index, c.size, leaf, c.path, h(kRoots[c.size - 1])));
    EXPECT_FALSE(verify_inclusion(c.index, c.size, leaf_hash("x"), c.path, h(kRoots[c.size])));
  }
}

TEST(Merkle, ConsistencyProofsMatchTheReference) {
  const NodeStore store = reference_tree(8);
  struct Case {
    std::uint64_t old_size, new_size;
    std::vector<Hash> path;
  };
  const std::vector<Case> cases = {
      {1, 1, {}},
      {1, 8, hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8, hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5, hashes({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(consistency_path(c.old_size, c.new_size, store.source()), c.path) << c.old_size << "->" << c.new_size;
    EXPECT_TRUE(verify_consistency(c.old_size, c.new_size, h(kRoots[c.old_size]), h(kRoots[c.new_size]), c.path));
  }
  // The 6 -> 8 proof does not reconcile a different old root.
  EXPECT_FALSE(verify_consistency(6, 8, h(kRoots[5]), h(kRoots[8]), cases[2].path));
}

TEST(Merkle, EveryProofOfManyTreeShapesVerifiesAndNoAlteredOneDoes) {
  std::mt19937 rng(6962);
  NodeStore store;
  std::vector<Hash> leaves;
  std::vector<Hash> roots = {empty_root()};
  for (int i = 0; i < 70; ++i) {
    leaves.push_back(leaf_hash(std::to_string(rng())));
    store.add(leaves.back());
    roots.push_back(store.frontier.root());
  }
  for (std::uint64_t size = 1; size <= 70; ++size) {
    for (std::uint64_t index = 0; index < size; ++index) {
      auto path = inclusion_path(index, size, store.source());
      ASSERT_TRUE(verify_inclusion(index, size, leaves[index], path, roots[size])) << index << "/" << size;
      if (!path.empty()) {
        path.back().bytes[0] ^= 1;
        EXPECT_FALSE(verify_inclusion(index, size, leaves[index], path, roots[size]));
      }
    }
    for (std::uint64_t old_size = 1; old_size <= size; ++old_size) {
      auto path = consistency_path(old_size, size, store.source());
      ASSERT_TRUE(verify_consistency(old_size, size, roots[old_size], roots[size], path)) << old_size << "->" << size;
      Hash altered = roots[old_size];
      altered.bytes[31] ^= 1;
      EXPECT_FALSE(verify_consistency(old_size, size, altered, roots[size], path));
    }
  }
}

TEST(Merkle, AFrontierRebuiltFromStoredNodesContinuesTheSameTree) {
  NodeStore store = reference_tree(5);  // 5 = 4 + 1: nodes (2,0) and (0,4)
  Frontier rebuilt(5, {store.nodes.at({2, 0}), store.nodes.at({0, 4})});
  EXPECT_EQ(rebuilt.root().hex(), kRoots[5]);
  rebuilt.append(leaf_hash(kLeafData[5]));
  EXPECT_EQ(rebuilt.root().hex(), kRoots[6]);
  EXPECT_THROW(Frontier(5, {store.nodes.at({2, 0})}), std::invalid_argument);
}

}  // namespace
}  // namespace auditchain::detail::merkle
