// fuzz_proof.cc — checking an inclusion or consistency proof given as JSON.
//
// verify_proof_json is what `auditchain verify-proof` runs on a file an
// auditor was handed. Properties: text that is not a proof is refused with
// Error(kInvalidArgument) and nothing else; any other text gets a verdict
// whose fields agree with each other; trusting a key can only add problems
// (a proof valid against the key is valid on its Merkle path alone); and a
// verdict is the same when asked twice.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auditchain/checkpoint.hpp"
#include "auditchain/error.hpp"
#include "auditchain/keys.hpp"
#include "fuzz_support.hpp"

using namespace auditchain;

namespace {

const std::vector<VerifierKey>& trusted_keys() {
  static const std::vector<VerifierKey> keys{VerifierKey::parse(fuzz::kVerifierKey)};
  return keys;
}

// The verdict, or nullopt when the text is refused as not a proof.
std::optional<ProofVerdict> verdict_of(std::string_view text, std::span<const VerifierKey> keys) {
  try {
    return verify_proof_json(text, keys);
  } catch (const Error& e) {
    FUZZ_CHECK_MSG(e.code() == ErrorCode::kInvalidArgument, e.what());
    return std::nullopt;
  }
}

void check_consistent(const ProofVerdict& v) {
  FUZZ_CHECK(v.kind == "inclusion" || v.kind == "consistency");
  FUZZ_CHECK(v.valid == v.problems.empty());
  FUZZ_CHECK(!v.summary.empty());
  for (const std::string& p : v.problems) FUZZ_CHECK(!p.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  const std::optional<ProofVerdict> plain = verdict_of(text, {});
  const std::optional<ProofVerdict> keyed = verdict_of(text, trusted_keys());
  if (!plain) {
    FUZZ_CHECK(!keyed);
    return 0;
  }
  check_consistent(*plain);
  if (!keyed) return 0;
  check_consistent(*keyed);
  FUZZ_CHECK(plain->kind == keyed->kind);
  FUZZ_CHECK(plain->summary == keyed->summary);
  FUZZ_CHECK(keyed->problems.size() >= plain->problems.size());
  FUZZ_CHECK(std::equal(plain->problems.begin(), plain->problems.end(), keyed->problems.begin()));
  if (keyed->valid) FUZZ_CHECK(plain->valid);

  const std::optional<ProofVerdict> again = verdict_of(text, trusted_keys());
  FUZZ_CHECK(again && again->valid == keyed->valid && again->problems == keyed->problems);
  return 0;
}
