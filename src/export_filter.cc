// export_filter.cc — export filters: checking, matching, JSON form; and the
// checks an export makes before it writes anything.
#include <algorithm>
#include <limits>
#include <stdexcept>

#include "auditchain/error.hpp"
#include "export_internal.hpp"
#include "validate.hpp"

namespace auditchain {

bool ExportFilter::contiguous() const noexcept {
  return !action_prefix && !target_type && !actor_id && !sensitive_only && !high_risk_only && !ai_below;
}

namespace detail {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, field + ": " + what, field);
}

void check_filter(const ExportFilter& f) {
  constexpr auto kMaxSeq = static_cast<std::uint64_t>(json::kMaxSafeInteger);
  if (f.seq_from && (*f.seq_from == 0 || *f.seq_from > kMaxSeq)) invalid("filter.seq_from", "must be 1 or more");
  if (f.seq_to && (*f.seq_to == 0 || *f.seq_to > kMaxSeq)) invalid("filter.seq_to", "must be 1 or more");
  if (f.seq_from && f.seq_to && *f.seq_from > *f.seq_to) {
    invalid("filter.seq_from", "the first seq (" + std::to_string(*f.seq_from) + ") lies after the last (" +
                                   std::to_string(*f.seq_to) + ")");
  }
  if (f.from && f.to && *f.from >= *f.to) {
    invalid("filter.from", "the time range is empty: " + f.from->to_string() + " is not before " + f.to->to_string());
  }
  for (const auto& [value, field] : {std::pair{&f.action_prefix, "filter.action_prefix"},
                                     std::pair{&f.target_type, "filter.target_type"},
                                     std::pair{&f.actor_id, "filter.actor_id"}}) {
    if (*value && !json::is_valid_utf8(**value)) invalid(field, "is not valid UTF-8");
  }
}

const json::Value* member_of(const json::Value& v, std::string_view name, json::Type type) {
  const json::Value* m = v.find(name);
  if (m != nullptr && m->type() != type) throw std::invalid_argument("filter member \"" + std::string(name) + "\" has the wrong type");
  return m;
}

}  // namespace

void check_export_options(const LedgerState& state, ExportFormat format, const ExportOptions& options,
                          const std::map<std::string, std::string>& extra) {
  state.check_open();
  if (options.exported_by.id.empty()) {
    invalid("exported_by", "say who asks for the export (exported_by.id is empty)");
  }
  check_filter(options.filter);
  if (options.decrypt && format != ExportFormat::kCsv) {
    invalid("decrypt", std::string(export_format_name(format)) +
                           " holds the entries' bytes exactly as hashed, so it cannot show decrypted values; use csv");
  }
  if (state.options.read_only) {
    throw Error(ErrorCode::kReadOnly, "cannot export: the export is recorded in the ledger, which is open read-only");
  }
  if (options.decrypt && state.ring().empty()) {
    throw Error(ErrorCode::kWrongKey, "cannot decrypt: the ledger was opened without its master key");
  }
  // The record must be acceptable, or the export would be written and then
  // fail: try it with every value at its longest.
  const std::string longest_number = std::to_string(std::numeric_limits<std::uint64_t>::max());
  std::map<std::string, std::string> metadata = extra;
  metadata["format"] = "bundle";
  metadata["filter"] = filter_to_json(options.filter);
  metadata["entries"] = metadata["first_seq"] = metadata["last_seq"] = longest_number;
  metadata["sha256"] = std::string(64, '0');
  if (options.decrypt) metadata["decrypted"] = "true";
  try {
    prepare_event(export_record(options, std::move(metadata)));
  } catch (const Error& e) {
    const bool actor = e.field().rfind("actor", 0) == 0;
    const std::string field = actor ? "exported_by" + e.field().substr(5) : "filter";
    throw Error(ErrorCode::kInvalidArgument,
                std::string(actor ? "" : "filter: too long to be recorded with the export; ") + e.what(), field);
  }
}

