// export_csv.cc — entries as CSV rows, safe to open in a spreadsheet.
#include "export_csv.hpp"

#include <charconv>
#include <cstring>

#include "auditchain/decimal.hpp"

namespace auditchain::detail {
namespace {

constexpr std::string_view kHeader =
    "seq,recorded_at,occurred_at,action,actor_id,actor_kind,on_behalf_of,ip,session_id,request_id,"
    "target_type,target_id,amount,currency,sensitive,high_risk,ai_model,ai_model_version,ai_confidence,"
    "ai_source_uri,ai_source_sha256,ai_rule_id,ai_rule_version,derived_from,overrides,idempotency_key,"
    "before,after,metadata,prev_hash,hash\r\n";

// Characters a spreadsheet may read as the start of a formula, and the
// apostrophe itself, so that removing one leading apostrophe always restores
// the value.
bool needs_apostrophe(char first) noexcept {
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ||
         first == '\'';
}

bool needs_quotes(std::string_view text) noexcept {
  for (const char c : text) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, result.ptr);
}

// A decimal as written in an entry is a number cell when it is one; anything
// else (only a damaged entry can hold it) is treated as text.
void append_decimal(std::string& out, const std::optional<std::string_view>& text) {
  if (!text) return;
  if (Decimal::is_valid(*text)) {
    out += *text;
  } else {
    append_csv_text(out, *text);
  }
}

void cell(std::string& out, const std::optional<std::string_view>& text) {
  if (text) append_csv_text(out, *text);
  out += ',';
}

void cell(std::string& out, std::string_view text) {
  append_csv_text(out, text);
  out += ',';
}

}  // namespace

std::string_view csv_header() { return kHeader; }

void append_csv_text(std::string& out, std::string_view text) {
  if (text.empty()) return;
  const bool apostrophe = needs_apostrophe(text.front());
  if (!needs_quotes(text)) {
    if (apostrophe) out += '\'';
    out += text;
    return;
  }
  out += '"';
  if (apostrophe) out += '\'';
  while (!text.empty()) {
    const void* quote = std::memchr(text.data(), '"', text.size());
    const std::size_t run = quote ? static_cast<std::size_t>(static_cast<const char*>(quote) - text.data()) : text.size();
    out.append(text.data(), run);
    if (!quote) break;
    out += "\"\"";
    text.remove_prefix(run + 1);
  }
  out += '"';
}

void append_csv_row(std::string& out, const EntryFields& f, std::string_view hash_hex) {
  append_number(out, f.seq);
  out += ',';
  cell(out, f.recorded_at);
  cell(out, f.occurred_at);
  cell(out, f.action);
  cell(out, f.actor_id);
  cell(out, f.actor_kind);
  cell(out, f.on_behalf_of);
  cell(out, f.ip);
  cell(out, f.session_id);
  cell(out, f.request_id);
  cell(out, f.target_type);
  cell(out, f.target_id);
  append_decimal(out, f.amount);
  out += ',';
  cell(out, f.currency);
  out += f.sensitive ? "true," : "false,";
  out += f.high_risk ? "true," : "false,";
  cell(out, f.ai_model);
  cell(out, f.ai_model_version);
  append_decimal(out, f.ai_confidence);
  out += ',';
  cell(out, f.ai_source_uri);
  cell(out, f.ai_source_sha256);
  cell(out, f.ai_rule_id);
  cell(out, f.ai_rule_version);
  if (f.derived_from) append_number(out, *f.derived_from);
  out += ',';
  if (f.overrides) append_number(out, *f.overrides);
  out += ',';
  cell(out, f.idempotency_key);
  cell(out, f.before);
  cell(out, f.after);
  cell(out, f.metadata);
  cell(out, f.prev);
  append_csv_text(out, hash_hex);
  out += "\r\n";
}

}  // namespace auditchain::detail
