// export_test.cc — exports (CSV, JSON Lines, JSON) and self-verifying
// bundles: filters, formats, control totals, the record of each export,
// protected values, and every way of tampering with a bundle we know.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "auditchain/auditchain.hpp"
#include "entry_codec.hpp"
#include "export_csv.hpp"
#include "export_internal.hpp"
#include "export_scan.hpp"
#include "json.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

using testing::make_event;
using testing::read_file;
using testing::ScratchDir;
using testing::write_file;
namespace fs = std::filesystem;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// An RFC 4180 reader for checking what the exporter wrote. Also checks that
// every record ends with CRLF.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(cell.empty()) << "a quote inside an unquoted cell";
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "a bare CR outside quotes";
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "a bare LF outside quotes";
      cell += c;
    }
  }
  EXPECT_FALSE(quoted);
  EXPECT_TRUE(cell.empty() && row.empty()) << "the last record does not end with CRLF";
  return rows;
}

// The cells of one CSV column, by header name, for every data row.
std::vector<std::string> column(const std::vector<std::vector<std::string>>& rows, const std::string& name) {
  std::vector<std::string> out;
  const auto& header = rows.at(0);
  const auto it = std::find(header.begin(), header.end(), name);
  EXPECT_NE(it, header.end()) << "no column " << name;
  if (it == header.end()) return out;
  const auto index = static_cast<std::size_t>(it - header.begin());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), header.size()) << "row " << r;
    out.push_back(rows[r].at(index));
  }
  return out;
}

std::vector<std::string> kinds(const BundleReport& r) {
  std::vector<std::string> out;
  for (const BundleFinding& f : r.findings) out.push_back(f.kind);
  return out;
}

bool has_kind(const BundleReport& r, const std::string& kind) {
  const auto k = kinds(r);
  return std::find(k.begin(), k.end(), kind) != k.end();
}

std::string all_kinds(const BundleReport& r) {
  std::string out;
  for (const BundleFinding& f : r.findings) out += f.kind + ": " + f.detail + "\n";
  return out;
}

class Export : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = std::make_unique<SignerKey>(SignerKey::generate("acme-audit"));
    open();
  }
  void open(OpenOptions o = {}) {
    tenant_.reset();
    ledger_.reset();
    o.durability = Durability::kOff;
    ledger_ = std::make_unique<Ledger>(Ledger::open(path(), o));
    tenant_ = std::make_unique<TenantLedger>(ledger_->tenant("acme", TenantMode::kCreateIfMissing));
  }
  std::string path() const { return dir_.file("audit.ledger"); }
  std::string bundle_dir(const std::string& name = "bundle") const { return dir_.file(name); }

  ExportOptions options(ExportFilter filter = {}) const {
    ExportOptions o;
    o.filter = std::move(filter);
    o.exported_by.id = "u:auditor";
    return o;
  }
  std::string export_text(ExportFormat format, const ExportOptions& o, ExportSummary* summary = nullptr) {
    std::ostringstream out;
    ExportSummary s = export_entries(*tenant_, format, out, o);
    if (summary) *summary = s;
    return out.str();
  }
  std::vector<std::uint64_t> exported_seqs(const ExportFilter& filter) {
    std::vector<std::uint64_t> seqs;
    for (const std::string& line : split_lines(export_text(ExportFormat::kJsonLines, options(filter)))) {
      seqs.push_back(static_cast<std::uint64_t>(json::parse(line).find("seq")->as_integer()));
    }
    return seqs;
  }
  std::vector<std::string> stored_bytes(std::uint64_t from = 1, std::uint64_t to = ~std::uint64_t{0}) {
    std::vector<std::string> out;
    for (const Entry& e : tenant_->entries()) {
      if (e.seq >= from && e.seq <= to) out.push_back(e.bytes);
    }
    return out;
  }
  std::vector<VerifierKey> keys() const { return {signer_->verifier()}; }
  BundleReport verify(const std::string& dir) const {
    const auto k = keys();
    return verify_bundle(dir, k);
  }

  // A varied run of entries: invoices with amounts, logins, an AI decision.
  void append_business(int n) {
    for (int i = 0; i < n; ++i) {
      Event e = make_event(i % 3 == 2 ? "auth.login" : "invoice.update", i % 2 ? "u:bob" : "u:alice");
      if (i % 3 != 2) {
        e.target = Target{"invoice", "INV-" + std::to_string(i)};
        e.amount = Amount{std::to_string(i) + ".25", i % 4 ? "EUR" : "USD"};
        e.before = R"({"status":"draft"})";
        e.after = R"({"status":"sent","lines":[1,2]})";
      }
      e.metadata = {{"batch", std::to_string(i / 4)}};
      tenant_->append(e);
    }
  }

  BundleSummary bundle(const ExportFilter& filter = {}, const std::string& name = "bundle") {
    BundleOptions o;
    o.export_options = options(filter);
    o.signer = signer_.get();
    return export_bundle(*tenant_, bundle_dir(name), o);
  }

  ScratchDir dir_;
  std::unique_ptr<SignerKey> signer_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<TenantLedger> tenant_;
};

// ---- formats ---------------------------------------------------------------------

TEST_F(Export, FormatNamesRoundTrip) {
  for (ExportFormat f : {ExportFormat::kCsv, ExportFormat::kJsonLines, ExportFormat::kJson}) {
    EXPECT_EQ(parse_export_format(export_format_name(f)), f);
  }
  EXPECT_AUDITCHAIN_ERROR(parse_export_format("xlsx"), ErrorCode::kInvalidArgument, "format");
}

TEST_F(Export, JsonLinesAreTheStoredBytesOnePerLine) {
  append_business(7);
  const std::vector<std::string> stored = stored_bytes();
  const std::string text = export_text(ExportFormat::kJsonLines, options());
  EXPECT_EQ(text, join_lines(stored));
}

TEST_F(Export, JsonIsAnArrayOfTheStoredBytes) {
  append_business(4);
  const std::vector<std::string> stored = stored_bytes();
  std::string expected = "[";
  for (std::size_t i = 0; i < stored.size(); ++i) expected += (i ? "," : "") + stored[i];
  expected += "]";
  const std::string text = export_text(ExportFormat::kJson, options());
  EXPECT_EQ(text, expected);
  EXPECT_EQ(json::parse(text).as_array().size(), stored.size());
}

TEST_F(Export, AnEmptySelectionIsAnEmptyArray) {
  append_business(2);
  ExportFilter f;
  f.action_prefix = "nothing.";
  EXPECT_EQ(export_text(ExportFormat::kJson, options(f)), "[]");
  EXPECT_EQ(export_text(ExportFormat::kJsonLines, options(f)), "");
}

// SHA-256 over the entries' hashes, recomputed from JSON Lines as an auditor would.
std::string digest_of_lines(const std::string& jsonl) {
  std::string hashes;
  std::size_t at = 0;
  for (std::size_t nl; (nl = jsonl.find('\n', at)) != std::string::npos; at = nl + 1) {
    const Hash h = sha256(std::string_view(jsonl).substr(at, nl - at));
    hashes.append(reinterpret_cast<const char*>(h.bytes.data()), Hash::kSize);
  }
  return sha256(hashes).hex();
}

