// entry_text.hpp — entries as people read them.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "auditchain/entry.hpp"
#include "auditchain/ledger.hpp"

namespace auditchain::cli {

// `text` safe to print on a terminal: control characters (C0, DEL, C1) are
// shown as escapes. Audit data comes from users and models, and an escape
// sequence in a metadata value must not be able to repaint what an auditor
// sees. With `keep_newlines`, line breaks are kept (for multi-line blocks).
std::string printable(std::string_view text, bool keep_newlines = false);

// One line for `log`: seq, recorded time, actor (on behalf of), action,
// target, amount, flags, AI model and confidence, references.
std::string entry_line(const Entry& entry);

// Every field of `entry` for `show`, one per line, then its canonical bytes
// laid out for reading. `genesis` is the tenant's genesis value, to say what
// entry 1's prev link points at.
void print_entry_details(std::ostream& out, const Entry& entry, const Hash& genesis);

// A protected value as shown: its plaintext (canonical JSON) when readable,
// else its marker ([encrypted], [erased], [secret]).
std::string protected_value_text(const ProtectedValue& value);

// The receipt of an append (or of an entry the ledger recorded for a command),
// as one line or one JSON object, then a newline.
void print_receipt(std::ostream& out, const Receipt& receipt, bool json);

// The receipt of an entry a command recorded (data.erase, retention.set,
// data.purge), with the count of data keys destroyed when the entry says it.
void print_recorded(std::ostream& out, const TenantLedger& tenant, const Receipt& receipt, bool json);

}  // namespace auditchain::cli
