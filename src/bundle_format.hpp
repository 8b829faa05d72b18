// bundle_format.hpp — the names and shapes of an export bundle, shared by the
// writer (export_bundle.cc) and the verifier (bundle_verify.cc).
// docs/FORMAT.md "Exports" is the specification.
#pragma once

#include <cstdint>
#include <string>

namespace auditchain::detail {

inline constexpr const char* kBundleFormat = "auditchain-export";
inline constexpr std::int64_t kBundleFormatVersion = 1;

inline constexpr const char* kEntriesFile = "entries.jsonl";
inline constexpr const char* kCsvFile = "entries.csv";
inline constexpr const char* kReadmeFile = "README.txt";
inline constexpr const char* kDecryptedFile = "decrypted.jsonl";
inline constexpr const char* kManifestFile = "manifest.json";

inline constexpr const char* kDecryptedNotice =
    "entries.csv and decrypted.jsonl hold decrypted values; they are not part of the hashed entry bytes, "
    "so no hash, proof or signature covers them";

// What README.txt says about a bundle.
struct BundleFacts {
  std::string ledger_id;
  std::string tenant;
  std::string filter_json;
  std::string key_name;  // the checkpoint's signer, when known
  std::uint64_t entries = 0;
  std::uint64_t tree_size = 0;
  bool contiguous = false;
  bool decrypted = false;
};

std::string bundle_readme(const BundleFacts& facts);

}  // namespace auditchain::detail
