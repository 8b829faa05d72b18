// fuzz_merkle.cc — RFC 6962 Merkle roots and proofs, driven by the input.
//
// Two halves. First, the proof checkers run on arbitrary sizes, indices and
// paths (what a forged proof file can hold) and must simply answer. Second,
// for a tree of up to a few hundred leaves chosen by the input: the roots the
// frontier and the perfect-node walk give equal the RFC 6962 definition
// computed directly, the proofs the library builds verify, and a proof with
// one bit changed, for another leaf, or against another root does not.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "merkle.hpp"

using namespace auditchain;
namespace merkle = auditchain::detail::merkle;

namespace {

Hash consume_hash(FuzzedDataProvider& in) {
  Hash h;
  const std::vector<std::uint8_t> b = in.ConsumeBytes<std::uint8_t>(Hash::kSize);
  std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

// MTH of RFC 6962 section 2.1, straight from its definition.
Hash reference_root(const std::vector<Hash>& leaves, std::size_t begin, std::size_t end) {
  const std::size_t n = end - begin;
  if (n == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return merkle::node_hash(reference_root(leaves, begin, begin + k), reference_root(leaves, begin + k, end));
}

// All perfect nodes of a tree, by level, as the ledger keeps them.
struct PerfectNodes {
  std::vector<std::vector<Hash>> levels;
  explicit PerfectNodes(const std::vector<Hash>& leaves) : levels{leaves} {
    while (levels.back().size() >= 2) {
      const std::vector<Hash>& below = levels.back();
      std::vector<Hash> up;
      for (std::size_t i = 0; i + 1 < below.size(); i += 2) up.push_back(merkle::node_hash(below[i], below[i + 1]));
      levels.push_back(std::move(up));
    }
  }
  merkle::NodeSource source() const {
    return [this](unsigned level, std::uint64_t index) {
      FUZZ_CHECK_MSG(level < levels.size() && index < levels[level].size(),
                     "asked for a node that is not a perfect subtree: level " + std::to_string(level) + " index " +
                         std::to_string(index));
      return levels[level][index];
    };
  }
};

void flip_bit(std::vector<Hash>& path, FuzzedDataProvider& in) {
  const std::size_t which = in.ConsumeIntegralInRange<std::size_t>(0, path.size() - 1);
  const std::size_t bit = in.ConsumeIntegralInRange<std::size_t>(0, Hash::kSize * 8 - 1);
  path[which].bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
}

void arbitrary_checks(FuzzedDataProvider& in) {
  const auto index = in.ConsumeIntegral<std::uint64_t>();
  const auto size = in.ConsumeIntegral<std::uint64_t>();
  const auto old_size = in.ConsumeIntegral<std::uint64_t>();
  const Hash leaf = consume_hash(in);
  const Hash root = consume_hash(in);
  std::vector<Hash> path(in.ConsumeIntegralInRange<std::size_t>(0, 70));
  for (Hash& h : path) h = consume_hash(in);
  const bool included = merkle::verify_inclusion(index, size, leaf, path, root);
  if (included) FUZZ_CHECK(index < size);
  const bool consistent = merkle::verify_consistency(old_size, size, leaf, root, path);
  if (consistent) FUZZ_CHECK(old_size >= 1 && old_size <= size);
}

void honest_tree_checks(FuzzedDataProvider& in) {
  const auto n = in.ConsumeIntegralInRange<std::uint64_t>(1, 300);
  std::vector<Hash> leaves;
  for (std::uint64_t i = 0; i < n; ++i) leaves.push_back(merkle::leaf_hash("entry " + std::to_string(i)));
  const PerfectNodes nodes(leaves);
  const merkle::NodeSource source = nodes.source();

  merkle::Frontier frontier;
  std::vector<Hash> roots;  // roots[m] is the root of the first m leaves
  roots.push_back(frontier.root());
  FUZZ_CHECK(roots[0] == merkle::empty_root());
  for (const Hash& leaf : leaves) {
    frontier.append(leaf);
    roots.push_back(frontier.root());
  }
  const Hash root = roots[n];
  FUZZ_CHECK(root == reference_root(leaves, 0, n));
  FUZZ_CHECK(merkle::subtree_root(0, n, source) == root);
  FUZZ_CHECK(merkle::Frontier(n, frontier.nodes()).root() == root);

  // Inclusion.
  const auto index = in.ConsumeIntegralInRange<std::uint64_t>(0, n - 1);
  std::vector<Hash> path = merkle::inclusion_path(index, n, source);
  FUZZ_CHECK(merkle::verify_inclusion(index, n, leaves[index], path, root));
  FUZZ_CHECK(!merkle::verify_inclusion(index, n, merkle::leaf_hash("another entry"), path, root));
  const auto other = in.ConsumeIntegralInRange<std::uint64_t>(0, n - 1);
  if (other != index) FUZZ_CHECK(!merkle::verify_inclusion(other, n, leaves[index], path, root));
  if (n > 1) FUZZ_CHECK(!merkle::verify_inclusion(index, n, leaves[index], path, roots[n - 1]));
  if (!path.empty()) {
    flip_bit(path, in);
    FUZZ_CHECK(!merkle::verify_inclusion(index, n, leaves[index], path, root));
  }

  // Consistency.
  const auto m = in.ConsumeIntegralInRange<std::uint64_t>(1, n);
  std::vector<Hash> proof = merkle::consistency_path(m, n, source);
  FUZZ_CHECK(merkle::verify_consistency(m, n, roots[m], root, proof));
  if (m < n) {
    FUZZ_CHECK(!merkle::verify_consistency(m, n, roots[m - 1], root, proof));
    FUZZ_CHECK(!merkle::verify_consistency(m, n, roots[m], roots[n - 1], proof));
  }
  if (!proof.empty()) {
    flip_bit(proof, in);
    FUZZ_CHECK(!merkle::verify_consistency(m, n, roots[m], root, proof));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    arbitrary_checks(in);
  } else {
    honest_tree_checks(in);
  }
  return 0;
}
