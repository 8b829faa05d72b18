// protected_ops.cc — master-key registry, erasure of subjects, retention and
// purges, and checking secrets.
#include <algorithm>

#include "auditchain/error.hpp"
#include "auditchain/ledger.hpp"
#include "entry_codec.hpp"
#include "ledger_state.hpp"
#include "protect_fields.hpp"
#include "validate.hpp"
#include "vault.hpp"

namespace auditchain {
namespace detail {
namespace {

std::vector<std::string> registered_ids(Database& db) {
  Statement s = db.prepare("SELECT id FROM master_keys ORDER BY seq");
  std::vector<std::string> ids;
  while (s.step()) ids.emplace_back(s.column_text(0));
  return ids;
}

void register_key(Database& db, const std::string& id) {
  Statement s = db.prepare("INSERT INTO master_keys (id, registered_at) VALUES (?1, ?2)");
  s.bind(1, id).bind(2, Timestamp::now().to_string()).run();
}

std::string id_list(const std::vector<std::shared_ptr<const MasterKey>>& ring) {
  std::string out;
  for (const auto& k : ring) out += (out.empty() ? "" : ", ") + k->id();
  return out.empty() ? "none" : out;
}

// After destroying keys: the freed pages are zeroed (secure_delete), and the
// WAL, which still holds the old page images, is checkpointed and emptied.
void scrub_wal(LedgerState& state) {
  sqlite3_wal_checkpoint_v2(state.writer->get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

Event audit_event(std::string action, const Actor& actor) {
  Event e;
  e.action = std::move(action);
  e.actor = actor;
  return e;
}

}  // namespace

void check_master_keys(Database& db, const std::vector<std::shared_ptr<const MasterKey>>& ring, const std::string& path) {
  const std::vector<std::string> ids = registered_ids(db);
  if (ids.empty()) return;
  for (const auto& k : ring) {
    if (k && std::find(ids.begin(), ids.end(), k->id()) != ids.end()) return;
  }
  throw Error(ErrorCode::kWrongKey, "wrong master key for " + path + ": its keys are " + [&] {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
  }() + "; given: " + id_list(ring), "master_key");
}

TenantKeys current_tenant_keys(LedgerState& state, Database& db, std::string_view tenant) {
  const auto ring = state.ring();
  if (ring.empty()) {
    throw Error(ErrorCode::kWrongKey, "protected values need a master key, and none was given", "master_key");
  }
  std::vector<std::string> ids = registered_ids(db);
  if (ids.empty()) {
    register_key(db, ring.front()->id());
    ids.push_back(ring.front()->id());
  }
  for (const auto& k : ring) {
    if (k->id() == ids.back()) return derive_tenant_keys(*k, state.ledger_id, tenant);
  }
  throw Error(ErrorCode::kWrongKey,
              "the ledger writes protected values under master key " + ids.back() + ", which was not given (given: " +
                  id_list(ring) + ")",
              "master_key");
}

}  // namespace detail

void Ledger::rotate_master_key(std::shared_ptr<const MasterKey> key) {
  if (!key) throw Error(ErrorCode::kInvalidArgument, "rotate_master_key: no key", "master_key");
  std::lock_guard lock(state_->writer_mutex);
  state_->check_open();
  if (!state_->writer) throw Error(ErrorCode::kReadOnly, "cannot rotate keys: the ledger is open read-only");
  detail::Transaction tx(*state_->writer, "BEGIN IMMEDIATE");
  const auto ids = detail::registered_ids(*state_->writer);
  if (ids.empty() || ids.back() != key->id()) detail::register_key(*state_->writer, key->id());
  tx.commit();
  std::lock_guard keys_lock(state_->keys_mutex);
  auto& ring = state_->options.master_keys;
  if (std::none_of(ring.begin(), ring.end(), [&](const auto& k) { return k->id() == key->id(); })) {
    ring.insert(ring.begin(), std::move(key));
  }
}

std::vector<std::string> Ledger::master_key_ids() const {
  auto lease = state_->reader();
  return detail::registered_ids(lease.db());
}

Receipt TenantLedger::erase_subject(std::string_view subject, const Actor& actor) {
  detail::check_name(subject, "subject", 256);
  const auto ring = state_->ring();
  if (ring.empty()) throw Error(ErrorCode::kWrongKey, "erasing a subject needs the master key", "master_key");
  const Event erase = detail::audit_event("data.erase", actor);
  const AppendHook hook = [&](detail::Database& db, std::int64_t tenant_id, std::vector<Event>& events) {
    std::int64_t destroyed = 0;
    std::string reference;
    detail::Statement del = db.prepare("DELETE FROM data_keys WHERE tenant_id = ?1 AND kind = 'subject' AND label = ?2");
    for (const auto& master : ring) {
      const detail::TenantKeys keys = detail::derive_tenant_keys(*master, state_->ledger_id, name_);
      const std::string ref = detail::subject_reference(keys, subject);
      if (reference.empty()) reference = ref;
      del.reset();
      del.bind(1, tenant_id).bind(2, ref).run();
      destroyed += sqlite3_changes(db.get());
    }
    // The entry names the subject only by its keyed reference.
    events[0].metadata["subject_ref"] = reference;
    events[0].metadata["keys_destroyed"] = std::to_string(destroyed);
    events[0].sensitive = true;
  };
  Receipt r = append_events(std::span(&erase, 1), &hook).front();
  std::lock_guard lock(state_->writer_mutex);
  if (state_->writer) detail::scrub_wal(*state_);
  return r;
}

Receipt TenantLedger::set_retention(std::uint32_t days, const Actor& actor) {
  if (days == 0) throw Error(ErrorCode::kInvalidArgument, "retention: the period must be at least one day", "days");
  Event e = detail::audit_event("retention.set", actor);
  e.metadata["days"] = std::to_string(days);
  const AppendHook hook = [&](detail::Database& db, std::int64_t tenant_id, std::vector<Event>&) {
    detail::Statement s = db.prepare("INSERT INTO retention (tenant_id, days, set_at) VALUES (?1, ?2, ?3)");
    s.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(days)).bind(3, Timestamp::now().to_string()).run();
  };
  return append_events(std::span(&e, 1), &hook).front();
}

std::optional<std::uint32_t> TenantLedger::retention() const {
  auto lease = state_->reader();
  detail::Statement s = lease.db().prepare("SELECT days FROM retention WHERE tenant_id = ?1 ORDER BY id DESC LIMIT 1");
  s.bind(1, id(lease.db()));
  if (!s.step()) return std::nullopt;
  return static_cast<std::uint32_t>(s.column_int(0));
}

Receipt TenantLedger::purge_expired(const Actor& actor, std::optional<Timestamp> now) {
  const std::optional<std::uint32_t> days = retention();
  if (!days) throw Error(ErrorCode::kInvalidArgument, "purge: tenant \"" + name_ + "\" has no retention period", "days");
  const Timestamp at = now.value_or(Timestamp::now());
  // Day keys strictly before this day hold only values older than the period.
  const std::string cutoff = detail::day_label(Timestamp{at.micros - static_cast<std::int64_t>(*days) * 86400000000LL});
  Event e = detail::audit_event("data.purge", actor);
  const AppendHook hook = [&](detail::Database& db, std::int64_t tenant_id, std::vector<Event>& events) {
    detail::Statement del = db.prepare("DELETE FROM data_keys WHERE tenant_id = ?1 AND kind = 'day' AND label < ?2");
    del.bind(1, tenant_id).bind(2, cutoff).run();
    events[0].metadata["retention_days"] = std::to_string(*days);
    events[0].metadata["purged_before"] = cutoff;
    events[0].metadata["keys_destroyed"] = std::to_string(sqlite3_changes(db.get()));
  };
  Receipt r = append_events(std::span(&e, 1), &hook).front();
  std::lock_guard lock(state_->writer_mutex);
  if (state_->writer) detail::scrub_wal(*state_);
  return r;
}

bool TenantLedger::secret_matches(std::uint64_t seq, std::string_view pointer, std::string_view candidate) const {
  auto lease = state_->reader();
  detail::Statement s = lease.db().prepare("SELECT body FROM entries WHERE tenant_id = ?1 AND seq = ?2");
  s.bind(1, id(lease.db())).bind(2, static_cast<std::int64_t>(seq));
  if (!s.step()) throw Error(ErrorCode::kNotFound, "tenant \"" + name_ + "\" has no entry " + std::to_string(seq), "seq");
  const detail::DecodedEntry d = detail::decode_entry(s.column_blob(0));
  for (const auto& [where, value] : d.envelopes) {
    if (where != pointer) continue;
    const std::optional<detail::Envelope> env = detail::as_envelope(value);
    if (!env || env->type != "secret") break;
    for (const auto& master : state_->ring()) {
      if (master->id() != env->key_ids[0]) continue;
      const detail::TenantKeys keys = detail::derive_tenant_keys(*master, state_->ledger_id, name_);
      // The commitment covers the value's canonical JSON; a candidate matches
      // as a string, or as the JSON value it spells (a numeric code).
      std::string as_string;
      json::append_string(as_string, candidate);
      if (detail::commitment_matches(keys, *env, as_string)) return true;
      try {
        return detail::commitment_matches(keys, *env, json::canonical(json::parse(candidate)));
      } catch (const std::exception&) {
        return false;
      }
    }
    throw Error(ErrorCode::kWrongKey, "checking this secret needs master key " + env->key_ids[0], "master_key");
  }
  throw Error(ErrorCode::kInvalidArgument,
              "pointer: entry " + std::to_string(seq) + " holds no secret at " + std::string(pointer), "pointer");
}

}  // namespace auditchain
