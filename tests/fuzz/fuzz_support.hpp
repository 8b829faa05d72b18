// fuzz_support.hpp — what the fuzz targets share: property checks that stop
// the run with a message, the bytes of an input as text, and the fixed key
// pair and ledger id the committed seed corpus was made with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace auditchain::fuzz {

// A property of the library does not hold for this input. Aborting makes
// libFuzzer report a crash and save the input that caused it.
[[noreturn]] inline void violated(const char* file, int line, const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: property violated: %s\n", file, line, what);
  if (!detail.empty()) std::fprintf(stderr, "  %s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The key pair that signed the checkpoints in the seed corpus. It exists for
// these tests only: it protects nothing, so it is kept in the source.
inline constexpr std::string_view kSignerKey =
    "PRIVATE+KEY+fuzz.auditchain.test+4e6c90e4+Ab8HC77LHbzvFeHXzT7O+/ezId44dpeSJTwixCczPbru";
inline constexpr std::string_view kVerifierKey =
    "fuzz.auditchain.test+4e6c90e4+ATZtEaaDdDtoHGNhDJJTENAFLJtpx7YvlF9glIJWJYj+";

// The ledger the seed entries, proofs and bundles come from.
inline constexpr std::string_view kLedgerId = "e599cb859995d08513671a41198df139";

}  // namespace auditchain::fuzz

// FUZZ_CHECK(condition) and FUZZ_CHECK_MSG(condition, detail): stop the run
// when a property the library promises does not hold.
#define FUZZ_CHECK(cond)                                                      \
  do {                                                                        \
    if (!(cond)) ::auditchain::fuzz::violated(__FILE__, __LINE__, #cond, {}); \
  } while (0)
#define FUZZ_CHECK_MSG(cond, detail)                                              \
  do {                                                                            \
    if (!(cond)) ::auditchain::fuzz::violated(__FILE__, __LINE__, #cond, detail); \
  } while (0)
