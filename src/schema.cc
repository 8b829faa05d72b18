// schema.cc — the ledger's SQLite schema, its creation and its checks.
#include "schema.hpp"

#include <cstring>

#include "auditchain/timestamp.hpp"
#include "auditchain/version.hpp"
#include "sha256.hpp"

namespace auditchain::detail {

// A plain `INSERT OR REPLACE` deletes the conflicting row without firing
// DELETE triggers (unless recursive_triggers is on, which a sqlite3 shell does
// not set), so each table also has a BEFORE INSERT trigger that refuses any
// insert that would replace an existing row.
const std::vector<SchemaObject>& schema_objects() {
  static const std::vector<SchemaObject> objects = {
      {"table", "meta",
       "CREATE TABLE meta (\n"
       "  key TEXT PRIMARY KEY NOT NULL,\n"
       "  value TEXT NOT NULL\n"
       ") STRICT"},
      {"table", "tenants",
       "CREATE TABLE tenants (\n"
       "  id INTEGER PRIMARY KEY,\n"
       "  name TEXT NOT NULL UNIQUE,\n"
       "  genesis BLOB NOT NULL,\n"
       "  created_at TEXT NOT NULL\n"
       ") STRICT"},
      {"table", "entries",
       "CREATE TABLE entries (\n"
       "  tenant_id INTEGER NOT NULL,\n"
       "  seq INTEGER NOT NULL,\n"
       "  recorded_at TEXT NOT NULL,\n"
       "  action TEXT NOT NULL,\n"
       "  actor_id TEXT NOT NULL,\n"
       "  target_type TEXT,\n"
       "  target_id TEXT,\n"
       "  flags INTEGER NOT NULL,\n"
       "  idempotency_key TEXT,\n"
       "  hash BLOB NOT NULL,\n"
       "  body BLOB NOT NULL,\n"
       "  merkle BLOB NOT NULL,\n"
       "  UNIQUE (tenant_id, seq)\n"
       ") STRICT"},
      {"index", "entries_idempotency",
       "CREATE UNIQUE INDEX entries_idempotency ON entries (tenant_id, idempotency_key)"
       " WHERE idempotency_key IS NOT NULL"},
      {"index", "entries_target",
       "CREATE INDEX entries_target ON entries (tenant_id, target_type, target_id)"
       " WHERE target_type IS NOT NULL"},
      {"table", "checkpoints",
       "CREATE TABLE checkpoints (\n"
       "  id INTEGER PRIMARY KEY,\n"
       "  tenant_id INTEGER NOT NULL,\n"
       "  tree_size INTEGER NOT NULL,\n"
       "  root BLOB NOT NULL,\n"
       "  created_at TEXT NOT NULL,\n"
       "  sealed_through TEXT,\n"
       "  note TEXT NOT NULL\n"
       ") STRICT"},
      {"index", "checkpoints_tenant",
       "CREATE INDEX checkpoints_tenant ON checkpoints (tenant_id, tree_size)"},
      {"table", "master_keys",
       "CREATE TABLE master_keys (\n"
       "  seq INTEGER PRIMARY KEY,\n"
       "  id TEXT NOT NULL,\n"
       "  registered_at TEXT NOT NULL\n"
       ") STRICT"},
      {"table", "data_keys",
       "CREATE TABLE data_keys (\n"
       "  id TEXT PRIMARY KEY NOT NULL,\n"
       "  tenant_id INTEGER NOT NULL,\n"
       "  kind TEXT NOT NULL,\n"
       "  label TEXT NOT NULL,\n"
       "  master_key_id TEXT NOT NULL,\n"
       "  nonce BLOB NOT NULL,\n"
       "  wrapped BLOB NOT NULL,\n"
       "  created_at TEXT NOT NULL,\n"
       "  UNIQUE (tenant_id, kind, label, master_key_id)\n"
       ") STRICT"},
      {"table", "retention",
       "CREATE TABLE retention (\n"
       "  id INTEGER PRIMARY KEY,\n"
       "  tenant_id INTEGER NOT NULL,\n"
       "  days INTEGER NOT NULL,\n"
       "  set_at TEXT NOT NULL\n"
       ") STRICT"},
      {"trigger", "meta_no_update",
       "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "meta_no_delete",
       "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "meta_no_replace",
       "CREATE TRIGGER meta_no_replace BEFORE INSERT ON meta\n"
       "  WHEN EXISTS (SELECT 1 FROM meta WHERE key = NEW.key) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "tenants_no_update",
       "CREATE TRIGGER tenants_no_update BEFORE UPDATE ON tenants BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "tenants_no_delete",
       "CREATE TRIGGER tenants_no_delete BEFORE DELETE ON tenants BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "tenants_no_replace",
       "CREATE TRIGGER tenants_no_replace BEFORE INSERT ON tenants\n"
       "  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.id OR name = NEW.name) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "entries_no_update",
       "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "entries_no_delete",
       "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "entries_no_replace",
       "CREATE TRIGGER entries_no_replace BEFORE INSERT ON entries\n"
       "  WHEN EXISTS (SELECT 1 FROM entries WHERE tenant_id = NEW.tenant_id AND seq = NEW.seq)\n"
       "    OR (NEW.idempotency_key IS NOT NULL AND EXISTS (SELECT 1 FROM entries\n"
       "        WHERE tenant_id = NEW.tenant_id AND idempotency_key = NEW.idempotency_key)) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "checkpoints_no_update",
       "CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "checkpoints_no_delete",
       "CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "checkpoints_no_replace",
       "CREATE TRIGGER checkpoints_no_replace BEFORE INSERT ON checkpoints\n"
       "  WHEN EXISTS (SELECT 1 FROM checkpoints WHERE id = NEW.id) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "master_keys_no_update",
       "CREATE TRIGGER master_keys_no_update BEFORE UPDATE ON master_keys BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "master_keys_no_delete",
       "CREATE TRIGGER master_keys_no_delete BEFORE DELETE ON master_keys BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "master_keys_no_replace",
       "CREATE TRIGGER master_keys_no_replace BEFORE INSERT ON master_keys\n"
       "  WHEN EXISTS (SELECT 1 FROM master_keys WHERE seq = NEW.seq) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "retention_no_update",
       "CREATE TRIGGER retention_no_update BEFORE UPDATE ON retention BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "retention_no_delete",
       "CREATE TRIGGER retention_no_delete BEFORE DELETE ON retention BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      {"trigger", "retention_no_replace",
       "CREATE TRIGGER retention_no_replace BEFORE INSERT ON retention\n"
       "  WHEN EXISTS (SELECT 1 FROM retention WHERE id = NEW.id) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: ledger tables are append-only');\nEND"},
      // Data keys are destroyed to erase data (crypto-shredding), never changed.
      {"trigger", "data_keys_no_update",
       "CREATE TRIGGER data_keys_no_update BEFORE UPDATE ON data_keys BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: data keys are never changed, only destroyed');\nEND"},
      {"trigger", "data_keys_no_replace",
       "CREATE TRIGGER data_keys_no_replace BEFORE INSERT ON data_keys\n"
       "  WHEN EXISTS (SELECT 1 FROM data_keys WHERE id = NEW.id OR (tenant_id = NEW.tenant_id AND kind = NEW.kind\n"
       "    AND label = NEW.label AND master_key_id = NEW.master_key_id)) BEGIN\n"
       "  SELECT RAISE(ABORT, 'auditchain: data keys are never changed, only destroyed');\nEND"},
  };
  return objects;
}

const std::vector<std::string>& ledger_tables() {
  static const std::vector<std::string> tables = {"meta", "tenants", "entries", "checkpoints", "master_keys",
                                                  "retention"};
  return tables;
}

FileKind classify(Database& db) {
  // Reading the header and the schema is what fails on a file that is not
  // SQLite at all, or a damaged one: here, before anything else reads them.
  Statement count(db.get(), "SELECT count(*) FROM sqlite_schema");
  count.step();
  const std::int64_t app_id = db.pragma_int("application_id");
  if (app_id == kApplicationId) return FileKind::kLedger;
  if (app_id == 0 && count.column_int(0) == 0) return FileKind::kEmpty;
  return FileKind::kForeign;
}

void create_schema(Database& db) {
  for (const SchemaObject& o : schema_objects()) db.exec(o.sql);
  Statement put(db.get(), "INSERT INTO meta (key, value) VALUES (?1, ?2)");
  auto set = [&](const char* key, const std::string& value) {
    put.bind(1, key).bind(2, value).run();
    put.reset();
  };
  set("ledger_id", random_hex(16));
  set("created_at", Timestamp::now().to_string());
  set("created_by", std::string("auditchain ") + version());
  db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
  db.exec(("PRAGMA user_version = " + std::to_string(kFormatVersion)).c_str());
}

static bool is_ledger_table(const char* name) {
  if (name == nullptr) return false;
  for (const std::string& t : ledger_tables()) {
    if (t == name) return true;
  }
  return false;
}

// The authorizer is the second of three guards (triggers, authorizer, verify):
// it stops the library itself, or a host that reaches its connection, from
// changing history even if the triggers were dropped.
static int authorize(void*, int action, const char* a1, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_UPDATE:
      return is_ledger_table(a1) || (a1 != nullptr && std::strcmp(a1, "data_keys") == 0) ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_DELETE:
      // Deleting data keys is how protected values are erased.
      return is_ledger_table(a1) ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_ALTER_TABLE:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_DROP_VTABLE:
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      // Reading pragmas is harmless; writing writable_schema is not.
      return (a1 != nullptr && std::strcmp(a1, "writable_schema") == 0) ? SQLITE_DENY : SQLITE_OK;
    default:
      return SQLITE_OK;
  }
}

void install_authorizer(Database& db) { sqlite3_set_authorizer(db.get(), authorize, nullptr); }

}  // namespace auditchain::detail
