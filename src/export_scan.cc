// export_scan.cc — the fields of an entry as an export shows them.
#include "export_scan.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "auditchain/protect.hpp"
#include "protect_fields.hpp"
#include "vault.hpp"

namespace auditchain::detail {

std::string& FieldScratch::next() {
  if (used_ == slots_.size()) throw std::length_error("export field scratch exhausted");
  std::string& s = slots_[used_++];
  s.clear();
  return s;
}

namespace {

// What marks a protection envelope inside canonical JSON text. Inside a string
// the quotes would be escaped, so it can only begin at an object's opening
// brace, where value() looks for it.
constexpr char kEnvelopeMark[] = "{\"$protected\":";

// Reads canonical entry bytes front to back. Every method returns false when
// the bytes are not what it expects; nothing is ever read past the end.
// The first '"' or '\\' at or after p, or end: where a string literal ends
// or needs unescaping. Most strings are short and have neither inside.
inline const char* quote_or_backslash(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
    if (mask != 0) return p + std::countr_zero(mask);
  }
#endif
  while (p != end && *p != '"' && *p != '\\') ++p;
  return p;
}

// True when `key` is `name`, a member name of the format (16 bytes at most):
// a length check and two overlapping loads compared with constants.
template <std::size_t N>
inline bool is(std::string_view key, const char (&name)[N]) noexcept {
  constexpr std::size_t n = N - 1;
  static_assert(n <= 16, "member names are short");
  if (key.size() != n) return false;
  const char* k = key.data();
  const auto same = [&](std::size_t at, auto word) {
    decltype(word) a, b;
    std::memcpy(&a, k + at, sizeof a);
    std::memcpy(&b, name + at, sizeof b);
    return a == b;
  };
  if constexpr (n >= 8) {
    return same(0, std::uint64_t{}) && same(n - 8, std::uint64_t{});
  } else if constexpr (n >= 4) {
    return same(0, std::uint32_t{}) && same(n - 4, std::uint32_t{});
  } else if constexpr (n >= 2) {
    return same(0, std::uint16_t{}) && same(n - 2, std::uint16_t{});
  } else {
    return n == 0 || k[0] == name[0];
  }
}

class Scanner {
 public:
  Scanner(std::string_view bytes, FieldScratch& scratch)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()), scratch_(scratch) {}

  bool eat(char c) noexcept {
    if (p_ != end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool peek(char c) const noexcept { return p_ != end_ && *p_ == c; }
  bool done() const noexcept { return p_ == end_; }

  // A string literal; `out` is its unescaped text. Only the escapes canonical
  // form writes are accepted.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* stop = quote_or_backslash(p_, end_);
    if (stop == end_) return false;
    if (*stop == '"') {
      out = std::string_view(p_, static_cast<std::size_t>(stop - p_));
      p_ = stop + 1;
      return true;
    }
    return unescape(out);
  }

  // A member name and its colon: a string literal without escapes (all the
  // format's names).
  bool name(std::string_view& out) noexcept {
    if (!eat('"')) return false;
    const char* stop = quote_or_backslash(p_, end_);
    if (end_ - stop < 2 || stop[0] != '"' || stop[1] != ':') return false;
    out = std::string_view(p_, static_cast<std::size_t>(stop - p_));
    p_ = stop + 2;
    return true;
  }

  // A non-negative integer in plain decimal, at most 2^53 - 1.
  bool integer(std::uint64_t& out) noexcept {
    const char* start = p_;
    std::uint64_t n = 0;  // 16 digits at most: no overflow
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - start <= 16) n = n * 10 + static_cast<unsigned>(*p_++ - '0');
    if (p_ == start || (*start == '0' && p_ - start > 1) || p_ - start > 16) return false;
    out = n;
    return out <= 9007199254740991ULL;
  }