TEST_F(Export, TheEntriesDigestNamesTheEntriesExported) {
  append_business(5);
  ExportSummary lines;
  const std::string jsonl = export_text(ExportFormat::kJsonLines, options(), &lines);
  EXPECT_EQ(lines.entries_digest, digest_of_lines(jsonl));
  EXPECT_TRUE(lines.sha256.empty());
  ExportFilter f;
  f.action_prefix = "invoice.";
  ExportSummary some;
  const std::string invoices = export_text(ExportFormat::kJsonLines, options(f), &some);
  EXPECT_EQ(some.entries_digest, digest_of_lines(invoices));
  EXPECT_NE(some.entries_digest, lines.entries_digest);
  // The same entries in another format have the same digest.
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJson}) {
    ExportSummary s;
    export_text(format, options(f), &s);
    EXPECT_EQ(s.entries_digest, some.entries_digest) << export_format_name(format);
  }
}

TEST_F(Export, AnExportFileAppearsOnlyWhenComplete) {
  append_business(4);
  const std::string file = dir_.file("out.csv");
  {
    std::ofstream old(file);
    old << "an older export";
  }
  ExportFilter first_four;
  first_four.seq_to = 4;  // not the records of the exports themselves
  const ExportSummary s = export_file(*tenant_, ExportFormat::kCsv, file, options(first_four));
  EXPECT_EQ(s.entries, 4u);
  EXPECT_EQ(read_file(file), export_text(ExportFormat::kCsv, options(first_four)));
  // A refused export leaves the file as it was, and no temporary file beside it.
  ExportOptions nobody = options();
  nobody.exported_by.id.clear();
  const std::string before = read_file(file);
  EXPECT_AUDITCHAIN_ERROR(export_file(*tenant_, ExportFormat::kCsv, file, nobody), ErrorCode::kInvalidArgument,
                          "exported_by");
  EXPECT_EQ(read_file(file), before);
  std::size_t files = 0;
  for (const auto& f : fs::directory_iterator(dir_.file(""))) files += f.path().filename().string().rfind("out.csv", 0) == 0;
  EXPECT_EQ(files, 1u);
  EXPECT_AUDITCHAIN_ERROR(export_file(*tenant_, ExportFormat::kCsv, dir_.file(""), options()),
                          ErrorCode::kInvalidArgument, "path");
}

// ---- filters ---------------------------------------------------------------------

