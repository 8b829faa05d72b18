// bundle_manifest.cc — reading a bundle's files without holding them in memory.
#include "bundle_manifest.hpp"

#include <cstring>

#include "auditchain/entry.hpp"
#include "sha256.hpp"

namespace auditchain::detail {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxMember = 16 * 1024 * 1024;  // any manifest member but "proofs"
constexpr std::size_t kMaxProof = 64 * 1024;           // one element of "proofs"

[[noreturn]] void malformed(const ByteReader& r, const std::string& what) {
  throw ManifestError("not valid JSON at byte " + std::to_string(r.offset()) + ": " + what);
}

bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void skip_ws(ByteReader& r) {
  while (is_ws(r.peek())) r.get();
}

void expect(ByteReader& r, char c) {
  skip_ws(r);
  if (r.get() != c) malformed(r, std::string("expected '") + c + "'");
}

// One JSON value, copied into `capture` (at most `max` bytes) unless it is
// null. Checks nesting and string ends; the grammar of what is captured is
// checked by json::parse afterwards.
void value(ByteReader& r, std::string* capture, std::size_t max) {
  const auto take = [&](int c) {
    if (capture) {
      if (capture->size() >= max) malformed(r, "a value is larger than " + std::to_string(max) + " bytes");
      capture->push_back(static_cast<char>(c));
    }
  };
  int depth = 0;
  do {
    skip_ws(r);
    const int c = r.peek();
    if (c < 0) malformed(r, "the file ends inside a value");
    if (c == '"') {
      take(r.get());
      for (;;) {
        const int s = r.get();
        if (s < 0) malformed(r, "the file ends inside a string");
        take(s);
        if (s == '"') break;
        if (s == '\\') {
          const int e = r.get();
          if (e < 0) malformed(r, "the file ends inside a string");
          take(e);
        }
      }
    } else if (c == '{' || c == '[') {
      if (++depth > 64) malformed(r, "nested too deeply");
      take(r.get());
    } else if (c == '}' || c == ']') {
      if (depth == 0) malformed(r, "unexpected bracket");
      --depth;
      take(r.get());
    } else if (c == ',' || c == ':') {
      if (depth == 0) malformed(r, "unexpected separator");
      take(r.get());
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-') {
      while ((r.peek() >= '0' && r.peek() <= '9') || (r.peek() >= 'a' && r.peek() <= 'z') || r.peek() == '-' ||
             r.peek() == '+' || r.peek() == '.' || r.peek() == 'E') {
        take(r.get());
      }
    } else {
      malformed(r, "unexpected character");
    }
  } while (depth > 0);
}

json::Value parse_captured(const ByteReader& r, const std::string& text) {
  try {
    json::ParseLimits limits;
    limits.max_bytes = kMaxMember;
    return json::parse(text, limits);
  } catch (const json::ParseError& e) {
    malformed(r, e.what());
  }
}

}  // namespace

// ---- ByteReader ----------------------------------------------------------------------

ByteReader::ByteReader(const std::string& path, std::uint64_t offset, bool hash) : offset_(offset), hash_(hash) {
  in_.open(path, std::ios::binary);
  if (!in_) throw std::runtime_error("cannot open " + path);
  if (offset > 0) in_.seekg(static_cast<std::streamoff>(offset));
  if (hash_) crypto_hash_sha256_init(&sha_);
}

void ByteReader::consume(std::size_t n) {
  if (hash_) crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(buf_.data() + pos_), n);
  pos_ += n;
  offset_ += n;
}

bool ByteReader::fill(std::size_t wanted) {
  while (buf_.size() - pos_ < wanted) {
    buf_.erase(0, pos_);
    pos_ = 0;
    const std::size_t old = buf_.size();
    buf_.resize(old + kChunk);
    in_.read(buf_.data() + old, static_cast<std::streamsize>(kChunk));
    buf_.resize(old + static_cast<std::size_t>(in_.gcount()));
    if (in_.gcount() == 0) return false;
  }
  return true;
}

int ByteReader::peek() {
  if (pos_ == buf_.size() && !fill(1)) return -1;
  return static_cast<unsigned char>(buf_[pos_]);
}

int ByteReader::get() {
  const int c = peek();
  if (c >= 0) consume(1);
  return c;
}