  // Any JSON value; `raw` is its text. Checks nesting, not the grammar: the
  // strict decoder is the validator. Sets `envelope` when an object in it is
  // a protection envelope.
  bool value(std::string_view& raw, bool& envelope) noexcept {
    const char* start = p_;
    int depth = 0;
    do {
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '"') {
        if (!skip_string()) return false;
      } else if (c == '{' || c == '[') {
        if (++depth > 64) return false;
        constexpr std::size_t kMarkSize = sizeof kEnvelopeMark - 1;
        if (c == '{' && static_cast<std::size_t>(end_ - p_) >= kMarkSize &&
            is(std::string_view(p_, kMarkSize), kEnvelopeMark)) {
          envelope = true;
        }
        ++p_;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return false;
        --depth;
        ++p_;
      } else if (c == ',' || c == ':') {
        if (depth == 0) return false;
        ++p_;
      } else {
        const char* token = p_;
        while (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || (*p_ >= 'a' && *p_ <= 'z') || *p_ == '-')) ++p_;
        if (p_ == token) return false;
      }
    } while (depth > 0);
    raw = std::string_view(start, static_cast<std::size_t>(p_ - start));
    return true;
  }

  // An object, calling member(name) with the scanner at each member's value.
  template <class Member>
  bool object(Member&& member) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    for (;;) {
      std::string_view key;
      if (!name(key) || !member(key) || p_ == end_) return false;
      const char c = *p_++;
      if (c != ',') return c == '}';
    }
  }

  // A string, or a protection envelope in its place (then `out` stays unset
  // and `envelope` is set).
  bool string_or_envelope(std::optional<std::string_view>& out, bool& envelope) {
    if (peek('{')) {
      std::string_view raw;
      envelope = true;
      return value(raw, envelope);
    }
    std::string_view s;
    if (!string(s)) return false;
    out = s;
    return true;
  }

  bool optional_string(std::optional<std::string_view>& out) {
    std::string_view s;
    if (!string(s)) return false;
    out = s;
    return true;
  }

 private:
  // The rest of string(), for a literal with escapes: unescaped into scratch.
  [[gnu::noinline]] bool unescape(std::string_view& out) {
    std::string& text = scratch_.next();
    while (p_ != end_) {
      const char c = *p_;
      if (c == '"') {
        ++p_;
        out = text;
        return true;
      }
      if (c != '\\') {
        const char* run = p_;
        while (p_ != end_ && *p_ != '"' && *p_ != '\\') ++p_;
        text.append(run, static_cast<std::size_t>(p_ - run));
        continue;
      }
      if (end_ - p_ < 2) return false;
      const char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case 'n': text += '\n'; break;
        case 'r': text += '\r'; break;
        case 't': text += '\t'; break;
        case 'u': {
          // Canonical form escapes only U+0000..U+001F this way: \u00xx.
          if (end_ - p_ < 4 || p_[0] != '0' || p_[1] != '0') return false;
          const int hi = hex_digit(p_[2]);
          const int lo = hex_digit(p_[3]);
          if (hi < 0 || hi > 1 || lo < 0) return false;
          text += static_cast<char>(hi * 16 + lo);
          p_ += 4;
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  static int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  bool skip_string() noexcept {
    ++p_;  // the opening quote
    for (;;) {
      p_ = quote_or_backslash(p_, end_);
      if (end_ - p_ < 2) {
        // The closing quote, last byte of the text, or a cut string.
        if (p_ != end_ && *p_ == '"') {
          ++p_;
          return true;
        }
        return false;
      }
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      p_ += 2;  // a backslash and the character it escapes
    }
  }

  const char* p_;
  const char* end_;
  FieldScratch& scratch_;
};

bool scan_actor(Scanner& s, EntryFields& f) {
  bool has_id = false;
  bool has_kind = false;
  const bool ok = s.object([&](std::string_view key) {
    if (is(key, "id")) return has_id = s.string(f.actor_id);
    if (is(key, "kind")) return has_kind = s.string(f.actor_kind);
    if (is(key, "ip")) return s.string_or_envelope(f.ip, f.protected_values);
    if (is(key, "on_behalf_of")) return s.string_or_envelope(f.on_behalf_of, f.protected_values);
    if (is(key, "request_id")) return s.string_or_envelope(f.request_id, f.protected_values);
    if (is(key, "session_id")) return s.string_or_envelope(f.session_id, f.protected_values);
    return false;
  });
  return ok && has_id && has_kind;
}

bool scan_ai(Scanner& s, EntryFields& f) {
  const bool ok = s.object([&](std::string_view key) {
    if (is(key, "confidence")) return s.optional_string(f.ai_confidence);
    if (is(key, "model")) return s.optional_string(f.ai_model);
    if (is(key, "model_version")) return s.optional_string(f.ai_model_version);
    if (is(key, "rule")) {
      return s.object([&](std::string_view k) {
        if (is(k, "id")) return s.optional_string(f.ai_rule_id);
        if (is(k, "version")) return s.optional_string(f.ai_rule_version);
        return false;
      });
    }
    if (is(key, "source")) {
      return s.object([&](std::string_view k) {
        if (is(k, "sha256")) return s.optional_string(f.ai_source_sha256);
        if (is(k, "uri")) return s.optional_string(f.ai_source_uri);
        return false;
      });
    }
    return false;
  });
  return ok && f.ai_model.has_value();
}

bool scan_flags(Scanner& s, EntryFields& f) {
  if (!s.eat('[')) return false;
  if (s.eat(']')) return true;
  do {
    std::string_view flag;
    if (!s.string(flag)) return false;
    if (is(flag, "sensitive")) {
      f.sensitive = true;
    } else if (is(flag, "high_risk")) {
      f.high_risk = true;
    } else {
      return false;
    }
  } while (s.eat(','));
  return s.eat(']');
}

// before, after or metadata: its canonical text, noting envelopes inside.
bool scan_json(Scanner& s, std::optional<std::string_view>& out, bool& envelope) {
  std::string_view raw;
  if (!s.value(raw, envelope)) return false;
  out = raw;
  return true;
}

template <std::size_t N1, std::size_t N2>
bool scan_pair(Scanner& s, const char (&first)[N1], std::optional<std::string_view>& a, const char (&second)[N2],
               std::optional<std::string_view>& b) {
  const bool ok = s.object([&](std::string_view k) {
    if (is(k, first)) return s.optional_string(a);
    if (is(k, second)) return s.optional_string(b);
    return false;
  });
  return ok && a && b;
}

}  // namespace

bool scan_entry(std::string_view bytes, EntryFields& f, FieldScratch& scratch) {
  f = EntryFields{};
  Scanner s(bytes, scratch);
  bool has_seq = false;
  bool has_version = false;
  const bool ok = s.object([&](std::string_view key) {
    switch (key.empty() ? '\0' : key[0]) {
      case 'a':
        if (is(key, "action")) return s.string(f.action);
        if (is(key, "actor")) return scan_actor(s, f);
        if (is(key, "after")) return scan_json(s, f.after, f.protected_values);
        if (is(key, "ai")) return scan_ai(s, f);
        if (is(key, "amount")) return scan_pair(s, "currency", f.currency, "value", f.amount);
        return false;
      case 'b':
        return is(key, "before") && scan_json(s, f.before, f.protected_values);
      case 'd':
        return is(key, "derived_from") && s.integer(f.derived_from.emplace());
      case 'f':
        return is(key, "flags") && scan_flags(s, f);
      case 'i':
        return is(key, "idempotency_key") && s.optional_string(f.idempotency_key);
      case 'l':
        return is(key, "ledger") && s.string(f.ledger);
      case 'm':
        return is(key, "metadata") && scan_json(s, f.metadata, f.protected_values);
      case 'o':
        if (is(key, "occurred_at")) return s.optional_string(f.occurred_at);
        return is(key, "overrides") && s.integer(f.overrides.emplace());
      case 'p':
        return is(key, "prev") && s.string(f.prev);
      case 'r':
        return is(key, "recorded_at") && s.string(f.recorded_at);
      case 's':
        return is(key, "seq") && (has_seq = s.integer(f.seq));
      case 't':
        if (is(key, "target")) return scan_pair(s, "id", f.target_id, "type", f.target_type);
        return is(key, "tenant") && s.string(f.tenant);
      case 'v': {
        std::uint64_t v = 0;
        return is(key, "v") && (has_version = s.integer(v) && v == 1);
      }
      default:
        return false;
    }
  });
  return ok && s.done() && has_seq && has_version && !f.action.empty() && !f.actor_id.empty() &&
         !f.ledger.empty() && f.prev.size() == 2 * Hash::kSize && !f.recorded_at.empty() && !f.tenant.empty();
}

void fields_from_entry(const Entry& entry, std::string_view ledger_id, EntryFields& f, FieldScratch& scratch) {
  f = EntryFields{};
  const Event& e = entry.event;
  f.ledger = ledger_id;
  f.tenant = entry.tenant;
  f.seq = entry.seq;
  f.prev = (scratch.next() = entry.prev_hash.hex());
  f.recorded_at = (scratch.next() = entry.recorded_at.to_string());
  if (e.occurred_at) f.occurred_at = (scratch.next() = e.occurred_at->to_string());
  f.action = e.action;
  f.actor_id = e.actor.id;
  f.actor_kind = actor_kind_name(e.actor.kind);
  f.on_behalf_of = e.actor.on_behalf_of;
  f.ip = e.actor.ip;
  f.session_id = e.actor.session_id;
  f.request_id = e.actor.request_id;
  if (e.target) {
    f.target_type = e.target->type;
    f.target_id = e.target->id;
  }
  if (e.amount) {
    f.amount = e.amount->value;
    f.currency = e.amount->currency;
  }
  f.sensitive = e.sensitive;
  f.high_risk = e.high_risk;
  if (e.ai) {
    f.ai_model = e.ai->model;
    f.ai_model_version = e.ai->model_version;
    f.ai_confidence = e.ai->confidence;
    if (e.ai->source) {
      f.ai_source_uri = e.ai->source->uri;
      f.ai_source_sha256 = e.ai->source->sha256;
    }
    if (e.ai->rule) {
      f.ai_rule_id = e.ai->rule->id;
      f.ai_rule_version = e.ai->rule->version;
    }
  }
  f.derived_from = e.derived_from;
  f.overrides = e.overrides;
  f.idempotency_key = e.idempotency_key;
  f.before = e.before;
  f.after = e.after;
  if (!e.metadata.empty()) {
    json::Object members;
    for (const auto& [key, value] : e.metadata) members.emplace_back(key, json::Value(value));
    f.metadata = (scratch.next() = json::canonical(json::Value(std::move(members))));
  }
}

namespace {

json::Value* find_value(json::Value& root, const std::vector<std::string>& tokens) {
  json::Value* v = &root;
  for (std::size_t i = 1; i < tokens.size() && v != nullptr; ++i) {
    const std::string& t = tokens[i];
    json::Value* next = nullptr;
    if (v->is_object()) {
      for (auto& [name, member] : v->as_object()) {
        if (name == t) next = &member;
      }
    } else if (v->is_array() && !t.empty() && t.size() <= 9 && t.find_first_not_of("0123456789") == std::string::npos &&
               (t.size() == 1 || t[0] != '0')) {
      const std::size_t index = std::stoul(t);
      if (index < v->as_array().size()) next = &v->as_array()[index];
    }
    v = next;
  }
  return v;
}

}  // namespace

void mark_protected(Entry& entry, const std::vector<std::pair<std::string, json::Value>>& envelopes,
                    std::string_view encrypted_marker) {
  std::optional<json::Value> before, after;
  Event& e = entry.event;
  for (const auto& [pointer, value] : envelopes) {
    const std::optional<Envelope> envelope = as_envelope(value);
    const std::string marker(envelope && envelope->type == "secret" ? std::string_view(kSecretMarker) : encrypted_marker);
    const std::vector<std::string> tokens = pointer_tokens(pointer);
    if (tokens[0] == "before" || tokens[0] == "after") {
      std::optional<json::Value>& doc = tokens[0] == "before" ? before : after;
      const std::optional<std::string>& text = tokens[0] == "before" ? e.before : e.after;
      if (!doc && text) doc = json::parse(*text);
      if (doc) {
        if (json::Value* target = find_value(*doc, tokens)) *target = json::Value(marker);
      }
    } else if (tokens[0] == "metadata" && tokens.size() == 2) {
      e.metadata[tokens[1]] = marker;
    } else if (tokens[0] == "actor" && tokens.size() == 2) {
      if (tokens[1] == "ip") e.actor.ip = marker;
      if (tokens[1] == "on_behalf_of") e.actor.on_behalf_of = marker;
      if (tokens[1] == "session_id") e.actor.session_id = marker;
      if (tokens[1] == "request_id") e.actor.request_id = marker;
    }
  }
  if (before) e.before = json::canonical(*before);
  if (after) e.after = json::canonical(*after);
}

bool has_encrypted(const std::vector<std::pair<std::string, json::Value>>& envelopes) {
  for (const auto& item : envelopes) {
    const std::optional<Envelope> envelope = as_envelope(item.second);
    if (envelope && envelope->type == "encrypted") return true;
  }
  return false;
}

}  // namespace auditchain::detail
