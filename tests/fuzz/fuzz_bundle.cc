// fuzz_bundle.cc — checking an export bundle that someone else wrote.
//
// An auditor runs verify_bundle on a directory received from elsewhere; every
// file in it may be hostile. The input holds the files of one bundle, each
// introduced by a line "#file NAME" (the newline before such a line belongs
// to the previous file; text before the first header is manifest.json):
//
//     #file manifest.json
//     {...}
//     #file entries.jsonl
//     {...}
//
// They are written to a scratch directory (files absent from the input are
// removed from it) and checked against the seed corpus's trusted key.
// Properties: verify_bundle never throws for a directory with a manifest;
// its report is consistent (counts, the verdict, at most 1000 findings kept,
// each naming a file and a kind) and renders as valid JSON.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "auditchain/error.hpp"
#include "auditchain/export.hpp"
#include "auditchain/keys.hpp"
#include "fuzz_support.hpp"
#include "json.hpp"

using namespace auditchain;
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 5> kFiles = {"manifest.json", "entries.jsonl", "entries.csv", "README.txt",
                                                     "decrypted.jsonl"};
constexpr std::string_view kHeader = "#file ";

// A directory of this process's own, removed when the run ends normally (a
// crash leaves it for inspection).
class Scratch {
 public:
  Scratch() {
    dir_ = fs::temp_directory_path() / ("auditchain-fuzz-bundle." + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

const Scratch& scratch() {
  static const Scratch s;
  return s;
}

const std::vector<VerifierKey>& trusted_keys() {
  static const std::vector<VerifierKey> keys{VerifierKey::parse(fuzz::kVerifierKey)};
  return keys;
}

// Splits the input into files; later headers for the same name win.
std::array<std::optional<std::string>, kFiles.size()> split(std::string_view in) {
  std::array<std::optional<std::string>, kFiles.size()> files;
  std::size_t current = 0;  // manifest.json until a header says otherwise
  std::size_t pos = 0;
  std::string body;
  bool any = false;
  const auto flush = [&] {
    if (any || !body.empty()) files[current] = body;
    body.clear();
  };
  while (pos <= in.size()) {
    const std::size_t eol = in.find('\n', pos);
    const std::size_t end = eol == std::string_view::npos ? in.size() : eol + 1;
    const std::string_view line = in.substr(pos, end - pos);
    if (line.substr(0, kHeader.size()) == kHeader) {
      flush();
      std::string_view name = line.substr(kHeader.size());
      if (!name.empty() && name.back() == '\n') name.remove_suffix(1);
      current = kFiles.size();
      for (std::size_t i = 0; i < kFiles.size(); ++i) {
        if (kFiles[i] == name) current = i;
      }
      if (current == kFiles.size()) current = 0;  // unknown names add to the manifest
      any = true;
    } else {
      body.append(line);
    }
    if (end == in.size()) break;
    pos = end;
  }
  flush();
  return files;
}

void write_files(const std::array<std::optional<std::string>, kFiles.size()>& files) {
  for (std::size_t i = 0; i < kFiles.size(); ++i) {
    const fs::path path = scratch().dir() / kFiles[i];
    // A new file each time: truncating one in place makes some file systems
    // (ext4) write it back to disk on close, which slows every run down.
    std::error_code ec;
    fs::remove(path, ec);
    // manifest.json is always there: without one there is no bundle to check.
    if (!files[i] && i != 0) continue;
    std::ofstream out(path, std::ios::binary);
    if (files[i]) out.write(files[i]->data(), static_cast<std::streamsize>(files[i]->size()));
    FUZZ_CHECK_MSG(out.good(), "cannot write " + path.string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  write_files(split(fuzz::text_of(data, size)));
  BundleReport report;
  try {
    report = verify_bundle(scratch().dir().string(), trusted_keys());
  } catch (const Error& e) {
    fuzz::violated(__FILE__, __LINE__, "verify_bundle threw for a directory with a manifest", e.what());
  }
  FUZZ_CHECK(report.entries_valid <= report.entries);
  FUZZ_CHECK(report.findings.size() <= 1000);
  if (report.findings_dropped > 0) FUZZ_CHECK(report.findings.size() == 1000);
  FUZZ_CHECK(report.valid() == (report.findings.empty() && report.findings_dropped == 0 && report.checkpoint));
  if (report.valid()) FUZZ_CHECK(report.entries_valid == report.entries);
  for (const BundleFinding& f : report.findings) {
    FUZZ_CHECK(!f.kind.empty() && !f.detail.empty());
    FUZZ_CHECK(std::find(kFiles.begin(), kFiles.end(), f.file) != kFiles.end());
  }
  const std::string rendered = bundle_report_to_json(report);
  try {
    FUZZ_CHECK(json::parse(rendered).is_object());
  } catch (const json::ParseError& e) {
    fuzz::violated(__FILE__, __LINE__, "the bundle report is not valid JSON", e.what() + ("\n" + rendered));
  }
  return 0;
}
