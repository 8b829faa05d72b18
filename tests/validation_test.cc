// validation_test.cc — bad input gets a clear error naming the field, and nothing is written.
#include "auditchain/auditchain.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

class Validation : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = std::make_unique<Ledger>(Ledger::open(dir_.file("a.ledger")));
    tenant_ = std::make_unique<TenantLedger>(ledger_->tenant("acme", TenantMode::kCreateIfMissing));
    tenant_->append(make_event());
  }

  // Appends `e`, expects it refused for `field`, and checks nothing was written.
  void expect_refused(const Event& e, const std::string& field) {
    try {
      tenant_->append(e);
      ADD_FAILURE() << "an event with a bad " << field << " was accepted";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << error.what();
      EXPECT_EQ(error.field(), field) << error.what();
      // The message names the field too, for people reading a log line.
      EXPECT_NE(std::string(error.what()).find(field), std::string::npos) << error.what();
    }
    EXPECT_EQ(tenant_->head().seq, 1u);
    EXPECT_EQ(testing::raw_count(dir_.file("a.ledger"), "SELECT count(*) FROM entries"), 1);
  }

  ScratchDir dir_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<TenantLedger> tenant_;
};

TEST_F(Validation, EmptyActionIsRefused) { expect_refused(make_event(""), "action"); }

TEST_F(Validation, EmptyActorIsRefused) { expect_refused(make_event("auth.login", ""), "actor.id"); }

TEST_F(Validation, InvalidUtf8IsRefused) {
  expect_refused(make_event("invoice.\xc3\x28"), "action");
  expect_refused(make_event("auth.login", "u:\xed\xa0\x80"), "actor.id");  // an encoded surrogate
  Event e = make_event();
  e.metadata["note"] = "\xff";
  expect_refused(e, "metadata.note");
}

TEST_F(Validation, MalformedJsonInBeforeOrAfterIsRefused) {
  Event e = make_event();
  e.before = R"({"total": 12,})";
  expect_refused(e, "before");
  e.before = std::nullopt;
  e.after = "{'single': 'quotes'}";
  expect_refused(e, "after");
  e.after = R"({"a": 1, "a": 2})";
  expect_refused(e, "after");
}

TEST_F(Validation, FractionalJsonNumbersAreRefusedSoNoFloatIsEverHashed) {
  Event e = make_event();
  e.after = R"({"total": 12.5})";
  expect_refused(e, "after");
}

TEST_F(Validation, NonDecimalAmountIsRefused) {
  for (const char* bad : {"12,50", "1e3", "NaN", "", "twelve", "0x10", "12.5.0"}) {
    Event e = make_event();
    e.amount = Amount{bad, "EUR"};
    expect_refused(e, "amount.value");
  }
}

TEST_F(Validation, UnknownCurrencyFormatIsRefused) {
  for (const char* bad : {"eur", "EURO", "E1R", "", "€"}) {
    Event e = make_event();
    e.amount = Amount{"10.00", bad};
    expect_refused(e, "amount.currency");
  }
}

TEST_F(Validation, NonDecimalConfidenceIsRefused) {
  Event e = make_event();
  e.ai = AiProvenance{"model", std::nullopt, "high", std::nullopt, std::nullopt};
  expect_refused(e, "ai.confidence");
}

TEST_F(Validation, ConfidenceOutsideZeroToOneIsRefused) {
  for (const char* bad : {"1.5", "-0.1", "1.0000001", "2"}) {
    Event e = make_event();
    e.ai = AiProvenance{"model", std::nullopt, bad, std::nullopt, std::nullopt};
    expect_refused(e, "ai.confidence");
  }
  Event edge = make_event();
  edge.ai = AiProvenance{"model", std::nullopt, "1.000", std::nullopt, std::nullopt};
  EXPECT_EQ(tenant_->append(edge).seq, 2u);
}

TEST_F(Validation, ControlCharactersInNamesAreRefused) {
  expect_refused(make_event("invoice\tupdate"), "action");
  expect_refused(make_event("auth.login", "u:\x1b[31malice"), "actor.id");
  expect_refused(make_event("auth.login", "u:\xc2\x85"), "actor.id");  // U+0085, a C1 control
  Event e = make_event();
  e.tenant = "ac\nme";
  expect_refused(e, "tenant");
}

