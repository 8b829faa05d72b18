// c_api_exports.cc — the C ABI (auditchain.h): exports, bundles and the
// operations on protected values.

#include "auditchain/auditchain.h"
#include "c_api_internal.hpp"

using namespace auditchain;
using capi::guarded;
using capi::handle;

namespace {

ExportFilter export_filter(const json::Value& v, const std::string& where) {
  const capi::ObjectReader r(v, where,
                             {"from", "to", "seq_from", "seq_to", "action_prefix", "target_type", "actor_id",
                              "sensitive_only", "high_risk_only", "ai_below"});
  ExportFilter f;
  f.from = r.time("from");
  f.to = r.time("to");
  f.seq_from = r.integer("seq_from", 1);
  f.seq_to = r.integer("seq_to", 1);
  f.action_prefix = r.string("action_prefix");
  f.target_type = r.string("target_type");
  f.actor_id = r.string("actor_id");
  f.sensitive_only = r.boolean("sensitive_only").value_or(false);
  f.high_risk_only = r.boolean("high_risk_only").value_or(false);
  f.ai_below = r.decimal("ai_below");
  return f;
}

ExportOptions export_options(const char* options_json) {
  const json::Value v = capi::parse_param(options_json, "options_json");
  const capi::ObjectReader r(v, "options_json", {"filter", "exported_by", "decrypt"});
  ExportOptions o;
  if (const json::Value* filter = r.find("filter")) o.filter = export_filter(*filter, r.field("filter"));
  const json::Value* by = r.find("exported_by");
  if (by == nullptr) r.fail("exported_by", "is missing: who asks for the export is recorded");
  o.exported_by = capi::actor_from_json(*by, r.field("exported_by"));
  o.decrypt = r.boolean("decrypt").value_or(false);
  return o;
}

Actor actor_param(const char* actor_json) {
  return capi::actor_from_json(capi::parse_param(actor_json, "actor_json"), "actor_json");
}

std::string summary_to_json(const ExportSummary& s) {
  const auto optional_seq = [](const std::optional<std::uint64_t>& seq) {
    return seq ? std::to_string(*seq) : std::string("null");
  };
  std::string out = "{\"entries\":" + std::to_string(s.entries);
  out += ",\"first_seq\":" + optional_seq(s.first_seq);
  out += ",\"last_seq\":" + optional_seq(s.last_seq);
  out += ",\"per_action\":{";
  bool first = true;
  for (const auto& [action, n] : s.per_action) {
    if (!first) out += ',';
    first = false;
    out += json_quote(action) + ":" + std::to_string(n);
  }
  out += "},\"totals\":{";
  first = true;
  for (const auto& [currency, total] : s.totals) {
    if (!first) out += ',';
    first = false;
    out += json_quote(currency) + ":" + json_quote(total.to_string());
  }
  out += "},\"entries_digest\":" + json_quote(s.entries_digest);
  out += ",\"sha256\":" + (s.sha256.empty() ? std::string("null") : json_quote(s.sha256));
  out += ",\"record\":" + capi::receipt_to_json(s.record) + "}";
  return out;
}

}  // namespace

extern "C" {

int auditchain_tenant_export(auditchain_tenant* tenant, const char* format, const char* options_json,
                             const char* out_path, char** summary_json, char** errmsg) noexcept {
  return guarded(errmsg, {summary_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(format, "format");
    capi::require(options_json, "options_json");
    capi::require(out_path, "out_path");
    capi::require(summary_json, "summary_json");
    const ExportFormat f = parse_export_format(format);
    const ExportOptions options = export_options(options_json);
    ExportSummary summary;
    try {
      summary = export_file(t, f, out_path, options);
    } catch (const Error& e) {
      if (e.field() != "path") throw;
      throw Error(e.code(), std::string("out_") + e.what(), "out_path");
    }
    *summary_json = capi::copy_out(summary_to_json(summary));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_export_bundle(auditchain_tenant* tenant, const char* directory, const char* options_json,
                                    const char* signer_text, char** summary_json, char** errmsg) noexcept {
  return guarded(errmsg, {summary_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(directory, "directory");
    capi::require(options_json, "options_json");
    capi::require(summary_json, "summary_json");
    BundleOptions options;
    options.export_options = export_options(options_json);
    std::optional<SignerKey> signer;
    if (signer_text != nullptr) {
      try {
        signer.emplace(SignerKey::parse(signer_text));
      } catch (const Error& e) {
        throw Error(e.code(), std::string("signer_text: ") + e.what(), "signer_text");
      }
      options.signer = &*signer;
    }
    const BundleSummary b = export_bundle(t, directory, options);
    std::string out = summary_to_json(b.summary);
    out.pop_back();  // the closing brace: the bundle's members follow
    out += ",\"checkpoint\":" + capi::checkpoint_to_json(b.checkpoint);
    out += ",\"files\":" + capi::string_array(b.files) + "}";
    *summary_json = capi::copy_out(out);
    return AUDITCHAIN_OK;
  });
}

int auditchain_verify_bundle(const char* directory, const char* keys_json, char** report_json,
                             char** errmsg) noexcept {
  return guarded(errmsg, {report_json}, [&] {
    capi::require(directory, "directory");
    capi::require(keys_json, "keys_json");
    capi::require(report_json, "report_json");
    const std::vector<VerifierKey> keys =
        capi::verifier_keys(capi::parse_param(keys_json, "keys_json"), "keys_json");
    if (keys.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "keys_json: must hold at least one verifier key", "keys_json");
    }
    *report_json = capi::copy_out(bundle_report_to_json(verify_bundle(directory, keys)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_erase_subject(auditchain_tenant* tenant, const char* subject, const char* actor_json,
                                    char** receipt_json, char** errmsg) noexcept {
  return guarded(errmsg, {receipt_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(subject, "subject");
    capi::require(actor_json, "actor_json");
    capi::require(receipt_json, "receipt_json");
    const Actor actor = actor_param(actor_json);
    *receipt_json = capi::copy_out(capi::receipt_to_json(t.erase_subject(subject, actor)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_set_retention(auditchain_tenant* tenant, uint32_t days, const char* actor_json,
                                    char** receipt_json, char** errmsg) noexcept {
  return guarded(errmsg, {receipt_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(actor_json, "actor_json");
    capi::require(receipt_json, "receipt_json");
    const Actor actor = actor_param(actor_json);
    *receipt_json = capi::copy_out(capi::receipt_to_json(t.set_retention(days, actor)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_purge_expired(auditchain_tenant* tenant, const char* actor_json, char** receipt_json,
                                    char** errmsg) noexcept {
  return guarded(errmsg, {receipt_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(actor_json, "actor_json");
    capi::require(receipt_json, "receipt_json");
    const Actor actor = actor_param(actor_json);
    *receipt_json = capi::copy_out(capi::receipt_to_json(t.purge_expired(actor)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_secret_matches(auditchain_tenant* tenant, uint64_t seq, const char* pointer,
                                     const char* candidate, int* matches, char** errmsg) noexcept {
  if (matches != nullptr) *matches = 0;
  return guarded(errmsg, {}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(pointer, "pointer");
    capi::require(candidate, "candidate");
    capi::require(matches, "matches");
    *matches = t.secret_matches(seq, pointer, candidate) ? 1 : 0;
    return AUDITCHAIN_OK;
  });
}

}  // extern "C"
