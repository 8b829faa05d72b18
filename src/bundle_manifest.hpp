// bundle_manifest.hpp — reading a bundle's files without holding them in
// memory: manifest.json (whose "proofs" member grows with the number of
// entries) and the line- and byte-oriented reading of the other files.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/entry.hpp"
#include "json.hpp"

namespace auditchain::detail {

// The manifest is not the JSON object a bundle needs.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Buffered reading of a file, byte by byte, keeping the SHA-256 of what was
// consumed when asked to.
class ByteReader {
 public:
  // Throws std::runtime_error when the file cannot be opened.
  ByteReader(const std::string& path, std::uint64_t offset, bool hash);
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  int peek();  // the next byte, or -1 at the end
  int get();
  std::uint64_t offset() const noexcept { return offset_; }

  // Reads one line without its "\n" into `line`; false at the end of the
  // file. `terminated` says whether a "\n" ended it. A line longer than
  // `max` is cut there (the rest is still consumed) and `too_long` set.
  bool line(std::string& line, bool& terminated, bool& too_long, std::size_t max);

  // True when the next bytes are `expected`; they are consumed only then.
  bool next_is(std::string_view expected);
  // Consumes everything left.
  void drain();
  bool at_end() { return peek() < 0; }
  // The hex SHA-256 of all bytes consumed (from the start of the file).
  std::string sha256_hex();

 private:
  bool fill(std::size_t wanted);
  void consume(std::size_t n);

  std::ifstream in_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t offset_ = 0;
  bool hash_;
  crypto_hash_sha256_state sha_;
};

// manifest.json: every member but "proofs" is read into header(); the
// proofs are read one at a time by ProofStream, from where they begin.
class ManifestReader {
 public:
  // Throws ManifestError when the file is not one JSON object (with unique
  // member names, each at most 16 MiB except "proofs").
  explicit ManifestReader(const std::string& path);
  const json::Value& header() const noexcept { return header_; }
  bool has_proofs() const noexcept { return has_proofs_; }
  std::uint64_t proofs_offset() const noexcept { return proofs_offset_; }

 private:
  json::Value header_;
  bool has_proofs_ = false;
  std::uint64_t proofs_offset_ = 0;
};

// The elements of the manifest's "proofs" array, one at a time.
class ProofStream {
 public:
  ProofStream(const std::string& path, std::uint64_t offset);
  // The next element; false after the last. Throws ManifestError when the
  // array or an element is malformed.
  bool next(json::Value& out);

 private:
  ByteReader in_;
  bool started_ = false;
  bool done_ = false;
  std::string text_;
};

// One element of "proofs": {"seq":N,"leaf_index":N-1,"path":[hex,...]}.
struct ProofRecord {
  std::uint64_t seq = 0;
  std::uint64_t leaf_index = 0;
  std::vector<Hash> path;
};

// Reads a proof element (other members are ignored); false with the reason
// in `why` when it is not one.
bool parse_proof(const json::Value& v, ProofRecord& out, std::string& why);

}  // namespace auditchain::detail