TEST_F(Export, SeqBoundsAreInclusive) {
  append_business(9);
  ExportFilter f;
  f.seq_from = 3;
  f.seq_to = 6;
  EXPECT_EQ(exported_seqs(f), (std::vector<std::uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(export_text(ExportFormat::kJsonLines, options(f)), join_lines(stored_bytes(3, 6)));
}

TEST_F(Export, TimeBoundsTakeFromInclusiveAndToExclusive) {
  for (int i = 0; i < 6; ++i) {
    tenant_->append(make_event());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // distinct recorded times
  }
  std::vector<Timestamp> times;
  for (const Entry& e : tenant_->entries()) times.push_back(e.recorded_at);
  ExportFilter f;
  f.from = times[1];
  f.to = times[4];
  EXPECT_EQ(exported_seqs(f), (std::vector<std::uint64_t>{2, 3, 4}));
}

TEST_F(Export, ActionPrefixTargetTypeAndActorFiltersMatchTheEntries) {
  append_business(9);
  ExportFilter by_action;
  by_action.action_prefix = "auth.";
  EXPECT_EQ(exported_seqs(by_action), (std::vector<std::uint64_t>{3, 6, 9}));
  ExportFilter by_target;
  by_target.target_type = "invoice";
  EXPECT_EQ(exported_seqs(by_target), (std::vector<std::uint64_t>{1, 2, 4, 5, 7, 8}));
  ExportFilter by_actor;
  by_actor.actor_id = "u:bob";
  EXPECT_EQ(exported_seqs(by_actor), (std::vector<std::uint64_t>{2, 4, 6, 8}));
  ExportFilter combined = by_target;
  combined.actor_id = "u:bob";
  EXPECT_EQ(exported_seqs(combined), (std::vector<std::uint64_t>{2, 4, 8}));
}

TEST_F(Export, SensitiveAndHighRiskFiltersSelectFlaggedEntries) {
  for (int i = 0; i < 4; ++i) {
    Event e = make_event();
    e.sensitive = i == 1 || i == 3;
    e.high_risk = i == 2 || i == 3;
    tenant_->append(e);
  }
  ExportFilter sensitive;
  sensitive.sensitive_only = true;
  EXPECT_EQ(exported_seqs(sensitive), (std::vector<std::uint64_t>{2, 4}));
  ExportFilter high_risk;
  high_risk.high_risk_only = true;
  EXPECT_EQ(exported_seqs(high_risk), (std::vector<std::uint64_t>{3, 4}));
}

TEST_F(Export, AiBelowSelectsDecisionsWithALowerConfidence) {
  for (const char* confidence : {"0.4", "0.5", "0.95", "", "0.49999"}) {
    Event e = make_event("expense.categorize", "ai:classifier");
    if (*confidence) {
      e.ai = AiProvenance{};
      e.ai->model = "classifier";
      e.ai->confidence = confidence;
    }
    tenant_->append(e);
  }
  ExportFilter f;
  f.ai_below = Decimal::parse("0.5");
  EXPECT_EQ(exported_seqs(f), (std::vector<std::uint64_t>{1, 5}));
}

TEST_F(Export, FiltersHoldOnTheBytesNotOnTheQueryColumns) {
  append_business(6);
  // Someone with the file makes entry 3 (auth.login) look like an invoice in
  // the query columns, and entry 1 (an invoice) look like a login.
  ASSERT_EQ(testing::raw_sql(path(),
                             "DROP TRIGGER entries_no_update;"
                             "UPDATE entries SET action = 'invoice.update', target_type = 'invoice' WHERE seq = 3;"
                             "UPDATE entries SET action = 'auth.login', target_type = NULL WHERE seq = 1;"),
            SQLITE_OK);
  ExportFilter f;
  f.action_prefix = "invoice.";
  f.target_type = "invoice";
  EXPECT_EQ(exported_seqs(f), (std::vector<std::uint64_t>{1, 2, 4, 5}));
}

// ---- CSV ----------------------------------------------------------------------------

TEST_F(Export, CsvHasOneHeaderRowAndOneCrlfRowPerEntry) {
  append_business(5);
  std::vector<std::string> hashes;
  for (const Entry& e : tenant_->entries()) hashes.push_back(e.hash.hex());
  const std::string text = export_text(ExportFormat::kCsv, options());
  EXPECT_EQ(text.rfind("seq,recorded_at,occurred_at,action,actor_id,", 0), 0u);
  EXPECT_NE(text.compare(0, 3, "\xEF\xBB\xBF"), 0) << "no byte order mark";
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].back(), "hash");
  EXPECT_EQ(column(rows, "seq"), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(column(rows, "hash"), hashes);
}

TEST_F(Export, CsvQuotesCellsHoldingCommasQuotesAndLineBreaks) {
  Event e = make_event();
  e.target = Target{"invoice", "INV, \"draft\" 7"};
  e.metadata = {{"note", "line one\nline two\r\nend"}};
  tenant_->append(e);
  const std::string text = export_text(ExportFormat::kCsv, options());
  EXPECT_NE(text.find(",\"INV, \"\"draft\"\" 7\","), std::string::npos) << text;
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(column(rows, "target_id")[0], "INV, \"draft\" 7");
  EXPECT_EQ(column(rows, "metadata")[0], R"({"note":"line one\nline two\r\nend"})");
}

TEST_F(Export, CsvNeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  const std::vector<std::string> ids = {"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "'quoted", "plain"};
  for (const std::string& id : ids) {
    Event e = make_event("doc.view", id);
    e.target = Target{"doc", id};
    tenant_->append(e);
  }
  const auto rows = parse_csv(export_text(ExportFormat::kCsv, options()));
  const std::vector<std::string> expected = {"'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "''quoted", "plain"};
  EXPECT_EQ(column(rows, "actor_id"), expected);
  EXPECT_EQ(column(rows, "target_id"), expected);
  // Reversible: removing one leading apostrophe gives every value back.
  for (const std::string& cell : column(rows, "target_id")) {
    const std::string value = cell[0] == '\'' ? cell.substr(1) : cell;
    EXPECT_NE(std::find(ids.begin(), ids.end(), value), ids.end()) << cell;
  }
}

TEST(ExportCsvCell, LeadingTabAndCarriageReturnAreNeutralisedToo) {
  // No text field of an entry may start with a control character, so the
  // cell writer is checked directly.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\tx", "'\tx"},   {"\rx", "\"'\rx\""},   {"=1+1", "'=1+1"}, {"'a", "'a"},
      {"a,b", "\"a,b\""}, {"-\"q\"", "\"'-\"\"q\"\"\""}, {"x\ny", "\"x\ny\""}, {"", ""}};
  for (const auto& [value, cell] : cases) {
    std::string out;
    detail::append_csv_text(out, value);
    EXPECT_EQ(out, value == "'a" ? "''a" : cell) << value;
  }
}

TEST_F(Export, CsvLeavesValidatedNumbersAsTheyAre) {
  Event e = make_event("ledger.adjust");
  e.amount = Amount{"-12.50", "EUR"};
  e.ai = AiProvenance{};
  e.ai->model = "m";
  e.ai->confidence = "0.870";
  tenant_->append(e);
  Event d = make_event("ledger.adjust");
  d.derived_from = 1;
  d.overrides = 1;
  tenant_->append(d);
  const auto rows = parse_csv(export_text(ExportFormat::kCsv, options()));
  EXPECT_EQ(column(rows, "amount"), (std::vector<std::string>{"-12.5", ""}));
  EXPECT_EQ(column(rows, "currency"), (std::vector<std::string>{"EUR", ""}));
  EXPECT_EQ(column(rows, "ai_confidence"), (std::vector<std::string>{"0.87", ""}));
  EXPECT_EQ(column(rows, "derived_from"), (std::vector<std::string>{"", "1"}));
  EXPECT_EQ(column(rows, "overrides"), (std::vector<std::string>{"", "1"}));
}

TEST_F(Export, CsvFlattensNestedValues) {
  Event e = make_event("expense.categorize", "ai:classifier");
  e.actor.kind = ActorKind::kAiAgent;
  e.actor.on_behalf_of = "u:alice";
  e.actor.ip = "203.0.113.9";
  e.actor.session_id = "s-1";
  e.actor.request_id = "r-1";
  e.target = Target{"expense", "EXP-1"};
  e.before = R"({"category":null})";
  e.after = R"({"category":"travel"})";
  e.metadata = {{"source", "inbox"}, {"batch", "7"}};
  e.sensitive = true;
  e.ai = AiProvenance{"classifier", "2026.10", "0.9", SourceDocument{"docs://r.pdf", std::string(64, 'a')},
                      Rule{"R-7", "3"}};
  e.occurred_at = Timestamp::parse("2026-11-20T10:00:00Z");
  e.idempotency_key = "exp-1";
  tenant_->append(e);
  const auto rows = parse_csv(export_text(ExportFormat::kCsv, options()));
  const Entry stored = tenant_->read(1);
  const std::map<std::string, std::string> expected = {
      {"action", "expense.categorize"}, {"actor_kind", "ai_agent"},   {"on_behalf_of", "u:alice"},
      {"ip", "203.0.113.9"},            {"session_id", "s-1"},        {"request_id", "r-1"},
      {"target_type", "expense"},       {"target_id", "EXP-1"},       {"sensitive", "true"},
      {"high_risk", "false"},           {"ai_model", "classifier"},   {"ai_model_version", "2026.10"},
      {"ai_confidence", "0.9"},         {"ai_source_uri", "docs://r.pdf"},
      {"ai_source_sha256", std::string(64, 'a')},                     {"ai_rule_id", "R-7"},
      {"ai_rule_version", "3"},         {"idempotency_key", "exp-1"}, {"before", R"({"category":null})"},
      {"after", R"({"category":"travel"})"},                          {"metadata", R"({"batch":"7","source":"inbox"})"},
      {"occurred_at", "2026-11-20T10:00:00.000000Z"},                 {"recorded_at", stored.recorded_at.to_string()},
      {"prev_hash", stored.prev_hash.hex()},                          {"hash", stored.hash.hex()}};
  for (const auto& [name, value] : expected) EXPECT_EQ(column(rows, name), std::vector<std::string>{value}) << name;
}

TEST_F(Export, TheFastScannerReadsEntriesAsTheDecoderDoes) {
  Event full = make_event("rechnung.\u00e4ndern", "u:j\u00fcrgen");
  full.actor.kind = ActorKind::kService;
  full.actor.on_behalf_of = "u:boss";
  full.actor.ip = "2001:db8::42";
  full.actor.session_id = "s \"quoted\"";
  full.target = Target{"Rechnung", "RE-\u00df1, \\x"};
  full.before = R"({"notiz":"Gr\u00f6\u00dfe\tM","n":[1,-2,{"x":null}]})";
  full.after = R"({"notiz":"L\n\u001f","\u98a8":"\u2713"})";
  full.amount = Amount{"-0.50", "CHF"};
  full.metadata = {{"zweck", "Korrektur\u001f"}, {"\u00e9", "e-acute"}, {"k", "a\\b\"c"}};
  full.sensitive = true;
  full.high_risk = true;
  full.ai = AiProvenance{"m", "1", "0.5", SourceDocument{"u", std::string(64, 'F')}, Rule{"r", "2"}};
  full.derived_from = 1;
  full.overrides = 1;
  full.occurred_at = Timestamp::parse("2026-11-20T18:30:00+01:00");
  full.idempotency_key = "idem";
  tenant_->append(make_event());
  tenant_->append(full);
  for (const Entry& e : tenant_->entries()) {
    detail::FieldScratch fast_scratch, slow_scratch;
    detail::EntryFields fast, slow;
    ASSERT_TRUE(detail::scan_entry(e.bytes, fast, fast_scratch)) << e.bytes;
    const detail::DecodedEntry d = detail::decode_entry(e.bytes);
    detail::fields_from_entry(d.entry, d.ledger_id, slow, slow_scratch);
    std::string fast_row, slow_row;
    detail::append_csv_row(fast_row, fast, "h");
    detail::append_csv_row(slow_row, slow, "h");
    EXPECT_EQ(fast_row, slow_row);
    EXPECT_EQ(fast.ledger, slow.ledger);
    EXPECT_EQ(fast.tenant, slow.tenant);
    EXPECT_FALSE(fast.protected_values);
  }
}

// ---- totals and the record ---------------------------------------------------------

TEST_F(Export, ControlTotalsAreExactPerCurrency) {
  std::vector<Event> batch;
  for (int i = 0; i < 1000; ++i) {
    Event e = make_event("payment.book");
    e.amount = Amount{"0.01", "EUR"};
    batch.push_back(e);
  }
  for (const char* v : {"0.1", "0.1", "0.1", "-0.05"}) {
    Event e = make_event("refund.book");
    e.amount = Amount{v, "USD"};
    batch.push_back(e);
  }
  batch.push_back(make_event("auth.login"));
  tenant_->append_batch(batch);
  ExportSummary s;
  export_text(ExportFormat::kCsv, options(), &s);
  EXPECT_EQ(s.entries, 1005u);
  ASSERT_EQ(s.totals.size(), 2u);
  EXPECT_EQ(s.totals.at("EUR").to_string(), "10");
  EXPECT_EQ(s.totals.at("USD").to_string(), "0.25");
  EXPECT_EQ(s.per_action, (std::map<std::string, std::uint64_t>{{"auth.login", 1}, {"payment.book", 1000}, {"refund.book", 4}}));
  EXPECT_EQ(s.first_seq, 1u);
  EXPECT_EQ(s.last_seq, 1005u);
}

TEST_F(Export, EveryExportIsRecordedAsADataExportEntry) {
  append_business(6);
  ExportFilter f;
  f.action_prefix = "invoice.";
  ExportOptions o = options(f);
  o.exported_by.kind = ActorKind::kUser;
  ExportSummary s;
  const std::string text = export_text(ExportFormat::kJsonLines, o, &s);
  EXPECT_EQ(tenant_->head().seq, 7u);
  EXPECT_EQ(s.record.seq, 7u);
  const Entry record = tenant_->read(7);
  EXPECT_EQ(record.event.action, "data.export");
  EXPECT_EQ(record.event.actor.id, "u:auditor");
  const std::map<std::string, std::string> expected = {{"format", "jsonl"},
                                                       {"filter", R"({"action_prefix":"invoice."})"},
                                                       {"entries", "4"},
                                                       {"first_seq", "1"},
                                                       {"last_seq", "5"},
                                                       {"entries_digest", digest_of_lines(text)}};
  EXPECT_EQ(record.event.metadata, expected);
  // The next export does not see its own record as part of the range it was given.
  ExportFilter up_to_6;
  up_to_6.seq_to = 6;
  EXPECT_EQ(exported_seqs(up_to_6).size(), 6u);
}

TEST_F(Export, ProgressIsReportedWithTheRangeSize) {
  append_business(10);
  ExportOptions o = options();
  o.filter.seq_from = 3;
  std::vector<ExportProgress> seen;
  o.progress = [&](const ExportProgress& p) { seen.push_back(p); };
  export_text(ExportFormat::kJsonLines, o);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().done, 8u);
  EXPECT_EQ(seen.back().total, 8u);
}

// ---- refusals ----------------------------------------------------------------------

TEST_F(Export, BadOptionsAreRefusedBeforeAnythingIsWritten) {
  append_business(3);
  const auto refuse = [&](const ExportOptions& o, ExportFormat format, ErrorCode code, const char* field) {
    std::ostringstream out;
    EXPECT_AUDITCHAIN_ERROR(export_entries(*tenant_, format, out, o), code, field);
    EXPECT_TRUE(out.str().empty());
    EXPECT_EQ(tenant_->head().seq, 3u) << "an entry was appended";
  };
  ExportOptions nobody = options();
  nobody.exported_by.id.clear();
  refuse(nobody, ExportFormat::kCsv, ErrorCode::kInvalidArgument, "exported_by");
  ExportOptions seqs = options();
  seqs.filter.seq_from = 5;
  seqs.filter.seq_to = 4;
  refuse(seqs, ExportFormat::kJsonLines, ErrorCode::kInvalidArgument, "filter.seq_from");
  ExportOptions times = options();
  times.filter.from = Timestamp::parse("2026-01-02T00:00:00Z");
  times.filter.to = Timestamp::parse("2026-01-02T00:00:00Z");
  refuse(times, ExportFormat::kJson, ErrorCode::kInvalidArgument, "filter.from");
  ExportOptions decrypt = options();
  decrypt.decrypt = true;
  refuse(decrypt, ExportFormat::kJsonLines, ErrorCode::kInvalidArgument, "decrypt");
  refuse(decrypt, ExportFormat::kJson, ErrorCode::kInvalidArgument, "decrypt");
  refuse(decrypt, ExportFormat::kCsv, ErrorCode::kWrongKey, "");
  ExportOptions bad_ip = options();
  bad_ip.exported_by.ip = "not an address";
  refuse(bad_ip, ExportFormat::kCsv, ErrorCode::kInvalidArgument, "exported_by.ip");
}

TEST_F(Export, AReadOnlyLedgerCannotRecordAnExport) {
  append_business(2);
  OpenOptions ro;
  ro.read_only = true;
  open(ro);
  std::ostringstream out;
  EXPECT_AUDITCHAIN_ERROR(export_entries(*tenant_, ExportFormat::kCsv, out, options()), ErrorCode::kReadOnly, "");
  EXPECT_TRUE(out.str().empty());
  BundleOptions b;
  b.export_options = options();
  EXPECT_AUDITCHAIN_ERROR(export_bundle(*tenant_, bundle_dir(), b), ErrorCode::kReadOnly, "");
  EXPECT_FALSE(fs::exists(bundle_dir()));
}

// ---- protected values ------------------------------------------------------------------

class ExportProtected : public Export {
 protected:
  void SetUp() override {
    signer_ = std::make_unique<SignerKey>(SignerKey::generate("acme-audit"));
    master_ = std::make_shared<MasterKey>(MasterKey::generate());
    OpenOptions o;
    o.master_keys = {master_};
    open(o);
    Event e = make_event("customer.update");
    e.target = Target{"customer", "C-1"};
    e.before = R"({"iban":"DE44500105175407324931","name":"Jane Roe"})";
    e.metadata = {{"token", "magic-link-7f3a9c"}, {"ticket", "T-1"}};
    e.actor.ip = "203.0.113.77";
    e.protect.encrypt = {"/before/iban", "/actor/ip"};
    e.protect.secret = {"/metadata/token"};
    e.protect.subject = "customer:C-1";
    tenant_->append(e);
    append_business(2);
  }
  // Every file of a bundle, concatenated.
  std::string bundle_bytes(const std::string& dir) {
    std::string all;
    for (const auto& f : fs::directory_iterator(dir)) all += read_file(f.path().string());
    return all;
  }
  std::shared_ptr<const MasterKey> master_;
};

TEST_F(ExportProtected, SecretsNeverAppearInAnyOutput) {
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJsonLines, ExportFormat::kJson}) {
    EXPECT_EQ(export_text(format, options()).find("magic-link-7f3a9c"), std::string::npos);
  }
  ExportOptions decrypt = options();
  decrypt.decrypt = true;
  EXPECT_EQ(export_text(ExportFormat::kCsv, decrypt).find("magic-link-7f3a9c"), std::string::npos);
  bundle({}, "plain");
  BundleOptions o;
  o.export_options = decrypt;
  o.signer = signer_.get();
  export_bundle(*tenant_, bundle_dir("decrypted"), o);
  EXPECT_EQ(bundle_bytes(bundle_dir("plain")).find("magic-link-7f3a9c"), std::string::npos);
  EXPECT_EQ(bundle_bytes(bundle_dir("decrypted")).find("magic-link-7f3a9c"), std::string::npos);
}

