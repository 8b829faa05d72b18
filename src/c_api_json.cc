// c_api_json.cc — the JSON the C ABI reads from its caller (options,
// queries, actors, keys) and writes for it (receipts, entries, checkpoints).
#include <sodium.h>

#include "c_api_internal.hpp"
#include "event_json.hpp"

namespace auditchain::capi {

// ---- JSON in -----------------------------------------------------------------

json::Value parse_param(const char* text, std::string_view param, std::size_t max_bytes) {
  require(text, std::string(param).c_str());
  try {
    json::ParseLimits limits;
    limits.max_bytes = max_bytes;
    return json::parse(text, limits);
  } catch (const json::ParseError& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string(param) + ": not valid JSON: " + e.what(), std::string(param));
  }
}

void wipe_strings(json::Value& v) noexcept {
  if (v.is_string()) {
    // The string belongs to `v`, which is not const: wiping it in place is
    // fine; json::Value only offers read access to strings.
    const std::string& s = v.as_string();
    sodium_memzero(const_cast<char*>(s.data()), s.size());
  } else if (v.is_array()) {
    for (json::Value& item : v.as_array()) wipe_strings(item);
  } else if (v.is_object()) {
    for (auto& [name, member] : v.as_object()) wipe_strings(member);
  }
}

namespace {

std::string known_list(std::initializer_list<std::string_view> known) {
  std::string out;
  for (std::string_view k : known) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace

ObjectReader::ObjectReader(const json::Value& v, std::string where, std::initializer_list<std::string_view> known)
    : v_(v), where_(std::move(where)) {
  if (!v.is_object()) throw Error(ErrorCode::kInvalidArgument, where_ + ": must be a JSON object", where_);
  for (const auto& [name, value] : v.as_object()) {
    bool found = false;
    for (std::string_view k : known) found = found || k == name;
    if (!found) {
      throw Error(ErrorCode::kInvalidArgument,
                  where_ + ": unknown member " + json_quote(name) + " (known: " + known_list(known) + ")",
                  field(name));
    }
  }
}

void ObjectReader::fail(std::string_view name, const std::string& what) const {
  throw Error(ErrorCode::kInvalidArgument, field(name) + ": " + what, field(name));
}

const json::Value* ObjectReader::find(std::string_view name) const {
  const json::Value* v = v_.find(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::optional<bool> ObjectReader::boolean(std::string_view name) const {
  const json::Value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) fail(name, "must be true or false");
  return v->as_bool();
}

std::optional<std::uint64_t> ObjectReader::integer(std::string_view name, std::uint64_t min,
                                                   std::uint64_t max) const {
  const json::Value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_integer() || v->as_integer() < 0 || static_cast<std::uint64_t>(v->as_integer()) < min ||
      static_cast<std::uint64_t>(v->as_integer()) > max) {
    fail(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<std::uint64_t>(v->as_integer());
}

std::optional<std::string> ObjectReader::string(std::string_view name) const {
  const json::Value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) fail(name, "must be a JSON string");
  return v->as_string();
}

std::optional<Timestamp> ObjectReader::time(std::string_view name) const {
  const auto text = string(name);
  if (!text) return std::nullopt;
  return Timestamp::parse(*text, field(name));
}

std::optional<Decimal> ObjectReader::decimal(std::string_view name) const {
  const json::Value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) fail(name, "must be a decimal as a JSON string, e.g. \"0.5\"");
  return Decimal::parse(v->as_string(), field(name));
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view name) const {
  const json::Value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) fail(name, "must be an array of JSON strings");
  std::vector<std::string> out;
  out.reserve(v->as_array().size());
  for (const json::Value& item : v->as_array()) {
    if (!item.is_string()) fail(name, "must be an array of JSON strings");
    out.push_back(item.as_string());
  }
  return out;
}

Actor actor_from_json(const json::Value& v, const std::string& where) {
  Actor a;
  if (v.is_string()) {
    a.id = v.as_string();
    return a;
  }
  const ObjectReader r(v, where, {"id", "kind", "on_behalf_of", "ip", "session_id", "request_id"});
  const auto id = r.string("id");
  if (!id) r.fail("id", "is missing");
  a.id = *id;
  if (const auto kind = r.string("kind")) a.kind = parse_actor_kind(*kind, r.field("kind"));
  a.on_behalf_of = r.string("on_behalf_of");
  a.ip = r.string("ip");
  a.session_id = r.string("session_id");
  a.request_id = r.string("request_id");
  return a;
}

std::vector<VerifierKey> verifier_keys(const json::Value& v, const std::string& where) {
  if (!v.is_array()) throw Error(ErrorCode::kInvalidArgument, where + ": must be an array of verifier key texts", where);
  std::vector<VerifierKey> keys;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const json::Value& item = v.as_array()[i];
    const std::string field = where + "[" + std::to_string(i) + "]";
    if (!item.is_string()) throw Error(ErrorCode::kInvalidArgument, field + ": must be a verifier key text", field);
    try {
      keys.push_back(VerifierKey::parse(item.as_string()));
    } catch (const Error& e) {
      throw Error(e.code(), field + ": " + e.what(), field);
    }
  }
  return keys;
}

