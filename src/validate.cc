// validate.cc — the rules an event must meet before it becomes an entry.
#include "validate.hpp"

#include <arpa/inet.h>

#include <string>

#include "auditchain/decimal.hpp"
#include "auditchain/ledger.hpp"
#include "auditchain/error.hpp"
#include "json.hpp"
#include "protect_fields.hpp"
#include "schema.hpp"
#include "sha256.hpp"

namespace auditchain::detail {
namespace {

[[noreturn]] void fail(std::string_view field, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, std::string(field) + ": " + what, std::string(field));
}

bool has_control_character(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    // U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) return true;
  }
  return false;
}

void check_optional_name(const std::optional<std::string>& v, std::string_view field, std::size_t max) {
  if (v) check_name(*v, field, max);
}

std::string canonical_json(const std::string& text, std::string_view field) {
  json::Value value;
  try {
    json::ParseLimits limits;
    limits.max_depth = Limits::kJsonDepth;
    limits.max_bytes = 4 * Limits::kJsonValue;
    value = json::parse(text, limits);
  } catch (const json::ParseError& e) {
    fail(field, std::string("malformed JSON: ") + e.what());
  }
  // Reserved for protected values (encrypted fields and secret commitments).
  struct Walk {
    std::string_view field;
    void operator()(const json::Value& v) const {
      if (v.is_array()) {
        for (const auto& item : v.as_array()) (*this)(item);
      } else if (v.is_object()) {
        for (const auto& [name, member] : v.as_object()) {
          if (name == "$protected") fail(field, "the member name \"$protected\" is reserved");
          (*this)(member);
        }
      }
    }
  };
  Walk{field}(value);
  std::string out = json::canonical(value);
  if (out.size() > Limits::kJsonValue) {
    fail(field, "larger than " + std::to_string(Limits::kJsonValue) + " bytes");
  }
  return out;
}

std::string normalise_ip(const std::string& ip) {
  unsigned char buf[16];
  char text[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
    return inet_ntop(AF_INET, buf, text, sizeof text);
  }
  if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    return inet_ntop(AF_INET6, buf, text, sizeof text);
  }
  fail("actor.ip", "\"" + ip.substr(0, 64) + "\" is not an IPv4 or IPv6 address");
}

void check_seq_reference(const std::optional<std::uint64_t>& seq, std::string_view field) {
  if (seq && (*seq == 0 || *seq > static_cast<std::uint64_t>(json::kMaxSafeInteger))) {
    fail(field, "must be the sequence number of an earlier entry (1 or more)");
  }
}

}  // namespace

void check_name(std::string_view value, std::string_view field, std::size_t max) {
  if (value.empty()) fail(field, "must not be empty");
  if (value.size() > max) fail(field, "longer than " + std::to_string(max) + " bytes");
  if (!json::is_valid_utf8(value)) fail(field, "is not valid UTF-8");
  if (has_control_character(value)) fail(field, "must not contain control characters");
}

void check_text(std::string_view value, std::string_view field, std::size_t max) {
  if (value.size() > max) fail(field, "longer than " + std::to_string(max) + " bytes");
  if (!json::is_valid_utf8(value)) fail(field, "is not valid UTF-8");
}

void check_tenant_name(std::string_view name) { check_name(name, "tenant", Limits::kTenant); }

}  // namespace auditchain::detail

namespace auditchain {
void check_tenant_name(std::string_view name) { detail::check_tenant_name(name); }
}  // namespace auditchain

namespace auditchain::detail {

Event prepare_event(const Event& in) {
  Event e = in;
  if (e.tenant) check_tenant_name(*e.tenant);
  check_name(e.action, "action", Limits::kAction);

  check_name(e.actor.id, "actor.id", Limits::kIdentifier);
  check_optional_name(e.actor.on_behalf_of, "actor.on_behalf_of", Limits::kIdentifier);
  check_optional_name(e.actor.session_id, "actor.session_id", Limits::kIdentifier);
  check_optional_name(e.actor.request_id, "actor.request_id", Limits::kIdentifier);
  if (e.actor.ip) e.actor.ip = normalise_ip(*e.actor.ip);
  switch (e.actor.kind) {
    case ActorKind::kUser:
    case ActorKind::kService:
    case ActorKind::kAiAgent:
    case ActorKind::kSystem: break;
    default: fail("actor.kind", "unknown actor kind");
  }

  if (e.target) {
    check_name(e.target->type, "target.type", Limits::kTypeName);
    check_name(e.target->id, "target.id", Limits::kIdentifier);
  }
  if (e.before) e.before = canonical_json(*e.before, "before");
  if (e.after) e.after = canonical_json(*e.after, "after");

  if (e.amount) {
    e.amount->value = Decimal::parse(e.amount->value, "amount.value").to_string();
    const std::string& c = e.amount->currency;
    const bool ok = c.size() == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
                    c[2] >= 'A' && c[2] <= 'Z';
    if (!ok) fail("amount.currency", "must be a three-letter ISO 4217 code in capitals, e.g. EUR");
  }

  if (e.metadata.size() > Limits::kMetadataEntries) {
    fail("metadata", "more than " + std::to_string(Limits::kMetadataEntries) + " entries");
  }
  for (const auto& [key, value] : e.metadata) {
    check_name(key, "metadata", Limits::kMetadataKey);
    check_text(value, "metadata." + key, Limits::kMetadataValue);
  }

  if (e.ai) {
    AiProvenance& ai = *e.ai;
    check_name(ai.model, "ai.model", Limits::kTypeName);
    check_optional_name(ai.model_version, "ai.model_version", Limits::kVersion);
    if (ai.confidence) {
      const Decimal c = Decimal::parse(*ai.confidence, "ai.confidence");
      if (c < Decimal() || c > Decimal::parse("1")) fail("ai.confidence", "must be between 0 and 1");
      ai.confidence = c.to_string();
    }
    if (ai.source) {
      check_name(ai.source->uri, "ai.source.uri", Limits::kUri);
      Hash h;
      if (!detail::from_hex(ai.source->sha256, h.bytes.data(), Hash::kSize)) {
        fail("ai.source.sha256", "must be 64 hexadecimal digits (the SHA-256 of the document)");
      }
      ai.source->sha256 = h.hex();
    }
    if (ai.rule) {
      check_name(ai.rule->id, "ai.rule.id", Limits::kTypeName);
      check_name(ai.rule->version, "ai.rule.version", Limits::kVersion);
    }
  }
  check_seq_reference(e.derived_from, "derived_from");
  check_seq_reference(e.overrides, "overrides");
  if (e.idempotency_key) check_name(*e.idempotency_key, "idempotency_key", Limits::kIdentifier);
  check_protection(e.protect);
  return e;
}

std::int64_t flag_bits(const Event& event) noexcept {
  return (event.sensitive ? kFlagSensitive : 0) | (event.high_risk ? kFlagHighRisk : 0);
}

}  // namespace auditchain::detail