bool ByteReader::line(std::string& line, bool& terminated, bool& too_long, std::size_t max) {
  line.clear();
  terminated = false;
  too_long = false;
  if (peek() < 0) return false;
  for (;;) {
    if (pos_ == buf_.size() && !fill(1)) return true;
    const char* start = buf_.data() + pos_;
    const std::size_t available = buf_.size() - pos_;
    const void* eol = std::memchr(start, '\n', available);
    const std::size_t n = eol ? static_cast<std::size_t>(static_cast<const char*>(eol) - start) : available;
    const std::size_t keep = std::min(n, max - std::min(max, line.size()));
    line.append(start, keep);
    if (keep < n) too_long = true;
    consume(eol ? n + 1 : n);
    if (eol) {
      terminated = true;
      return true;
    }
  }
}

bool ByteReader::next_is(std::string_view expected) {
  fill(expected.size());
  if (buf_.size() - pos_ < expected.size()) return false;
  if (std::memcmp(buf_.data() + pos_, expected.data(), expected.size()) != 0) return false;
  consume(expected.size());
  return true;
}

void ByteReader::drain() {
  while (fill(1)) consume(buf_.size() - pos_);
}

std::string ByteReader::sha256_hex() {
  Hash h;
  crypto_hash_sha256_final(&sha_, h.bytes.data());
  return h.hex();
}

// ---- proofs ---------------------------------------------------------------------------

bool parse_proof(const json::Value& v, ProofRecord& out, std::string& why) {
  const json::Value* seq = v.find("seq");
  const json::Value* index = v.find("leaf_index");
  const json::Value* path = v.find("path");
  if (!v.is_object() || seq == nullptr || !seq->is_integer() || seq->as_integer() < 1 || index == nullptr ||
      !index->is_integer() || index->as_integer() < 0 || path == nullptr || !path->is_array()) {
    why = "is not {\"seq\":N,\"leaf_index\":N-1,\"path\":[...]}";
    return false;
  }
  out.seq = static_cast<std::uint64_t>(seq->as_integer());
  out.leaf_index = static_cast<std::uint64_t>(index->as_integer());
  out.path.clear();
  for (const json::Value& h : path->as_array()) {
    Hash hash;
    if (!h.is_string() || !detail::is_lower_hex(h.as_string(), Hash::kSize) ||
        !detail::from_hex(h.as_string(), hash.bytes.data(), Hash::kSize)) {
      why = "has a path element that is not 64 lowercase hex digits";
      return false;
    }
    out.path.push_back(hash);
  }
  return true;
}

// ---- ManifestReader -----------------------------------------------------------------

ManifestReader::ManifestReader(const std::string& path) {
  ByteReader r(path, 0, false);
  json::Object members;
  expect(r, '{');
  skip_ws(r);
  if (r.peek() == '}') {
    r.get();
  } else {
    for (;;) {
      skip_ws(r);
      if (r.peek() != '"') malformed(r, "expected a member name");
      std::string key_text;
      value(r, &key_text, 4096);
      const json::Value key = parse_captured(r, key_text);
      expect(r, ':');
      skip_ws(r);
      if (key.as_string() == "proofs") {
        if (has_proofs_) malformed(r, "the member \"proofs\" appears twice");
        has_proofs_ = true;
        proofs_offset_ = r.offset();
        value(r, nullptr, 0);
      } else {
        for (const auto& m : members) {
          if (m.first == key.as_string()) malformed(r, "the member \"" + m.first + "\" appears twice");
        }
        std::string text;
        value(r, &text, kMaxMember);
        members.emplace_back(key.as_string(), parse_captured(r, text));
      }
      skip_ws(r);
      const int c = r.get();
      if (c == '}') break;
      if (c != ',') malformed(r, "expected ',' or '}'");
    }
  }
  skip_ws(r);
  if (r.peek() >= 0) malformed(r, "content after the object");
  header_ = json::Value(std::move(members));
}

// ---- ProofStream --------------------------------------------------------------------

ProofStream::ProofStream(const std::string& path, std::uint64_t offset) : in_(path, offset, false) {}

bool ProofStream::next(json::Value& out) {
  if (done_) return false;
  skip_ws(in_);
  if (!started_) {
    started_ = true;
    if (in_.get() != '[') malformed(in_, "\"proofs\" is not an array");
    skip_ws(in_);
    if (in_.peek() == ']') {
      in_.get();
      done_ = true;
      return false;
    }
  } else {
    const int c = in_.get();
    if (c == ']') {
      done_ = true;
      return false;
    }
    if (c != ',') malformed(in_, "expected ',' or ']' in \"proofs\"");
  }
  text_.clear();
  value(in_, &text_, kMaxProof);
  out = parse_captured(in_, text_);
  return true;
}

}  // namespace auditchain::detail
