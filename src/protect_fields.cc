// protect_fields.cc — applying a Protection to an event, and revealing
// protected values when reading.
#include "protect_fields.hpp"

#include <stdexcept>

#include "auditchain/error.hpp"
#include "validate.hpp"

namespace auditchain::detail {
namespace {

[[noreturn]] void bad(const std::string& pointer, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, "protect: " + pointer + " " + what, "protect");
}

// The string fields outside before/after that may be protected.
std::optional<std::string>* actor_field(Event& e, const std::string& name) {
  if (name == "ip") return &e.actor.ip;
  if (name == "on_behalf_of") return &e.actor.on_behalf_of;
  if (name == "session_id") return &e.actor.session_id;
  if (name == "request_id") return &e.actor.request_id;
  return nullptr;
}

// The value at `tokens` inside `root`, or nullptr.
json::Value* find(json::Value& root, const std::vector<std::string>& tokens, std::size_t from) {
  json::Value* v = &root;
  for (std::size_t i = from; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (v->is_object()) {
      json::Value* next = nullptr;
      for (auto& [name, member] : v->as_object()) {
        if (name == t) next = &member;
      }
      v = next;
    } else if (v->is_array()) {
      std::size_t index = 0;
      if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos ||
          (t.size() > 1 && t[0] == '0')) {
        return nullptr;
      }
      index = std::stoul(t);
      if (index >= v->as_array().size()) return nullptr;
      v = &v->as_array()[index];
    } else {
      return nullptr;
    }
    if (v == nullptr) return nullptr;
  }
  return v;
}

struct Target {
  std::string pointer;
  bool secret;
};

}  // namespace

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') throw std::invalid_argument("a JSON Pointer starts with '/'");
  std::vector<std::string> tokens;
  std::string token;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(token);
      token.clear();
    } else if (pointer[i] == '~') {
      if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) {
        throw std::invalid_argument("'~' must be followed by 0 or 1");
      }
      token += pointer[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      token += pointer[i];
    }
  }
  return tokens;
}

void check_protection(const Protection& p) {
  std::vector<std::string> seen;
  for (const auto* list : {&p.encrypt, &p.secret}) {
    for (const std::string& pointer : *list) {
      std::vector<std::string> tokens;
      try {
        tokens = pointer_tokens(pointer);
      } catch (const std::invalid_argument& e) {
        bad("\"" + pointer + "\"", std::string("is not a JSON Pointer: ") + e.what());
      }
      const std::string& root = tokens[0];
      const bool ok = ((root == "before" || root == "after") && tokens.size() >= 2) ||
                      (root == "metadata" && tokens.size() == 2) ||
                      (root == "actor" && tokens.size() == 2 && tokens[1] != "id" && tokens[1] != "kind");
      if (!ok) {
        bad(pointer, "cannot be protected: only values inside /before and /after, /metadata/<key>, /actor/ip, "
                     "/actor/on_behalf_of, /actor/session_id and /actor/request_id can");
      }
      for (const std::string& other : seen) {
        if (other == pointer || pointer.rfind(other + "/", 0) == 0 || other.rfind(pointer + "/", 0) == 0) {
          bad(pointer, "overlaps another protected pointer (" + other + ")");
        }
      }
      seen.push_back(pointer);
    }
  }
  if (p.subject) check_name(*p.subject, "protect.subject", 256);
  if (p.subject && p.encrypt.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "protect.subject: names a subject but nothing is encrypted for it",
                "protect.subject");
  }
}

void apply_protection(Event& e, RawFields& raw, const SealContext& ctx) {
  const Protection& p = e.protect;
  if (p.encrypt.empty() && p.secret.empty()) return;
  std::optional<DataKey> day;
  std::optional<DataKey> subject;
  std::optional<Secret> key;
  std::vector<std::string> key_ids;
  auto envelope_for = [&](const std::string& pointer, bool secret, const std::string& plaintext) {
    if (secret) return commit_value(ctx.keys, plaintext);
    if (!key) {
      day = data_key(ctx.db, ctx.tenant_id, "day", day_label(ctx.now), ctx.keys, ctx.tenant);
      key_ids.push_back(day->id);
      if (p.subject) {
        subject = data_key(ctx.db, ctx.tenant_id, "subject", subject_reference(ctx.keys, *p.subject), ctx.keys,
                           ctx.tenant);
        key_ids.push_back(subject->id);
      }
      key = value_key(day->key, subject ? &subject->key : nullptr);
    }
    return seal_value(*key, key_ids, ctx.ledger_id, ctx.tenant, pointer, plaintext);
  };

  std::vector<Target> targets;
  for (const std::string& ptr : p.encrypt) targets.push_back({ptr, false});
  for (const std::string& ptr : p.secret) targets.push_back({ptr, true});
  std::optional<json::Value> before, after;
  for (const Target& t : targets) {
    const std::vector<std::string> tokens = pointer_tokens(t.pointer);
    const std::string& root = tokens[0];
    if (root == "before" || root == "after") {
      std::optional<std::string>& text = root == "before" ? e.before : e.after;
      std::optional<json::Value>& doc = root == "before" ? before : after;
      if (!text) bad(t.pointer, "points into " + root + ", which the event does not have");
      if (!doc) doc = json::parse(*text);
      json::Value* target = find(*doc, tokens, 1);
      if (target == nullptr) bad(t.pointer, "does not point at a value of the event");
      *target = envelope_for(t.pointer, t.secret, json::canonical(*target));
    } else if (root == "metadata") {
      auto it = e.metadata.find(tokens[1]);
      if (it == e.metadata.end()) bad(t.pointer, "does not point at a value of the event");
      std::string plaintext;
      json::append_string(plaintext, it->second);
      raw[t.pointer] = json::canonical(envelope_for(t.pointer, t.secret, plaintext));
      it->second = t.secret ? kSecretMarker : kEncryptedMarker;
    } else {
      std::optional<std::string>* field = actor_field(e, tokens[1]);
      if (field == nullptr || !*field) bad(t.pointer, "does not point at a value of the event");
      std::string plaintext;
      json::append_string(plaintext, **field);
      raw[t.pointer] = json::canonical(envelope_for(t.pointer, t.secret, plaintext));
      **field = t.secret ? kSecretMarker : kEncryptedMarker;
    }
  }
  if (before) e.before = json::canonical(*before);
  if (after) e.after = json::canonical(*after);
}

