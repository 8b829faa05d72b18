// json_out.hpp — the small JSON documents the commands print.
//
// Member order is the order of the calls, so the printed documents read in
// the order docs/CLI.md lists their members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace auditchain::cli {

class JsonObject {
 public:
  JsonObject& string(std::string_view name, std::string_view value);
  JsonObject& optional_string(std::string_view name, const std::optional<std::string>& value);  // null when unset
  JsonObject& number(std::string_view name, std::uint64_t value);
  JsonObject& boolean(std::string_view name, bool value);
  // `json` must already be one JSON value; it is copied verbatim.
  JsonObject& raw(std::string_view name, std::string_view json);
  std::string str() const { return out_ + '}'; }

 private:
  void key(std::string_view name);
  std::string out_ = "{";
};

// Builds a JSON array from JSON values copied verbatim.
class JsonArray {
 public:
  JsonArray& raw(std::string_view json);
  JsonArray& string(std::string_view value);  // a JSON string
  std::string str() const { return out_ + ']'; }

 private:
  std::string out_ = "[";
};

// `json` (one valid JSON value, e.g. an entry's canonical bytes) laid out
// with two-space indentation; strings are copied byte for byte.
std::string pretty_json(std::string_view json);

}  // namespace auditchain::cli
