// merkle_store.hpp — a tenant's Merkle tree as kept in the ledger file.
//
// Each entry row's `merkle` column holds the roots of the perfect subtrees
// that end at that entry, lowest level first: the leaf hash, then (when the
// entry completes a pair) its parent, and so on. Node (level L, index j) thus
// lives in the row of seq (j+1)*2^L at bytes [32L, 32L+32). Appending writes
// O(1) hashes on average and at most log2(n)+1; any node is one row read away.
#pragma once

#include <cstdint>
#include <map>

#include "merkle.hpp"
#include "sqlite.hpp"

namespace auditchain::detail {

// A statement reading one row's stored nodes, for stored_node().
Statement prepare_node_select(Database& db);

// Node (level, index) of the tenant's tree, read with a statement from
// prepare_node_select(). Throws Error(kCorrupt) when the row or node is missing.
Hash stored_node(Statement& select, std::int64_t tenant_id, unsigned level, std::uint64_t index);

class MerkleStore {
 public:
  MerkleStore(Database& db, std::int64_t tenant_id);

  // Node (level, index). Throws Error(kCorrupt) when the row or node is missing.
  Hash node(unsigned level, std::uint64_t index);
  merkle::NodeSource source();

  // The frontier (perfect-subtree roots) of the tree of the first `size` entries.
  merkle::Frontier frontier(std::uint64_t size);
  Hash root(std::uint64_t size);

 private:
  Statement select_;
  std::int64_t tenant_id_;
  std::map<std::pair<unsigned, std::uint64_t>, Hash> cache_;
};

}  // namespace auditchain::detail
