// entry_text.cc — entries as people read them.
#include "entry_text.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>
#include <vector>

#include "json_out.hpp"

namespace auditchain::cli {
namespace {

std::string actor_text(const Actor& actor) {
  std::string out = printable(actor.id);
  if (actor.on_behalf_of) out += " (on behalf of " + printable(*actor.on_behalf_of) + ")";
  return out;
}

std::string flags_text(const Event& e, std::string_view separator) {
  std::string out;
  if (e.high_risk) out += "high_risk";
  if (e.high_risk && e.sensitive) out += separator;
  if (e.sensitive) out += "sensitive";
  return out;
}

// Fields as `name value` rows, aligned on the longest name.
class FieldTable {
 public:
  void add(std::string name, std::string value) { rows_.emplace_back(std::move(name), std::move(value)); }
  void add(std::string name, const std::optional<std::string>& value) {
    if (value) add(std::move(name), printable(*value));
  }
  void print(std::ostream& out) const {
    std::size_t width = 0;
    for (const auto& row : rows_) width = std::max(width, row.first.size());
    for (const auto& [name, value] : rows_) {
      out << "  " << std::left << std::setw(static_cast<int>(width)) << name << "  " << value << "\n";
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

}  // namespace

std::string printable(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  char buf[8];
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += keep_newlines ? "\n" : "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) < 0xa0) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
      out += buf;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string entry_line(const Entry& entry) {
  const Event& e = entry.event;
  std::ostringstream line;
  line << std::right << std::setw(6) << entry.seq << "  " << entry.recorded_at.to_string() << "  "
       << actor_text(e.actor) << "  " << printable(e.action);
  if (e.target) line << "  " << printable(e.target->type) << "/" << printable(e.target->id);
  if (e.amount) line << "  " << e.amount->value << " " << printable(e.amount->currency);
  if (e.sensitive || e.high_risk) line << "  [" << flags_text(e, ",") << "]";
  if (e.ai) {
    line << "  AI " << printable(e.ai->model);
    if (e.ai->confidence) line << " confidence " << *e.ai->confidence;
  }
  if (e.derived_from) line << "  derived from " << *e.derived_from;
  if (e.overrides) line << "  overrides " << *e.overrides;
  if (!entry.protected_values.empty()) {
    line << "  {";
    const char* separator = "";
    for (const ProtectedValue& v : entry.protected_values) {
      line << separator << printable(v.pointer) << ": " << protected_value_text(v);
      separator = ", ";
    }
    line << "}";
  }
  return line.str();
}

std::string protected_value_text(const ProtectedValue& value) {
  switch (value.state) {
    case ProtectedValue::State::kPlaintext: return printable(value.plaintext);
    case ProtectedValue::State::kEncrypted: return kEncryptedMarker;
    case ProtectedValue::State::kErased: return kErasedMarker;
    case ProtectedValue::State::kSecret: return kSecretMarker;
  }
  return kEncryptedMarker;
}

void print_receipt(std::ostream& out, const Receipt& r, bool json) {
  if (json) {
    out << JsonObject()
               .string("tenant", r.tenant)
               .number("seq", r.seq)
               .string("recorded_at", r.recorded_at.to_string())
               .string("hash", r.hash.hex())
               .boolean("duplicate", r.duplicate)
               .str()
        << "\n";
    return;
  }
  out << printable(r.tenant) << " seq " << r.seq << " recorded " << r.recorded_at.to_string() << " hash "
      << r.hash.hex();
  if (r.duplicate) out << " (duplicate: idempotency key already used)";
  out << "\n";
}

void print_recorded(std::ostream& out, const TenantLedger& tenant, const Receipt& r, bool json) {
  const Entry entry = tenant.read(r.seq);
  const auto destroyed = entry.event.metadata.find("keys_destroyed");
  const bool has_count = destroyed != entry.event.metadata.end();
  if (json) {
    JsonObject o;
    o.string("tenant", r.tenant)
        .number("seq", r.seq)
        .string("recorded_at", r.recorded_at.to_string())
        .string("hash", r.hash.hex())
        .string("action", entry.event.action)
        .string("actor", entry.event.actor.id);
    if (has_count) {
      const std::string& n = destroyed->second;
      const bool number = !n.empty() && n.size() < 16 && n.find_first_not_of("0123456789") == std::string::npos;
      number ? o.raw("keys_destroyed", n) : o.string("keys_destroyed", n);
    }
    out << o.str() << "\n";
    return;
  }
  out << "Recorded " << printable(entry.event.action) << " by " << printable(entry.event.actor.id) << ": ";
  print_receipt(out, r, false);
  if (has_count) out << "Keys destroyed: " << printable(destroyed->second) << "\n";
}

void print_entry_details(std::ostream& out, const Entry& entry, const Hash& genesis) {
  const Event& e = entry.event;
  out << "Entry " << entry.seq << " of tenant " << printable(entry.tenant) << "\n";
  FieldTable t;
  t.add("tenant", printable(entry.tenant));
  t.add("seq", std::to_string(entry.seq));
  t.add("recorded_at", entry.recorded_at.to_string());
  // Only this entry's own bytes are checked here; its place in the chain
  // (links, sequence, checkpoints) takes the whole chain, which is verify's job.
  const Hash computed = sha256(entry.bytes);
  t.add("hash", entry.hash.hex() + (computed == entry.hash
                                        ? "  (the stored bytes hash to it)"
                                        : "  (MISMATCH: the stored bytes hash to " + computed.hex() +
                                              ": they were changed)"));
  std::string prev = entry.prev_hash.hex();
  if (entry.seq == 1) {
    prev += entry.prev_hash == genesis ? "  (the tenant's genesis value)" : "  (NOT the tenant's genesis value)";
  } else {
    prev += "  (the hash of entry " + std::to_string(entry.seq - 1) + ")";
  }
  t.add("prev", prev);
  t.add("action", printable(e.action));
  t.add("actor.id", printable(e.actor.id));
  t.add("actor.kind", std::string(actor_kind_name(e.actor.kind)));
  t.add("actor.on_behalf_of", e.actor.on_behalf_of);
  t.add("actor.ip", e.actor.ip);
  t.add("actor.session_id", e.actor.session_id);
  t.add("actor.request_id", e.actor.request_id);
  if (e.target) {
    t.add("target.type", printable(e.target->type));
    t.add("target.id", printable(e.target->id));
  }
  t.add("before", e.before);
  t.add("after", e.after);
  if (e.amount) {
    t.add("amount.value", e.amount->value);
    t.add("amount.currency", printable(e.amount->currency));
  }
  for (const auto& [key, value] : e.metadata) t.add("metadata." + printable(key), printable(value));
  if (e.sensitive || e.high_risk) t.add("flags", flags_text(e, ", "));
  if (e.ai) {
    t.add("ai.model", printable(e.ai->model));
    t.add("ai.model_version", e.ai->model_version);
    t.add("ai.confidence", e.ai->confidence);
    if (e.ai->source) {
      t.add("ai.source.uri", printable(e.ai->source->uri));
      t.add("ai.source.sha256", e.ai->source->sha256);
    }
    if (e.ai->rule) {
      t.add("ai.rule.id", printable(e.ai->rule->id));
      t.add("ai.rule.version", printable(e.ai->rule->version));
    }
  }
  if (e.derived_from) t.add("derived_from", std::to_string(*e.derived_from));
  if (e.overrides) t.add("overrides", std::to_string(*e.overrides));
  if (e.occurred_at) t.add("occurred_at", e.occurred_at->to_string());
  t.add("idempotency_key", e.idempotency_key);
  t.print(out);
  if (!entry.protected_values.empty()) {
    out << "Protected values (" << entry.protected_values.size() << "):\n";
    FieldTable p;
    for (const ProtectedValue& v : entry.protected_values) {
      p.add(printable(v.pointer), std::string(protected_state_name(v.state)) + "  " + protected_value_text(v));
    }
    p.print(out);
  }
  out << "Canonical bytes (" << entry.bytes.size()
      << " bytes as stored; --raw prints them exactly; verify checks the whole chain):\n"
      << printable(pretty_json(entry.bytes), true) << "\n";
}

}  // namespace auditchain::cli