Revealer::Revealer(Database& db, std::int64_t tenant_id, std::string ledger_id, std::string tenant,
                   const std::vector<std::shared_ptr<const MasterKey>>& ring)
    : db_(db), tenant_id_(tenant_id), ledger_id_(std::move(ledger_id)), tenant_(std::move(tenant)), ring_(ring) {}

KeyState Revealer::key(const std::string& id, Secret& out) {
  auto it = cache_.find(id);
  if (it == cache_.end()) {
    Secret s;
    const KeyState state = open_data_key(db_, tenant_id_, id, ring_, ledger_id_, tenant_, s);
    it = cache_.emplace(id, std::pair{state, s}).first;
  }
  out = it->second.second;
  return it->second.first;
}

void Revealer::reveal(Entry& entry, const std::vector<std::pair<std::string, json::Value>>& envelopes) {
  std::optional<json::Value> before, after;
  for (const auto& [pointer, value] : envelopes) {
    ProtectedValue pv;
    pv.pointer = pointer;
    const std::optional<Envelope> env = as_envelope(value);
    if (env->type == "secret") {
      pv.state = ProtectedValue::State::kSecret;
    } else {
      // Erased wins over locked: a destroyed key makes the value gone for
      // everyone, whether or not the master key is at hand.
      Secret day, subject;
      KeyState state = KeyState::kOpen;
      for (std::size_t i = 0; i < env->key_ids.size(); ++i) {
        const KeyState s = key(env->key_ids[i], i == 0 ? day : subject);
        if (s == KeyState::kErased) {
          state = s;
          break;
        }
        if (s == KeyState::kLocked) state = s;
      }
      if (state == KeyState::kErased) {
        pv.state = ProtectedValue::State::kErased;
      } else if (state == KeyState::kOpen) {
        const Secret k = value_key(day, env->key_ids.size() > 1 ? &subject : nullptr);
        if (auto plain = open_value(k, *env, ledger_id_, tenant_, pointer)) {
          pv.state = ProtectedValue::State::kPlaintext;
          pv.plaintext = std::move(*plain);
        }
      }
    }
    // Put the plaintext, or a marker, where the envelope was.
    json::Value shown = pv.state == ProtectedValue::State::kPlaintext ? json::parse(pv.plaintext)
                        : pv.state == ProtectedValue::State::kErased ? json::Value(kErasedMarker)
                        : pv.state == ProtectedValue::State::kSecret ? json::Value(kSecretMarker)
                                                                     : json::Value(kEncryptedMarker);
    const std::vector<std::string> tokens = pointer_tokens(pointer);
    if (tokens[0] == "before" || tokens[0] == "after") {
      std::optional<json::Value>& doc = tokens[0] == "before" ? before : after;
      const std::optional<std::string>& text = tokens[0] == "before" ? entry.event.before : entry.event.after;
      if (!doc && text) doc = json::parse(*text);
      if (doc) {
        if (json::Value* target = find(*doc, tokens, 1)) *target = std::move(shown);
      }
    } else {
      const std::string text = shown.is_string() ? shown.as_string() : json::canonical(shown);
      if (tokens[0] == "metadata") {
        entry.event.metadata[tokens[1]] = text;
      } else if (std::optional<std::string>* field = actor_field(entry.event, tokens[1])) {
        *field = text;
      }
    }
    entry.protected_values.push_back(std::move(pv));
  }
  if (before) entry.event.before = json::canonical(*before);
  if (after) entry.event.after = json::canonical(*after);
}

}  // namespace auditchain::detail
