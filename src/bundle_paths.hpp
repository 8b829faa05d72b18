// bundle_paths.hpp — RFC 6962 audit paths for many entries in seq order,
// read from the Merkle nodes stored with the entries (merkle_store.hpp).
//
// A bundle carries one inclusion proof per exported entry. Asking the ledger
// for each proof separately would re-read the entry and recompute the root
// every time; this keeps the last node read at each level (consecutive leaves
// share most of their path) and the few roots of the tree's ragged right
// edge, so memory is constant and each entry costs about two row reads.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "auditchain/entry.hpp"
#include "sqlite.hpp"

namespace auditchain::detail {

class AuditPaths {
 public:
  // Paths in the tree of the tenant's first `tree_size` entries.
  AuditPaths(Database& db, std::int64_t tenant_id, std::uint64_t tree_size);

  // Hands over the nodes stored with entry `seq` (its merkle column), which
  // the caller read anyway; saves reading them again.
  void offer(std::uint64_t seq, std::string_view merkle);

  // The audit path PATH(index, D[0:tree_size]) from the leaf upwards.
  // REQUIRES: index < tree_size. Throws Error(kCorrupt) when a stored node is
  // missing. The reference stays valid until the next call.
  const std::vector<Hash>& path(std::uint64_t index);

 private:
  Hash node(unsigned level, std::uint64_t index);
  // MTH(D[begin:tree_size)).
  Hash suffix_root(std::uint64_t begin);

  struct Slot {
    std::uint64_t index = ~std::uint64_t{0};
    Hash hash;
  };
  Statement select_;
  std::int64_t tenant_id_;
  std::uint64_t size_;
  std::array<Slot, 64> recent_{};
  std::vector<std::pair<std::uint64_t, Hash>> suffixes_;
  std::vector<Hash> path_;
};

}  // namespace auditchain::detail
