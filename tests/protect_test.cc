// protect_test.cc — encrypted fields, secret commitments, crypto-shredding,
// retention and master keys.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "auditchain/auditchain.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

// Every byte of the ledger file and its WAL, as someone stealing the disk gets them.
std::string raw_files(const std::string& path) {
  std::string all;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(path + suffix, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

class Protect : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = std::make_shared<MasterKey>(MasterKey::generate());
    open({master_});
  }
  void open(std::vector<std::shared_ptr<const MasterKey>> keys) {
    tenant_.reset();
    ledger_.reset();
    OpenOptions o;
    o.master_keys = std::move(keys);
    ledger_ = std::make_unique<Ledger>(Ledger::open(path(), o));
    tenant_ = std::make_unique<TenantLedger>(ledger_->tenant("acme", TenantMode::kCreateIfMissing));
  }
  std::string path() const { return dir_.file("a.ledger"); }

  // An invoice edit whose IBAN, tax id, note and IP are sensitive.
  static Event sensitive_event() {
    Event e = make_event("customer.update", "u:alice");
    e.actor.ip = "203.0.113.77";
    e.before = R"({"name":"Jane Roe","iban":"DE44500105175407324931"})";
    e.after = R"({"name":"Jane Roe","iban":"DE89370400440532013000","tax":{"id":"DE-TAX-5512-77"}})";
    e.metadata = {{"note", "called from her mobile 0151-5550199"}, {"ticket", "T-1"}};
    e.protect.encrypt = {"/before/iban", "/after/iban", "/after/tax/id", "/metadata/note", "/actor/ip"};
    return e;
  }
  static Actor dpo() {
    Actor a;
    a.id = "u:privacy-officer";
    return a;
  }

  ScratchDir dir_;
  std::shared_ptr<const MasterKey> master_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<TenantLedger> tenant_;
};

TEST_F(Protect, EncryptedFieldsAreStoredOnlyAsCiphertext) {
  tenant_->append(sensitive_event());
  // Read while the ledger is open, so the WAL still holds the newest pages.
  ASSERT_GT(std::filesystem::file_size(path() + "-wal"), 0u);
  const std::string bytes = raw_files(path());
  for (const char* plaintext : {"DE44500105175407324931", "DE89370400440532013000", "DE-TAX-5512-77",
                                "0151-5550199", "203.0.113.77"}) {
    EXPECT_EQ(bytes.find(plaintext), std::string::npos) << plaintext << " is readable on disk";
  }
  EXPECT_NE(bytes.find("Jane Roe"), std::string::npos);  // what was not marked stays searchable
}

TEST_F(Protect, TheMasterKeyRevealsThePlaintext) {
  tenant_->append(sensitive_event());
  const Entry e = tenant_->read(1);
  EXPECT_EQ(e.event.before, R"({"iban":"DE44500105175407324931","name":"Jane Roe"})");
  EXPECT_EQ(e.event.after, R"({"iban":"DE89370400440532013000","name":"Jane Roe","tax":{"id":"DE-TAX-5512-77"}})");
  EXPECT_EQ(e.event.metadata.at("note"), "called from her mobile 0151-5550199");
  EXPECT_EQ(e.event.actor.ip, "203.0.113.77");
  ASSERT_EQ(e.protected_values.size(), 5u);
  for (const ProtectedValue& v : e.protected_values) EXPECT_EQ(v.state, ProtectedValue::State::kPlaintext) << v.pointer;
}

TEST_F(Protect, WithoutTheKeyValuesShowAsEncryptedNotAsAnError) {
  tenant_->append(sensitive_event());
  open({});
  const Entry e = tenant_->read(1);
  EXPECT_EQ(e.event.before, R"({"iban":"[encrypted]","name":"Jane Roe"})");
  EXPECT_EQ(e.event.metadata.at("note"), "[encrypted]");
  EXPECT_EQ(e.event.metadata.at("ticket"), "T-1");
  EXPECT_EQ(e.event.actor.ip, "[encrypted]");
  for (const ProtectedValue& v : e.protected_values) EXPECT_EQ(v.state, ProtectedValue::State::kEncrypted);
}

TEST_F(Protect, VerifyingNeedsNoKey) {
  tenant_->append(sensitive_event());
  tenant_->append(make_event());
  ledger_->close();
  const VerifyReport report = verify(path());
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.entries_valid(), 2u);
}

