/* auditchain.h — the C interface of auditchain, stable across releases.
 *
 * Opaque handles, functions named auditchain_<object>_<verb>, integer result
 * codes. Structured values cross the interface as JSON text (UTF-8, NUL-
 * terminated), in the shapes docs/C_API.md specifies — the same member names
 * as the entry format, the command line's --json output and the library's
 * JSON forms — so that any language with a C foreign-function interface can
 * use the library without compiling anything.
 *
 * Conventions:
 *  - Every function that can fail returns AUDITCHAIN_OK (0) or an error code
 *    (the values of auditchain::ErrorCode). On failure, when `errmsg` is not
 *    NULL, *errmsg receives a message (one line, UTF-8), which the caller
 *    frees with auditchain_free(); on success *errmsg is set to NULL.
 *    `errmsg` may always be NULL.
 *  - Text returned through `char**` out-parameters is allocated by the
 *    library and freed with auditchain_free(). Out-parameters are set to NULL
 *    on failure. Input text is only read, and never kept after the call.
 *  - Destroy functions (auditchain_*_close) accept NULL and do nothing then.
 *  - Nothing throws across this interface; a NULL handle or required pointer
 *    argument gives AUDITCHAIN_INVALID_ARGUMENT with a message naming it.
 *    Every pointer parameter is required unless its comment says it may be
 *    NULL.
 *  - JSON given to a function is parsed strictly: an unknown member, a value
 *    of the wrong type or an integer out of range gives
 *    AUDITCHAIN_INVALID_ARGUMENT naming the member (e.g.
 *    "query_json.seq_from"). Integers in JSON lie within +-(2^53 - 1); times
 *    are RFC 3339 text; decimals are JSON strings ("12.50"). A member whose
 *    value is null counts as absent.
 *  - Thread safety: a ledger handle and the tenant handles made from it may be
 *    used from several threads at once (but not closed while in use); a
 *    cursor by one thread at a time. After auditchain_ledger_close() every
 *    call through its tenant handles gives AUDITCHAIN_CLOSED (they must still
 *    be closed), while a cursor already open keeps reading its snapshot.
 */
#ifndef AUDITCHAIN_H
#define AUDITCHAIN_H

#include <stddef.h>
#include <stdint.h>

/* The library is built with hidden symbols; these functions are its C exports. */
#if defined(AUDITCHAIN_STATIC_DEFINE)
#define AUDITCHAIN_C_API
#elif defined(_WIN32) && defined(AUDITCHAIN_BUILDING)
#define AUDITCHAIN_C_API __declspec(dllexport)
#elif defined(_WIN32)
#define AUDITCHAIN_C_API __declspec(dllimport)
#elif defined(__GNUC__)
#define AUDITCHAIN_C_API __attribute__((visibility("default")))
#else
#define AUDITCHAIN_C_API
#endif

/* C++ callers may rely on it: no function of this header throws. */
#ifdef __cplusplus
#define AUDITCHAIN_NOEXCEPT noexcept
#else
#define AUDITCHAIN_NOEXCEPT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- result codes (equal to auditchain::ErrorCode) ---------------------- */

#define AUDITCHAIN_OK 0
#define AUDITCHAIN_INVALID_ARGUMENT 1
#define AUDITCHAIN_NOT_FOUND 2
#define AUDITCHAIN_ALREADY_EXISTS 3
#define AUDITCHAIN_BUSY 4
#define AUDITCHAIN_IO 5
#define AUDITCHAIN_CORRUPT 6
#define AUDITCHAIN_NOT_A_LEDGER 7
#define AUDITCHAIN_UNSUPPORTED_VERSION 8
#define AUDITCHAIN_READ_ONLY 9
#define AUDITCHAIN_CLOSED 10
#define AUDITCHAIN_INTERNAL 11 /* a bug in auditchain, or out of memory */
#define AUDITCHAIN_BAD_SIGNATURE 12
#define AUDITCHAIN_SEALED 13
#define AUDITCHAIN_WRONG_KEY 14
/* Not an error: auditchain_cursor_next() has no more entries. */
#define AUDITCHAIN_DONE 100

/* ---- the library --------------------------------------------------------- */

/* The library's version, "MAJOR.MINOR.PATCH", at run time (static storage). */
AUDITCHAIN_C_API const char* auditchain_version(void) AUDITCHAIN_NOEXCEPT;
/* MAJOR * 10000 + MINOR * 100 + PATCH. */
AUDITCHAIN_C_API int auditchain_version_number(void) AUDITCHAIN_NOEXCEPT;
/* The name of a result code: "ok", "invalid_argument", ..., "done"; "unknown"
 * for any other value (static storage). */
