// flags.hpp — the "--name value" command lines of the crash and soak programs.
//
// These programs are run by ctest and by scripts, not by people day to day,
// so a flag is simply a name followed by its value; an unknown name, a
// missing value or a malformed number is an error that names the flag.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace auditchain::crash {

class Flags {
 public:
  // Parses argv[first..argc) against the `known` flag names (without "--").
  // Throws std::invalid_argument naming the offending word.
  Flags(int argc, char** argv, int first, std::set<std::string> known) {
    for (int i = first; i < argc; i += 2) {
      const std::string word = argv[i];
      if (word.rfind("--", 0) != 0 || !known.count(word.substr(2))) {
        throw std::invalid_argument("unknown option " + word);
      }
      if (i + 1 >= argc) throw std::invalid_argument(word + " needs a value");
      values_[word.substr(2)] = argv[i + 1];
    }
  }

  bool has(const std::string& name) const { return values_.count(name) != 0; }

  std::string text(const std::string& name, std::string fallback = {}) const {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    if (fallback.empty()) throw std::invalid_argument("--" + name + " is required");
    return fallback;
  }

  std::uint64_t number(const std::string& name, std::optional<std::uint64_t> fallback = std::nullopt) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
      if (!fallback) throw std::invalid_argument("--" + name + " is required");
      return *fallback;
    }
    std::size_t used = 0;
    std::uint64_t v = 0;
    try {
      v = std::stoull(it->second, &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != it->second.size() || it->second[0] == '-') {
      throw std::invalid_argument("--" + name + ": expected a whole number, got \"" + it->second + "\"");
    }
    return v;
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace auditchain::crash
