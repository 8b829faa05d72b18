// cmd_append.cc — `auditchain append`: record one event and print its receipt.
//
// The event comes either from field options or as JSON (--event), never from
// both, so that no flag silently overrides or is overridden by the document.
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "entry_text.hpp"
#include "options.hpp"

namespace auditchain::cli {
namespace {

struct AppendArgs {
  std::string path;
  OptionalText tenant;
  OptionalText event_source;
  bool create_tenant = false;
  bool json = false;
  MasterKeyOptions keys;

  OptionalText subject;
  std::vector<std::string> encrypt, secret;
  OptionalText actor, action, actor_kind, on_behalf_of, ip, session, request_id;
  OptionalText target_type, target_id, before, after, amount, currency;
  std::vector<std::string> meta;
  bool sensitive = false;
  bool high_risk = false;
  OptionalText ai_model, ai_model_version, confidence, source_uri, source_sha256, rule_id, rule_version;
  OptionalText derived_from, overrides, occurred_at, idempotency_key;
  std::vector<const CLI::Option*> field_options;  // everything --event replaces
};

std::map<std::string, std::string> parse_metadata(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> metadata;
  for (const std::string& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) usage_error("--meta", "expected KEY=VALUE, got \"" + pair + "\"");
    if (!metadata.emplace(pair.substr(0, eq), pair.substr(eq + 1)).second) {
      usage_error("--meta", "key \"" + pair.substr(0, eq) + "\" given twice");
    }
  }
  return metadata;
}

Event event_from_options(const AppendArgs& a) {
  if (!a.actor.given()) usage_error("--actor", "required (or give the whole event with --event)");
  if (!a.action.given()) usage_error("--action", "required (or give the whole event with --event)");
  Event e;
  e.action = a.action.value;
  e.actor.id = a.actor.value;
  if (a.actor_kind.given()) e.actor.kind = parse_actor_kind(a.actor_kind.value, "actor.kind");
  e.actor.on_behalf_of = a.on_behalf_of.get();
  e.actor.ip = a.ip.get();
  e.actor.session_id = a.session.get();
  e.actor.request_id = a.request_id.get();
  if (a.target_type.given()) e.target = Target{a.target_type.value, a.target_id.value};
  e.before = a.before.get();
  e.after = a.after.get();
  if (a.amount.given()) e.amount = Amount{a.amount.value, a.currency.value};
  e.metadata = parse_metadata(a.meta);
  e.sensitive = a.sensitive;
  e.high_risk = a.high_risk;
  if (a.ai_model.given()) {
    AiProvenance ai;
    ai.model = a.ai_model.value;
    ai.model_version = a.ai_model_version.get();
    ai.confidence = a.confidence.get();
    if (a.source_uri.given()) ai.source = SourceDocument{a.source_uri.value, a.source_sha256.value};
    if (a.rule_id.given()) ai.rule = Rule{a.rule_id.value, a.rule_version.value};
    e.ai = std::move(ai);
  }
  e.derived_from = parse_optional_count(a.derived_from, 1);
  e.overrides = parse_optional_count(a.overrides, 1);
  if (a.occurred_at.given()) e.occurred_at = Timestamp::parse(a.occurred_at.value, "occurred_at");
  e.idempotency_key = a.idempotency_key.get();
  e.protect.encrypt = a.encrypt;
  e.protect.secret = a.secret;
  e.protect.subject = a.subject.get();
  return e;
}

// With --create-tenant the tenant comes into being with its first entry, in
// the same transaction: a refused first event leaves no tenant behind.
TenantLedger find_tenant(Ledger& ledger, const std::string& name, bool create) {
  if (create) return ledger.tenant(name, TenantMode::kCreateOnAppend);
  try {
    return ledger.tenant(name, TenantMode::kMustExist);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    throw Error(e.code(), std::string(e.what()) + " (add --create-tenant to create it)", e.field());
  }
}

int run_append(const AppendArgs& a) {
  Event event;
  if (a.event_source.given()) {
    for (const CLI::Option* field : a.field_options) {
      if (field->count() > 0) usage_error("--event", "cannot be combined with " + field->get_name());
    }
    event = parse_event_json(read_input(a.event_source.value, "--event"));
  } else {
    event = event_from_options(a);
  }
  std::string tenant;
  if (a.tenant.given()) {
    tenant = a.tenant.value;
  } else if (event.tenant) {
    tenant = *event.tenant;
  } else {
    usage_error("--tenant", "required (unless the --event document names its tenant)");
  }
  Ledger ledger = open_existing_for_writing(a.path, a.keys);
  TenantLedger handle = find_tenant(ledger, tenant, a.create_tenant);
  print_receipt(std::cout, handle.append(event), a.json);
  return 0;
}

struct FieldOption {
  const char* name;
  OptionalText AppendArgs::*text;
  const char* help;
  const char* type;
};

}  // namespace