TEST_F(Protect, SecretsAreOnlyCommittedToAndCanBeChecked) {
  Event e = make_event("auth.magic_link.use", "u:bob");
  e.metadata = {{"token", "ml_7Hq2xVb9pLw3"}};
  e.after = R"({"otp":483920})";
  e.protect.secret = {"/metadata/token", "/after/otp"};
  tenant_->append(e);
  EXPECT_TRUE(tenant_->secret_matches(1, "/metadata/token", "ml_7Hq2xVb9pLw3"));
  EXPECT_FALSE(tenant_->secret_matches(1, "/metadata/token", "ml_7Hq2xVb9pLw4"));
  EXPECT_TRUE(tenant_->secret_matches(1, "/after/otp", "483920"));
  EXPECT_FALSE(tenant_->secret_matches(1, "/after/otp", "483921"));
  const Entry read = tenant_->read(1);
  EXPECT_EQ(read.event.metadata.at("token"), "[secret]");
  EXPECT_EQ(read.event.after, R"({"otp":"[secret]"})");
  EXPECT_EQ(read.bytes.find("ml_7Hq2xVb9pLw3"), std::string::npos);
  EXPECT_EQ(raw_files(path()).find("ml_7Hq2xVb9pLw3"), std::string::npos);  // file and WAL, ledger open
}

TEST_F(Protect, ASecretNeverAppearsInAnErrorMessage) {
  Event e = make_event("auth.token.use", "u:bob");
  e.metadata = {{"token", "cap_SuperSecret42"}};
  e.protect.secret = {"/metadata/token", "/metadata/missing"};
  try {
    tenant_->append(e);
    ADD_FAILURE() << "a bad pointer was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.field(), "protect");
    EXPECT_EQ(std::string(error.what()).find("cap_SuperSecret42"), std::string::npos) << error.what();
  }
  EXPECT_EQ(tenant_->head().seq, 0u);
}

TEST_F(Protect, ErasingASubjectMakesItsValuesUnrecoverableButKeepsEveryProof) {
  Event jane = sensitive_event();
  jane.protect.subject = "customer-1001";
  Event john = sensitive_event();
  john.protect.subject = "customer-1002";
  tenant_->append(jane);
  tenant_->append(john);
  const SignerKey signer = SignerKey::generate("audit.example");
  tenant_->checkpoint(signer);

  // The wrapped key of customer-1001's data, as it sits in the file now.
  std::string wrapped;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT wrapped FROM data_keys WHERE kind = 'subject' ORDER BY rowid LIMIT 1", -1, &s, nullptr);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    wrapped.assign(static_cast<const char*>(sqlite3_column_blob(s, 0)), sqlite3_column_bytes(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
  }
  ASSERT_EQ(wrapped.size(), 48u);

  const Receipt erased = tenant_->erase_subject("customer-1001", dpo());
  const Entry record = tenant_->read(erased.seq);
  EXPECT_EQ(record.event.action, "data.erase");
  EXPECT_EQ(record.event.metadata.at("keys_destroyed"), "1");
  EXPECT_EQ(record.bytes.find("customer-1001"), std::string::npos) << "the erasure entry names the subject";

  const Entry gone = tenant_->read(1);
  EXPECT_EQ(gone.event.after, R"({"iban":"[erased]","name":"Jane Roe","tax":{"id":"[erased]"}})");
  for (const ProtectedValue& v : gone.protected_values) EXPECT_EQ(v.state, ProtectedValue::State::kErased);
  EXPECT_EQ(tenant_->read(2).event.metadata.at("note"), "called from her mobile 0151-5550199");  // another subject

  const VerifierKey v = signer.verifier();
  EXPECT_TRUE(verify_proof_json(proof_to_json(tenant_->prove_inclusion(1)), std::span(&v, 1)).valid);
  open({});  // without the key an erased value still reads as erased, not merely encrypted
  EXPECT_EQ(tenant_->read(1).event.metadata.at("note"), "[erased]");
  EXPECT_EQ(tenant_->read(2).event.metadata.at("note"), "[encrypted]");
  // The file and its WAL as they are right after the erasure, ledger still open.
  const std::string disk = raw_files(path());
  ledger_->close();
  EXPECT_TRUE(verify(path()).valid());
  EXPECT_EQ(disk.find("DE44500105175407324931"), std::string::npos);
  EXPECT_EQ(disk.find("0151-5550199"), std::string::npos);
  // The destroyed key itself is gone from the file and its WAL, not just unlinked.
  EXPECT_EQ(disk.find(wrapped), std::string::npos);
}