TEST_F(ExportProtected, EncryptedValuesShowAsMarkersWithoutDecrypt) {
  const std::string csv = export_text(ExportFormat::kCsv, options());
  for (const char* plaintext : {"DE44500105175407324931", "203.0.113.77"}) {
    EXPECT_EQ(csv.find(plaintext), std::string::npos) << plaintext;
  }
  const auto rows = parse_csv(csv);
  EXPECT_EQ(column(rows, "ip")[0], "[encrypted]");
  EXPECT_EQ(column(rows, "before")[0], R"({"iban":"[encrypted]","name":"Jane Roe"})");
  EXPECT_EQ(column(rows, "metadata")[0], R"({"ticket":"T-1","token":"[secret]"})");
}

TEST_F(ExportProtected, DecryptShowsThePlaintextInTheCsv) {
  ExportOptions o = options();
  o.decrypt = true;
  ExportSummary s;
  const auto rows = parse_csv(export_text(ExportFormat::kCsv, o, &s));
  EXPECT_EQ(column(rows, "ip")[0], "203.0.113.77");
  EXPECT_EQ(column(rows, "before")[0], R"({"iban":"DE44500105175407324931","name":"Jane Roe"})");
  EXPECT_EQ(column(rows, "metadata")[0], R"({"ticket":"T-1","token":"[secret]"})");
  const Entry record = tenant_->read(s.record.seq);
  EXPECT_EQ(record.event.metadata.at("decrypted"), "true");
  EXPECT_TRUE(record.event.high_risk);
}

