// proof.cc — inclusion and consistency proofs: building, JSON, checking offline.
#include <algorithm>

#include "auditchain/checkpoint.hpp"
#include "auditchain/error.hpp"
#include "auditchain/json_io.hpp"
#include "auditchain/ledger.hpp"
#include "entry_codec.hpp"
#include "json.hpp"
#include "ledger_state.hpp"
#include "merkle_store.hpp"

namespace auditchain {
namespace {

constexpr std::int64_t kProofFormat = 1;

// The newest stored checkpoint of exactly `size`, if any.
std::optional<std::string> checkpoint_of_size(const std::vector<Checkpoint>& stored, std::uint64_t size) {
  for (auto it = stored.rbegin(); it != stored.rend(); ++it) {
    if (it->tree_size == size) return it->note;
  }
  return std::nullopt;
}

void append_hashes(std::string& out, const std::vector<Hash>& path) {
  out += '[';
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) out += ',';
    out += '"' + path[i].hex() + '"';
  }
  out += ']';
}

std::string optional_note(const std::optional<std::string>& note) { return note ? json_quote(*note) : "null"; }

// Reading a proof document.
class ProofReader {
 public:
  explicit ProofReader(std::string_view text) {
    try {
      root_ = json::parse(text);
    } catch (const json::ParseError& e) {
      fail(std::string("not JSON: ") + e.what());
    }
    if (!root_.is_object()) fail("not a JSON object");
  }
  [[noreturn]] static void fail(const std::string& what) {
    throw Error(ErrorCode::kInvalidArgument, "not an auditchain proof: " + what, "proof");
  }
  const json::Value& member(std::string_view name, json::Type type) const {
    const json::Value* v = root_.find(name);
    if (v == nullptr || v->type() != type) fail("member \"" + std::string(name) + "\" missing or of the wrong type");
    return *v;
  }
  std::string string(std::string_view name) const { return member(name, json::Type::kString).as_string(); }
  std::uint64_t count(std::string_view name) const {
    const std::int64_t v = member(name, json::Type::kInteger).as_integer();
    if (v < 0) fail("member \"" + std::string(name) + "\" is negative");
    return static_cast<std::uint64_t>(v);
  }
  Hash hash(std::string_view name) const { return parse_hash(string(name)); }
  std::vector<Hash> path() const {
    std::vector<Hash> out;
    for (const json::Value& v : member("path", json::Type::kArray).as_array()) {
      if (!v.is_string()) fail("a path element is not a string");
      out.push_back(parse_hash(v.as_string()));
    }
    return out;
  }
  std::optional<std::string> note(std::string_view name) const {
    const json::Value* v = root_.find(name);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail("member \"" + std::string(name) + "\" is not a string");
    return v->as_string();
  }

 private:
  static Hash parse_hash(const std::string& hex) {
    try {
      return Hash::from_hex(hex);
    } catch (const Error&) {
      fail("a hash is not 64 hex digits");
    }
  }
  json::Value root_;
};

// Checks that `note` is a checkpoint signed by a trusted key for this ledger,
// tenant, size and root; adds what is wrong to `problems`.
void check_checkpoint(const std::optional<std::string>& note, std::span<const VerifierKey> keys,
                      const std::string& ledger, const std::string& tenant, std::uint64_t size, const Hash& root,
                      std::vector<std::string>& problems) {
  const std::string what = "the checkpoint of size " + std::to_string(size);
  if (!note) {
    problems.push_back("the proof carries no signed checkpoint of size " + std::to_string(size) +
                       ", so nothing vouches for its root");
    return;
  }
  Checkpoint c;
  try {
    c = open_checkpoint(*note, keys);
  } catch (const Error& e) {
    problems.push_back(what + ": " + e.what());
    return;
  }
  if (c.ledger_id != ledger || c.tenant != tenant) problems.push_back(what + " is for another ledger or tenant");
  if (c.tree_size != size) problems.push_back(what + " states size " + std::to_string(c.tree_size));
  if (c.root != root) problems.push_back(what + " states a different root than the proof");
}

}  // namespace

