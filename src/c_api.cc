// c_api.cc — the C ABI (auditchain.h): the library, ledgers, tenants,
// appending and reading. Proofs and keys are in c_api_proofs.cc, exports and
// protected values in c_api_exports.cc.
#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "auditchain/auditchain.h"
#include "c_api_internal.hpp"
#include "entry_codec.hpp"

using namespace auditchain;
using capi::guarded;
using capi::handle;

namespace {

constexpr std::uint64_t kMaxBatchBytes = std::uint64_t{1} << 30;

// Keys shared with the ledger. make_shared would instantiate control blocks
// over the library's exported key types, which the shared library would then
// export too; a deleter local to this file keeps them internal.
struct DeleteKey {
  template <class T>
  void operator()(const T* p) const noexcept {
    delete p;
  }
};
template <class T>
std::shared_ptr<const T> share(T&& key) {
  return std::shared_ptr<const T>(new T(std::move(key)), DeleteKey{});
}

Durability parse_durability(const capi::ObjectReader& r) {
  const auto text = r.string("durability");
  if (!text || *text == "full") return Durability::kFull;
  if (*text == "normal") return Durability::kNormal;
  if (*text == "off") return Durability::kOff;
  r.fail("durability", "must be \"full\", \"normal\" or \"off\"");
}

OpenOptions open_options(const char* options_json) {
  OpenOptions o;
  if (options_json == nullptr) return o;
  json::Value v = capi::parse_param(options_json, "options_json");
  // Key texts are secrets: wipe the parsed copies however this ends.
  struct Wipe {
    json::Value& v;
    ~Wipe() { capi::wipe_strings(v); }
  } wipe{v};
  const capi::ObjectReader r(v, "options_json",
                             {"create_if_missing", "read_only", "durability", "busy_timeout_ms", "master_keys",
                              "checkpoint_signer", "checkpoint_every_entries", "checkpoint_interval_s",
                              "group_commit_max_batch", "group_commit_wait_us"});
  o.create_if_missing = r.boolean("create_if_missing").value_or(true);
  o.read_only = r.boolean("read_only").value_or(false);
  o.durability = parse_durability(r);
  if (const auto ms = r.integer("busy_timeout_ms", 0, std::numeric_limits<std::int32_t>::max())) {
    o.busy_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
  }
  if (const json::Value* keys = r.find("master_keys")) {
    if (!keys->is_array()) r.fail("master_keys", "must be an array of master key texts");
    for (std::size_t i = 0; i < keys->as_array().size(); ++i) {
      const json::Value& key = keys->as_array()[i];
      const std::string field = r.field("master_keys") + "[" + std::to_string(i) + "]";
      if (!key.is_string()) throw Error(ErrorCode::kInvalidArgument, field + ": must be a master key text", field);
      try {
        o.master_keys.push_back(share(MasterKey::parse(key.as_string())));
      } catch (const Error& e) {
        throw Error(e.code(), field + ": " + e.what(), field);
      }
    }
  }
  if (const json::Value* signer = r.find("checkpoint_signer")) {
    if (!signer->is_string()) r.fail("checkpoint_signer", "must be a signer key text");
    try {
      o.checkpoint_signer = share(SignerKey::parse(signer->as_string()));
    } catch (const Error& e) {
      throw Error(e.code(), r.field("checkpoint_signer") + ": " + e.what(), r.field("checkpoint_signer"));
    }
  }
  o.checkpoint_every_entries = r.integer("checkpoint_every_entries").value_or(0);
  o.checkpoint_interval = std::chrono::seconds(static_cast<std::int64_t>(r.integer("checkpoint_interval_s").value_or(0)));
  if (const auto n = r.integer("group_commit_max_batch", 1)) o.group_commit_max_batch = static_cast<std::size_t>(*n);
  if (const auto us = r.integer("group_commit_wait_us", 0, 1000000)) {
    o.group_commit_wait = std::chrono::microseconds(static_cast<std::int64_t>(*us));
  }
  return o;
}

Query parse_query(const char* query_json) {
  Query q;
  if (query_json == nullptr) return q;
  const json::Value v = capi::parse_param(query_json, "query_json");
  const capi::ObjectReader r(v, "query_json",
                             {"seq_from", "seq_to", "from", "to", "action_prefix", "target_type", "target_id",
                              "actor_id", "sensitive_only", "high_risk_only", "limit"});
  q.seq_from = r.integer("seq_from").value_or(1);
  q.seq_to = r.integer("seq_to");
  q.recorded_from = r.time("from");
  q.recorded_to = r.time("to");
  q.action_prefix = r.string("action_prefix");
  q.target_type = r.string("target_type");
  q.target_id = r.string("target_id");
  q.actor_id = r.string("actor_id");
  q.sensitive_only = r.boolean("sensitive_only").value_or(false);
  q.high_risk_only = r.boolean("high_risk_only").value_or(false);
  q.limit = r.integer("limit").value_or(0);
  return q;
}

// The events of a batch. Each is read exactly as auditchain_tenant_append
// reads one, and a message about one names its index.
std::vector<Event> parse_events(const char* events_json) {
  const json::Value v = capi::parse_param(events_json, "events_json", kMaxBatchBytes);
  if (!v.is_array()) throw Error(ErrorCode::kInvalidArgument, "events_json: must be a JSON array of events", "events_json");
  std::vector<Event> events;
  events.reserve(v.as_array().size());
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    try {
      const json::Value& event = v.as_array()[i];
      events.push_back(detail::checked_event([&] { return detail::event_from_json_value(event); }));
    } catch (const Error& e) {
      throw Error(e.code(), "events_json[" + std::to_string(i) + "]: " + e.what(), e.field());
    }
  }
  return events;
}

