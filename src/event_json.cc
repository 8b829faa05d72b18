// event_json.cc — an Event as the JSON object parse_event_json() reads.
#include "event_json.hpp"

#include "auditchain/error.hpp"
#include "json.hpp"

namespace auditchain::detail {
namespace {

// Appends members in call order: `"name":value`, comma-separated.
class Members {
 public:
  explicit Members(std::string& out) : out_(out) { out_ += '{'; }
  std::string& key(std::string_view name) {
    if (!json::is_valid_utf8(name)) throw Error(ErrorCode::kInvalidArgument, "a member name is not valid UTF-8", "event");
    if (!first_) out_ += ',';
    first_ = false;
    json::append_string(out_, name);
    out_ += ':';
    return out_;
  }
  void string(std::string_view name, std::string_view value) {
    // append_string requires UTF-8; an event read from a ledger always is,
    // one built in C++ might not be.
    if (!json::is_valid_utf8(value)) {
      throw Error(ErrorCode::kInvalidArgument, std::string(name) + ": is not valid UTF-8", std::string(name));
    }
    json::append_string(key(name), value);
  }
  void optional(std::string_view name, const std::optional<std::string>& value) {
    if (value) string(name, *value);
  }
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_json_text(std::string& out, const std::string& text, const char* field) {
  try {
    json::append_canonical(out, json::parse(text));
  } catch (const json::ParseError& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string(field) + ": is not valid JSON: " + e.what(), field);
  }
}

void append_strings(std::string& out, const std::vector<std::string>& list, const char* field) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    if (!json::is_valid_utf8(list[i])) {
      throw Error(ErrorCode::kInvalidArgument, std::string(field) + ": is not valid UTF-8", field);
    }
    json::append_string(out, list[i]);
  }
  out += ']';
}

}  // namespace

std::string event_to_json(const Event& e) {
  std::string out;
  Members m(out);
  m.optional("tenant", e.tenant);
  m.string("action", e.action);
  {
    Members a(m.key("actor"));
    a.string("id", e.actor.id);
    a.string("kind", actor_kind_name(e.actor.kind));
    a.optional("on_behalf_of", e.actor.on_behalf_of);
    a.optional("ip", e.actor.ip);
    a.optional("session_id", e.actor.session_id);
    a.optional("request_id", e.actor.request_id);
    a.close();
  }
  if (e.target) {
    Members t(m.key("target"));
    t.string("type", e.target->type);
    t.string("id", e.target->id);
    t.close();
  }
  if (e.before) append_json_text(m.key("before"), *e.before, "before");
  if (e.after) append_json_text(m.key("after"), *e.after, "after");
  if (e.amount) {
    Members a(m.key("amount"));
    a.string("value", e.amount->value);
    a.string("currency", e.amount->currency);
    a.close();
  }
  if (!e.metadata.empty()) {
    Members md(m.key("metadata"));
    for (const auto& [name, value] : e.metadata) md.string(name, value);
    md.close();
  }
  if (e.sensitive || e.high_risk) {
    std::string& f = m.key("flags");
    f += '[';
    if (e.sensitive) f += "\"sensitive\"";
    if (e.sensitive && e.high_risk) f += ',';
    if (e.high_risk) f += "\"high_risk\"";
    f += ']';
  }
  if (e.ai) {
    Members ai(m.key("ai"));
    ai.string("model", e.ai->model);
    ai.optional("model_version", e.ai->model_version);
    ai.optional("confidence", e.ai->confidence);
    if (e.ai->source) {
      Members s(ai.key("source"));
      s.string("uri", e.ai->source->uri);
      s.string("sha256", e.ai->source->sha256);
      s.close();
    }
    if (e.ai->rule) {
      Members r(ai.key("rule"));
      r.string("id", e.ai->rule->id);
      r.string("version", e.ai->rule->version);
      r.close();
    }
    ai.close();
  }
  if (e.derived_from) m.key("derived_from") += std::to_string(*e.derived_from);
  if (e.overrides) m.key("overrides") += std::to_string(*e.overrides);
  if (e.occurred_at) m.string("occurred_at", e.occurred_at->to_string());
  m.optional("idempotency_key", e.idempotency_key);
  const Protection& p = e.protect;
  if (!p.encrypt.empty() || !p.secret.empty() || p.subject) {
    Members pm(m.key("protect"));
    if (!p.encrypt.empty()) append_strings(pm.key("encrypt"), p.encrypt, "protect.encrypt");
    if (!p.secret.empty()) append_strings(pm.key("secret"), p.secret, "protect.secret");
    pm.optional("subject", p.subject);
    pm.close();
  }
  m.close();
  return out;
}

}  // namespace auditchain::detail