InclusionProof TenantLedger::prove_inclusion(std::uint64_t seq, std::optional<std::uint64_t> tree_size) const {
  auto lease = state_->reader();
  detail::Database& db = lease.db();
  detail::Transaction snapshot(db, "BEGIN");
  const std::int64_t tenant_id = id(db);
  const std::uint64_t head = detail::read_head(db, tenant_id).seq;
  if (seq == 0 || seq > head) {
    throw Error(ErrorCode::kNotFound, "tenant \"" + name_ + "\" has no entry " + std::to_string(seq), "seq");
  }
  const std::vector<Checkpoint> stored = detail::stored_checkpoints(db, tenant_id);
  std::uint64_t size = head;
  if (tree_size) {
    size = *tree_size;
  } else {
    for (auto it = stored.rbegin(); it != stored.rend(); ++it) {
      if (it->tree_size >= seq && it->tree_size <= head) {
        size = it->tree_size;
        break;
      }
    }
  }
  if (size < seq || size > head) {
    throw Error(ErrorCode::kInvalidArgument,
                "size: must lie between the entry (" + std::to_string(seq) + ") and the head (" + std::to_string(head) + ")",
                "size");
  }
  InclusionProof proof;
  proof.ledger_id = state_->ledger_id;
  proof.tenant = name_;
  proof.seq = seq;
  proof.tree_size = size;
  detail::Statement body = db.prepare("SELECT body FROM entries WHERE tenant_id = ?1 AND seq = ?2");
  body.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(seq));
  if (!body.step()) throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(seq) + " is missing; run auditchain verify");
  proof.entry = body.column_blob(0);
  detail::MerkleStore store(db, tenant_id);
  proof.path = detail::merkle::inclusion_path(seq - 1, size, store.source());
  proof.root = store.root(size);
  proof.checkpoint = checkpoint_of_size(stored, size);
  return proof;
}

ConsistencyProof TenantLedger::prove_consistency(std::uint64_t old_size, std::optional<std::uint64_t> new_size) const {
  auto lease = state_->reader();
  detail::Database& db = lease.db();
  detail::Transaction snapshot(db, "BEGIN");
  const std::int64_t tenant_id = id(db);
  const std::uint64_t head = detail::read_head(db, tenant_id).seq;
  const std::uint64_t n = new_size.value_or(head);
  if (old_size == 0 || old_size > n || n > head) {
    throw Error(ErrorCode::kInvalidArgument,
                "sizes: need 1 <= from-size <= to-size <= " + std::to_string(head) + " (the head of \"" + name_ + "\")",
                "size");
  }
  const std::vector<Checkpoint> stored = detail::stored_checkpoints(db, tenant_id);
  detail::MerkleStore store(db, tenant_id);
  ConsistencyProof proof;
  proof.ledger_id = state_->ledger_id;
  proof.tenant = name_;
  proof.old_size = old_size;
  proof.new_size = n;
  proof.old_root = store.root(old_size);
  proof.new_root = store.root(n);
  proof.path = detail::merkle::consistency_path(old_size, n, store.source());
  proof.old_checkpoint = checkpoint_of_size(stored, old_size);
  proof.new_checkpoint = checkpoint_of_size(stored, n);
  return proof;
}

std::string proof_to_json(const InclusionProof& p) {
  std::string out = "{\"proof\":\"inclusion\",\"format\":" + std::to_string(kProofFormat);
  out += ",\"ledger\":" + json_quote(p.ledger_id) + ",\"tenant\":" + json_quote(p.tenant);
  out += ",\"seq\":" + std::to_string(p.seq) + ",\"leaf_index\":" + std::to_string(p.seq - 1);
  out += ",\"tree_size\":" + std::to_string(p.tree_size);
  out += ",\"entry\":" + json_quote(p.entry);
  out += ",\"leaf_hash\":\"" + detail::merkle::leaf_hash(p.entry).hex() + "\"";
  out += ",\"path\":";
  append_hashes(out, p.path);
  out += ",\"root\":\"" + p.root.hex() + "\"";
  out += ",\"checkpoint\":" + optional_note(p.checkpoint) + "}";
  return out;
}