TEST_F(ExportProtected, ErasedValuesShowAsErased) {
  Actor dpo;
  dpo.id = "u:dpo";
  tenant_->erase_subject("customer:C-1", dpo);
  const auto rows = parse_csv(export_text(ExportFormat::kCsv, options()));
  EXPECT_EQ(column(rows, "ip")[0], "[erased]");
  EXPECT_EQ(column(rows, "before")[0], R"({"iban":"[erased]","name":"Jane Roe"})");
  // A bundle shows the same, and still verifies.
  bundle();
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_NE(read_file(bundle_dir() + "/entries.csv").find("[erased]"), std::string::npos);
}

// Exports of several thousand entries are formatted on every core, chunk by
// chunk; a bundle formats them one by one on one thread. Both must write the
// same bytes, with protected values, filtered-out rows and erased keys spread
// across chunk and block boundaries.
TEST_F(ExportProtected, ExportsSpanningManyChunksMatchTheBundleWrittenOneByOne) {
  std::vector<Event> batch;
  for (int i = 0; i < 5000; ++i) {
    Event e = make_event(i % 3 == 0 ? "auth.login" : "invoice.update", i % 2 ? "u:bob" : "=cmd");
    e.amount = Amount{std::to_string(i) + ".5", i % 5 ? "EUR" : "USD"};
    e.before = R"({"note":"a, \"quoted\" value"})";
    if (i % 97 == 0) {
      e.metadata = {{"card", "4111-" + std::to_string(i)}};
      e.protect.encrypt = {"/metadata/card"};
      e.protect.subject = i % 2 ? "customer:odd" : "customer:even";
    }
    if (i % 131 == 0) {
      e.metadata["otp"] = "otp-" + std::to_string(i);
      e.protect.secret = {"/metadata/otp"};
    }
    batch.push_back(std::move(e));
    if (batch.size() == 700) {
      tenant_->append_batch(batch);
      batch.clear();
    }
  }
  tenant_->append_batch(batch);
  Actor dpo;
  dpo.id = "u:dpo";
  tenant_->erase_subject("customer:odd", dpo);
  // Every export appends its own record: the range ends before the first.
  ExportFilter all;
  all.seq_to = tenant_->head().seq;
  ExportFilter invoices = all;
  invoices.action_prefix = "invoice.";
  int n = 0;
  for (const ExportFilter& filter : {all, invoices}) {
    const std::string name = "many-" + std::to_string(n++);
    const BundleSummary b = bundle(filter, name);
    const std::string jsonl = export_text(ExportFormat::kJsonLines, options(filter));
    // Compared without printing: the texts are megabytes.
    EXPECT_TRUE(jsonl == read_file(bundle_dir(name) + "/entries.jsonl"));
    EXPECT_TRUE(export_text(ExportFormat::kCsv, options(filter)) == read_file(bundle_dir(name) + "/entries.csv"));
    std::string json = "[";
    for (const std::string& line : split_lines(jsonl)) json += (json.size() > 1 ? "," : "") + line;
    EXPECT_TRUE(export_text(ExportFormat::kJson, options(filter)) == json + "]");
    EXPECT_EQ(b.summary.entries, filter.action_prefix ? 3335u : 5004u);
    ExportSummary s;
    export_text(ExportFormat::kCsv, options(filter), &s);
    EXPECT_EQ(s.entries, b.summary.entries);
    EXPECT_EQ(s.per_action, b.summary.per_action);
    EXPECT_EQ(s.totals, b.summary.totals);
    EXPECT_EQ(s.entries_digest, b.summary.entries_digest);
    EXPECT_EQ(s.first_seq, b.summary.first_seq);
    EXPECT_EQ(s.last_seq, b.summary.last_seq);
  }
}

TEST_F(ExportProtected, TheScannerNoticesProtectedValues) {
  detail::FieldScratch scratch;
  detail::EntryFields f;
  ASSERT_TRUE(detail::scan_entry(tenant_->read(1).bytes, f, scratch));
  EXPECT_TRUE(f.protected_values);
  ASSERT_TRUE(detail::scan_entry(tenant_->read(2).bytes, f, scratch));
  EXPECT_FALSE(f.protected_values);
}

TEST_F(ExportProtected, ABundleWithoutDecryptVerifiesAgainstItsEntries) {
  bundle();
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_FALSE(r.decrypted);
  EXPECT_TRUE(r.notes.empty());
  EXPECT_EQ(read_file(bundle_dir() + "/entries.csv").find("DE44500105175407324931"), std::string::npos);
}

TEST_F(ExportProtected, ADecryptedBundleSaysSo) {
  BundleOptions o;
  o.export_options = options();
  o.export_options.decrypt = true;
  o.signer = signer_.get();
  const BundleSummary s = export_bundle(*tenant_, bundle_dir(), o);
  EXPECT_NE(std::find(s.files.begin(), s.files.end(), "decrypted.jsonl"), s.files.end());
  const std::string manifest = read_file(bundle_dir() + "/manifest.json");
  EXPECT_NE(manifest.find("\"decrypted\":true"), std::string::npos);
  EXPECT_NE(manifest.find("\"decrypted_notice\":"), std::string::npos);
  EXPECT_NE(read_file(bundle_dir() + "/README.txt").find("DECRYPTED"), std::string::npos);
  EXPECT_EQ(read_file(bundle_dir() + "/decrypted.jsonl"),
            "{\"seq\":1,\"pointer\":\"/actor/ip\",\"value\":\"203.0.113.77\"}\n"
            "{\"seq\":1,\"pointer\":\"/before/iban\",\"value\":\"DE44500105175407324931\"}\n");
  EXPECT_NE(read_file(bundle_dir() + "/entries.csv").find("DE44500105175407324931"), std::string::npos);
  EXPECT_EQ(read_file(bundle_dir() + "/entries.jsonl").find("DE44500105175407324931"), std::string::npos);
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_TRUE(r.decrypted);
  EXPECT_FALSE(r.notes.empty());
}

// ---- bundles ---------------------------------------------------------------------------

TEST_F(Export, ACleanBundleVerifies) {
  append_business(12);
  const BundleSummary s = bundle();
  EXPECT_EQ(s.summary.entries, 12u);
  EXPECT_EQ(s.checkpoint.tree_size, 12u);
  EXPECT_EQ(s.files, (std::vector<std::string>{"entries.jsonl", "entries.csv", "README.txt", "manifest.json"}));
  std::vector<std::string> names;
  for (const auto& f : fs::directory_iterator(bundle_dir())) names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"README.txt", "entries.csv", "entries.jsonl", "manifest.json"}));
  EXPECT_EQ(read_file(bundle_dir() + "/entries.jsonl"), join_lines(stored_bytes(1, 12)));
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_EQ(r.entries, 12u);
  EXPECT_EQ(r.entries_valid, 12u);
  EXPECT_TRUE(r.contiguous);
  EXPECT_EQ(r.tenant, "acme");
  EXPECT_EQ(r.ledger_id, ledger_->id());
  ASSERT_TRUE(r.checkpoint.has_value());
  EXPECT_EQ(r.checkpoint->tree_size, 12u);
}

