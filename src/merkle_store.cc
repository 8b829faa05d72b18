// merkle_store.cc — a tenant's Merkle tree as kept in the ledger file.
#include "merkle_store.hpp"

#include <bit>
#include <cstring>

namespace auditchain::detail {

Statement prepare_node_select(Database& db) {
  return db.prepare("SELECT merkle FROM entries WHERE tenant_id = ?1 AND seq = ?2");
}

Hash stored_node(Statement& select, std::int64_t tenant_id, unsigned level, std::uint64_t index) {
  const std::uint64_t seq = (index + 1) << level;
  select.reset();
  select.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(seq));
  if (!select.step()) {
    throw Error(ErrorCode::kCorrupt, "Merkle node at level " + std::to_string(level) + " is missing: entry " +
                                         std::to_string(seq) + " does not exist; run auditchain verify");
  }
  const std::string_view blob = select.column_blob(0);
  if (blob.size() < (level + 1) * Hash::kSize) {
    throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(seq) + " holds too few Merkle nodes; run auditchain verify");
  }
  Hash h;
  std::memcpy(h.bytes.data(), blob.data() + level * Hash::kSize, Hash::kSize);
  return h;
}

MerkleStore::MerkleStore(Database& db, std::int64_t tenant_id) : select_(prepare_node_select(db)), tenant_id_(tenant_id) {}

Hash MerkleStore::node(unsigned level, std::uint64_t index) {
  const auto key = std::pair{level, index};
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  const Hash h = stored_node(select_, tenant_id_, level, index);
  cache_.emplace(key, h);
  return h;
}

merkle::NodeSource MerkleStore::source() {
  return [this](unsigned level, std::uint64_t index) { return node(level, index); };
}

merkle::Frontier MerkleStore::frontier(std::uint64_t size) {
  std::vector<Hash> nodes;
  std::uint64_t start = 0;
  for (int level = 63; level >= 0; --level) {
    const std::uint64_t width = std::uint64_t{1} << level;
    if (size & width) {
      nodes.push_back(node(static_cast<unsigned>(level), start >> level));
      start += width;
    }
  }
  return merkle::Frontier(size, std::move(nodes));
}

Hash MerkleStore::root(std::uint64_t size) { return frontier(size).root(); }

}  // namespace auditchain::detail