std::string proof_to_json(const ConsistencyProof& p) {
  std::string out = "{\"proof\":\"consistency\",\"format\":" + std::to_string(kProofFormat);
  out += ",\"ledger\":" + json_quote(p.ledger_id) + ",\"tenant\":" + json_quote(p.tenant);
  out += ",\"old_size\":" + std::to_string(p.old_size) + ",\"new_size\":" + std::to_string(p.new_size);
  out += ",\"old_root\":\"" + p.old_root.hex() + "\",\"new_root\":\"" + p.new_root.hex() + "\"";
  out += ",\"path\":";
  append_hashes(out, p.path);
  out += ",\"old_checkpoint\":" + optional_note(p.old_checkpoint);
  out += ",\"new_checkpoint\":" + optional_note(p.new_checkpoint) + "}";
  return out;
}

ProofVerdict verify_proof_json(std::string_view text, std::span<const VerifierKey> keys) {
  const ProofReader r(text);
  ProofVerdict v;
  v.kind = r.string("proof");
  if (r.count("format") != static_cast<std::uint64_t>(kProofFormat)) ProofReader::fail("unsupported proof format");
  const std::string ledger = r.string("ledger");
  const std::string tenant = r.string("tenant");
  if (v.kind == "inclusion") {
    const std::uint64_t seq = r.count("seq");
    const std::uint64_t size = r.count("tree_size");
    const std::string entry = r.string("entry");
    const Hash root = r.hash("root");
    if (seq == 0) ProofReader::fail("seq must be 1 or more");
    try {
      const detail::DecodedEntry d = detail::decode_entry(entry);
      if (d.ledger_id != ledger || d.entry.tenant != tenant || d.entry.seq != seq) {
        v.problems.push_back("the entry is not entry " + std::to_string(seq) + " of tenant \"" + tenant + "\"");
      }
    } catch (const detail::DecodeError& e) {
      v.problems.push_back(std::string("the entry is not a valid entry: ") + e.what());
    }
    const Hash leaf = detail::merkle::leaf_hash(entry);
    if (r.hash("leaf_hash") != leaf) v.problems.push_back("leaf_hash is not the hash of the entry");
    if (!detail::merkle::verify_inclusion(seq - 1, size, leaf, r.path(), root)) {
      v.problems.push_back("the path does not lead from the entry to the root");
    }
    if (!keys.empty()) check_checkpoint(r.note("checkpoint"), keys, ledger, tenant, size, root, v.problems);
    v.summary = "entry " + std::to_string(seq) + " of tenant \"" + tenant + "\" in the tree of " + std::to_string(size) + " entries";
  } else if (v.kind == "consistency") {
    const std::uint64_t old_size = r.count("old_size");
    const std::uint64_t new_size = r.count("new_size");
    const Hash old_root = r.hash("old_root");
    const Hash new_root = r.hash("new_root");
    if (!detail::merkle::verify_consistency(old_size, new_size, old_root, new_root, r.path())) {
      v.problems.push_back("the path does not show the tree of " + std::to_string(old_size) +
                           " entries is a prefix of the tree of " + std::to_string(new_size));
    }
    if (!keys.empty()) {
      check_checkpoint(r.note("old_checkpoint"), keys, ledger, tenant, old_size, old_root, v.problems);
      check_checkpoint(r.note("new_checkpoint"), keys, ledger, tenant, new_size, new_root, v.problems);
    }
    v.summary = "tenant \"" + tenant + "\": the tree of " + std::to_string(old_size) +
                " entries is contained in the tree of " + std::to_string(new_size);
  } else {
    ProofReader::fail("unknown proof kind \"" + v.kind + "\"");
  }
  v.valid = v.problems.empty();
  return v;
}

}  // namespace auditchain
