// c_api_proofs.cc — the C ABI (auditchain.h): verification, keys,
// checkpoints, seals and proofs.
#include "auditchain/auditchain.h"
#include "c_api_internal.hpp"

using namespace auditchain;
using capi::guarded;
using capi::handle;

namespace {

constexpr std::uint64_t kMaxJobs = 1024;

VerifyOptions verify_options(const char* options_json) {
  VerifyOptions o;
  if (options_json == nullptr) return o;
  const json::Value v = capi::parse_param(options_json, "options_json");
  const capi::ObjectReader r(v, "options_json",
                             {"tenants", "from", "to", "jobs", "max_findings_per_tenant", "trusted_checkpoints",
                              "keys"});
  o.tenants = r.strings("tenants").value_or(std::vector<std::string>{});
  o.from = r.time("from");
  o.to = r.time("to");
  o.jobs = static_cast<unsigned>(r.integer("jobs", 0, kMaxJobs).value_or(0));
  if (const auto n = r.integer("max_findings_per_tenant")) o.max_findings_per_tenant = static_cast<std::size_t>(*n);
  o.trusted_checkpoints = r.strings("trusted_checkpoints").value_or(std::vector<std::string>{});
  if (const json::Value* keys = r.find("keys")) o.keys = capi::verifier_keys(*keys, r.field("keys"));
  return o;
}

// A signer key given as text, with the parameter named in errors.
SignerKey signer_key(const char* text, const char* param) {
  capi::require(text, param);
  try {
    return SignerKey::parse(text);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(param) + ": " + e.what(), param);
  }
}

}  // namespace

extern "C" {

int auditchain_verify(const char* path, const char* options_json, char** report_json, char** errmsg) noexcept {
  return guarded(errmsg, {report_json}, [&] {
    capi::require(path, "path");
    capi::require(report_json, "report_json");
    const VerifyOptions options = verify_options(options_json);
    *report_json = capi::copy_out(report_to_json(verify(path, options)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_keygen(const char* name, char** signer_text, char** verifier_text, char** errmsg) noexcept {
  return guarded(errmsg, {signer_text, verifier_text}, [&] {
    capi::require(name, "name");
    capi::require(signer_text, "signer_text");
    capi::require(verifier_text, "verifier_text");
    const SignerKey key = SignerKey::generate(name);
    std::string secret = key.to_text();
    try {
      *signer_text = capi::copy_out(secret);
    } catch (...) {
      capi::wipe(secret);
      throw;
    }
    capi::wipe(secret);
    *verifier_text = capi::copy_out(key.verifier().to_text());
    return AUDITCHAIN_OK;
  });
}

int auditchain_master_key_generate(char** key_text, char** errmsg) noexcept {
  return guarded(errmsg, {key_text}, [&] {
    capi::require(key_text, "key_text");
    std::string secret = MasterKey::generate().to_text();
    try {
      *key_text = capi::copy_out(secret);
    } catch (...) {
      capi::wipe(secret);
      throw;
    }
    capi::wipe(secret);
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_checkpoint(auditchain_tenant* tenant, const char* signer_text, char** checkpoint_json,
                                 char** errmsg) noexcept {
  return guarded(errmsg, {checkpoint_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(checkpoint_json, "checkpoint_json");
    const SignerKey key = signer_key(signer_text, "signer_text");
    *checkpoint_json = capi::copy_out(capi::checkpoint_to_json(t.checkpoint(key)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_checkpoints(auditchain_tenant* tenant, char** checkpoints_json, char** errmsg) noexcept {
  return guarded(errmsg, {checkpoints_json}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(checkpoints_json, "checkpoints_json");
    std::string out = "[";
    for (const Checkpoint& c : t.checkpoints()) {
      if (out.size() > 1) out += ',';
      out += capi::checkpoint_to_json(c);
    }
    out += ']';
    *checkpoints_json = capi::copy_out(out);
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_seal(auditchain_tenant* tenant, const char* through, const char* signer_text,
                           char** checkpoint_json, char** errmsg) noexcept {
  return guarded(errmsg, {checkpoint_json}, [&] {
    TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(through, "through");
    capi::require(checkpoint_json, "checkpoint_json");
    const Timestamp end = Timestamp::parse(through, "through");
    const SignerKey key = signer_key(signer_text, "signer_text");
    *checkpoint_json = capi::copy_out(capi::checkpoint_to_json(t.seal(end, key)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_prove_inclusion(auditchain_tenant* tenant, uint64_t seq, uint64_t tree_size, char** proof_json,
                                      char** errmsg) noexcept {
  return guarded(errmsg, {proof_json}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(proof_json, "proof_json");
    const std::optional<std::uint64_t> size = tree_size == 0 ? std::nullopt : std::optional(tree_size);
    *proof_json = capi::copy_out(proof_to_json(t.prove_inclusion(seq, size)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_tenant_prove_consistency(auditchain_tenant* tenant, uint64_t old_size, uint64_t new_size,
                                        char** proof_json, char** errmsg) noexcept {
  return guarded(errmsg, {proof_json}, [&] {
    const TenantLedger& t = handle(tenant, "tenant").tenant;
    capi::require(proof_json, "proof_json");
    const std::optional<std::uint64_t> size = new_size == 0 ? std::nullopt : std::optional(new_size);
    *proof_json = capi::copy_out(proof_to_json(t.prove_consistency(old_size, size)));
    return AUDITCHAIN_OK;
  });
}

int auditchain_verify_proof(const char* proof_json, const char* keys_json, char** verdict_json,
                            char** errmsg) noexcept {
  return guarded(errmsg, {verdict_json}, [&] {
    capi::require(proof_json, "proof_json");
    capi::require(verdict_json, "verdict_json");
    std::vector<VerifierKey> keys;
    if (keys_json != nullptr) keys = capi::verifier_keys(capi::parse_param(keys_json, "keys_json"), "keys_json");
    ProofVerdict v;
    try {
      v = verify_proof_json(proof_json, keys);
    } catch (const Error& e) {
      throw Error(e.code(), std::string("proof_json: ") + e.what(), "proof_json");
    }
    std::string out = "{\"valid\":";
    out += v.valid ? "true" : "false";
    out += ",\"kind\":" + json_quote(v.kind);
    out += ",\"problems\":" + capi::string_array(v.problems);
    out += ",\"summary\":" + json_quote(v.summary) + "}";
    *verdict_json = capi::copy_out(out);
    return AUDITCHAIN_OK;
  });
}

}  // extern "C"
