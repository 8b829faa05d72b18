// auditchain/version.hpp — the library's version, at compile time and at run time.
#pragma once

#include "auditchain/visibility.hpp"

#define AUDITCHAIN_VERSION_MAJOR 0
#define AUDITCHAIN_VERSION_MINOR 1
#define AUDITCHAIN_VERSION_PATCH 0
#define AUDITCHAIN_VERSION_STRING "0.1.0"

namespace auditchain {

// The version of the library actually loaded, e.g. "0.1.0".
AUDITCHAIN_API const char* version() noexcept;

// The newest on-disk format this library reads and writes (PRAGMA user_version).
inline constexpr int kFormatVersion = 1;

}  // namespace auditchain
