// bundle_paths.cc — audit paths for many entries, from the stored nodes.
#include "bundle_paths.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "auditchain/error.hpp"
#include "merkle.hpp"
#include "merkle_store.hpp"

namespace auditchain::detail {

AuditPaths::AuditPaths(Database& db, std::int64_t tenant_id, std::uint64_t tree_size)
    : select_(prepare_node_select(db)),
      tenant_id_(tenant_id),
      size_(tree_size) {}

void AuditPaths::offer(std::uint64_t seq, std::string_view merkle) {
  // The row of seq holds node (L, seq/2^L - 1) for L = 0, 1, ... while seq is
  // a multiple of 2^L.
  const std::size_t levels = std::min<std::size_t>(merkle.size() / Hash::kSize, recent_.size());
  for (std::size_t level = 0; level < levels && (seq & ((std::uint64_t{1} << level) - 1)) == 0; ++level) {
    Slot& slot = recent_[level];
    slot.index = (seq >> level) - 1;
    std::memcpy(slot.hash.bytes.data(), merkle.data() + level * Hash::kSize, Hash::kSize);
  }
}

Hash AuditPaths::node(unsigned level, std::uint64_t index) {
  Slot& slot = recent_[level];
  if (slot.index == index) return slot.hash;
  slot.hash = stored_node(select_, tenant_id_, level, index);
  slot.index = index;
  return slot.hash;
}

Hash AuditPaths::suffix_root(std::uint64_t begin) {
  for (const auto& [start, hash] : suffixes_) {
    if (start == begin) return hash;
  }
  const Hash root = merkle::subtree_root(begin, size_, [this](unsigned level, std::uint64_t index) {
    return node(level, index);
  });
  suffixes_.emplace_back(begin, root);
  return root;
}

const std::vector<Hash>& AuditPaths::path(std::uint64_t index) {
  path_.clear();
  std::uint64_t begin = 0;
  std::uint64_t end = size_;
  // Walk down from the root; the left part of every split is a perfect
  // subtree, and so is the right part except on the tree's right edge.
  while (end - begin > 1) {
    const std::uint64_t k = std::bit_floor(end - begin - 1);
    const auto level = static_cast<unsigned>(std::countr_zero(k));
    if (index < begin + k) {
      path_.push_back(end == size_ ? suffix_root(begin + k) : node(level, (begin + k) >> level));
      end = begin + k;
    } else {
      path_.push_back(node(level, begin >> level));
      begin += k;
    }
  }
  std::reverse(path_.begin(), path_.end());
  return path_;
}

}  // namespace auditchain::detail
