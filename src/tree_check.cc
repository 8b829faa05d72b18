// tree_check.cc — verifying a tenant's Merkle tree, checkpoints and seals.
#include "tree_check.hpp"

#include <cstring>

#include "auditchain/error.hpp"

namespace auditchain::detail {

TreeChecker::TreeChecker(std::string ledger_id, std::string tenant, const std::vector<StoredCheckpoint>& stored,
                         const std::vector<Checkpoint>& trusted, const std::vector<VerifierKey>& keys, Report report)
    : ledger_id_(std::move(ledger_id)), tenant_(std::move(tenant)), report_(std::move(report)) {
  for (const StoredCheckpoint& s : stored) {
    Checkpoint c;
    try {
      c = keys.empty() ? parse_checkpoint(s.note) : open_checkpoint(s.note, keys);
    } catch (const Error& e) {
      report_(0, FindingKind::kBadCheckpoint,
              "the stored checkpoint of size " + std::to_string(s.tree_size) + " is not valid: " + e.what());
      continue;
    }
    if (c.tree_size != s.tree_size || c.root != s.root || c.ledger_id != ledger_id_ || c.tenant != tenant_) {
      report_(0, FindingKind::kBadCheckpoint,
              "a stored checkpoint's note does not say what its table row says (size " + std::to_string(s.tree_size) +
                  "): the row or the note was altered");
      continue;
    }
    claim(c.tree_size, {"the stored checkpoint", c.root, false});
    if (c.sealed_through) seals_.emplace_back(c.tree_size, *c.sealed_through);
  }
  for (const Checkpoint& c : trusted) {
    if (c.ledger_id != ledger_id_ || c.tenant != tenant_) continue;  // another tenant's
    claim(c.tree_size, {"the trusted checkpoint", c.root, true});
    if (c.sealed_through) seals_.emplace_back(c.tree_size, *c.sealed_through);
  }
}

void TreeChecker::claim(std::uint64_t size, Claim c) {
  for (auto [it, end] = claims_.equal_range(size); it != end; ++it) {
    if (it->second.root != c.root) {
      report_(size, FindingKind::kConflictingCheckpoints,
              "two checkpoints of size " + std::to_string(size) + " state different roots (" + it->second.source +
                  " and " + c.source + "): the ledger was forked or rewritten after one was signed");
      break;
    }
  }
  claims_.emplace(size, std::move(c));
  if (size == 0) {
    for (auto [it, end] = claims_.equal_range(0); it != end; ++it) {
      if (it->second.root != merkle::empty_root()) {
        report_(0, FindingKind::kCheckpointMismatch, it->second.source + " of size 0 states a root other than the empty tree's");
      }
    }
  }
}

void TreeChecker::entry(std::uint64_t seq, const Hash& leaf, std::string_view stored_nodes,
                        const std::optional<Timestamp>& occurred_at) {
  completed_.clear();
  frontier_.append(leaf, &completed_);
  const bool nodes_ok = stored_nodes.size() == completed_.size() * Hash::kSize &&
                        [&] {
                          for (std::size_t i = 0; i < completed_.size(); ++i) {
                            if (std::memcmp(stored_nodes.data() + i * Hash::kSize, completed_[i].bytes.data(),
                                            Hash::kSize) != 0) {
                              return false;
                            }
                          }
                          return true;
                        }();
  if (!nodes_ok) {
    report_(seq, FindingKind::kColumnMismatch,
            "entry " + std::to_string(seq) + ": the stored Merkle nodes disagree with the entries' bytes");
  }
  for (const auto& [size, through] : seals_) {
    if (seq > size && occurred_at && *occurred_at <= through) {
      report_(seq, FindingKind::kSealBroken,
              "entry " + std::to_string(seq) + " was appended after the period through " + through.to_string() +
                  " was sealed, yet claims to have occurred at " + occurred_at->to_string());
      break;
    }
  }
  auto [it, end] = claims_.equal_range(seq);
  if (it == end) return;
  const Hash root = frontier_.root();
  for (; it != end; ++it) {
    if (it->second.root != root) {
      report_(seq, FindingKind::kCheckpointMismatch,
              it->second.source + " of size " + std::to_string(seq) + " states root " + it->second.root.hex().substr(0, 16) +
                  "…, but entries 1.." + std::to_string(seq) + " give " + root.hex().substr(0, 16) +
                  "…: entries up to " + std::to_string(seq) + " were rewritten after it was signed");
    }
  }
}

void TreeChecker::finish() {
  const std::uint64_t head = frontier_.size();
  for (auto it = claims_.upper_bound(head); it != claims_.end(); ++it) {
    report_(head + 1, FindingKind::kTruncated,
            it->second.source + " vouches for " + std::to_string(it->first) + " entries, but the ledger holds " +
                std::to_string(head) + ": entries were cut off the end, or the file was replaced by an older copy");
  }
}

}  // namespace auditchain::detail
