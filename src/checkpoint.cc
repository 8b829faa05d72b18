// checkpoint.cc — checkpoint notes, and signing, storing and sealing them.
#include "auditchain/checkpoint.hpp"

#include <sodium.h>

#include <charconv>
#include <cstring>

#include "auditchain/error.hpp"
#include "auditchain/ledger.hpp"
#include "ledger_state.hpp"
#include "merkle_store.hpp"
#include "sha256.hpp"

namespace auditchain {
namespace {

constexpr std::string_view kOriginPrefix = "auditchain/";

[[noreturn]] void bad_checkpoint(const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, "not an auditchain checkpoint: " + what, "checkpoint");
}

// Tenant names may hold spaces and '+', which an origin line must not.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    std::uint8_t byte = 0;
    if (i + 2 >= s.size() || !detail::from_hex(s.substr(i + 1, 2), &byte, 1)) bad_checkpoint("bad percent-encoding in the origin");
    out += static_cast<char>(byte);
    i += 2;
  }
  return out;
}

std::string base64(const Hash& h) {
  char buf[64];
  sodium_bin2base64(buf, sizeof buf, h.bytes.data(), h.bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  return buf;
}

Hash unbase64_hash(std::string_view text) {
  Hash h;
  std::size_t len = 0;
  const char* end = nullptr;
  if (!detail::is_base64_text(text) ||
      sodium_base642bin(h.bytes.data(), h.bytes.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != Hash::kSize || end != text.data() + text.size()) {
    bad_checkpoint("the root hash line is not base64 of 32 bytes");
  }
  return h;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    if (eol == std::string_view::npos) bad_checkpoint("the body must end with a newline");
    lines.push_back(text.substr(0, eol));
    text.remove_prefix(eol + 1);
  }
  return lines;
}

Checkpoint parse_body(std::string_view text) {
  const std::vector<std::string_view> lines = lines_of(text);
  if (lines.size() < 4) bad_checkpoint("expected origin, size, root and time lines");
  Checkpoint c;
  const std::string_view origin = lines[0];
  if (origin.substr(0, kOriginPrefix.size()) != kOriginPrefix) bad_checkpoint("the origin does not start with auditchain/");
  const std::string_view rest = origin.substr(kOriginPrefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) bad_checkpoint("the origin lacks a tenant");
  c.ledger_id = rest.substr(0, slash);
  if (!detail::is_lower_hex(c.ledger_id, 16)) bad_checkpoint("the origin's ledger id is not 32 hex digits");
  c.tenant = percent_decode(rest.substr(slash + 1));
  const std::string_view size = lines[1];
  auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), c.tree_size);
  if (ec != std::errc() || ptr != size.data() + size.size() || size.empty() || (size.size() > 1 && size[0] == '0')) {
    bad_checkpoint("the tree size line is not a decimal number");
  }
  c.root = unbase64_hash(lines[2]);
  for (std::size_t i = 3; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    try {
      if (line.substr(0, 5) == "time ") {
        c.time = Timestamp::parse(line.substr(5), "checkpoint time");
      } else if (line.substr(0, 5) == "seal ") {
        c.sealed_through = Timestamp::parse(line.substr(5), "checkpoint seal");
      }
      // Other extension lines are allowed by the checkpoint format and ignored.
    } catch (const Error&) {
      bad_checkpoint("a time line is not an RFC 3339 time");
    }
  }
  if (lines[3].substr(0, 5) != "time ") bad_checkpoint("the fourth line must be the signing time");
  return c;
}

}  // namespace

std::string checkpoint_origin(std::string_view ledger_id, std::string_view tenant) {
  return std::string(kOriginPrefix) + std::string(ledger_id) + "/" + percent_encode(tenant);
}

std::string checkpoint_body(const Checkpoint& c) {
  std::string body = checkpoint_origin(c.ledger_id, c.tenant) + "\n" + std::to_string(c.tree_size) + "\n" +
                     base64(c.root) + "\n" + "time " + c.time.to_string() + "\n";
  if (c.sealed_through) body += "seal " + c.sealed_through->to_string() + "\n";
  return body;
}

Checkpoint parse_checkpoint(std::string_view note) {
  const SignedNote parsed = parse_note(note);
  Checkpoint c = parse_body(parsed.text);
  c.note = note;
  return c;
}

Checkpoint open_checkpoint(std::string_view note, std::span<const VerifierKey> keys) {
  const std::string text = open_note(note, keys);
  Checkpoint c = parse_body(text);
  c.note = note;
  return c;
}

