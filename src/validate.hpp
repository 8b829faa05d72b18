// validate.hpp — the rules an event must meet before it becomes an entry.
//
// The limits here are part of docs/FORMAT.md ("Limits"); changing one changes
// what the ledger accepts, so it is a format decision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auditchain/entry.hpp"

namespace auditchain::detail {

struct Limits {
  static constexpr std::size_t kTenant = 128;
  static constexpr std::size_t kAction = 128;
  static constexpr std::size_t kIdentifier = 256;   // actor ids, session, request, target id, keys
  static constexpr std::size_t kTypeName = 128;     // target type, model, rule id
  static constexpr std::size_t kVersion = 64;       // model and rule versions
  static constexpr std::size_t kUri = 2048;
  static constexpr std::size_t kJsonValue = 256 * 1024;  // before / after, canonical bytes each
  static constexpr std::size_t kJsonDepth = 32;
  static constexpr std::size_t kMetadataEntries = 64;
  static constexpr std::size_t kMetadataKey = 128;
  static constexpr std::size_t kMetadataValue = 4096;
  static constexpr std::size_t kEntryBytes = 1024 * 1024;
  static constexpr std::size_t kBatch = 10000;
};

// A name-like string: 1..max bytes of UTF-8 with no control characters
// (U+0000..U+001F, U+007F, U+0080..U+009F). Throws Error(kInvalidArgument)
// naming `field`.
void check_name(std::string_view value, std::string_view field, std::size_t max);

// Free text: 0..max bytes of valid UTF-8.
void check_text(std::string_view value, std::string_view field, std::size_t max);

void check_tenant_name(std::string_view name);

// Validates `event` and returns it normalised as it will be stored: before and
// after as canonical JSON, amount and confidence in canonical decimal form,
// the IP address in its standard text form, hex digests in lowercase.
// Throws Error(kInvalidArgument) naming the first bad field.
Event prepare_event(const Event& event);

// The entries.flags bits of a (prepared) event.
std::int64_t flag_bits(const Event& event) noexcept;

}  // namespace auditchain::detail
