// c_api_json_test.cc — the JSON the C ABI reads and writes: events shown in
// the form parse_event_json() reads, the options it refuses, and the
// exception barrier every function runs behind.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include "auditchain/auditchain.h"
#include "auditchain/auditchain.hpp"
#include "c_api_internal.hpp"
#include "event_json.hpp"
#include "json.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::ScratchDir;

// Every member an event can carry, set.
Event full_event() {
  Event e;
  e.tenant = "acme";
  e.action = "invoice.update";
  e.actor.id = "agent:approver";
  e.actor.kind = ActorKind::kAiAgent;
  e.actor.on_behalf_of = "u:alice";
  e.actor.ip = "2001:db8::7";
  e.actor.session_id = "s-1";
  e.actor.request_id = "r-1";
  e.target = Target{"invoice", "INV-1"};
  e.before = R"({"lines":[{"qty":1}],"total":"100.00"})";
  e.after = R"({"lines":[{"qty":2}],"note":"café \"quoted\"\n","total":"200.00"})";
  e.amount = Amount{"200.00", "EUR"};
  e.metadata = {{"ticket", "T-9"}, {"tab\tkey", "line\nbreak"}, {"ünïcode", "✓"}};
  e.sensitive = true;
  e.high_risk = true;
  e.ai = AiProvenance{"approver", "3.1", "0.93",
                      SourceDocument{"s3://docs/inv-1.pdf",
                                     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
                      Rule{"R-7", "2"}};
  e.derived_from = 3;
  e.overrides = 4;
  e.occurred_at = Timestamp::parse("2026-11-20T10:00:00.25+01:00");
  e.idempotency_key = "inv-1-v2";
  e.protect.encrypt = {"/after/note", "/actor/ip"};
  e.protect.secret = {"/metadata/ticket"};
  e.protect.subject = "cust-1";
  return e;
}

void expect_same_event(const Event& a, const Event& b) {
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.actor.id, b.actor.id);
  EXPECT_EQ(a.actor.kind, b.actor.kind);
  EXPECT_EQ(a.actor.on_behalf_of, b.actor.on_behalf_of);
  EXPECT_EQ(a.actor.ip, b.actor.ip);
  EXPECT_EQ(a.actor.session_id, b.actor.session_id);
  EXPECT_EQ(a.actor.request_id, b.actor.request_id);
  ASSERT_EQ(a.target.has_value(), b.target.has_value());
  if (a.target) {
    EXPECT_EQ(a.target->type, b.target->type);
    EXPECT_EQ(a.target->id, b.target->id);
  }
  EXPECT_EQ(a.before, b.before);
  EXPECT_EQ(a.after, b.after);
  ASSERT_EQ(a.amount.has_value(), b.amount.has_value());
  if (a.amount) {
    EXPECT_EQ(a.amount->value, b.amount->value);
    EXPECT_EQ(a.amount->currency, b.amount->currency);
  }
  EXPECT_EQ(a.metadata, b.metadata);
  EXPECT_EQ(a.sensitive, b.sensitive);
  EXPECT_EQ(a.high_risk, b.high_risk);
  ASSERT_EQ(a.ai.has_value(), b.ai.has_value());
  if (a.ai) {
    EXPECT_EQ(a.ai->model, b.ai->model);
    EXPECT_EQ(a.ai->model_version, b.ai->model_version);
    EXPECT_EQ(a.ai->confidence, b.ai->confidence);
    ASSERT_EQ(a.ai->source.has_value(), b.ai->source.has_value());
    if (a.ai->source) {
      EXPECT_EQ(a.ai->source->uri, b.ai->source->uri);
      EXPECT_EQ(a.ai->source->sha256, b.ai->source->sha256);
    }
    ASSERT_EQ(a.ai->rule.has_value(), b.ai->rule.has_value());
    if (a.ai->rule) {
      EXPECT_EQ(a.ai->rule->id, b.ai->rule->id);
      EXPECT_EQ(a.ai->rule->version, b.ai->rule->version);
    }
  }
  EXPECT_EQ(a.derived_from, b.derived_from);
  EXPECT_EQ(a.overrides, b.overrides);
  EXPECT_EQ(a.occurred_at, b.occurred_at);
  EXPECT_EQ(a.idempotency_key, b.idempotency_key);
  EXPECT_EQ(a.protect.encrypt, b.protect.encrypt);
  EXPECT_EQ(a.protect.secret, b.protect.secret);
  EXPECT_EQ(a.protect.subject, b.protect.subject);
}

// ---- event_to_json ------------------------------------------------------------

