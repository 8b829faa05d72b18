// entry_codec.cc — an entry's canonical bytes: writing and strict reading.
#include "entry_codec.hpp"

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "auditchain/decimal.hpp"
#include "auditchain/error.hpp"
#include "auditchain/ledger.hpp"
#include "json.hpp"
#include "sha256.hpp"
#include "validate.hpp"
#include "vault.hpp"

namespace auditchain {
namespace detail {
namespace {

// Writes one JSON object member by member. Callers add members in RFC 8785
// order (all the format's member names are ASCII, so that is byte order).
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    json::append_string(out_, k);
    out_ += ':';
  }
  void string(std::string_view k, std::string_view v) {
    key(k);
    json::append_string(out_, v);
  }
  void optional_string(std::string_view k, const std::optional<std::string>& v) {
    if (v) string(k, *v);
  }
  void integer(std::string_view k, std::uint64_t v) {
    key(k);
    out_ += std::to_string(v);
  }
  void raw(std::string_view k, std::string_view canonical_json) {
    key(k);
    out_ += canonical_json;
  }
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

using RawFields = std::map<std::string, std::string>;

// RFC 6901 escaping of one reference token.
std::string pointer_token(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Writes field `k` (at JSON Pointer `pointer`): its protection envelope when
// there is one, else the string.
void string_or_raw(ObjectWriter& w, std::string_view k, const std::optional<std::string>& v, const RawFields* raw,
                   const std::string& pointer) {
  if (!v) return;
  if (raw) {
    if (auto it = raw->find(pointer); it != raw->end()) {
      w.raw(k, it->second);
      return;
    }
  }
  w.string(k, *v);
}

void write_actor(std::string& out, const Actor& a, const RawFields* raw) {
  ObjectWriter w(out);
  w.string("id", a.id);
  string_or_raw(w, "ip", a.ip, raw, "/actor/ip");
  w.string("kind", actor_kind_name(a.kind));
  string_or_raw(w, "on_behalf_of", a.on_behalf_of, raw, "/actor/on_behalf_of");
  string_or_raw(w, "request_id", a.request_id, raw, "/actor/request_id");
  string_or_raw(w, "session_id", a.session_id, raw, "/actor/session_id");
  w.close();
}

void write_ai(std::string& out, const AiProvenance& ai) {
  ObjectWriter w(out);
  w.optional_string("confidence", ai.confidence);
  w.string("model", ai.model);
  w.optional_string("model_version", ai.model_version);
  if (ai.rule) {
    w.key("rule");
    ObjectWriter r(out);
    r.string("id", ai.rule->id);
    r.string("version", ai.rule->version);
    r.close();
  }
  if (ai.source) {
    w.key("source");
    ObjectWriter s(out);
    s.string("sha256", ai.source->sha256);
    s.string("uri", ai.source->uri);
    s.close();
  }
  w.close();
}

void write_metadata(std::string& out, const std::map<std::string, std::string>& metadata, const RawFields* raw) {
  std::vector<const std::pair<const std::string, std::string>*> items;
  items.reserve(metadata.size());
  for (const auto& item : metadata) items.push_back(&item);
  std::sort(items.begin(), items.end(),
            [](const auto* a, const auto* b) { return json::utf16_less(a->first, b->first); });
  ObjectWriter w(out);
  for (const auto* item : items) {
    string_or_raw(w, item->first, item->second, raw, "/metadata/" + pointer_token(item->first));
  }
  w.close();
}

// ---- decoding ---------------------------------------------------------------

// Reads an Event out of a JSON object. In entry form (stored bytes) every
// value must already be in the exact form the encoder writes; in event form
// (input from a host) the usual input forms are accepted and normalised later
// by prepare_event().
class EventReader {
 public:
  explicit EventReader(bool entry_form, std::vector<std::pair<std::string, json::Value>>* envelopes = nullptr)
      : entry_form_(entry_form), envelopes_(envelopes) {}

  // In entry form a protected string field holds an envelope object: it is
  // recorded and the field reads as a marker until revealed.
  std::optional<std::string> string_or_envelope(const json::Value& obj, std::string_view name,
                                                const std::string& field, const std::string& pointer) const {
    const json::Value* v = obj.find(name);
    if (v != nullptr && v->is_object() && entry_form_ && envelopes_ != nullptr) {
      record_envelope(*v, pointer);
      return std::string(kEncryptedMarker);
    }
    return optional_string(obj, name, field);
  }

  void record_envelope(const json::Value& v, const std::string& pointer) const {
    try {
      if (!as_envelope(v)) fail(pointer, "holds an object that is not a protection envelope");
    } catch (const std::invalid_argument& e) {
      fail(pointer, std::string("holds a malformed protection envelope: ") + e.what());
    }
    envelopes_->emplace_back(pointer, v);
  }

  // Finds the envelopes inside a before/after value.
  void scan(const json::Value& v, const std::string& pointer) const {
    if (!entry_form_ || envelopes_ == nullptr) return;
    if (v.is_object()) {
      if (v.find("$protected") != nullptr) {
        record_envelope(v, pointer);
        return;
      }
      for (const auto& [name, member] : v.as_object()) scan(member, pointer + "/" + pointer_token(name));
    } else if (v.is_array()) {
      for (std::size_t i = 0; i < v.as_array().size(); ++i) scan(v.as_array()[i], pointer + "/" + std::to_string(i));
    }
  }

  [[noreturn]] static void fail(std::string_view field, const std::string& what) {
    throw DecodeError(std::string(field), std::string(field) + ": " + what);
  }

  static void only_members(const json::Value& object, std::string_view where,
                           std::initializer_list<std::string_view> allowed) {
    for (const auto& [name, value] : object.as_object()) {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        fail(where.empty() ? std::string_view(name) : where, "unknown member \"" + name + "\"");
      }
    }
  }

  static const json::Value& object(const json::Value& v, std::string_view field) {
    if (!v.is_object()) fail(field, "must be a JSON object");
    return v;
  }

  static std::optional<std::string> optional_string(const json::Value& obj, std::string_view name,
                                                    const std::string& field) {
    const json::Value* v = obj.find(name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) fail(field, "must be a JSON string");
    return v->as_string();
  }

  static std::string required_string(const json::Value& obj, std::string_view name, const std::string& field) {
    auto v = optional_string(obj, name, field);
    if (!v) fail(field, "is missing");
    return *v;
  }

  static std::uint64_t positive_integer(const json::Value& v, std::string_view field) {
    if (!v.is_integer() || v.as_integer() < 1) fail(field, "must be a positive integer");
    return static_cast<std::uint64_t>(v.as_integer());
  }

  Timestamp time(const std::string& text, std::string_view field) const {
    if (entry_form_ && !Timestamp::is_canonical(text)) fail(field, "is not a canonical timestamp");
    try {
      return Timestamp::parse(text, field);
    } catch (const Error& e) {
      throw DecodeError(std::string(field), e.what());
    }
  }

  std::string decimal(const std::string& text, std::string_view field) const {
    if (entry_form_ && (!Decimal::is_valid(text) || Decimal::parse(text).to_string() != text)) {
      fail(field, "is not a canonical decimal");
    }
    return text;
  }

  Actor actor(const json::Value& v) const {
    Actor a;
    if (!entry_form_ && v.is_string()) {
      a.id = v.as_string();
      return a;
    }
    object(v, "actor");
    only_members(v, "actor", {"id", "ip", "kind", "on_behalf_of", "request_id", "session_id"});
    a.id = required_string(v, "id", "actor.id");
    const auto kind = entry_form_ ? required_string(v, "kind", "actor.kind") : optional_string(v, "kind", "actor.kind");
    if (kind) {
      try {
        a.kind = parse_actor_kind(*kind);
      } catch (const Error& e) {
        throw DecodeError("actor.kind", e.what());
      }
    }
    a.ip = string_or_envelope(v, "ip", "actor.ip", "/actor/ip");
    a.on_behalf_of = string_or_envelope(v, "on_behalf_of", "actor.on_behalf_of", "/actor/on_behalf_of");
    a.request_id = string_or_envelope(v, "request_id", "actor.request_id", "/actor/request_id");
    a.session_id = string_or_envelope(v, "session_id", "actor.session_id", "/actor/session_id");
    return a;
  }

  AiProvenance ai(const json::Value& v) const {
    object(v, "ai");
    only_members(v, "ai", {"confidence", "model", "model_version", "rule", "source"});
    AiProvenance ai;
    ai.model = required_string(v, "model", "ai.model");
    ai.model_version = optional_string(v, "model_version", "ai.model_version");
    if (auto c = optional_string(v, "confidence", "ai.confidence")) ai.confidence = decimal(*c, "ai.confidence");
    if (const json::Value* r = v.find("rule")) {
      object(*r, "ai.rule");
      only_members(*r, "ai.rule", {"id", "version"});
      ai.rule = Rule{required_string(*r, "id", "ai.rule.id"), required_string(*r, "version", "ai.rule.version")};
    }
    if (const json::Value* s = v.find("source")) {
      object(*s, "ai.source");
      only_members(*s, "ai.source", {"sha256", "uri"});
      ai.source = SourceDocument{required_string(*s, "uri", "ai.source.uri"),
                                 required_string(*s, "sha256", "ai.source.sha256")};
      if (entry_form_ && !is_lower_hex(ai.source->sha256, Hash::kSize)) {
        fail("ai.source.sha256", "is not 64 lowercase hex digits");
      }
    }
    return ai;
  }

  // The event members of `root` (everything but the chain fields).
  Event event(const json::Value& root) const {
    Event e;
    e.tenant = optional_string(root, "tenant", "tenant");
    e.action = required_string(root, "action", "action");
    const json::Value* actor_value = root.find("actor");
    if (actor_value == nullptr) fail("actor", "is missing");
    e.actor = actor(*actor_value);
    if (const json::Value* t = root.find("target")) {
      object(*t, "target");
      only_members(*t, "target", {"id", "type"});
      e.target = Target{required_string(*t, "type", "target.type"), required_string(*t, "id", "target.id")};
    }
    if (const json::Value* b = root.find("before")) {
      e.before = json::canonical(*b);
      scan(*b, "/before");
    }
    if (const json::Value* a = root.find("after")) {
      e.after = json::canonical(*a);
      scan(*a, "/after");
    }
    if (const json::Value* a = root.find("amount")) {
      object(*a, "amount");
      only_members(*a, "amount", {"currency", "value"});
      e.amount = Amount{decimal(required_string(*a, "value", "amount.value"), "amount.value"),
                        required_string(*a, "currency", "amount.currency")};
    }
    if (const json::Value* m = root.find("metadata")) {
      object(*m, "metadata");
      if (entry_form_ && m->as_object().empty()) fail("metadata", "must not be empty when present");
      for (const auto& [key, value] : m->as_object()) {
        if (value.is_object() && entry_form_ && envelopes_ != nullptr) {
          record_envelope(value, "/metadata/" + pointer_token(key));
          e.metadata.emplace(key, kEncryptedMarker);
          continue;
        }
        if (!value.is_string()) fail("metadata." + key, "must be a JSON string");
        e.metadata.emplace(key, value.as_string());
      }
    }
    if (const json::Value* f = root.find("flags")) {
      if (!f->is_array()) fail("flags", "must be a JSON array");
      for (const json::Value& flag : f->as_array()) {
        const bool sensitive = flag.is_string() && flag.as_string() == "sensitive";
        const bool high_risk = flag.is_string() && flag.as_string() == "high_risk";
        if (!sensitive && !high_risk) fail("flags", "holds an unknown flag (known: sensitive, high_risk)");
        if ((sensitive && e.sensitive) || (high_risk && e.high_risk)) fail("flags", "holds a flag twice");
        // Stored bytes have one form only: the encoder writes high_risk first.
        if (entry_form_ && high_risk && e.sensitive) fail("flags", "must list high_risk before sensitive");
        e.sensitive = e.sensitive || sensitive;
        e.high_risk = e.high_risk || high_risk;
      }
      if (entry_form_ && f->as_array().empty()) fail("flags", "must not be empty when present");
    }
    if (const json::Value* v = root.find("ai")) e.ai = ai(*v);
    if (const json::Value* v = root.find("derived_from")) e.derived_from = positive_integer(*v, "derived_from");
    if (const json::Value* v = root.find("overrides")) e.overrides = positive_integer(*v, "overrides");
    if (auto t = optional_string(root, "occurred_at", "occurred_at")) e.occurred_at = time(*t, "occurred_at");
    e.idempotency_key = optional_string(root, "idempotency_key", "idempotency_key");
    if (const json::Value* p = root.find("protect"); p != nullptr && !entry_form_) e.protect = protection(*p);
    return e;
  }

  static Protection protection(const json::Value& v) {
    object(v, "protect");
    only_members(v, "protect", {"encrypt", "secret", "subject"});
    Protection p;
    for (const auto& [name, list] : {std::pair{"encrypt", &p.encrypt}, std::pair{"secret", &p.secret}}) {
      const json::Value* a = v.find(name);
      if (a == nullptr) continue;
      if (!a->is_array()) fail(std::string("protect.") + name, "must be an array of JSON Pointers");
      for (const json::Value& ptr : a->as_array()) {
        if (!ptr.is_string()) fail(std::string("protect.") + name, "must be an array of JSON Pointers");
        list->push_back(ptr.as_string());
      }
    }
    p.subject = optional_string(v, "subject", "protect.subject");
    return p;
  }

 private:
  bool entry_form_;
  std::vector<std::pair<std::string, json::Value>>* envelopes_;
};

json::Value parse_json(std::string_view bytes, std::size_t max_bytes) {
  try {
    json::ParseLimits limits;
    limits.max_depth = Limits::kJsonDepth + 4;
    limits.max_bytes = max_bytes;
    return json::parse(bytes, limits);
  } catch (const json::ParseError& e) {
    throw DecodeError("", std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace

std::string encode_entry(const Event& e, const ChainFields& chain, const RawFields* raw) {
  std::string out;
  out.reserve(512 + (e.before ? e.before->size() : 0) + (e.after ? e.after->size() : 0));
  ObjectWriter w(out);
  w.string("action", e.action);
  w.key("actor");
  write_actor(out, e.actor, raw);
  if (e.after) w.raw("after", *e.after);
  if (e.ai) {
    w.key("ai");
    write_ai(out, *e.ai);
  }
  if (e.amount) {
    w.key("amount");
    ObjectWriter a(out);
    a.string("currency", e.amount->currency);
    a.string("value", e.amount->value);
    a.close();
  }
  if (e.before) w.raw("before", *e.before);
  if (e.derived_from) w.integer("derived_from", *e.derived_from);
  if (e.sensitive || e.high_risk) {
    w.key("flags");
    out += '[';
    if (e.high_risk) out += "\"high_risk\"";
    if (e.high_risk && e.sensitive) out += ',';
    if (e.sensitive) out += "\"sensitive\"";
    out += ']';
  }
  w.optional_string("idempotency_key", e.idempotency_key);
  w.string("ledger", chain.ledger_id);
  if (!e.metadata.empty()) {
    w.key("metadata");
    write_metadata(out, e.metadata, raw);
  }
  if (e.occurred_at) w.string("occurred_at", e.occurred_at->to_string());
  if (e.overrides) w.integer("overrides", *e.overrides);
  w.string("prev", chain.prev.hex());
  w.string("recorded_at", chain.recorded_at.to_string());
  w.integer("seq", chain.seq);
  if (e.target) {
    w.key("target");
    ObjectWriter t(out);
    t.string("id", e.target->id);
    t.string("type", e.target->type);
    t.close();
  }
  w.string("tenant", chain.tenant);
  w.integer("v", static_cast<std::uint64_t>(kEntryVersion));
  w.close();
  return out;
}

DecodedEntry decode_entry(std::string_view bytes) {
  const json::Value root = parse_json(bytes, Limits::kEntryBytes);
  DecodedEntry d;
  EventReader reader(true, &d.envelopes);
  if (!root.is_object()) EventReader::fail("entry", "is not a JSON object");
  if (json::canonical(root) != bytes) EventReader::fail("entry", "is not in canonical (RFC 8785) form");
  EventReader::only_members(root, "",
                            {"action", "actor", "after", "ai", "amount", "before", "derived_from", "flags",
                             "idempotency_key", "ledger", "metadata", "occurred_at", "overrides", "prev",
                             "recorded_at", "seq", "target", "tenant", "v"});
  const json::Value* version = root.find("v");
  if (version == nullptr || !version->is_integer() || version->as_integer() != kEntryVersion) {
    EventReader::fail("v", "is not a supported entry format version");
  }
  d.ledger_id = EventReader::required_string(root, "ledger", "ledger");
  if (!is_lower_hex(d.ledger_id, 16)) EventReader::fail("ledger", "is not 32 lowercase hex digits");
  Entry& out = d.entry;
  out.tenant = EventReader::required_string(root, "tenant", "tenant");
  const json::Value* seq = root.find("seq");
  if (seq == nullptr) EventReader::fail("seq", "is missing");
  out.seq = EventReader::positive_integer(*seq, "seq");
  const std::string prev = EventReader::required_string(root, "prev", "prev");
  if (!is_lower_hex(prev, Hash::kSize)) EventReader::fail("prev", "is not 64 lowercase hex digits");
  out.prev_hash = Hash::from_hex(prev);
  out.recorded_at = reader.time(EventReader::required_string(root, "recorded_at", "recorded_at"), "recorded_at");
  out.event = reader.event(root);
  return d;
}

Event event_from_json(std::string_view text) { return event_from_json_value(parse_json(text, 4 * Limits::kEntryBytes)); }

Event event_from_json_value(const json::Value& root) {
  if (!root.is_object()) EventReader::fail("event", "must be a JSON object");
  EventReader::only_members(root, "",
                            {"action", "actor", "after", "ai", "amount", "before", "derived_from", "flags",
                             "idempotency_key", "metadata", "occurred_at", "overrides", "protect", "target",
                             "tenant"});
  return EventReader(false).event(root);
}

std::string genesis_bytes(std::string_view ledger_id, std::string_view tenant) {
  std::string out;
  ObjectWriter w(out);
  w.string("genesis", "auditchain/1");
  w.string("ledger", ledger_id);
  w.string("tenant", tenant);
  w.close();
  return out;
}

}  // namespace detail

const char* protected_state_name(ProtectedValue::State state) noexcept {
  switch (state) {
    case ProtectedValue::State::kPlaintext: return "plaintext";
    case ProtectedValue::State::kEncrypted: return "encrypted";
    case ProtectedValue::State::kErased: return "erased";
    case ProtectedValue::State::kSecret: return "secret";
  }
  return "unknown";
}

const char* actor_kind_name(ActorKind kind) noexcept {
  switch (kind) {
    case ActorKind::kUser: return "user";
    case ActorKind::kService: return "service";
    case ActorKind::kAiAgent: return "ai_agent";
    case ActorKind::kSystem: return "system";
  }
  return "unknown";
}

ActorKind parse_actor_kind(std::string_view name, std::string_view field) {
  if (name == "user") return ActorKind::kUser;
  if (name == "service") return ActorKind::kService;
  if (name == "ai_agent") return ActorKind::kAiAgent;
  if (name == "system") return ActorKind::kSystem;
  throw Error(ErrorCode::kInvalidArgument,
              std::string(field) + ": must be one of user, service, ai_agent, system", std::string(field));
}

Hash genesis_hash(std::string_view ledger_id, std::string_view tenant) {
  return detail::sha256(detail::genesis_bytes(ledger_id, tenant));
}

}  // namespace auditchain