AUDITCHAIN_C_API const char* auditchain_code_name(int code) AUDITCHAIN_NOEXCEPT;
/* Frees text the library returned, after overwriting it with zeros (some of
 * it is secret: key texts, decrypted values). NULL is allowed. Only for
 * pointers this library returned. */
AUDITCHAIN_C_API void auditchain_free(void* p) AUDITCHAIN_NOEXCEPT;

/* ---- ledgers -------------------------------------------------------------- */

typedef struct auditchain_ledger auditchain_ledger;
typedef struct auditchain_tenant auditchain_tenant;
typedef struct auditchain_cursor auditchain_cursor;

/* Opens (or creates) the ledger file at `path`. `options_json` may be NULL
 * or an object with any of: "create_if_missing" (bool, default true),
 * "read_only" (bool, default false), "durability" ("full" | "normal" |
 * "off", default "full"), "busy_timeout_ms" (integer, default 5000),
 * "master_keys" (array of key texts, current first), "checkpoint_signer"
 * (signer key text), "checkpoint_every_entries" (integer),
 * "checkpoint_interval_s" (integer), "group_commit_max_batch" (integer >= 1,
 * default 256), "group_commit_wait_us" (integer, 0..1000000, default 0)
 * (docs/C_API.md gives their meaning). On success *out is a handle closed with
 * auditchain_ledger_close(). Codes: NOT_FOUND (missing, create_if_missing
 * false), NOT_A_LEDGER, UNSUPPORTED_VERSION, IO, BUSY, WRONG_KEY. */
