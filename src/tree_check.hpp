// tree_check.hpp — verifying a tenant's Merkle tree, its checkpoints and seals
// while its chain is walked.
//
// Fed every entry in seq order from entry 1, it rebuilds the tree from the
// entries' bytes and checks: each entry's stored Merkle nodes; every stored
// checkpoint (its signature when keys are given, and its root at its size);
// every trusted checkpoint given from outside the ledger (signature, root at
// its size, and that the ledger still has that many entries); that no two
// checkpoints disagree about one size; and that no entry appended after a
// seal claims to have occurred inside the sealed period.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/checkpoint.hpp"
#include "auditchain/keys.hpp"
#include "auditchain/verify.hpp"
#include "merkle.hpp"

namespace auditchain::detail {

class TreeChecker {
 public:
  using Report = std::function<void(std::uint64_t seq, FindingKind kind, std::string detail)>;

  // `stored`: the notes in the tenant's checkpoints table with the size and
  // root its columns claim; their signatures are checked when `keys` are
  // given. `trusted`: checkpoints given by the auditor, already opened with
  // the keys (open_checkpoint); those of other tenants are ignored.
  struct StoredCheckpoint {
    std::string note;
    std::uint64_t tree_size = 0;
    Hash root;
  };
  TreeChecker(std::string ledger_id, std::string tenant, const std::vector<StoredCheckpoint>& stored,
              const std::vector<Checkpoint>& trusted, const std::vector<VerifierKey>& keys, Report report);

  // One entry, in seq order from 1. `leaf` is SHA-256(0x00 || bytes);
  // `stored_nodes` the entry's merkle column.
  void entry(std::uint64_t seq, const Hash& leaf, std::string_view stored_nodes,
             const std::optional<Timestamp>& occurred_at);

  // After the last entry: checkpoints beyond the head mean entries are gone.
  void finish();

  // How many entries were fed.
  std::uint64_t size() const noexcept { return frontier_.size(); }

 private:
  struct Claim {
    std::string source;  // "stored checkpoint" / "trusted checkpoint"
    Hash root;
    bool trusted = false;
  };
  void claim(std::uint64_t size, Claim c);

  std::string ledger_id_;
  std::string tenant_;
  Report report_;
  merkle::Frontier frontier_;
  std::vector<Hash> completed_;
  std::multimap<std::uint64_t, Claim> claims_;  // by tree size
  std::vector<std::pair<std::uint64_t, Timestamp>> seals_;  // (tree size, sealed through)
};

}  // namespace auditchain::detail
