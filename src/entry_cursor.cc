// entry_cursor.cc — streaming a tenant's entries through filters.
#include <limits>

#include "auditchain/ledger.hpp"
#include "entry_codec.hpp"
#include "ledger_state.hpp"
#include "protect_fields.hpp"
#include "schema.hpp"

namespace auditchain {
namespace detail {

Entry entry_from_row(const std::string& tenant, std::uint64_t seq, std::string_view hash, std::string_view body,
                     Revealer& revealer) {
  const auto corrupt = [&](const std::string& why) {
    return Error(ErrorCode::kCorrupt, "entry " + std::to_string(seq) + " of tenant \"" + tenant + "\" " + why +
                                          "; run auditchain verify");
  };
  DecodedEntry decoded;
  try {
    decoded = decode_entry(body);
  } catch (const DecodeError& e) {
    throw corrupt(std::string("cannot be decoded: ") + e.what());
  }
  Entry& entry = decoded.entry;
  if (entry.tenant != tenant) throw corrupt("names tenant \"" + entry.tenant + "\"");
  if (entry.seq != seq) throw corrupt("says it is entry " + std::to_string(entry.seq));
  if (hash.size() != Hash::kSize) throw corrupt("has a stored hash of the wrong size");
  std::copy(hash.begin(), hash.end(), entry.hash.bytes.begin());
  entry.bytes.assign(body);
  if (!decoded.envelopes.empty()) revealer.reveal(entry, decoded.envelopes);
  return std::move(entry);
}

struct CursorState {
  CursorState(ReaderLease l, std::string t, std::int64_t tenant_id, const LedgerState& state)
      : lease(std::move(l)),
        tenant(std::move(t)),
        ring(state.ring()),
        revealer(lease.db(), tenant_id, state.ledger_id, tenant, ring) {}
  ReaderLease lease;
  std::string tenant;
  std::vector<std::shared_ptr<const MasterKey>> ring;
  Revealer revealer;
  Statement statement;  // last: finalised before the connection goes back
};

}  // namespace detail

EntryCursor::EntryCursor(std::unique_ptr<detail::CursorState> state) : state_(std::move(state)) {}
EntryCursor::EntryCursor(EntryCursor&&) noexcept = default;
EntryCursor& EntryCursor::operator=(EntryCursor&&) noexcept = default;
EntryCursor::~EntryCursor() = default;

bool EntryCursor::next(Entry& out) {
  if (!state_) return false;
  detail::Statement& s = state_->statement;
  if (!s.step()) {
    state_.reset();  // gives the connection back and ends the snapshot
    return false;
  }
  out = detail::entry_from_row(state_->tenant, static_cast<std::uint64_t>(s.column_int(0)), s.column_blob(1),
                               s.column_blob(2), state_->revealer);
  return true;
}

EntryCursor TenantLedger::entries(const Query& q) const {
  auto lease = state_->reader();
  const std::int64_t tenant_id = id(lease.db());
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t from = std::max<std::uint64_t>(q.seq_from, 1);
  std::uint64_t to = std::min(q.seq_to.value_or(kMax), kMax);
  // Recorded times never decrease along a chain, so a time range is a seq range
  // found by binary search; the time predicates below still apply to each row.
  if (q.recorded_from) from = std::max(from, detail::first_seq_at_or_after(lease.db(), tenant_id, *q.recorded_from));
  if (q.recorded_to) {
    const std::uint64_t end = detail::first_seq_at_or_after(lease.db(), tenant_id, *q.recorded_to);
    to = std::min(to, end == 0 ? 0 : end - 1);
  }

  std::string sql = "SELECT seq, hash, body FROM entries WHERE tenant_id = ?1 AND seq >= ?2 AND seq <= ?3";
  int next_param = 4;
  std::vector<std::pair<int, std::string>> text_params;
  const auto add = [&](const char* clause, const std::string& value) {
    sql += clause;
    sql += std::to_string(next_param);
    text_params.emplace_back(next_param++, value);
  };
  if (q.recorded_from) add(" AND recorded_at >= ?", q.recorded_from->to_string());
  if (q.recorded_to) add(" AND recorded_at < ?", q.recorded_to->to_string());
  if (q.action_prefix && !q.action_prefix->empty()) {
    sql += " AND substr(action, 1, length(?" + std::to_string(next_param) + ")) = ?";
    add("", *q.action_prefix);
  }
  if (q.target_type) add(" AND target_type = ?", *q.target_type);
  if (q.target_id) add(" AND target_id = ?", *q.target_id);
  if (q.actor_id) add(" AND actor_id = ?", *q.actor_id);
  if (q.sensitive_only) sql += " AND (flags & " + std::to_string(detail::kFlagSensitive) + ") != 0";
  if (q.high_risk_only) sql += " AND (flags & " + std::to_string(detail::kFlagHighRisk) + ") != 0";
  sql += " ORDER BY seq";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(std::min(q.limit, kMax));

  auto state = std::make_unique<detail::CursorState>(std::move(lease), name_, tenant_id, *state_);
  detail::Statement& s = state->statement = state->lease.db().prepare(sql);
  s.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(from)).bind(3, static_cast<std::int64_t>(to));
  for (const auto& [index, value] : text_params) s.bind(index, value);
  return EntryCursor(std::move(state));
}

}  // namespace auditchain