TEST_F(Protect, RetentionPurgesOldValuesAndRecordsThePurge) {
  tenant_->append(sensitive_event());
  EXPECT_FALSE(tenant_->retention());
  EXPECT_AUDITCHAIN_ERROR(tenant_->purge_expired(dpo()), ErrorCode::kInvalidArgument, "days");
  tenant_->set_retention(90, dpo());
  EXPECT_EQ(tenant_->retention(), 90u);
  // Nothing is old enough yet.
  Receipt purge = tenant_->purge_expired(dpo());
  EXPECT_EQ(tenant_->read(purge.seq).event.metadata.at("keys_destroyed"), "0");
  EXPECT_EQ(tenant_->read(1).protected_values[0].state, ProtectedValue::State::kPlaintext);
  // 91 days on, today's values have expired.
  const Timestamp later{Timestamp::now().micros + 91LL * 86400000000LL};
  purge = tenant_->purge_expired(dpo(), later);
  const Entry record = tenant_->read(purge.seq);
  EXPECT_EQ(record.event.action, "data.purge");
  EXPECT_EQ(record.event.metadata.at("keys_destroyed"), "1");
  EXPECT_EQ(tenant_->read(1).event.metadata.at("note"), "[erased]");
  ledger_->close();
  EXPECT_TRUE(verify(path()).valid());
}

TEST_F(Protect, AWrongMasterKeyIsAClearErrorAndNothingIsWritten) {
  tenant_->append(sensitive_event());  // registers master_
  tenant_.reset();
  ledger_.reset();
  OpenOptions o;
  o.master_keys = {std::make_shared<MasterKey>(MasterKey::generate())};
  EXPECT_AUDITCHAIN_ERROR(Ledger::open(path(), o), ErrorCode::kWrongKey, "master_key");
  open({});
  EXPECT_AUDITCHAIN_ERROR(tenant_->append(sensitive_event()), ErrorCode::kWrongKey, "master_key");
  EXPECT_EQ(tenant_->head().seq, 1u);
}

TEST_F(Protect, RotationWritesNewValuesUnderTheNewKeyAndOldOnesStayReadable) {
  tenant_->append(sensitive_event());
  auto next = std::make_shared<MasterKey>(MasterKey::generate());
  ledger_->rotate_master_key(next);
  EXPECT_EQ(ledger_->master_key_ids(), (std::vector<std::string>{master_->id(), next->id()}));
  tenant_->append(sensitive_event());
  open({next, master_});
  EXPECT_EQ(tenant_->read(1).protected_values[0].state, ProtectedValue::State::kPlaintext);
  EXPECT_EQ(tenant_->read(2).protected_values[0].state, ProtectedValue::State::kPlaintext);
  open({next});  // the old key withdrawn: old values locked, new ones readable
  EXPECT_EQ(tenant_->read(1).protected_values[0].state, ProtectedValue::State::kEncrypted);
  EXPECT_EQ(tenant_->read(2).protected_values[0].state, ProtectedValue::State::kPlaintext);
  open({master_});  // only the old key: writing needs the current one
  EXPECT_AUDITCHAIN_ERROR(tenant_->append(sensitive_event()), ErrorCode::kWrongKey, "master_key");
}

TEST_F(Protect, PointersThatAreNotValuesOfTheEventAreRefusedByName) {
  for (const char* bad : {"/before/missing", "/actor/id", "/action", "metadata/note", "/metadata/nope", "/after"}) {
    Event e = sensitive_event();
    e.protect.encrypt = {bad};
    EXPECT_AUDITCHAIN_ERROR(tenant_->append(e), ErrorCode::kInvalidArgument, "protect");
  }
  Event overlap = sensitive_event();
  overlap.protect.encrypt = {"/after/tax", "/after/tax/id"};
  EXPECT_AUDITCHAIN_ERROR(tenant_->append(overlap), ErrorCode::kInvalidArgument, "protect");
  EXPECT_EQ(tenant_->head().seq, 0u);
}

TEST(MasterKeys, ParseTheTextFormsAndNeverEchoKeyMaterial) {
  const MasterKey k = MasterKey::generate();
  EXPECT_EQ(MasterKey::parse(k.to_text()).id(), k.id());
  EXPECT_EQ(k.id().size(), 16u);
  try {
    MasterKey::parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeezz");
    ADD_FAILURE() << "a bad key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("0011223344"), std::string::npos) << e.what();
  }
  EXPECT_AUDITCHAIN_ERROR(MasterKey::from_env("AUDITCHAIN_TEST_UNSET_VARIABLE"), ErrorCode::kNotFound, "master_key");
}

}  // namespace
}  // namespace auditchain
