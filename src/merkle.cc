// merkle.cc — RFC 6962 / RFC 9162 Merkle tree hashing and proofs.
#include "merkle.hpp"

#include <sodium.h>

#include <bit>
#include <stdexcept>

#include "sha256.hpp"

namespace auditchain::detail::merkle {
namespace {

// The largest power of two smaller than n. REQUIRES: n > 1.
std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

void append_subproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool whole, const NodeSource& node,
                     std::vector<Hash>& out) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(subtree_root(begin, end, node));
    return;
  }
  const std::uint64_t k = split_point(n);
  if (m <= k) {
    append_subproof(m, begin, begin + k, whole, node, out);
    out.push_back(subtree_root(begin + k, end, node));
  } else {
    append_subproof(m - k, begin + k, end, false, node, out);
    out.push_back(subtree_root(begin, begin + k, node));
  }
}

}  // namespace

Hash leaf_hash(std::string_view bytes) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const unsigned char prefix = 0x00;
  crypto_hash_sha256_update(&state, &prefix, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  Hash h;
  crypto_hash_sha256_final(&state, h.bytes.data());
  return h;
}

Hash node_hash(const Hash& left, const Hash& right) {
  unsigned char buf[1 + 2 * Hash::kSize];
  buf[0] = 0x01;
  std::copy(left.bytes.begin(), left.bytes.end(), buf + 1);
  std::copy(right.bytes.begin(), right.bytes.end(), buf + 1 + Hash::kSize);
  Hash h;
  crypto_hash_sha256(h.bytes.data(), buf, sizeof buf);
  return h;
}

Hash empty_root() { return sha256(std::string_view()); }

Frontier::Frontier(std::uint64_t size, std::vector<Hash> nodes) : size_(size), nodes_(std::move(nodes)) {
  if (static_cast<std::size_t>(std::popcount(size)) != nodes_.size()) {
    throw std::invalid_argument("a Merkle frontier needs one node per set bit of its size");
  }
}

void Frontier::append(const Hash& leaf, std::vector<Hash>* completed) {
  Hash h = leaf;
  if (completed) completed->push_back(h);
  // Each trailing one-bit of the old size is a perfect subtree of the same
  // height waiting for a right sibling: merge upwards.
  for (std::uint64_t s = size_; s & 1; s >>= 1) {
    h = node_hash(nodes_.back(), h);
    nodes_.pop_back();
    if (completed) completed->push_back(h);
  }
  nodes_.push_back(h);
  ++size_;
}

Hash Frontier::root() const {
  if (nodes_.empty()) return empty_root();
  Hash r = nodes_.back();
  for (auto it = nodes_.rbegin() + 1; it != nodes_.rend(); ++it) r = node_hash(*it, r);
  return r;
}

Hash subtree_root(std::uint64_t begin, std::uint64_t end, const NodeSource& node) {
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return node(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  const std::uint64_t k = split_point(n);
  return node_hash(subtree_root(begin, begin + k, node), subtree_root(begin + k, end, node));
}

std::vector<Hash> inclusion_path(std::uint64_t index, std::uint64_t size, const NodeSource& node) {
  std::vector<Hash> path;
  std::uint64_t begin = 0;
  std::uint64_t end = size;
  // Walk down from the root, collecting the sibling of each subtree holding
  // the leaf; the path lists them from the leaf upwards.
  std::vector<Hash> reversed;
  while (end - begin > 1) {
    const std::uint64_t k = split_point(end - begin);
    if (index < begin + k) {
      reversed.push_back(subtree_root(begin + k, end, node));
      end = begin + k;
    } else {
      reversed.push_back(subtree_root(begin, begin + k, node));
      begin += k;
    }
  }
  path.assign(reversed.rbegin(), reversed.rend());
  return path;
}

std::vector<Hash> consistency_path(std::uint64_t old_size, std::uint64_t new_size, const NodeSource& node) {
  std::vector<Hash> out;
  if (old_size == 0 || old_size > new_size) throw std::invalid_argument("consistency proof sizes out of order");
  if (old_size == new_size) return out;
  append_subproof(old_size, 0, new_size, true, node, out);
  return out;
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, const std::vector<Hash>& path,
                      const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                        const std::vector<Hash>& path) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return path.empty() && old_root == new_root;
  std::vector<Hash> p = path;
  if (std::has_single_bit(old_size)) p.insert(p.begin(), old_root);
  if (p.empty()) return false;
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = p[0];
  Hash sr = p[0];
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = node_hash(p[i], fr);
      sr = node_hash(p[i], sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, p[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace auditchain::detail::merkle