TEST_F(Export, ABundleOfAnEmptyTenantVerifies) {
  const BundleSummary s = bundle();
  EXPECT_EQ(s.summary.entries, 0u);
  EXPECT_EQ(s.checkpoint.tree_size, 0u);
  EXPECT_EQ(read_file(bundle_dir() + "/entries.jsonl"), "");
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_EQ(r.entries, 0u);
}

TEST_F(Export, TheBundleIsRecordedWithTheHashOfItsManifest) {
  append_business(3);
  const BundleSummary s = bundle();
  const std::string manifest_hash = sha256(read_file(bundle_dir() + "/manifest.json")).hex();
  EXPECT_EQ(s.summary.sha256, manifest_hash);
  const Entry record = tenant_->read(s.summary.record.seq);
  EXPECT_EQ(record.event.action, "data.export");
  EXPECT_EQ(record.event.metadata.at("format"), "bundle");
  EXPECT_EQ(record.event.metadata.at("sha256"), manifest_hash);
  EXPECT_EQ(record.event.metadata.at("checkpoint_size"), "3");
  EXPECT_EQ(verify(bundle_dir()).manifest_sha256, manifest_hash);
}

TEST_F(Export, TheManifestHoldsOneProofPerEntryInFileOrder) {
  append_business(5);
  ExportFilter f;
  f.actor_id = "u:alice";
  bundle(f);
  const std::string manifest = read_file(bundle_dir() + "/manifest.json");
  const json::Value m = json::parse(manifest);
  const std::vector<std::string> keys_in_order = {"format", "format_version", "entry_format", "ledger", "tenant",
                                                  "exported_at", "exported_by", "filter", "contiguous", "decrypted",
                                                  "counts", "first_seq", "last_seq", "totals", "checkpoint", "files",
                                                  "proofs"};
  std::vector<std::string> names;
  for (const auto& [name, value] : m.as_object()) names.push_back(name);
  EXPECT_EQ(names, keys_in_order);
  const auto& proofs = m.find("proofs")->as_array();
  ASSERT_EQ(proofs.size(), 3u);
  const std::uint64_t seqs[] = {1, 3, 5};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(proofs[i].find("seq")->as_integer(), static_cast<std::int64_t>(seqs[i]));
    EXPECT_EQ(proofs[i].find("leaf_index")->as_integer(), static_cast<std::int64_t>(seqs[i] - 1));
    // The same path the ledger gives for a proof at the checkpoint's size.
    const InclusionProof p = tenant_->prove_inclusion(seqs[i], 5);
    const auto& path = proofs[i].find("path")->as_array();
    ASSERT_EQ(path.size(), p.path.size());
    for (std::size_t j = 0; j < path.size(); ++j) EXPECT_EQ(path[j].as_string(), p.path[j].hex());
  }
  EXPECT_EQ(m.find("filter")->as_object().size(), 1u);
  EXPECT_FALSE(m.find("contiguous")->as_bool());
}

TEST_F(Export, ProofsMatchTheLedgersForEveryTreeShape) {
  append_business(37);
  Checkpoint cp = tenant_->checkpoint(*signer_);
  append_business(3);
  BundleOptions o;
  o.export_options = options();
  const BundleSummary s = export_bundle(*tenant_, bundle_dir(), o);
  EXPECT_EQ(s.checkpoint.tree_size, 37u);
  EXPECT_EQ(s.summary.entries, 37u);
  const json::Value m = json::parse(read_file(bundle_dir() + "/manifest.json"));
  const auto& proofs = m.find("proofs")->as_array();
  ASSERT_EQ(proofs.size(), 37u);
  for (std::uint64_t seq = 1; seq <= 37; ++seq) {
    const InclusionProof p = tenant_->prove_inclusion(seq, 37);
    const auto& path = proofs[seq - 1].find("path")->as_array();
    ASSERT_EQ(path.size(), p.path.size()) << seq;
    for (std::size_t j = 0; j < path.size(); ++j) EXPECT_EQ(path[j].as_string(), p.path[j].hex()) << seq;
  }
  EXPECT_TRUE(verify(bundle_dir()).valid());
}

