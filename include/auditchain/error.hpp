// auditchain/error.hpp — the one error type of the library.
//
// Every failure the library reports is an auditchain::Error carrying a stable
// ErrorCode. The numbers are shared with the C ABI and the Python package and
// never change meaning; new codes get new numbers.
//
// Tamper findings are NOT errors: the verifier returns them as data in a
// VerifyReport. An Error means an operation could not be carried out.
//
// Thread safety: Error is an immutable value type.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "auditchain/visibility.hpp"

namespace auditchain {

enum class ErrorCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // bad input; field() names the offending field
  kNotFound = 2,         // unknown tenant, seq beyond the head, missing file
  kAlreadyExists = 3,    // e.g. creating a tenant that exists
  kBusy = 4,             // the busy timeout expired waiting for the writer lock
  kIo = 5,               // the operating system or SQLite failed to read or write
  kCorrupt = 6,          // stored data cannot be decoded (verify reports details)
  kNotALedger = 7,       // the file is not an auditchain ledger
  kUnsupportedVersion = 8,  // the ledger's format is newer than this library
  kReadOnly = 9,         // a write through a read-only ledger, or one refused
  kClosed = 10,          // use of a closed ledger
  kInternal = 11,        // a bug in auditchain; please report it
  kBadSignature = 12,    // a signature does not verify, or no trusted key signed
  kSealed = 13,          // an append into a period closed by a seal
  kWrongKey = 14,        // a master key that is not this ledger's (or none where one is needed)
};

// Returns a short constant name for `code`, e.g. "invalid_argument".
AUDITCHAIN_API const char* error_code_name(ErrorCode code) noexcept;

class AUDITCHAIN_API Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string field = {});

  ErrorCode code() const noexcept { return code_; }
  // The entry field the error is about, in docs/FORMAT.md's dotted notation
  // (e.g. "actor.id", "amount.value"); empty when the error is not about a field.
  const std::string& field() const noexcept { return field_; }

 private:
  ErrorCode code_;
  std::string field_;
};

}  // namespace auditchain