std::string filter_to_json(const ExportFilter& f) {
  json::Object o;
  if (f.action_prefix) o.emplace_back("action_prefix", json::Value(*f.action_prefix));
  if (f.actor_id) o.emplace_back("actor_id", json::Value(*f.actor_id));
  if (f.ai_below) o.emplace_back("ai_below", json::Value(f.ai_below->to_string()));
  if (f.from) o.emplace_back("from", json::Value(f.from->to_string()));
  if (f.high_risk_only) o.emplace_back("high_risk_only", json::Value(true));
  if (f.sensitive_only) o.emplace_back("sensitive_only", json::Value(true));
  if (f.seq_from) o.emplace_back("seq_from", json::Value(static_cast<std::int64_t>(*f.seq_from)));
  if (f.seq_to) o.emplace_back("seq_to", json::Value(static_cast<std::int64_t>(*f.seq_to)));
  if (f.target_type) o.emplace_back("target_type", json::Value(*f.target_type));
  if (f.to) o.emplace_back("to", json::Value(f.to->to_string()));
  return json::canonical(json::Value(std::move(o)));
}

ExportFilter filter_from_json(const json::Value& v) {
  if (!v.is_object()) throw std::invalid_argument("the filter is not a JSON object");
  for (const auto& [name, value] : v.as_object()) {
    static constexpr std::string_view kKnown[] = {"action_prefix", "actor_id", "ai_below", "from",
                                                  "high_risk_only", "sensitive_only", "seq_from", "seq_to",
                                                  "target_type", "to"};
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) {
      throw std::invalid_argument("the filter has an unknown member \"" + name + "\"");
    }
  }
  ExportFilter f;
  const auto text = [&](std::string_view name, std::optional<std::string>& out) {
    if (const json::Value* m = member_of(v, name, json::Type::kString)) out = m->as_string();
  };
  const auto seq = [&](std::string_view name, std::optional<std::uint64_t>& out) {
    if (const json::Value* m = member_of(v, name, json::Type::kInteger)) {
      if (m->as_integer() < 1) throw std::invalid_argument("filter member \"" + std::string(name) + "\" is below 1");
      out = static_cast<std::uint64_t>(m->as_integer());
    }
  };
  const auto time = [&](std::string_view name, std::optional<Timestamp>& out) {
    if (const json::Value* m = member_of(v, name, json::Type::kString)) {
      if (!Timestamp::is_canonical(m->as_string())) {
        throw std::invalid_argument("filter member \"" + std::string(name) + "\" is not a canonical time");
      }
      out = Timestamp::parse(m->as_string());
    }
  };
  const auto flag = [&](std::string_view name, bool& out) {
    if (const json::Value* m = member_of(v, name, json::Type::kBool)) out = m->as_bool();
  };
  text("action_prefix", f.action_prefix);
  text("actor_id", f.actor_id);
  text("target_type", f.target_type);
  if (const json::Value* m = member_of(v, "ai_below", json::Type::kString)) {
    if (!Decimal::is_valid(m->as_string())) throw std::invalid_argument("filter member \"ai_below\" is not a decimal");
    f.ai_below = Decimal::parse(m->as_string());
  }
  time("from", f.from);
  time("to", f.to);
  seq("seq_from", f.seq_from);
  seq("seq_to", f.seq_to);
  flag("sensitive_only", f.sensitive_only);
  flag("high_risk_only", f.high_risk_only);
  return f;
}

EntryFilter::EntryFilter(const ExportFilter& filter)
    : filter_(filter),
      from_(filter.from ? filter.from->to_string() : std::string()),
      to_(filter.to ? filter.to->to_string() : std::string()) {}

bool EntryFilter::matches(const EntryFields& f) const {
  const ExportFilter& x = filter_;
  if (x.seq_from && f.seq < *x.seq_from) return false;
  if (x.seq_to && f.seq > *x.seq_to) return false;
  // Canonical times are fixed-width UTC text, so text order is time order.
  if (x.from && f.recorded_at < from_) return false;
  if (x.to && !(f.recorded_at < to_)) return false;
  if (x.action_prefix && f.action.substr(0, x.action_prefix->size()) != *x.action_prefix) return false;
  if (x.target_type && f.target_type != std::string_view(*x.target_type)) return false;
  if (x.actor_id && f.actor_id != *x.actor_id) return false;
  if (x.sensitive_only && !f.sensitive) return false;
  if (x.high_risk_only && !f.high_risk) return false;
  if (x.ai_below) {
    if (!f.ai_confidence || !Decimal::is_valid(*f.ai_confidence)) return false;
    if (!(Decimal::parse(*f.ai_confidence) < *x.ai_below)) return false;
  }
  return true;
}

}  // namespace detail
}  // namespace auditchain