TEST(EventJson, EveryFieldSurvivesTheRoundTripThroughParseEventJson) {
  const Event e = full_event();
  expect_same_event(parse_event_json(detail::event_to_json(e)), e);
}

TEST(EventJson, EachOptionalFieldAloneSurvivesTheRoundTrip) {
  const Event full = full_event();
  std::vector<void (*)(const Event&, Event&)> setters = {
      [](const Event& f, Event& e) { e.tenant = f.tenant; },
      [](const Event& f, Event& e) { e.actor = f.actor; },
      [](const Event& f, Event& e) { e.target = f.target; },
      [](const Event& f, Event& e) { e.before = f.before; },
      [](const Event& f, Event& e) { e.after = f.after; },
      [](const Event& f, Event& e) { e.amount = f.amount; },
      [](const Event& f, Event& e) { e.metadata = f.metadata; },
      [](const Event&, Event& e) { e.sensitive = true; },
      [](const Event&, Event& e) { e.high_risk = true; },
      [](const Event& f, Event& e) { e.ai = AiProvenance{f.ai->model, std::nullopt, std::nullopt, std::nullopt, std::nullopt}; },
      [](const Event& f, Event& e) { e.derived_from = f.derived_from; },
      [](const Event& f, Event& e) { e.overrides = f.overrides; },
      [](const Event& f, Event& e) { e.occurred_at = f.occurred_at; },
      [](const Event& f, Event& e) { e.idempotency_key = f.idempotency_key; },
      [](const Event& f, Event& e) { e.protect.encrypt = f.protect.encrypt; },
      [](const Event& f, Event& e) { e.protect.secret = f.protect.secret; },
      [](const Event& f, Event& e) { e.protect.subject = f.protect.subject; },
  };
  for (std::size_t i = 0; i < setters.size(); ++i) {
    SCOPED_TRACE("setter " + std::to_string(i));
    Event e = testing::make_event("a.b", "u:a");
    setters[i](full, e);
    expect_same_event(parse_event_json(detail::event_to_json(e)), e);
  }
}

TEST(EventJson, AMinimalEventHoldsOnlyActionAndActor) {
  EXPECT_EQ(detail::event_to_json(testing::make_event("a.b", "u:a")),
            R"({"action":"a.b","actor":{"id":"u:a","kind":"user"}})");
}

TEST(EventJson, BeforeAndAfterAreWrittenAsJsonValuesInCanonicalForm) {
  Event e = testing::make_event();
  e.before = R"({ "b" : 1 , "a" : [ true , null ] })";
  const std::string text = detail::event_to_json(e);
  EXPECT_NE(text.find(R"("before":{"a":[true,null],"b":1})"), std::string::npos) << text;
  EXPECT_EQ(parse_event_json(text).before, R"({"a":[true,null],"b":1})");
}

TEST(EventJson, BeforeThatIsNotJsonIsRefusedNamingIt) {
  Event e = testing::make_event();
  e.before = "{not json";
  EXPECT_AUDITCHAIN_ERROR(detail::event_to_json(e), ErrorCode::kInvalidArgument, "before");
}

TEST(EventJson, TextThatIsNotUtf8IsRefusedRatherThanWrittenAsBrokenJson) {
  Event e = testing::make_event();
  e.metadata["note"] = "\xff\xfe";
  EXPECT_AUDITCHAIN_ERROR(detail::event_to_json(e), ErrorCode::kInvalidArgument, "note");
}

TEST(EventJson, AnEntryReadBackShowsTheEventThatWasAppended) {
  ScratchDir dir;
  auto key = std::make_shared<const MasterKey>(MasterKey::generate());
  OpenOptions options;
  options.master_keys = {key};
  Ledger ledger = Ledger::open(dir.file("a.db"), options);
  TenantLedger acme = ledger.tenant("acme", TenantMode::kCreateIfMissing);
  Event e = full_event();
  e.derived_from.reset();
  e.overrides.reset();
  e.protect.secret.clear();  // a secret reads back as a marker
  e.metadata.erase("tab\tkey");  // metadata keys may not hold control characters
  acme.append(e);
  const Entry entry = acme.read(1);
  Event shown = parse_event_json(detail::event_to_json(entry.event));
  // The stored form: decimals canonical, times in UTC, no protection request.
  Event expected = e;
  expected.amount->value = "200";
  expected.protect = {};
  expect_same_event(shown, expected);
}

// ---- JSON out ------------------------------------------------------------------

TEST(CApiJson, AReceiptHasTheMembersOfAppendJson) {
  Receipt r;
  r.tenant = "acme";
  r.seq = 12;
  r.recorded_at = Timestamp::parse("2026-11-21T07:03:29.123456Z");
  r.duplicate = true;
  EXPECT_EQ(capi::receipt_to_json(r),
            R"({"tenant":"acme","seq":12,"recorded_at":"2026-11-21T07:03:29.123456Z","hash":")" + r.hash.hex() +
                R"(","duplicate":true})");
}

