// version.cc — the run-time version.
#include "auditchain/version.hpp"

namespace auditchain {

const char* version() noexcept { return AUDITCHAIN_VERSION_STRING; }

}  // namespace auditchain
