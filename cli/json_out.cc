// json_out.cc — the small JSON documents the commands print.
#include "json_out.hpp"

#include "auditchain/json_io.hpp"

namespace auditchain::cli {

void JsonObject::key(std::string_view name) {
  if (out_.size() > 1) out_ += ',';
  out_ += json_quote(name);
  out_ += ':';
}

JsonObject& JsonObject::string(std::string_view name, std::string_view value) {
  key(name);
  out_ += json_quote(value);
  return *this;
}

JsonObject& JsonObject::optional_string(std::string_view name, const std::optional<std::string>& value) {
  key(name);
  out_ += value ? json_quote(*value) : "null";
  return *this;
}

JsonObject& JsonObject::number(std::string_view name, std::uint64_t value) {
  key(name);
  out_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::boolean(std::string_view name, bool value) {
  key(name);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::raw(std::string_view name, std::string_view json) {
  key(name);
  out_ += json;
  return *this;
}

JsonArray& JsonArray::raw(std::string_view json) {
  if (out_.size() > 1) out_ += ',';
  out_ += json;
  return *this;
}

JsonArray& JsonArray::string(std::string_view value) { return raw(json_quote(value)); }

std::string pretty_json(std::string_view json) {
  std::string out;
  out.reserve(json.size() * 2);
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  const auto newline = [&] {
    out += '\n';
    out.append(static_cast<std::size_t>(2 * depth), ' ');
  };
  const auto next_significant = [&](std::size_t i) {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) ++i;
    return i < json.size() ? json[i] : '\0';
  };
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[': {
        out += c;
        const char close = c == '{' ? '}' : ']';
        // Empty containers stay on one line: "{}" rather than "{\n}".
        if (next_significant(i + 1) == close) {
          out += close;
          i = json.find(close, i + 1);
        } else {
          ++depth;
          newline();
        }
        break;
      }
      case '}':
      case ']':
        --depth;
        newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace auditchain::cli