TEST(CApiJson, AnEmptyHeadHasANullTime) {
  ChainHead h;
  EXPECT_EQ(capi::head_to_json(h), R"({"seq":0,"hash":")" + h.hash.hex() + R"(","recorded_at":null})");
}

TEST(CApiJson, EveryDocumentWrittenParses) {
  Checkpoint c;
  c.ledger_id = "00112233445566778899aabbccddeeff";
  c.tenant = "acme \"corp\"";
  c.note = "line one\nline two\n";
  c.sealed_through = Timestamp::parse("2026-10-31T23:59:59Z");
  const json::Value v = json::parse(capi::checkpoint_to_json(c));
  EXPECT_EQ(v.find("note")->as_string(), c.note);
  EXPECT_EQ(v.find("sealed_through")->as_string(), "2026-10-31T23:59:59.000000Z");
  EXPECT_EQ(v.find("tenant")->as_string(), c.tenant);
  EXPECT_NO_THROW(json::parse(capi::receipts_to_json({Receipt{}, Receipt{}})));
  EXPECT_EQ(capi::string_array({}), "[]");
}

// ---- JSON in: refusals ------------------------------------------------------------

TEST(CApiOptions, AnUnknownMemberIsRefusedNamingItAndListingTheKnownOnes) {
  const json::Value v = json::parse(R"({"limt":3})");
  try {
    capi::ObjectReader r(v, "query_json", {"limit", "seq_from"});
    FAIL() << "accepted an unknown member";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "query_json.limt");
    EXPECT_NE(std::string(e.what()).find("known: limit, seq_from"), std::string::npos) << e.what();
  }
}

TEST(CApiOptions, ANonObjectIsRefused) {
  const json::Value v = json::parse("[1]");
  EXPECT_AUDITCHAIN_ERROR(capi::ObjectReader(v, "options_json", {}), ErrorCode::kInvalidArgument, "options_json");
}

TEST(CApiOptions, WrongTypesAreRefusedNamingTheMember) {
  const json::Value v = json::parse(
      R"({"b":"true","i":"3","s":3,"t":"noon","d":5,"l":["a",1],"n":-1,"big":101,"small":0})");
  const capi::ObjectReader r(v, "options_json", {"b", "i", "s", "t", "d", "l", "n", "big", "small"});
  EXPECT_AUDITCHAIN_ERROR(r.boolean("b"), ErrorCode::kInvalidArgument, "options_json.b");
  EXPECT_AUDITCHAIN_ERROR(r.integer("i"), ErrorCode::kInvalidArgument, "options_json.i");
  EXPECT_AUDITCHAIN_ERROR(r.string("s"), ErrorCode::kInvalidArgument, "options_json.s");
  EXPECT_AUDITCHAIN_ERROR(r.time("t"), ErrorCode::kInvalidArgument, "options_json.t");
  EXPECT_AUDITCHAIN_ERROR(r.decimal("d"), ErrorCode::kInvalidArgument, "options_json.d");
  EXPECT_AUDITCHAIN_ERROR(r.strings("l"), ErrorCode::kInvalidArgument, "options_json.l");
  EXPECT_AUDITCHAIN_ERROR(r.integer("n"), ErrorCode::kInvalidArgument, "options_json.n");
  EXPECT_AUDITCHAIN_ERROR(r.integer("big", 0, 100), ErrorCode::kInvalidArgument, "options_json.big");
  EXPECT_AUDITCHAIN_ERROR(r.integer("small", 1), ErrorCode::kInvalidArgument, "options_json.small");
}

TEST(CApiOptions, FractionalNumbersAreRefusedByTheParser) {
  EXPECT_AUDITCHAIN_ERROR(capi::parse_param(R"({"ai_below":0.5})", "options_json"), ErrorCode::kInvalidArgument,
                          "options_json");
}

TEST(CApiOptions, IntegersBeyondTwoToThe53AreRefused) {
  EXPECT_AUDITCHAIN_ERROR(capi::parse_param(R"({"seq_to":18446744073709551615})", "query_json"),
                          ErrorCode::kInvalidArgument, "query_json");
  const json::Value v = json::parse(R"({"seq_to":9007199254740991})");
  EXPECT_EQ(capi::ObjectReader(v, "query_json", {"seq_to"}).integer("seq_to"), std::uint64_t{9007199254740991});
}