namespace detail {

std::vector<Checkpoint> stored_checkpoints(Database& db, std::int64_t tenant_id) {
  Statement s = db.prepare("SELECT note FROM checkpoints WHERE tenant_id = ?1 ORDER BY id");
  s.bind(1, tenant_id);
  std::vector<Checkpoint> out;
  while (s.step()) out.push_back(parse_checkpoint(s.column_text(0)));
  return out;
}

// Signs and stores a checkpoint of the tenant's head inside a write transaction.
Checkpoint write_checkpoint(LedgerState& state, const std::string& tenant, const SignerKey& key,
                            std::optional<Timestamp> seal_through) {
  state.check_open();
  if (!state.writer) throw Error(ErrorCode::kReadOnly, "cannot checkpoint: the ledger is open read-only");
  Database& db = *state.writer;
  Transaction tx(db, "BEGIN IMMEDIATE");
  const std::int64_t tenant_id = ensure_tenant(state, db, tenant);
  StoredHead head = read_head(db, tenant_id);
  if (head.seq == 0) head.hash = genesis_hash(state.ledger_id, tenant);
  if (seal_through) {
    if (*seal_through > Timestamp::now()) {
      throw Error(ErrorCode::kInvalidArgument, "through: a period can only be sealed once it has ended", "through");
    }
    const std::optional<Timestamp> existing = sealed_through(db, tenant_id);
    if (existing && *seal_through < *existing) {
      throw Error(ErrorCode::kInvalidArgument,
                  "through: tenant \"" + tenant + "\" is already sealed through " + existing->to_string(), "through");
    }
  }
  Checkpoint c;
  c.ledger_id = state.ledger_id;
  c.tenant = tenant;
  c.tree_size = head.seq;
  c.root = load_frontier(state, tenant_id, db, head).root();
  c.time = Timestamp::now();
  c.sealed_through = seal_through;
  c.note = sign_note(checkpoint_body(c), key);
  Statement insert = db.prepare(
      "INSERT INTO checkpoints (tenant_id, tree_size, root, created_at, sealed_through, note)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(c.tree_size));
  insert.bind_blob(3, c.root.bytes.data(), c.root.bytes.size()).bind(4, c.time.to_string());
  if (seal_through) insert.bind(5, seal_through->to_string());
  insert.bind(6, c.note).run();
  tx.commit();
  return c;
}

// After an append: a checkpoint when the options ask for one.
void maybe_auto_checkpoint(LedgerState& state, std::int64_t tenant_id, const std::string& tenant) {
  const OpenOptions& o = state.options;
  if (!o.checkpoint_signer || (o.checkpoint_every_entries == 0 && o.checkpoint_interval.count() == 0)) return;
  Database& db = *state.writer;
  Statement last = db.prepare("SELECT tree_size, created_at FROM checkpoints WHERE tenant_id = ?1 ORDER BY id DESC LIMIT 1");
  last.bind(1, tenant_id);
  std::uint64_t last_size = 0;
  std::optional<Timestamp> last_time;
  if (last.step()) {
    last_size = static_cast<std::uint64_t>(last.column_int(0));
    last_time = Timestamp::parse(last.column_text(1));
  }
  const std::uint64_t head = read_head(db, tenant_id).seq;
  const bool by_count = o.checkpoint_every_entries > 0 && head - std::min(head, last_size) >= o.checkpoint_every_entries;
  const auto interval_us = std::chrono::duration_cast<std::chrono::microseconds>(o.checkpoint_interval).count();
  const bool by_time = interval_us > 0 && head > last_size &&
                       (!last_time || Timestamp::now().micros - last_time->micros >= interval_us);
  if (by_count || by_time) write_checkpoint(state, tenant, *o.checkpoint_signer, std::nullopt);
}

}  // namespace detail

Checkpoint TenantLedger::checkpoint(const SignerKey& key) {
  std::lock_guard tenant_lock(state_->tenant_lock(name_));
  std::lock_guard writer_lock(state_->writer_mutex);
  return detail::write_checkpoint(*state_, name_, key, std::nullopt);
}

Checkpoint TenantLedger::seal(Timestamp through, const SignerKey& key) {
  std::lock_guard tenant_lock(state_->tenant_lock(name_));
  std::lock_guard writer_lock(state_->writer_mutex);
  return detail::write_checkpoint(*state_, name_, key, through);
}

std::vector<Checkpoint> TenantLedger::checkpoints() const {
  auto lease = state_->reader();
  return detail::stored_checkpoints(lease.db(), id(lease.db()));
}

Hash TenantLedger::merkle_root(std::optional<std::uint64_t> size) const {
  auto lease = state_->reader();
  detail::Transaction snapshot(lease.db(), "BEGIN");
  const std::int64_t tenant_id = id(lease.db());
  const std::uint64_t head = detail::read_head(lease.db(), tenant_id).seq;
  const std::uint64_t n = size.value_or(head);
  if (n > head) {
    throw Error(ErrorCode::kInvalidArgument,
                "size: tenant \"" + name_ + "\" has " + std::to_string(head) + " entries, not " + std::to_string(n), "size");
  }
  return detail::MerkleStore(lease.db(), tenant_id).root(n);
}

}  // namespace auditchain