AUDITCHAIN_C_API int auditchain_ledger_open(const char* path, const char* options_json, auditchain_ledger** out,
                                            char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Closes the ledger. NULL is allowed; closing twice is not (close once). */
AUDITCHAIN_C_API void auditchain_ledger_close(auditchain_ledger* ledger) AUDITCHAIN_NOEXCEPT;
/* {"id": "...", "path": "...", "format_version": 1, "tenants": ["acme", ...],
 *  "master_key_ids": [...]} — tenants sorted; master key ids oldest first,
 * the current one last. */
AUDITCHAIN_C_API int auditchain_ledger_info(auditchain_ledger* ledger, char** info_json,
                                            char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Makes `new_key_text` (64 hex digits or base64 of 32 bytes) the current
 * master key (Ledger::rotate_master_key). */
AUDITCHAIN_C_API int auditchain_ledger_rotate_master_key(auditchain_ledger* ledger, const char* new_key_text,
                                                         char** errmsg) AUDITCHAIN_NOEXCEPT;

/* ---- tenants --------------------------------------------------------------- */

#define AUDITCHAIN_TENANT_MUST_EXIST 0
#define AUDITCHAIN_TENANT_CREATE_IF_MISSING 1
#define AUDITCHAIN_TENANT_CREATE_ON_APPEND 2

/* A handle to tenant `name` (auditchain::TenantMode: MUST_EXIST gives
 * NOT_FOUND for an unknown tenant; another `mode` gives INVALID_ARGUMENT).
 * Close it with auditchain_tenant_close(), also after the ledger is closed. */
AUDITCHAIN_C_API int auditchain_tenant_open(auditchain_ledger* ledger, const char* name, int mode,
                                            auditchain_tenant** out, char** errmsg) AUDITCHAIN_NOEXCEPT;
AUDITCHAIN_C_API void auditchain_tenant_close(auditchain_tenant* tenant) AUDITCHAIN_NOEXCEPT;

/* Appends one event, given as the JSON object auditchain::parse_event_json()
 * reads (docs/C_API.md "Events"), optionally with "protect": {"encrypt":
 * [pointers], "secret": [pointers], "subject": "..."}. *receipt_json:
 * {"tenant", "seq", "recorded_at", "hash", "duplicate"}. */
AUDITCHAIN_C_API int auditchain_tenant_append(auditchain_tenant* tenant, const char* event_json, char** receipt_json,
                                              char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Appends a JSON array of events in one transaction (all or none: one event
 * refused, and nothing is written); *receipts_json is a JSON array of
 * receipts, in order. A message about one event names its index, counted
 * from 0 ("events_json[2]: ..." or "event 2 of the batch: ..."). */
AUDITCHAIN_C_API int auditchain_tenant_append_batch(auditchain_tenant* tenant, const char* events_json,
                                                    char** receipts_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* One entry (docs/C_API.md "Entries"): {"tenant", "seq", "recorded_at",
 * "prev_hash", "hash", "bytes" (the canonical JSON as a string), "event" (the
 * event as shown: protected values as plaintext or markers, in the event
 * JSON form), "protected_values": [{"pointer", "state", "plaintext"}]}, where
 * "state" is "plaintext", "encrypted", "erased" or "secret" and "plaintext"
 * is the value itself as JSON when the state is "plaintext", else null.
 * NOT_FOUND when the tenant has no entry `seq`. */
AUDITCHAIN_C_API int auditchain_tenant_read(auditchain_tenant* tenant, uint64_t seq, char** entry_json,
                                            char** errmsg) AUDITCHAIN_NOEXCEPT;
/* {"seq": N, "hash": "...", "recorded_at": "..." or null}; seq 0 and the
 * tenant's genesis value when it has no entries. */
AUDITCHAIN_C_API int auditchain_tenant_head(auditchain_tenant* tenant, char** head_json,
                                            char** errmsg) AUDITCHAIN_NOEXCEPT;

/* A cursor over the entries matching `query_json` (NULL: all), an object with
 * any of "seq_from", "seq_to" (inclusive), "from" (inclusive), "to"
 * (exclusive) (recorded time, RFC 3339), "action_prefix", "target_type",
 * "target_id", "actor_id", "sensitive_only", "high_risk_only", "limit" (0:
 * none). It reads one snapshot: entries appended later are not seen. Close
 * it with auditchain_cursor_close(). */
AUDITCHAIN_C_API int auditchain_tenant_entries(auditchain_tenant* tenant, const char* query_json,
                                               auditchain_cursor** out, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* The next entry as *entry_json (as auditchain_tenant_read), or AUDITCHAIN_DONE
 * with *entry_json NULL (and *errmsg NULL) when there are no more, again on
 * every later call. */
AUDITCHAIN_C_API int auditchain_cursor_next(auditchain_cursor* cursor, char** entry_json,
                                            char** errmsg) AUDITCHAIN_NOEXCEPT;
AUDITCHAIN_C_API void auditchain_cursor_close(auditchain_cursor* cursor) AUDITCHAIN_NOEXCEPT;

/* ---- verification ------------------------------------------------------------- */

/* Verifies the ledger file at `path` (it need not be open). `options_json` may
 * be NULL or an object with any of "tenants" (array), "from", "to", "jobs"
 * (0..1024; 0, the default: one per core), "max_findings_per_tenant"
 * (default 1000), "trusted_checkpoints" (array of note texts), "keys" (array
 * of verifier key texts). *report_json: the shape of
 * `auditchain verify --json` (docs/CLI.md). Problems found are AUDITCHAIN_OK
 * with "valid": false in the report; an error code means it could not run. */
AUDITCHAIN_C_API int auditchain_verify(const char* path, const char* options_json, char** report_json,
                                       char** errmsg) AUDITCHAIN_NOEXCEPT;

/* ---- keys, checkpoints and proofs -------------------------------------------------- */

/* A new Ed25519 key pair named `name`: the signer key text (secret) and the
 * verifier key text, in the signed-note formats (docs/FORMAT.md section 8). */
AUDITCHAIN_C_API int auditchain_keygen(const char* name, char** signer_text, char** verifier_text,
                                       char** errmsg) AUDITCHAIN_NOEXCEPT;
/* A new random master key for protected values, as 64 hex digits (secret). */
AUDITCHAIN_C_API int auditchain_master_key_generate(char** key_text, char** errmsg) AUDITCHAIN_NOEXCEPT;

/* Signs and stores a checkpoint of the tenant's head with the signer key
 * text; *checkpoint_json: {"ledger", "tenant", "tree_size", "root", "time",
 * "sealed_through" (or null), "note"}. */
AUDITCHAIN_C_API int auditchain_tenant_checkpoint(auditchain_tenant* tenant, const char* signer_text,
                                                  char** checkpoint_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* The tenant's stored checkpoints and seals (those signed automatically
 * too), oldest first: *checkpoints_json is a JSON array of objects as
 * auditchain_tenant_checkpoint gives them. */
AUDITCHAIN_C_API int auditchain_tenant_checkpoints(auditchain_tenant* tenant, char** checkpoints_json,
                                                   char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Seals the period up to `through` (RFC 3339); as auditchain_tenant_checkpoint.
 * Afterwards an append whose occurred_at is at or before `through` gives
 * AUDITCHAIN_SEALED. */
AUDITCHAIN_C_API int auditchain_tenant_seal(auditchain_tenant* tenant, const char* through, const char* signer_text,
                                            char** checkpoint_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* The inclusion proof of entry `seq` in the tree of `tree_size` entries (0:
 * the default, see TenantLedger::prove_inclusion), in the proof JSON of
 * docs/FORMAT.md section 9. */
AUDITCHAIN_C_API int auditchain_tenant_prove_inclusion(auditchain_tenant* tenant, uint64_t seq, uint64_t tree_size,
                                                       char** proof_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* The consistency proof from `old_size` to `new_size` (0: the head). */
AUDITCHAIN_C_API int auditchain_tenant_prove_consistency(auditchain_tenant* tenant, uint64_t old_size,
                                                         uint64_t new_size, char** proof_json,
                                                         char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Checks a proof offline against `keys_json` (NULL or a JSON array of verifier
 * key texts; without keys the embedded checkpoints are not checked).
 * *verdict_json: {"valid", "kind", "problems": [...], "summary"}. A proof
 * that does not hold is AUDITCHAIN_OK with "valid": false;
 * INVALID_ARGUMENT means the text is not a proof at all. */
AUDITCHAIN_C_API int auditchain_verify_proof(const char* proof_json, const char* keys_json, char** verdict_json,
                                             char** errmsg) AUDITCHAIN_NOEXCEPT;

/* ---- exports ------------------------------------------------------------------------ */

/* Exports the tenant's entries in `format` ("csv", "jsonl", "json") to the
 * file `out_path` (written beside it and renamed once complete; an existing
 * file is replaced).
 * `options_json`: {"filter": {"from", "to", "seq_from", "seq_to",
 * "action_prefix", "target_type", "actor_id", "sensitive_only",
 * "high_risk_only", "ai_below"}, "exported_by": {"id", "kind"} (required),
 * "decrypt": bool}. *summary_json: {"entries", "first_seq", "last_seq",
 * "per_action": {...}, "totals": {currency: "decimal"}, "entries_digest",
 * "sha256" (null), "record": receipt}; first_seq and last_seq are null when
 * nothing matched. The export is recorded as an entry ("data.export"). */
AUDITCHAIN_C_API int auditchain_tenant_export(auditchain_tenant* tenant, const char* format, const char* options_json,
                                              const char* out_path, char** summary_json,
                                              char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Writes a bundle into `directory`; options as auditchain_tenant_export;
 * `signer_text` may be NULL (then the newest stored checkpoint is used).
 * *summary_json: as above with "sha256" (of manifest.json), and
 * "checkpoint" (as auditchain_tenant_checkpoint gives it) and "files" (the
 * files written, relative to the directory). */
AUDITCHAIN_C_API int auditchain_tenant_export_bundle(auditchain_tenant* tenant, const char* directory,
                                                     const char* options_json, const char* signer_text,
                                                     char** summary_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Verifies a bundle offline; `keys_json` a JSON array of verifier key texts
 * (at least one). *report_json: the shape of `auditchain verify DIR --json`.
 * Findings are AUDITCHAIN_OK with "valid": false; NOT_FOUND when there is no
 * bundle in `directory`. */
AUDITCHAIN_C_API int auditchain_verify_bundle(const char* directory, const char* keys_json, char** report_json,
                                              char** errmsg) AUDITCHAIN_NOEXCEPT;

/* ---- protected values ------------------------------------------------------------------ */

/* `actor_json`: {"id", "kind"} (or the actor's id as a JSON string).
 * *receipt_json: the receipt of the entry that records the operation. */
AUDITCHAIN_C_API int auditchain_tenant_erase_subject(auditchain_tenant* tenant, const char* subject,
                                                     const char* actor_json, char** receipt_json,
                                                     char** errmsg) AUDITCHAIN_NOEXCEPT;
AUDITCHAIN_C_API int auditchain_tenant_set_retention(auditchain_tenant* tenant, uint32_t days, const char* actor_json,
                                                     char** receipt_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* Destroys the day keys older than the retention period (INVALID_ARGUMENT
 * when the tenant has none). */
AUDITCHAIN_C_API int auditchain_tenant_purge_expired(auditchain_tenant* tenant, const char* actor_json,
                                                     char** receipt_json, char** errmsg) AUDITCHAIN_NOEXCEPT;
/* *matches is 1 when `candidate` is the secret committed at `pointer` of entry
 * `seq`, else 0 (compared in constant time; needs the master key). */
AUDITCHAIN_C_API int auditchain_tenant_secret_matches(auditchain_tenant* tenant, uint64_t seq, const char* pointer,
                                                      const char* candidate, int* matches,
                                                      char** errmsg) AUDITCHAIN_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* AUDITCHAIN_H */