TenantMode tenant_mode(int mode) {
  switch (mode) {
    case AUDITCHAIN_TENANT_MUST_EXIST: return TenantMode::kMustExist;
    case AUDITCHAIN_TENANT_CREATE_IF_MISSING: return TenantMode::kCreateIfMissing;
    case AUDITCHAIN_TENANT_CREATE_ON_APPEND: return TenantMode::kCreateOnAppend;
    default: break;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "mode: must be AUDITCHAIN_TENANT_MUST_EXIST, AUDITCHAIN_TENANT_CREATE_IF_MISSING or "
              "AUDITCHAIN_TENANT_CREATE_ON_APPEND, not " + std::to_string(mode),
              "mode");
}

}  // namespace

extern "C" {

// ---- the library -----------------------------------------------------------

const char* auditchain_version(void) noexcept { return auditchain::version(); }

int auditchain_version_number(void) noexcept {
  return AUDITCHAIN_VERSION_MAJOR * 10000 + AUDITCHAIN_VERSION_MINOR * 100 + AUDITCHAIN_VERSION_PATCH;
}

const char* auditchain_code_name(int code) noexcept {
  if (code == AUDITCHAIN_DONE) return "done";
  if (code < AUDITCHAIN_OK || code > AUDITCHAIN_WRONG_KEY) return "unknown";
  return error_code_name(static_cast<ErrorCode>(code));
}

void auditchain_free(void* p) noexcept {
  if (p == nullptr) return;
  // Everything handed out is NUL-terminated text, some of it secret.
  sodium_memzero(p, std::strlen(static_cast<const char*>(p)));
  std::free(p);
}

// ---- ledgers ---------------------------------------------------------------

int auditchain_ledger_open(const char* path, const char* options_json, auditchain_ledger** out,
                           char** errmsg) noexcept {
  if (out != nullptr) *out = nullptr;
  return guarded(errmsg, {}, [&] {
    capi::require(path, "path");
    capi::require(out, "out");
    const OpenOptions options = open_options(options_json);
    *out = new auditchain_ledger{Ledger::open(path, options)};
    return AUDITCHAIN_OK;
  });
}

void auditchain_ledger_close(auditchain_ledger* ledger) noexcept {
  if (ledger == nullptr) return;
  try {
    ledger->ledger.close();
  } catch (...) {
    // Closing releases the file in any case; nothing to report to.
  }
  delete ledger;
}

int auditchain_ledger_info(auditchain_ledger* ledger, char** info_json, char** errmsg) noexcept {
  return guarded(errmsg, {info_json}, [&] {
    const Ledger& l = handle(ledger, "ledger").ledger;
    capi::require(info_json, "info_json");
    std::string out = "{\"id\":" + json_quote(l.id());
    out += ",\"path\":" + json_quote(l.path());
    out += ",\"format_version\":" + std::to_string(l.format_version());
    out += ",\"tenants\":" + capi::string_array(l.tenants());
    out += ",\"master_key_ids\":" + capi::string_array(l.master_key_ids()) + "}";
    *info_json = capi::copy_out(out);
    return AUDITCHAIN_OK;
  });
}

int auditchain_ledger_rotate_master_key(auditchain_ledger* ledger, const char* new_key_text, char** errmsg) noexcept {
  return guarded(errmsg, {}, [&] {
    Ledger& l = handle(ledger, "ledger").ledger;
    capi::require(new_key_text, "new_key_text");
    l.rotate_master_key(share(MasterKey::parse(new_key_text)));
    return AUDITCHAIN_OK;
  });
}

// ---- tenants ---------------------------------------------------------------

int auditchain_tenant_open(auditchain_ledger* ledger, const char* name, int mode, auditchain_tenant** out,
                           char** errmsg) noexcept {
  if (out != nullptr) *out = nullptr;
  return guarded(errmsg, {}, [&] {
    Ledger& l = handle(ledger, "ledger").ledger;
    capi::require(name, "name");
    capi::require(out, "out");
    const TenantMode m = tenant_mode(mode);
    *out = new auditchain_tenant{l.tenant(name, m)};
    return AUDITCHAIN_OK;
  });
}

void auditchain_tenant_close(auditchain_tenant* tenant) noexcept { delete tenant; }

int auditchain_tenant_append(auditchain_tenant* tenant, const char* event_json, char** receipt_json,
                             char** errmsg) noexcept {
  return guarded(errmsg, {receipt_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(event_json, "event_json");
    capi::require(receipt_json, "receipt_json");
    const Event event = parse_event_json(event_json);
    *receipt_json = capi::copy_out(capi::receipt_to_json(t.append(event)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_append_batch(auditchain_tenant* tenant, const char* events_json, char** receipts_json,
                                   char** errmsg) noexcept {
  return guarded(errmsg, {receipts_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(events_json, "events_json");
    capi::require(receipts_json, "receipts_json");
    const std::vector<Event> events = parse_events(events_json);
    *receipts_json = capi::copy_out(capi::receipts_to_json(t.append_batch(events)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_read(auditchain_tenant* tenant, uint64_t seq, char** entry_json, char** errmsg) noexcept {
  return guarded(errmsg, {entry_json}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(entry_json, "entry_json");
    std::string out = capi::entry_to_json(t.read(seq));
    *entry_json = capi::copy_out(out);
    capi::wipe(out);  // may hold decrypted values
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_head(auditchain_tenant* tenant, char** head_json, char** errmsg) noexcept {
  return guarded(errmsg, {head_json}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(head_json, "head_json");
    *head_json = capi::copy_out(capi::head_to_json(t.head()));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_entries(auditchain_tenant* tenant, const char* query_json, auditchain_cursor** out,
                              char** errmsg) noexcept {
  if (out != nullptr) *out = nullptr;
  return guarded(errmsg, {}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(out, "out");
    const Query query = parse_query(query_json);
    *out = new auditchain_cursor{t.entries(query)};
    return AUDITCHAIN_OK;
  });
}

int auditchain_cursor_next(auditchain_cursor* cursor, char** entry_json, char** errmsg) noexcept {
  return guarded(errmsg, {entry_json}, [&] {
    EntryCursor& c = handle(cursor, "cursor").cursor;
    capi::require(entry_json, "entry_json");
    Entry entry;
    if (!c.next(entry)) return AUDITCHAIN_DONE;
    std::string out = capi::entry_to_json(entry);
    *entry_json = capi::copy_out(out);
    capi::wipe(out);
    return AUDITCHAIN_OK;
  });
}

void auditchain_cursor_close(auditchain_cursor* cursor) noexcept { delete cursor; }

}  // extern "C"
