// export_csv_test.cc — the CSV cell and row writer against a plain reference
// writer of the rule in docs/FORMAT.md: cells of every length, special
// characters at every position (the writer reads 4, 8 and 16 bytes at a time),
// long cells full of quotes, and whole rows.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "export_csv.hpp"
#include "export_scan.hpp"

namespace auditchain {
namespace {

// The rule, written the obvious way: a leading apostrophe when the text starts
// like a formula (or with an apostrophe), then quotes around the whole when it
// holds a comma, a quote, CR or LF, with its quotes doubled.
std::string reference_cell(std::string_view text) {
  if (text.empty()) return "";
  std::string cell;
  if (std::string_view("=+-@\t\r'").find(text.front()) != std::string_view::npos) cell += '\'';
  cell += text;
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string reference_optional_cell(const std::optional<std::string_view>& text) {
  return text ? reference_cell(*text) : "";
}

std::string written_cell(std::string_view text) {
  std::string out;
  detail::append_csv_text(out, text);
  return out;
}

// Plain text of `n` bytes, none of them special.
std::string filler(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

TEST(ExportCsvCell, EverySpecialCharacterIsFoundAtEveryPositionOfEveryLength) {
  for (std::size_t n = 1; n <= 80; ++n) {
    for (const char special : {',', '"', '\r', '\n'}) {
      for (std::size_t at = 0; at < n; ++at) {
        std::string text = filler(n);
        text[at] = special;
        ASSERT_EQ(written_cell(text), reference_cell(text)) << "length " << n << ", at " << at;
      }
    }
    const std::string plain = filler(n);
    ASSERT_EQ(written_cell(plain), plain) << "length " << n;
  }
}

TEST(ExportCsvCell, QuotesAreDoubledWhereverTheyFallInLongCells) {
  // Runs of quotes across 16-byte boundaries, quotes every k bytes, and a
  // cell of quotes only.
  for (const std::size_t n : {15u, 16u, 17u, 31u, 32u, 33u, 100u, 4096u, 100'003u}) {
    for (const std::size_t every : {1u, 2u, 3u, 7u, 15u, 16u, 17u, 40u}) {
      std::string text = filler(n);
      for (std::size_t i = 0; i < n; i += every) text[i] = '"';
      ASSERT_EQ(written_cell(text), reference_cell(text)) << "length " << n << ", a quote every " << every;
    }
  }
  const std::string json = R"({"customer":"C-10001","note":"a ""b"", c","total":"12.50"})";
  std::string long_json;
  while (long_json.size() < 200'000) long_json += json;
  EXPECT_TRUE(written_cell(long_json) == reference_cell(long_json));
}

TEST(ExportCsvCell, RandomTextsMatchTheReference) {
  // Texts drawn from an alphabet heavy in the characters the rule is about.
  const std::string alphabet = ",\"\r\n=+-@\t'ab01 \xC3\xA4";
  std::mt19937 random(4180);
  for (int i = 0; i < 20'000; ++i) {
    std::string text(random() % 70, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    ASSERT_EQ(written_cell(text), reference_cell(text)) << i;
  }
}

TEST(ExportCsvCell, CellsAreAppendedAfterWhatTheBufferHolds) {
  std::string out = "kept,";
  detail::append_csv_text(out, "-\"x\", y");
  EXPECT_EQ(out, "kept,\"'-\"\"x\"\", y\"");
  detail::append_csv_text(out, "");
  EXPECT_EQ(out, "kept,\"'-\"\"x\"\", y\"");
}

// A row as the rule writes it: the cells in header order, CRLF at the end.
std::string reference_row(const detail::EntryFields& f, std::string_view hash) {
  const auto number = [](const std::optional<std::uint64_t>& n) { return n ? std::to_string(*n) : std::string(); };
  // A decimal that is a plain number is written as it is, anything else as text.
  const auto decimal = [](const std::optional<std::string_view>& d) {
    if (!d) return std::string();
    const bool plain = std::regex_match(d->begin(), d->end(), std::regex(R"(-?[0-9]+(\.[0-9]+)?)"));
    return plain ? std::string(*d) : reference_cell(*d);
  };
  const std::vector<std::string> cells = {
      std::to_string(f.seq),
      reference_cell(f.recorded_at),
      reference_optional_cell(f.occurred_at),
      reference_cell(f.action),
      reference_cell(f.actor_id),
      reference_cell(f.actor_kind),
      reference_optional_cell(f.on_behalf_of),
      reference_optional_cell(f.ip),
      reference_optional_cell(f.session_id),
      reference_optional_cell(f.request_id),
      reference_optional_cell(f.target_type),
      reference_optional_cell(f.target_id),
      decimal(f.amount),
      reference_optional_cell(f.currency),
      f.sensitive ? "true" : "false",
      f.high_risk ? "true" : "false",
      reference_optional_cell(f.ai_model),
      reference_optional_cell(f.ai_model_version),
      decimal(f.ai_confidence),
      reference_optional_cell(f.ai_source_uri),
      reference_optional_cell(f.ai_source_sha256),
      reference_optional_cell(f.ai_rule_id),
      reference_optional_cell(f.ai_rule_version),
      number(f.derived_from),
      number(f.overrides),
      reference_optional_cell(f.idempotency_key),
      reference_optional_cell(f.before),
      reference_optional_cell(f.after),
      reference_optional_cell(f.metadata),
      reference_cell(f.prev),
      reference_cell(hash),
  };
  std::string row;
  for (std::size_t i = 0; i < cells.size(); ++i) row += (i == 0 ? "" : ",") + cells[i];
  return row + "\r\n";
}

TEST(ExportCsvRow, ARowWithEveryColumnSetMatchesTheReference) {
  const std::string hash(64, 'e');
  const std::string prev(64, '0');
  const std::string before = R"({"lines":[1,2],"note":"a, \"b\"","s":")" + std::string(40, '"') + "\"}";
  const std::string after(70'000, '"');
  detail::EntryFields f;
  f.seq = 9007199254740991ULL;
  f.prev = prev;
  f.recorded_at = "2026-11-20T10:00:00.000000Z";
  f.occurred_at = "2026-11-20T09:59:59.999999Z";
  f.action = "invoice.update";
  f.actor_id = "=HYPERLINK(\"x\")";
  f.actor_kind = "user";
  f.on_behalf_of = "u:boss, acting";
  f.ip = "+1";
  f.session_id = "s\r\n1";
  f.request_id = "-r";
  f.target_type = "@invoice";
  f.target_id = "INV, \"draft\" 7";
  f.amount = "-12.50";
  f.currency = "EUR";
  f.sensitive = true;
  f.high_risk = false;
  f.ai_model = "'m";
  f.ai_model_version = "1";
  f.ai_confidence = "=1+1";  // not a number: only a damaged entry holds it, shown as neutralised text
  f.ai_source_uri = "docs://r.pdf";
  f.ai_source_sha256 = "ab";
  f.ai_rule_id = "\tR-7";
  f.ai_rule_version = "3";
  f.derived_from = 1;
  f.overrides = std::numeric_limits<std::uint64_t>::max();
  f.idempotency_key = "k";
  f.before = before;
  f.after = after;
  f.metadata = R"({"note":"line one\nline two"})";
  std::string row;
  detail::append_csv_row(row, f, hash);
  EXPECT_TRUE(row == reference_row(f, hash));
  EXPECT_EQ(row.substr(0, 34), "9007199254740991,2026-11-20T10:00:");
}

TEST(ExportCsvRow, ARowWithOnlyTheRequiredColumnsLeavesTheOthersEmpty) {
  detail::EntryFields f;
  f.seq = 1;
  f.prev = "p";
  f.recorded_at = "t";
  f.action = "a";
  f.actor_id = "u";
  f.actor_kind = "user";
  std::string row = "header\r\n";
  detail::append_csv_row(row, f, "h");
  EXPECT_EQ(row, "header\r\n1,t,,a,u,user,,,,,,,,,false,false,,,,,,,,,,,,,,p,h\r\n");
  EXPECT_EQ(row, "header\r\n" + reference_row(f, "h"));
}

TEST(ExportCsvRow, RowsOfVaryingCellsMatchTheReference) {
  // Every text column of many rows takes a random text; the rows are written
  // one after the other into the same buffer, as an export does.
  const std::string alphabet = ",\"\r\n=+-@'ab01.";
  std::mt19937 random(6962);
  std::vector<std::string> texts;
  const auto text = [&] {
    std::string t(random() % 40, ' ');
    for (char& c : t) c = alphabet[random() % alphabet.size()];
    texts.push_back(std::move(t));
    return std::string_view(texts.back());
  };
  std::string written, expected;
  for (int i = 0; i < 500; ++i) {
    texts.clear();
    texts.reserve(64);
    detail::EntryFields f;
    f.seq = static_cast<std::uint64_t>(i);
    f.prev = text();
    f.recorded_at = text();
    f.action = text();
    f.actor_id = text();
    f.actor_kind = text();
    for (auto* field : {&f.occurred_at, &f.on_behalf_of, &f.ip, &f.session_id, &f.request_id, &f.target_type,
                        &f.target_id, &f.amount, &f.currency, &f.ai_model, &f.ai_model_version, &f.ai_confidence,
                        &f.ai_source_uri, &f.ai_source_sha256, &f.ai_rule_id, &f.ai_rule_version, &f.idempotency_key,
                        &f.before, &f.after, &f.metadata}) {
      if (random() % 4 != 0) *field = text();
    }
    if (random() % 2) f.derived_from = random();
    f.sensitive = random() % 2;
    const std::string_view hash = text();
    detail::append_csv_row(written, f, hash);
    expected += reference_row(f, hash);
  }
  EXPECT_TRUE(written == expected);
}

}  // namespace
}  // namespace auditchain
