// export_csv.hpp — entries as CSV rows (RFC 4180, UTF-8, CRLF), safe to open
// in a spreadsheet. The columns and the neutralisation rule are specified in
// docs/FORMAT.md "Exports"; the bundle verifier recomputes the CSV with this
// same code, so any change here is a format change.
#pragma once

#include <string>
#include <string_view>

#include "export_scan.hpp"

namespace auditchain::detail {

// The header row, CRLF included.
std::string_view csv_header();

// Appends one row for `fields` (CRLF included). `hash_hex` is the entry's hash.
void append_csv_row(std::string& out, const EntryFields& fields, std::string_view hash_hex);

// Appends `text` as one CSV cell: neutralised (a leading ' added when it
// starts with = + - @ TAB CR or ') and quoted when needed.
void append_csv_text(std::string& out, std::string_view text);

}  // namespace auditchain::detail
