// merkle.hpp — RFC 6962 / RFC 9162 Merkle tree hashing and proofs.
//
// Pure functions over hashes; where nodes are kept is the caller's business.
// A tree over leaves D[0..n) is described by its perfect subtrees: node
// (level L, index j) is the root of leaves [j*2^L, (j+1)*2^L). Every node a
// proof needs is either such a perfect node or built from them.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "auditchain/entry.hpp"

namespace auditchain::detail::merkle {

// SHA-256(0x00 || bytes).
Hash leaf_hash(std::string_view bytes);
// SHA-256(0x01 || left || right).
Hash node_hash(const Hash& left, const Hash& right);
// The root of the empty tree, SHA-256 of nothing.
Hash empty_root();

// The roots of the perfect subtrees covering leaves [0, size), largest first:
// what is needed to extend the tree or compute its root.
class Frontier {
 public:
  Frontier() = default;
  // REQUIRES: nodes are the roots for the set bits of `size`, largest first.
  Frontier(std::uint64_t size, std::vector<Hash> nodes);

  // Adds a leaf. `completed` receives the nodes this leaf completes, level 0
  // (the leaf) first: those are the perfect nodes that end at this leaf.
  void append(const Hash& leaf, std::vector<Hash>* completed = nullptr);
  Hash root() const;
  std::uint64_t size() const noexcept { return size_; }
  const std::vector<Hash>& nodes() const noexcept { return nodes_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> nodes_;
};

// Returns the perfect node (level, index). Throws when it cannot.
using NodeSource = std::function<Hash(unsigned level, std::uint64_t index)>;

// MTH(D[begin:end)) from perfect nodes.
Hash subtree_root(std::uint64_t begin, std::uint64_t end, const NodeSource& node);

// The audit path for leaf `index` in the tree of `size` leaves (RFC 6962 2.1.1).
// REQUIRES: index < size.
std::vector<Hash> inclusion_path(std::uint64_t index, std::uint64_t size, const NodeSource& node);

// The consistency proof from size `old_size` to `new_size` (RFC 6962 2.1.2).
// REQUIRES: 0 < old_size <= new_size.
std::vector<Hash> consistency_path(std::uint64_t old_size, std::uint64_t new_size, const NodeSource& node);

// RFC 9162 2.1.3.2: true when `path` proves `leaf` is leaf `index` of the tree
// of `size` leaves with root `root`.
bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, const std::vector<Hash>& path,
                      const Hash& root);

// RFC 9162 2.1.4.2: true when `path` proves the tree of `old_size` leaves with
// `old_root` is a prefix of the tree of `new_size` leaves with `new_root`.
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                        const std::vector<Hash>& path);

}  // namespace auditchain::detail::merkle
