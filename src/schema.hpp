// schema.hpp — the ledger's SQLite schema, its creation and its checks.
//
// The schema's SQL text is part of the format: verify compares the triggers it
// finds in sqlite_schema with the ones defined here, so altering or dropping
// one is detected.
#pragma once

#include <string>
#include <vector>

#include "sqlite.hpp"

namespace auditchain::detail {

// PRAGMA application_id of every ledger file: "ach1" in ASCII.
inline constexpr std::int64_t kApplicationId = 0x61636831;

// Flag bits of the entries.flags column.
inline constexpr std::int64_t kFlagSensitive = 1;
inline constexpr std::int64_t kFlagHighRisk = 2;

struct SchemaObject {
  const char* type;  // "table", "index" or "trigger"
  const char* name;
  const char* sql;   // as stored in sqlite_schema.sql
};

// Every object the current format version creates, in creation order.
const std::vector<SchemaObject>& schema_objects();

// The tables that hold ledger data (append-only).
const std::vector<std::string>& ledger_tables();

// What the file at hand is.
enum class FileKind { kEmpty, kLedger, kForeign };
FileKind classify(Database& db);

// Creates the schema and the ledger's identity in an empty database.
// REQUIRES: a write transaction is open on `db` and classify(db) == kEmpty.
void create_schema(Database& db);

// Refuses UPDATE, DELETE and schema changes on the ledger's tables through `db`.
void install_authorizer(Database& db);

}  // namespace auditchain::detail
