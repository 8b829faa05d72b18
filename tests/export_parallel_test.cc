// export_parallel_test.cc — exports large enough to be read in several chunks
// and formatted on every core: what they write and count must not depend on
// where chunks and blocks begin, and a damaged entry in the middle stops the
// export with an error naming it.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "sha256.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::ScratchDir;

class ExportParallel : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenOptions o;
    o.durability = Durability::kOff;
    ledger_ = std::make_unique<Ledger>(Ledger::open(path(), o));
    tenant_ = std::make_unique<TenantLedger>(ledger_->tenant("acme", TenantMode::kCreateIfMissing));
  }
  std::string path() const { return dir_.file("audit.ledger"); }

  // `n` entries (more than two chunks of rows), every third an auth.login,
  // with cells that need quotes and neutralising.
  void append_many(int n) {
    std::vector<Event> batch;
    for (int i = 0; i < n; ++i) {
      Event e = make_event(i % 3 == 0 ? "auth.login" : "invoice.update", i % 2 ? "u:bob" : "-cmd");
      e.target = Target{"invoice", "INV, \"" + std::to_string(i) + "\""};
      e.amount = Amount{std::to_string(i) + ".25", i % 7 ? "EUR" : "USD"};
      e.after = R"({"note":")" + std::string(static_cast<std::size_t>(i % 50), 'x') + R"(","q":"\"")" + "}";
      batch.push_back(std::move(e));
      if (batch.size() == 1000) {
        tenant_->append_batch(batch);
        batch.clear();
      }
    }
    tenant_->append_batch(batch);
  }

  ExportOptions options(ExportFilter filter = {}) const {
    ExportOptions o;
    o.filter = std::move(filter);
    o.exported_by.id = "u:auditor";
    return o;
  }

  ScratchDir dir_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<TenantLedger> tenant_;
};

TEST_F(ExportParallel, TheSummaryCountsAndDigestsTheMatchingEntriesInSeqOrder) {
  append_many(7000);
  ExportFilter invoices;
  invoices.seq_to = 7000;
  invoices.action_prefix = "invoice.";
  std::string hashes;
  std::uint64_t invoice_count = 0;
  for (const Entry& e : tenant_->entries()) {
    if (e.seq > 7000 || e.event.action != "invoice.update") continue;
    hashes.append(reinterpret_cast<const char*>(e.hash.bytes.data()), e.hash.bytes.size());
    ++invoice_count;
  }
  for (const ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJsonLines, ExportFormat::kJson}) {
    std::ostringstream out;
    const ExportSummary s = export_entries(*tenant_, format, out, options(invoices));
    EXPECT_EQ(s.entries, invoice_count) << export_format_name(format);
    EXPECT_EQ(s.first_seq, 2u);
    EXPECT_EQ(s.last_seq, 6999u);
    EXPECT_EQ(s.per_action, (std::map<std::string, std::uint64_t>{{"invoice.update", invoice_count}}));
    EXPECT_EQ(s.entries_digest, detail::sha256(hashes).hex()) << export_format_name(format);
  }
}

TEST_F(ExportParallel, ADamagedEntryInALaterChunkStopsTheExportWithAnError) {
  append_many(9000);
  // Someone with the file breaks the bytes of one entry in the third chunk.
  ASSERT_EQ(testing::raw_sql(path(),
                             "DROP TRIGGER entries_no_update;"
                             "UPDATE entries SET body = CAST('{\"v\":1,' AS BLOB) WHERE seq = 4500;"),
            SQLITE_OK);
  ExportFilter all;
  all.seq_to = 9000;
  for (const ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJsonLines}) {
    std::ostringstream out;
    try {
      export_entries(*tenant_, format, out, options(all));
      ADD_FAILURE() << "the export of a damaged ledger succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCorrupt);
      EXPECT_NE(std::string(e.what()).find("entry 4500 "), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace auditchain