void add_append_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("append", "Record one event in a tenant's chain and print its receipt");
  auto a = std::make_shared<AppendArgs>();
  add_ledger_argument(*cmd, a->path);
  add_text_option(*cmd, "--tenant", a->tenant, "The tenant to record in (required unless --event names one)",
                  "NAME");
  add_text_option(*cmd, "--event", a->event_source,
                  "Read the whole event as one JSON object from FILE, or from standard input with '-', "
                  "instead of the event field options",
                  "FILE|-");
  cmd->add_flag("--create-tenant", a->create_tenant, "Create the tenant if it does not exist yet");
  cmd->add_flag("--json", a->json, "Print the receipt as one JSON object");
  add_master_key_options(*cmd, a->keys, "to encrypt protected values with (needed by --encrypt, --secret, protect)");

  static const FieldOption fields[] = {
      {"--actor", &AppendArgs::actor, "Who did it: user id, service name or AI agent id (required)", "ID"},
      {"--action", &AppendArgs::action, "What was done, e.g. invoice.update (required)", "NAME"},
      {"--actor-kind", &AppendArgs::actor_kind, "user (default), service, ai_agent or system", "KIND"},
      {"--on-behalf-of", &AppendArgs::on_behalf_of, "The principal the actor acted for (impersonation)", "ID"},
      {"--ip", &AppendArgs::ip, "The actor's IPv4 or IPv6 address", "ADDR"},
      {"--session", &AppendArgs::session, "The actor's session id", "ID"},
      {"--request-id", &AppendArgs::request_id, "The request id", "ID"},
      {"--target-type", &AppendArgs::target_type, "The type of record acted on, e.g. invoice", "T"},
      {"--target-id", &AppendArgs::target_id, "The id of the record acted on", "I"},
      {"--before", &AppendArgs::before, "The record before the change, as JSON", "JSON"},
      {"--after", &AppendArgs::after, "The record after the change, as JSON", "JSON"},
      {"--amount", &AppendArgs::amount, "A money amount, an exact decimal such as 1250.00", "VALUE"},
      {"--currency", &AppendArgs::currency, "The amount's ISO 4217 code in capitals, e.g. EUR", "CUR"},
      {"--ai-model", &AppendArgs::ai_model, "The AI model that took the decision", "M"},
      {"--ai-model-version", &AppendArgs::ai_model_version, "The model's version", "V"},
      {"--confidence", &AppendArgs::confidence, "The model's confidence, a decimal from 0 to 1", "C"},
      {"--source-uri", &AppendArgs::source_uri, "The document the decision was based on", "U"},
      {"--source-sha256", &AppendArgs::source_sha256, "SHA-256 of that document (64 hex digits)", "H"},
      {"--rule-id", &AppendArgs::rule_id, "The rule the decision applied", "R"},
      {"--rule-version", &AppendArgs::rule_version, "The rule's version", "V"},
      {"--derived-from", &AppendArgs::derived_from, "Seq of an earlier entry of the tenant this one derives from",
       "SEQ"},
      {"--overrides", &AppendArgs::overrides, "Seq of the earlier AI decision this entry overrides", "SEQ"},
      {"--occurred-at", &AppendArgs::occurred_at, "When it happened, if not when recorded (RFC 3339)", "TIME"},
      {"--idempotency-key", &AppendArgs::idempotency_key,
       "Record the event once only: reusing a key of the tenant writes nothing and prints the first receipt",
       "K"},
  };
  const std::string group = "Event fields (instead of --event)";
  std::map<std::string, CLI::Option*> by_name;
  for (const FieldOption& f : fields) {
    by_name[f.name] = add_text_option(*cmd, f.name, (*a).*(f.text), f.help, f.type)->group(group);
  }
  by_name["--meta"] = one_value_per_use(cmd->add_option("--meta", a->meta, "Free-form metadata (repeatable)"))
                          ->type_name("KEY=VALUE")
                          ->group(group);
  by_name["--sensitive"] = cmd->add_flag("--sensitive", a->sensitive, "Flag: touches sensitive data")->group(group);
  by_name["--high-risk"] = cmd->add_flag("--high-risk", a->high_risk, "Flag: a high-risk action")->group(group);
  const std::string protect_group = "Protected values (instead of the --event document's \"protect\")";
  by_name["--encrypt"] =
      one_value_per_use(cmd->add_option("--encrypt", a->encrypt,
                                        "Store the value at POINTER encrypted, e.g. /after/iban, /metadata/note, "
                                        "/actor/ip (repeatable)"))
          ->type_name("POINTER")
          ->group(protect_group);
  by_name["--secret"] =
      one_value_per_use(cmd->add_option("--secret", a->secret,
                                        "Keep the value at POINTER only as a keyed commitment, e.g. /metadata/token "
                                        "(repeatable)"))
          ->type_name("POINTER")
          ->group(protect_group);
  by_name["--subject"] = add_text_option(*cmd, "--subject", a->subject,
                                         "The data subject the encrypted values belong to (erase forgets them)", "ID")
                             ->group(protect_group);
  for (const auto& [name, option] : by_name) a->field_options.push_back(option);

  const auto pair = [&](const char* x, const char* y) {
    by_name[x]->needs(by_name[y]);
    by_name[y]->needs(by_name[x]);
  };
  pair("--target-type", "--target-id");
  pair("--amount", "--currency");
  pair("--source-uri", "--source-sha256");
  pair("--rule-id", "--rule-version");
  for (const char* ai_detail : {"--ai-model-version", "--confidence", "--source-uri", "--rule-id"}) {
    by_name[ai_detail]->needs(by_name["--ai-model"]);
  }

  cmd->footer(examples(
      {
          "auditchain append audit.db --tenant acme --actor u:alice --action auth.login --ip 203.0.113.7",
          "auditchain append audit.db --tenant acme --actor u:alice --action invoice.update \\",
          "    --target-type invoice --target-id INV-42 --before '{\"total\":\"1250.00\"}' \\",
          "    --after '{\"total\":\"1350.00\"}' --amount 1350.00 --currency EUR --meta reason=typo \\",
          "    --idempotency-key inv-42-v2",
          "auditchain append audit.db --tenant acme --actor ai:classifier --actor-kind ai_agent \\",
          "    --action expense.categorize --ai-model classifier --confidence 0.87 --json",
          "echo '{\"action\":\"auth.logout\",\"actor\":\"u:alice\"}' |",
          "    auditchain append audit.db --tenant acme --event -",
          "auditchain append audit.db --tenant acme --master-key keys/master.key --actor u:alice \\",
          "    --action customer.update --after '{\"iban\":\"DE89370400440532013000\"}' \\",
          "    --encrypt /after/iban --subject customer-17 --meta token=Xy7 --secret /metadata/token",
          "echo '{\"action\":\"auth.otp\",\"actor\":\"u:bob\",\"metadata\":{\"code\":\"493817\"},\"protect\":{\"secret\":[\"/metadata/code\"]}}' |",
          "    auditchain append audit.db --tenant acme --master-key keys/master.key --event -",
      },
      "The ledger must exist (see init). The --event document has the members of the entry format: action,\n"
      "actor, target, before, after, amount, metadata, flags, ai, derived_from, overrides, occurred_at,\n"
      "idempotency_key, tenant and protect ({\"encrypt\": [...], \"secret\": [...], \"subject\": \"...\"}, as\n"
      "--encrypt/--secret/--subject would give it). Protected values need --master-key (see keygen-master); a\n"
      "key the ledger never used is refused. Invalid input is refused with one line naming the field, exit\n"
      "status 2, and nothing is written."));
  cmd->callback([a, &exit_code] { exit_code = run_append(*a); });
}

}  // namespace auditchain::cli