TEST_F(Export, WithoutASignerTheNewestCheckpointMustCoverTheRange) {
  append_business(5);
  tenant_->checkpoint(*signer_);
  append_business(3);
  BundleOptions o;
  o.export_options = options();
  o.export_options.filter.seq_to = 7;
  try {
    export_bundle(*tenant_, bundle_dir(), o);
    ADD_FAILURE() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("1 to 5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("entry 7"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(bundle_dir()));
  EXPECT_EQ(tenant_->head().seq, 8u);
  o.export_options.filter.seq_to = 4;
  EXPECT_EQ(export_bundle(*tenant_, bundle_dir(), o).summary.entries, 4u);
  EXPECT_TRUE(verify(bundle_dir()).valid());
}

TEST_F(Export, ABundleNeedsACheckpoint) {
  append_business(2);
  BundleOptions o;
  o.export_options = options();
  EXPECT_AUDITCHAIN_ERROR(export_bundle(*tenant_, bundle_dir(), o), ErrorCode::kInvalidArgument, "signer");
  EXPECT_FALSE(fs::exists(bundle_dir()));
}

TEST_F(Export, ABundleNeedsANewOrEmptyDirectory) {
  append_business(2);
  fs::create_directories(bundle_dir());
  write_file(bundle_dir() + "/other.txt", "x");
  BundleOptions o;
  o.export_options = options();
  o.signer = signer_.get();
  EXPECT_AUDITCHAIN_ERROR(export_bundle(*tenant_, bundle_dir(), o), ErrorCode::kInvalidArgument, "directory");
  EXPECT_EQ(read_file(bundle_dir() + "/other.txt"), "x");
  EXPECT_EQ(tenant_->head().seq, 2u);
  fs::remove(bundle_dir() + "/other.txt");
  export_bundle(*tenant_, bundle_dir(), o);  // empty is fine
  EXPECT_TRUE(verify(bundle_dir()).valid());
}

TEST_F(Export, BadBundleOptionsLeaveNoTrace) {
  append_business(2);
  BundleOptions o;
  o.export_options = options();
  o.export_options.exported_by.id.clear();
  o.signer = signer_.get();
  EXPECT_AUDITCHAIN_ERROR(export_bundle(*tenant_, bundle_dir(), o), ErrorCode::kInvalidArgument, "exported_by");
  EXPECT_FALSE(fs::exists(bundle_dir()));
  EXPECT_EQ(tenant_->head().seq, 2u);
  EXPECT_TRUE(tenant_->checkpoints().empty());
}

TEST_F(Export, AFilteredBundleVerifiesButIsNotContiguous) {
  append_business(9);
  ExportFilter f;
  f.action_prefix = "invoice.";
  const BundleSummary s = bundle(f);
  EXPECT_EQ(s.summary.entries, 6u);
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_FALSE(r.contiguous);
  EXPECT_EQ(r.entries_valid, 6u);
  EXPECT_NE(read_file(bundle_dir() + "/README.txt").find("no other entry matches the filter"), std::string::npos);
}

TEST_F(Export, ATimeBoundedBundleShowsItsBoundariesAndVerifies) {
  for (int i = 0; i < 8; ++i) {
    tenant_->append(make_event());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::vector<Timestamp> times;
  for (const Entry& e : tenant_->entries()) times.push_back(e.recorded_at);
  ExportFilter f;
  f.from = times[2];
  f.to = times[5];
  const BundleSummary s = bundle(f);
  EXPECT_EQ(s.summary.first_seq, 3u);
  EXPECT_EQ(s.summary.last_seq, 5u);
  const json::Value m = json::parse(read_file(bundle_dir() + "/manifest.json"));
  ASSERT_NE(m.find("boundaries"), nullptr);
  EXPECT_EQ(m.find("boundaries")->find("before")->find("seq")->as_integer(), 2);
  EXPECT_EQ(m.find("boundaries")->find("after")->find("seq")->as_integer(), 6);
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
  EXPECT_TRUE(r.contiguous);
}

TEST_F(Export, AnEmptyBundleOfATimeRangeProvesItIsEmpty) {
  for (int i = 0; i < 4; ++i) {
    tenant_->append(make_event());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::vector<Timestamp> times;
  for (const Entry& e : tenant_->entries()) times.push_back(e.recorded_at);
  ExportFilter f;
  f.from = Timestamp{times[1].micros + 1};
  f.to = times[2];
  const BundleSummary s = bundle(f);
  EXPECT_EQ(s.summary.entries, 0u);
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(r.valid()) << all_kinds(r);
}

// ---- tampering with a bundle ---------------------------------------------------------------

class ExportTamper : public Export {
 protected:
  void SetUp() override {
    Export::SetUp();
    append_business(10);
    bundle();
    ASSERT_TRUE(verify(bundle_dir()).valid());
  }
  std::string file(const std::string& name) const { return bundle_dir() + "/" + name; }
  std::string manifest() const { return read_file(file("manifest.json")); }
  void set_manifest(const std::string& text) { write_file(file("manifest.json"), text); }
  // Replaces the first `from` in the manifest by `to`.
  void edit_manifest(const std::string& from, const std::string& to) {
    std::string m = manifest();
    const auto at = m.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    m.replace(at, from.size(), to);
    set_manifest(m);
  }
  void set_file_hash(const std::string& name) {
    std::string m = manifest();
    const std::string key = "\"" + name + "\":\"";
    const auto at = m.find(key);
    ASSERT_NE(at, std::string::npos);
    m.replace(at + key.size(), 64, sha256(read_file(file(name))).hex());
    set_manifest(m);
  }
};

TEST_F(ExportTamper, EditingALineOfEntriesJsonlIsFound) {
  std::string jsonl = read_file(file("entries.jsonl"));
  const auto at = jsonl.find("INV-4");
  ASSERT_NE(at, std::string::npos);
  jsonl.replace(at, 5, "INV-9");
  write_file(file("entries.jsonl"), jsonl);
  BundleReport r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  EXPECT_TRUE(has_kind(r, "file_hash_mismatch")) << all_kinds(r);
  EXPECT_TRUE(has_kind(r, "not_included")) << all_kinds(r);
  EXPECT_TRUE(has_kind(r, "csv_mismatch")) << all_kinds(r);
  // Fixing the file hash does not help: the proof still fails.
  set_file_hash("entries.jsonl");
  r = verify(bundle_dir());
  EXPECT_FALSE(has_kind(r, "file_hash_mismatch")) << all_kinds(r);
  EXPECT_TRUE(has_kind(r, "not_included")) << all_kinds(r);
  EXPECT_EQ(r.entries_valid, 9u);
}

TEST_F(ExportTamper, DroppingALineIsFound) {
  std::vector<std::string> lines = split_lines(read_file(file("entries.jsonl")));
  lines.erase(lines.begin() + 4);
  write_file(file("entries.jsonl"), join_lines(lines));
  const BundleReport r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  for (const char* kind : {"file_hash_mismatch", "not_contiguous", "count_mismatch", "proof_count_mismatch"}) {
    EXPECT_TRUE(has_kind(r, kind)) << kind << "\n" << all_kinds(r);
  }
}

TEST_F(ExportTamper, EditingEntriesCsvIsFound) {
  std::string csv = read_file(file("entries.csv"));
  const auto at = csv.find("INV-4");
  ASSERT_NE(at, std::string::npos);
  csv.replace(at, 5, "INV-8");
  write_file(file("entries.csv"), csv);
  BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(has_kind(r, "csv_mismatch")) << all_kinds(r);
  EXPECT_TRUE(has_kind(r, "file_hash_mismatch")) << all_kinds(r);
  set_file_hash("entries.csv");
  r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  EXPECT_TRUE(has_kind(r, "csv_mismatch")) << all_kinds(r);
}

TEST_F(ExportTamper, EditingTheManifestTotalsIsFound) {
  const json::Value m = json::parse(manifest());
  const std::string eur = m.find("totals")->find("EUR")->as_string();
  edit_manifest("\"EUR\":\"" + eur + "\"", "\"EUR\":\"" + (Decimal::parse(eur) - Decimal::parse("0.01")).to_string() + "\"");
  const BundleReport r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(kinds(r), std::vector<std::string>{"total_mismatch"}) << all_kinds(r);
}

TEST_F(ExportTamper, EditingTheManifestCountsIsFound) {
  edit_manifest("\"invoice.update\":7", "\"invoice.update\":6");
  const BundleReport r = verify(bundle_dir());
  EXPECT_EQ(kinds(r), std::vector<std::string>{"count_mismatch"}) << all_kinds(r);
}

TEST_F(ExportTamper, ACheckpointOfAnotherTenantIsFound) {
  TenantLedger globex = ledger_->tenant("globex", TenantMode::kCreateIfMissing);
  for (int i = 0; i < 10; ++i) globex.append(make_event());
  const Checkpoint other = globex.checkpoint(*signer_);
  const Checkpoint ours = parse_checkpoint(json::parse(manifest()).find("checkpoint")->as_string());
  edit_manifest(json_quote(ours.note), json_quote(other.note));
  const BundleReport r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  EXPECT_TRUE(has_kind(r, "checkpoint_mismatch")) << all_kinds(r);
  EXPECT_TRUE(has_kind(r, "not_included")) << all_kinds(r);
  EXPECT_EQ(r.entries_valid, 0u);
}

TEST_F(ExportTamper, ACheckpointResignedByAnotherKeyIsNotTrusted) {
  const Checkpoint ours = parse_checkpoint(json::parse(manifest()).find("checkpoint")->as_string());
  const SignerKey mallory = SignerKey::generate("acme-audit");  // same name, other key
  const std::string forged = sign_note(checkpoint_body(ours), mallory);
  edit_manifest(json_quote(ours.note), json_quote(forged));
  const BundleReport r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  EXPECT_FALSE(r.checkpoint.has_value());
  EXPECT_TRUE(has_kind(r, "bad_checkpoint")) << all_kinds(r);
  EXPECT_EQ(r.entries_valid, 0u);
}

TEST_F(ExportTamper, VerifyingWithTheWrongKeyIsNotValid) {
  const SignerKey other = SignerKey::generate("someone-else");
  const std::vector<VerifierKey> wrong = {other.verifier()};
  const BundleReport r = verify_bundle(bundle_dir(), wrong);
  EXPECT_FALSE(r.valid());
  EXPECT_TRUE(has_kind(r, "bad_checkpoint")) << all_kinds(r);
  EXPECT_AUDITCHAIN_ERROR(verify_bundle(bundle_dir(), std::vector<VerifierKey>{}), ErrorCode::kInvalidArgument, "keys");
}

TEST_F(ExportTamper, MalformedManifestJsonIsAFindingNotACrash) {
  const std::string m = manifest();
  for (const std::string& broken : {m.substr(0, m.size() / 2), std::string("{\"format\":"), std::string("[]"),
                                    m + "{}", std::string("{\"format\":\"auditchain-export\"}"), std::string("")}) {
    set_manifest(broken);
    const BundleReport r = verify(bundle_dir());
    EXPECT_FALSE(r.valid());
    EXPECT_TRUE(has_kind(r, "manifest_malformed")) << all_kinds(r);
  }
}

TEST_F(ExportTamper, AMissingFileIsAFinding) {
  fs::remove(file("entries.csv"));
  BundleReport r = verify(bundle_dir());
  EXPECT_EQ(kinds(r), std::vector<std::string>{"missing_file"}) << all_kinds(r);
  fs::remove(file("README.txt"));
  fs::remove(file("entries.jsonl"));
  r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  const std::vector<std::string> found = kinds(r);
  EXPECT_EQ(std::count(found.begin(), found.end(), "missing_file"), 3) << all_kinds(r);
  fs::remove(file("manifest.json"));
  EXPECT_AUDITCHAIN_ERROR(verify(bundle_dir()), ErrorCode::kNotFound, "");
  EXPECT_AUDITCHAIN_ERROR(verify(bundle_dir() + "-nowhere"), ErrorCode::kNotFound, "");
}

TEST_F(ExportTamper, ADroppedLineIsFoundEvenWhenTheManifestIsFixedUp) {
  // The attacker removes entry 5 everywhere and makes every count, total
  // and file hash agree again.
  std::vector<std::string> lines = split_lines(read_file(file("entries.jsonl")));
  const json::Value dropped = json::parse(lines[4]);
  lines.erase(lines.begin() + 4);
  write_file(file("entries.jsonl"), join_lines(lines));
  std::string csv = read_file(file("entries.csv"));
  const auto row = csv.find("\r\n5,");
  ASSERT_NE(row, std::string::npos);
  csv.erase(row + 2, csv.find("\r\n", row + 2) - row);
  write_file(file("entries.csv"), csv);
  std::string m = manifest();
  const auto proof = m.find("{\"seq\":5,");
  ASSERT_NE(proof, std::string::npos);
  m.erase(proof, m.find("\n", proof) + 1 - proof);
  set_manifest(m);
  const std::string action = dropped.find("action")->as_string();
  const json::Value before = json::parse(manifest());
  const std::int64_t per_action = before.find("counts")->find("per_action")->find(action)->as_integer();
  edit_manifest("\"total\":10", "\"total\":9");
  edit_manifest(json_quote(action) + ":" + std::to_string(per_action), json_quote(action) + ":" + std::to_string(per_action - 1));
  if (const json::Value* amount = dropped.find("amount")) {
    const std::string currency = amount->find("currency")->as_string();
    const std::string total = before.find("totals")->find(currency)->as_string();
    edit_manifest("\"" + currency + "\":\"" + total + "\"",
                  "\"" + currency + "\":\"" +
                      (Decimal::parse(total) - Decimal::parse(amount->find("value")->as_string())).to_string() + "\"");
  }
  set_file_hash("entries.jsonl");
  set_file_hash("entries.csv");
  const BundleReport r = verify(bundle_dir());
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(kinds(r), std::vector<std::string>{"not_contiguous"}) << all_kinds(r);
  EXPECT_EQ(r.entries_valid, 9u);
}

TEST_F(ExportTamper, DroppingTheLastLineIsFoundAtTheEndOfTheRange) {
  std::vector<std::string> lines = split_lines(read_file(file("entries.jsonl")));
  lines.pop_back();
  write_file(file("entries.jsonl"), join_lines(lines));
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(has_kind(r, "not_contiguous")) << all_kinds(r);
}

TEST_F(ExportTamper, AForeignLineIsFound) {
  TenantLedger globex = ledger_->tenant("globex", TenantMode::kCreateIfMissing);
  for (int i = 0; i < 5; ++i) globex.append(make_event());
  std::vector<std::string> lines = split_lines(read_file(file("entries.jsonl")));
  lines[4] = globex.read(5).bytes;
  write_file(file("entries.jsonl"), join_lines(lines));
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(has_kind(r, "foreign_entry")) << all_kinds(r);
  EXPECT_TRUE(has_kind(r, "not_included")) << all_kinds(r);
}

TEST_F(ExportTamper, AMalformedLineIsFound) {
  std::vector<std::string> lines = split_lines(read_file(file("entries.jsonl")));
  lines[2] = "{\"not\":\"an entry\"}";
  write_file(file("entries.jsonl"), join_lines(lines));
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(has_kind(r, "entry_malformed")) << all_kinds(r);
}

TEST_F(ExportTamper, ReorderedLinesAreFound) {
  std::vector<std::string> lines = split_lines(read_file(file("entries.jsonl")));
  std::swap(lines[3], lines[4]);
  write_file(file("entries.jsonl"), join_lines(lines));
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(has_kind(r, "out_of_order")) << all_kinds(r);
}

TEST_F(ExportTamper, AnEntryOutsideTheFilterIsFound) {
  edit_manifest("\"filter\":{}", "\"filter\":{\"seq_to\":9}");
  const BundleReport r = verify(bundle_dir());
  EXPECT_TRUE(has_kind(r, "filter_mismatch")) << all_kinds(r);
}

TEST_F(ExportTamper, TheReportReadsAsJson) {
  fs::remove(file("entries.csv"));
  const BundleReport r = verify(bundle_dir());
  const json::Value v = json::parse(bundle_report_to_json(r));
  EXPECT_FALSE(v.find("valid")->as_bool());
  EXPECT_EQ(v.find("entries")->as_integer(), 10);
  EXPECT_EQ(v.find("entries_valid")->as_integer(), 10);
  ASSERT_EQ(v.find("findings")->as_array().size(), 1u);
  EXPECT_EQ(v.find("findings")->as_array()[0].find("kind")->as_string(), "missing_file");
  EXPECT_EQ(v.find("checkpoint")->find("tree_size")->as_integer(), 10);
}

}  // namespace
}  // namespace auditchain

namespace auditchain {
namespace {

// Amounts of up to 18 digits are summed in integers per scale, longer ones
// exactly through Decimal; the totals must not depend on which path, nor on
// how counts were split between threads and merged.
TEST(ExportTally, TotalsAreExactOnEveryPathAndAfterMerging) {
  const std::vector<std::pair<std::string, std::string>> amounts = {
      {"0.01", "EUR"},
      {"-12.5", "EUR"},
      {"999999999999999999", "EUR"},         // 18 digits: the integer path
      {"1000000000000000000.5", "EUR"},      // 20 digits: the exact path
      {"0.000000000000000001", "USD"},       // scale 18
      {"-0.000000000000000001", "USD"},
      {"7", "JPY"},
  };
  detail::Tally one, left, right;
  std::size_t i = 0;
  for (const auto& [value, currency] : amounts) {
    detail::EntryFields f;
    f.seq = ++i;
    f.action = i % 2 ? "invoice.pay" : "invoice.refund";
    f.amount = value;
    f.currency = currency;
    one.count(f);
    (i % 2 ? left : right).count(f);
  }
  left.merge(right);
  for (const detail::Tally* t : {&one, &left}) {
    const std::map<std::string, Decimal> totals = t->totals();
    EXPECT_EQ(totals.at("EUR").to_string(), "1999999999999999987.01");
    EXPECT_EQ(totals.at("USD").to_string(), "0");
    EXPECT_EQ(totals.at("JPY").to_string(), "7");
    EXPECT_EQ(t->per_action().at("invoice.pay"), 4u);
    EXPECT_EQ(t->per_action().at("invoice.refund"), 3u);
  }
}

TEST(ExportTally, AnAmountThatIsNoDecimalIsCorrupt) {
  detail::Tally t;
  detail::EntryFields f;
  f.seq = 3;
  f.action = "x";
  f.amount = "12,50";
  f.currency = "EUR";
  EXPECT_AUDITCHAIN_ERROR(t.count(f), ErrorCode::kCorrupt, "");
}

}  // namespace
}  // namespace auditchain
