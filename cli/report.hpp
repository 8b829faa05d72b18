// report.hpp — printing a VerifyReport for people (programs get report_to_json()).
#pragma once

#include <ostream>

#include "auditchain/verify.hpp"

namespace auditchain::cli {

// The report in the manner of an auditor's tool: what was asked for, one line
// per finding naming tenant, seq and reason, and "N/M entries valid" per tenant.
void print_report_text(std::ostream& out, const std::string& path, const VerifyReport& report, bool quiet);

}  // namespace auditchain::cli