TEST(CApiOptions, NullCountsAsAbsent) {
  const json::Value v = json::parse(R"({"limit":null})");
  EXPECT_FALSE(capi::ObjectReader(v, "query_json", {"limit"}).integer("limit").has_value());
}

TEST(CApiOptions, ValuesOfTheRightTypeAreRead) {
  const json::Value v = json::parse(
      R"({"b":true,"i":42,"s":"x","t":"2026-01-01T01:00:00+01:00","d":"0.50","l":["a","b"]})");
  const capi::ObjectReader r(v, "o", {"b", "i", "s", "t", "d", "l"});
  EXPECT_EQ(r.boolean("b"), true);
  EXPECT_EQ(r.integer("i"), 42u);
  EXPECT_EQ(r.string("s"), "x");
  EXPECT_EQ(r.time("t"), Timestamp::parse("2026-01-01T00:00:00Z"));
  EXPECT_EQ(r.decimal("d")->to_string(), "0.5");
  EXPECT_EQ(r.strings("l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(r.boolean("missing").has_value());
}

TEST(CApiOptions, MalformedJsonIsRefusedNamingTheParameter) {
  EXPECT_AUDITCHAIN_ERROR(capi::parse_param("{\"a\":", "options_json"), ErrorCode::kInvalidArgument, "options_json");
  EXPECT_AUDITCHAIN_ERROR(capi::parse_param(nullptr, "options_json"), ErrorCode::kInvalidArgument, "options_json");
}

TEST(CApiOptions, AnActorIsAnObjectOrItsId) {
  EXPECT_EQ(capi::actor_from_json(json::parse(R"("u:dpo")"), "actor_json").id, "u:dpo");
  const Actor a = capi::actor_from_json(json::parse(R"({"id":"svc:x","kind":"service","ip":"10.0.0.1"})"), "a");
  EXPECT_EQ(a.kind, ActorKind::kService);
  EXPECT_EQ(a.ip, "10.0.0.1");
  EXPECT_AUDITCHAIN_ERROR(capi::actor_from_json(json::parse(R"({"kind":"user"})"), "actor_json"),
                          ErrorCode::kInvalidArgument, "actor_json.id");
  EXPECT_AUDITCHAIN_ERROR(capi::actor_from_json(json::parse(R"({"id":"u","kind":"robot"})"), "actor_json"),
                          ErrorCode::kInvalidArgument, "actor_json.kind");
  EXPECT_AUDITCHAIN_ERROR(capi::actor_from_json(json::parse("7"), "actor_json"), ErrorCode::kInvalidArgument,
                          "actor_json");
}

TEST(CApiOptions, VerifierKeysAreNamedByTheirIndex) {
  const SignerKey key = SignerKey::generate("k");
  const json::Value good = json::parse("[" + json_quote(key.verifier().to_text()) + "]");
  EXPECT_EQ(capi::verifier_keys(good, "keys_json").size(), 1u);
  const json::Value bad = json::parse("[" + json_quote(key.verifier().to_text()) + ",\"nope\"]");
  EXPECT_AUDITCHAIN_ERROR(capi::verifier_keys(bad, "keys_json"), ErrorCode::kInvalidArgument, "keys_json[1]");
  EXPECT_AUDITCHAIN_ERROR(capi::verifier_keys(json::parse("{}"), "keys_json"), ErrorCode::kInvalidArgument,
                          "keys_json");
}

// Option members reach the C functions' messages.
std::string message_of(int (*call)(char**)) {
  char* err = nullptr;
  EXPECT_EQ(call(&err), AUDITCHAIN_INVALID_ARGUMENT);
  std::string m = err ? err : "";
  auditchain_free(err);
  return m;
}

TEST(CApiOptions, OpenOptionsNameTheFaultyKey) {
  EXPECT_NE(message_of([](char** err) {
              auditchain_ledger* l = nullptr;
              return auditchain_ledger_open("unused.db", R"({"master_keys":[7]})", &l, err);
            }).find("options_json.master_keys[0]"),
            std::string::npos);
  EXPECT_NE(message_of([](char** err) {
              auditchain_ledger* l = nullptr;
              return auditchain_ledger_open("unused.db", R"({"checkpoint_signer":"PRIVATE+KEY+x"})", &l, err);
            }).find("options_json.checkpoint_signer"),
            std::string::npos);
}

TEST(CApiOptions, SecretsGivenAsOptionsDoNotAppearInMessages) {
  const std::string secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX";
  char* err = nullptr;
  auditchain_ledger* l = nullptr;
  EXPECT_EQ(auditchain_ledger_open("unused.db", (R"({"master_keys":[")" + secret + R"("]})").c_str(), &l, &err),
            AUDITCHAIN_INVALID_ARGUMENT);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(std::string(err).find("0123456789abcdef"), std::string::npos) << err;
  auditchain_free(err);
}

TEST(CApiOptions, AnExportFilterRefusesAnAiThresholdGivenAsANumber) {
  ScratchDir dir;
  auditchain_ledger* l = nullptr;
  auditchain_tenant* t = nullptr;
  ASSERT_EQ(auditchain_ledger_open(dir.file("a.db").c_str(), nullptr, &l, nullptr), AUDITCHAIN_OK);
  ASSERT_EQ(auditchain_tenant_open(l, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING, &t, nullptr), AUDITCHAIN_OK);
  char* summary = nullptr;
  char* err = nullptr;
  EXPECT_EQ(auditchain_tenant_export(t, "csv", R"({"exported_by":"u:a","filter":{"ai_below":1}})",
                                     dir.file("out.csv").c_str(), &summary, &err),
            AUDITCHAIN_INVALID_ARGUMENT);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(std::string(err).find("options_json.filter.ai_below"), std::string::npos) << err;
  EXPECT_EQ(summary, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.csv")));
  auditchain_free(err);
  auditchain_tenant_close(t);
  auditchain_ledger_close(l);
}

// ---- the exception barrier ----------------------------------------------------------

TEST(CApiBarrier, AnErrorGivesItsCodeAndMessage) {
  char* err = nullptr;
  EXPECT_EQ(capi::guarded(&err, {}, []() -> int { throw Error(ErrorCode::kBusy, "the writer lock is held"); }),
            AUDITCHAIN_BUSY);
  ASSERT_NE(err, nullptr);
  EXPECT_STREQ(err, "the writer lock is held");
  auditchain_free(err);
}

TEST(CApiBarrier, OutOfMemoryIsInternalWithItsOwnMessage) {
  char* err = nullptr;
  EXPECT_EQ(capi::guarded(&err, {}, []() -> int { throw std::bad_alloc(); }), AUDITCHAIN_INTERNAL);
  EXPECT_STREQ(err, "out of memory");
  auditchain_free(err);
}

TEST(CApiBarrier, AnyOtherExceptionIsInternal) {
  char* err = nullptr;
  EXPECT_EQ(capi::guarded(&err, {}, []() -> int { throw std::logic_error("a bug"); }), AUDITCHAIN_INTERNAL);
  EXPECT_STREQ(err, "internal error: a bug");
  auditchain_free(err);
  EXPECT_EQ(capi::guarded(&err, {}, []() -> int { throw 42; }), AUDITCHAIN_INTERNAL);
  EXPECT_NE(err, nullptr);
  auditchain_free(err);
  EXPECT_EQ(capi::guarded(nullptr, {}, []() -> int { throw 42; }), AUDITCHAIN_INTERNAL);
}

TEST(CApiBarrier, OutParametersFilledBeforeAFailureAreReleasedAndCleared) {
  char* first = nullptr;
  char* second = nullptr;
  char* err = nullptr;
  const int rc = capi::guarded(&err, {&first, &second}, [&]() -> int {
    first = capi::copy_out("partial");
    throw Error(ErrorCode::kIo, "disk full");
  });
  EXPECT_EQ(rc, AUDITCHAIN_IO);
  EXPECT_EQ(first, nullptr);
  EXPECT_EQ(second, nullptr);
  auditchain_free(err);
}

TEST(CApiBarrier, SuccessClearsTheMessage) {
  char* err = capi::copy_out("stale");
  char* stale = err;
  EXPECT_EQ(capi::guarded(&err, {}, [] { return AUDITCHAIN_OK; }), AUDITCHAIN_OK);
  EXPECT_EQ(err, nullptr);
  auditchain_free(stale);
}

// ---- the documentation ----------------------------------------------------------

std::string source_file(const std::string& relative) {
  std::ifstream in(std::string(AUDITCHAIN_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(CApiDocs, TheCompleteExampleInTheDocsIsTheExampleTheTestsRun) {
  const std::string doc = source_file("docs/C_API.md");
  const std::size_t section = doc.find("\n## A complete example\n");
  ASSERT_NE(section, std::string::npos);
  const std::string open = "\n```c\n";
  const std::size_t begin = doc.find(open, section);
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = doc.find("\n```\n", begin + open.size());
  ASSERT_NE(end, std::string::npos);
  const std::string example = source_file("tests/c_api_example.c");
  ASSERT_FALSE(example.empty());
  EXPECT_EQ(doc.substr(begin + open.size(), end + 1 - (begin + open.size())), example);
}

}  // namespace
}  // namespace auditchain
