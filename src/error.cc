// error.cc — the Error type and the names of error codes.
#include "auditchain/error.hpp"

#include <utility>

namespace auditchain {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kBusy: return "busy";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kNotALedger: return "not_a_ledger";
    case ErrorCode::kUnsupportedVersion: return "unsupported_version";
    case ErrorCode::kReadOnly: return "read_only";
    case ErrorCode::kClosed: return "closed";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kBadSignature: return "bad_signature";
    case ErrorCode::kSealed: return "sealed";
    case ErrorCode::kWrongKey: return "wrong_key";
  }
  return "unknown";
}

Error::Error(ErrorCode code, const std::string& message, std::string field)
    : std::runtime_error(message), code_(code), field_(std::move(field)) {}

}  // namespace auditchain
