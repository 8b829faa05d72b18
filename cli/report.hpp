// report.hpp — printing a VerifyReport for people (programs get report_to_json()).
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "auditchain/verify.hpp"

namespace auditchain::cli {

// The report in the manner of an auditor's tool: what was asked for, one line
// per finding naming tenant, seq and reason, and "N/M entries valid" per tenant.
// `trusted`, when not empty, says what the verification was anchored on
// (trusted checkpoints and keys); it is shown after what was asked for.
void print_report_text(std::ostream& out, const std::string& path, const VerifyReport& report, bool quiet,
                       std::string_view trusted = {});

}  // namespace auditchain::cli

#include "auditchain/export.hpp"

namespace auditchain::cli {

// A bundle's report in the same manner: what was checked, one line per
// finding naming the file, line and seq, and "N/M entries included".
void print_bundle_report_text(std::ostream& out, const BundleReport& report, bool quiet);

}  // namespace auditchain::cli