TEST_F(Validation, OversizedFieldsAreRefused) {
  expect_refused(make_event(std::string(129, 'a')), "action");
  expect_refused(make_event("auth.login", std::string(257, 'u')), "actor.id");
  Event big = make_event();
  big.after = "\"" + std::string(300 * 1024, 'x') + "\"";
  expect_refused(big, "after");
  Event deep = make_event();
  deep.after = std::string(100, '[') + std::string(100, ']');
  expect_refused(deep, "after");
  Event meta = make_event();
  for (int i = 0; i < 65; ++i) meta.metadata["k" + std::to_string(i)] = "v";
  expect_refused(meta, "metadata");
}

TEST_F(Validation, BadIpAddressIsRefused) {
  Event e = make_event();
  e.actor.ip = "300.1.2.3";
  expect_refused(e, "actor.ip");
  e.actor.ip = "fe80::1%eth0";
  expect_refused(e, "actor.ip");
}

TEST_F(Validation, EmptyOptionalStringsAreRefusedRatherThanStoredBlank) {
  Event e = make_event();
  e.actor.session_id = "";
  expect_refused(e, "actor.session_id");
  Event t = make_event();
  t.target = Target{"invoice", ""};
  expect_refused(t, "target.id");
}

TEST_F(Validation, BadSourceDocumentHashIsRefused) {
  Event e = make_event();
  e.ai = AiProvenance{"model", std::nullopt, std::nullopt, SourceDocument{"docs://x", "abc"}, std::nullopt};
  expect_refused(e, "ai.source.sha256");
}

TEST_F(Validation, TheReservedProtectedMemberIsRefusedInHostJson) {
  Event e = make_event();
  e.after = R"({"iban": {"$protected": "x"}})";
  expect_refused(e, "after");
}

TEST_F(Validation, ReferenceToSeqZeroIsRefused) {
  Event e = make_event();
  e.derived_from = 0;
  expect_refused(e, "derived_from");
}

TEST_F(Validation, UnknownTenantOnReadIsNotFound) {
  EXPECT_AUDITCHAIN_ERROR(ledger_->tenant("nobody"), ErrorCode::kNotFound, "tenant");
  EXPECT_EQ(ledger_->tenants(), std::vector<std::string>{"acme"});
}

TEST(EventJson, IsParsedWithTheFormatsMemberNames) {
  const Event e = parse_event_json(R"({
    "action": "invoice.update", "actor": {"id": "u:alice", "kind": "service", "ip": "10.0.0.1"},
    "target": {"type": "invoice", "id": "INV-1"}, "before": {"total": "1.00"}, "after": {"total": "2.00"},
    "amount": {"value": "2.00", "currency": "EUR"}, "metadata": {"k": "v"}, "flags": ["high_risk"],
    "ai": {"model": "m", "confidence": "0.5", "rule": {"id": "r", "version": "1"}},
    "derived_from": 3, "occurred_at": "2026-01-01T00:00:00+02:00", "idempotency_key": "i", "tenant": "acme"})");
  EXPECT_EQ(e.action, "invoice.update");
  EXPECT_EQ(e.actor.kind, ActorKind::kService);
  EXPECT_EQ(e.before, R"({"total":"1.00"})");
  EXPECT_TRUE(e.high_risk);
  EXPECT_FALSE(e.sensitive);
  EXPECT_EQ(e.ai->rule->version, "1");
  EXPECT_EQ(e.occurred_at->to_string(), "2025-12-31T22:00:00.000000Z");
  EXPECT_EQ(parse_event_json(R"({"action":"a","actor":"u:bob"})").actor.id, "u:bob");
}

TEST(EventJson, MisspeltOrMistypedMembersAreRefusedByName) {
  EXPECT_AUDITCHAIN_ERROR(parse_event_json(R"({"action":"a","actor":"u","amout":{}})"),
                          ErrorCode::kInvalidArgument, "amout");
  EXPECT_AUDITCHAIN_ERROR(parse_event_json(R"({"action":"a","actor":"u","amount":{"value":12.5,"currency":"EUR"}})"),
                          ErrorCode::kInvalidArgument, "event");
  EXPECT_AUDITCHAIN_ERROR(parse_event_json(R"({"action":"a","actor":"u","amount":{"value":12,"currency":"EUR"}})"),
                          ErrorCode::kInvalidArgument, "amount.value");
  EXPECT_AUDITCHAIN_ERROR(parse_event_json(R"({"actor":"u"})"), ErrorCode::kInvalidArgument, "action");
  EXPECT_AUDITCHAIN_ERROR(parse_event_json("[1]"), ErrorCode::kInvalidArgument, "event");
  EXPECT_AUDITCHAIN_ERROR(parse_event_json(R"({"action":"a","actor":{"id":"u","kind":"robot"}})"),
                          ErrorCode::kInvalidArgument, "actor.kind");
}

}  // namespace
}  // namespace auditchain