// ---- JSON out ----------------------------------------------------------------

namespace {

std::string time_or_null(const std::optional<Timestamp>& t) { return t ? json_quote(t->to_string()) : "null"; }

}  // namespace

std::string receipt_to_json(const Receipt& r) {
  std::string out = "{\"tenant\":" + json_quote(r.tenant);
  out += ",\"seq\":" + std::to_string(r.seq);
  out += ",\"recorded_at\":" + json_quote(r.recorded_at.to_string());
  out += ",\"hash\":" + json_quote(r.hash.hex());
  out += ",\"duplicate\":";
  out += r.duplicate ? "true" : "false";
  out += '}';
  return out;
}

std::string receipts_to_json(const std::vector<Receipt>& receipts) {
  std::string out = "[";
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    if (i) out += ',';
    out += receipt_to_json(receipts[i]);
  }
  out += ']';
  return out;
}

std::string entry_to_json(const Entry& e) {
  std::string out = "{\"tenant\":" + json_quote(e.tenant);
  out += ",\"seq\":" + std::to_string(e.seq);
  out += ",\"recorded_at\":" + json_quote(e.recorded_at.to_string());
  out += ",\"prev_hash\":" + json_quote(e.prev_hash.hex());
  out += ",\"hash\":" + json_quote(e.hash.hex());
  out += ",\"bytes\":" + json_quote(e.bytes);
  out += ",\"event\":" + detail::event_to_json(e.event);
  out += ",\"protected_values\":[";
  for (std::size_t i = 0; i < e.protected_values.size(); ++i) {
    const ProtectedValue& v = e.protected_values[i];
    if (i) out += ',';
    out += "{\"pointer\":" + json_quote(v.pointer);
    out += ",\"state\":" + json_quote(protected_state_name(v.state));
    out += ",\"plaintext\":";
    // The plaintext is the value's canonical JSON, decrypted from the entry.
    out += v.state == ProtectedValue::State::kPlaintext ? v.plaintext : std::string("null");
    out += '}';
  }
  out += "]}";
  return out;
}

std::string head_to_json(const ChainHead& h) {
  return "{\"seq\":" + std::to_string(h.seq) + ",\"hash\":" + json_quote(h.hash.hex()) +
         ",\"recorded_at\":" + time_or_null(h.recorded_at) + "}";
}

std::string checkpoint_to_json(const Checkpoint& c) {
  std::string out = "{\"ledger\":" + json_quote(c.ledger_id);
  out += ",\"tenant\":" + json_quote(c.tenant);
  out += ",\"tree_size\":" + std::to_string(c.tree_size);
  out += ",\"root\":" + json_quote(c.root.hex());
  out += ",\"time\":" + json_quote(c.time.to_string());
  out += ",\"sealed_through\":" + time_or_null(c.sealed_through);
  out += ",\"note\":" + json_quote(c.note) + "}";
  return out;
}

std::string string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += json_quote(items[i]);
  }
  out += ']';
  return out;
}

}  // namespace auditchain::capi
