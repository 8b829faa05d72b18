/* c_api_test.c — the C ABI (auditchain.h) as a C program uses it: every
 * function, the result codes, the JSON it returns, and the refusals of bad
 * input. Compiled as C11 and linked against the shared library only. */
#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auditchain/auditchain.h"

/* ---- a tiny test harness ------------------------------------------------- */

static int g_checks = 0;
static int g_failures = 0;

#define CHECK(cond)                                                          \
  do {                                                                       \
    ++g_checks;                                                              \
    if (!(cond)) {                                                           \
      ++g_failures;                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                        \
  } while (0)

/* Checks a result code; on a mismatch prints both names and the message.
 * Frees the message and resets `err` either way. */
#define CHECK_CODE(rc, expected, err)                                                                  \
  do {                                                                                                 \
    int rc_ = (rc);                                                                                    \
    ++g_checks;                                                                                        \
    if (rc_ != (expected)) {                                                                           \
      ++g_failures;                                                                                    \
      fprintf(stderr, "%s:%d: got %s, expected %s: %s\n", __FILE__, __LINE__, auditchain_code_name(rc_), \
              auditchain_code_name(expected), (err) ? (err) : "(no message)");                         \
    }                                                                                                  \
    auditchain_free(err);                                                                              \
    (err) = NULL;                                                                                      \
  } while (0)

#define CHECK_HAS(text, needle)                                                                         \
  do {                                                                                                  \
    const char* t_ = (text);                                                                            \
    ++g_checks;                                                                                         \
    if (t_ == NULL || strstr(t_, (needle)) == NULL) {                                                   \
      ++g_failures;                                                                                     \
      fprintf(stderr, "%s:%d: expected %s in: %s\n", __FILE__, __LINE__, (needle), t_ ? t_ : "(NULL)"); \
    }                                                                                                   \
  } while (0)

#define CHECK_LACKS(text, needle)                                                              \
  do {                                                                                         \
    const char* t_ = (text);                                                                   \
    ++g_checks;                                                                                \
    if (t_ != NULL && strstr(t_, (needle)) != NULL) {                                          \
      ++g_failures;                                                                            \
      fprintf(stderr, "%s:%d: did not expect %s in: %s\n", __FILE__, __LINE__, (needle), t_); \
    }                                                                                          \
  } while (0)

/* Stops the program: what follows cannot run without it. */
#define REQUIRE(cond)                                                          \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static char g_dir[4096];

/* A path inside this run's scratch directory (static buffers, rotating). */
static const char* path_of(const char* name) {
  static char buffers[8][4200];
  static int next = 0;
  char* p = buffers[next++ % 8];
  snprintf(p, sizeof buffers[0], "%s/%s", g_dir, name);
  return p;
}

static int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int count_of(const char* text, const char* needle) {
  int n = 0;
  for (const char* p = text; p != NULL && (p = strstr(p, needle)) != NULL; p += strlen(needle)) ++n;
  return n;
}

/* The content of a whole file (caller frees), or NULL. */
static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* text = malloc((size_t)size + 1);
  size_t got = fread(text, 1, (size_t)size, f);
  text[got] = '\0';
  fclose(f);
  return text;
}

static auditchain_ledger* open_ledger(const char* name, const char* options) {
  auditchain_ledger* ledger = NULL;
  char* err = NULL;
  CHECK_CODE(auditchain_ledger_open(path_of(name), options, &ledger, &err), AUDITCHAIN_OK, err);
  REQUIRE(ledger != NULL);
  return ledger;
}

static auditchain_tenant* open_tenant(auditchain_ledger* ledger, const char* name, int mode) {
  auditchain_tenant* tenant = NULL;
  char* err = NULL;
  CHECK_CODE(auditchain_tenant_open(ledger, name, mode, &tenant, &err), AUDITCHAIN_OK, err);
  REQUIRE(tenant != NULL);
  return tenant;
}

static void append_ok(auditchain_tenant* tenant, const char* event) {
  char* receipt = NULL;
  char* err = NULL;
  CHECK_CODE(auditchain_tenant_append(tenant, event, &receipt, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(receipt, "\"duplicate\":false");
  auditchain_free(receipt);
}

/* The number of entries a cursor over `query` yields. */
static int count_entries(auditchain_tenant* tenant, const char* query) {
  auditchain_cursor* cursor = NULL;
  char* err = NULL;
  CHECK_CODE(auditchain_tenant_entries(tenant, query, &cursor, &err), AUDITCHAIN_OK, err);
  if (cursor == NULL) return -1;
  int n = 0;
  char* entry = NULL;
  int rc;
  while ((rc = auditchain_cursor_next(cursor, &entry, &err)) == AUDITCHAIN_OK) {
    ++n;
    auditchain_free(entry);
  }
  CHECK_CODE(rc, AUDITCHAIN_DONE, err);
  CHECK(entry == NULL);
  auditchain_cursor_close(cursor);
  return n;
}

/* ---- the library ------------------------------------------------------------ */

static void test_library(void) {
  char expected[32];
  int n = auditchain_version_number();
  snprintf(expected, sizeof expected, "%d.%d.%d", n / 10000, n / 100 % 100, n % 100);
  CHECK(strcmp(auditchain_version(), expected) == 0);
  CHECK(strcmp(auditchain_code_name(AUDITCHAIN_OK), "ok") == 0);
  CHECK(strcmp(auditchain_code_name(AUDITCHAIN_INVALID_ARGUMENT), "invalid_argument") == 0);
  CHECK(strcmp(auditchain_code_name(AUDITCHAIN_CLOSED), "closed") == 0);
  CHECK(strcmp(auditchain_code_name(AUDITCHAIN_WRONG_KEY), "wrong_key") == 0);
  CHECK(strcmp(auditchain_code_name(AUDITCHAIN_DONE), "done") == 0);
  CHECK(strcmp(auditchain_code_name(15), "unknown") == 0);
  CHECK(strcmp(auditchain_code_name(-1), "unknown") == 0);
  auditchain_free(NULL);
  auditchain_ledger_close(NULL);
  auditchain_ledger_close(NULL);
  auditchain_tenant_close(NULL);
  auditchain_cursor_close(NULL);
}

/* ---- ledgers and tenants ------------------------------------------------------ */

static void test_ledgers_and_tenants(void) {
  char* err = NULL;
  char* info = NULL;
  auditchain_ledger* missing = (auditchain_ledger*)&err; /* must come back NULL */
  CHECK_CODE(auditchain_ledger_open(path_of("missing.db"), "{\"create_if_missing\":false}", &missing, &err),
             AUDITCHAIN_NOT_FOUND, err);
  CHECK(missing == NULL);

  auditchain_ledger* ledger =
      open_ledger("tenants.db", "{\"durability\":\"normal\",\"busy_timeout_ms\":2000,\"read_only\":false,"
                                "\"group_commit_max_batch\":8,\"group_commit_wait_us\":100}");
  auditchain_tenant* must = NULL;
  CHECK_CODE(auditchain_tenant_open(ledger, "globex", AUDITCHAIN_TENANT_MUST_EXIST, &must, &err),
             AUDITCHAIN_NOT_FOUND, err);
  CHECK(must == NULL);
  CHECK_CODE(auditchain_tenant_open(ledger, "globex", 7, &must, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  auditchain_tenant* lazy = open_tenant(ledger, "initech", AUDITCHAIN_TENANT_CREATE_ON_APPEND);

  CHECK_CODE(auditchain_ledger_info(ledger, &info, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(info, "\"tenants\":[\"acme\"]");
  CHECK_HAS(info, "\"format_version\":1");
  CHECK_HAS(info, "\"master_key_ids\":[]");
  CHECK_HAS(info, "tenants.db\"");
  auditchain_free(info);

  char* head = NULL;
  CHECK_CODE(auditchain_tenant_head(lazy, &head, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(head, "\"seq\":0");
  CHECK_HAS(head, "\"recorded_at\":null");
  auditchain_free(head);
  append_ok(lazy, "{\"action\":\"auth.login\",\"actor\":\"u:carol\"}");
  CHECK_CODE(auditchain_ledger_info(ledger, &info, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(info, "\"tenants\":[\"acme\",\"initech\"]");
  auditchain_free(info);

  auditchain_tenant* again = open_tenant(ledger, "initech", AUDITCHAIN_TENANT_MUST_EXIST);
  auditchain_tenant_close(again);
  auditchain_tenant_close(lazy);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);

  /* Read-only: appends are refused. */
  ledger = open_ledger("tenants.db", "{\"read_only\":true,\"create_if_missing\":false}");
  acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_MUST_EXIST);
  char* receipt = NULL;
  CHECK_CODE(auditchain_tenant_append(acme, "{\"action\":\"a.b\",\"actor\":\"u:x\"}", &receipt, &err),
             AUDITCHAIN_READ_ONLY, err);
  CHECK(receipt == NULL);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
}

/* ---- appending and reading ------------------------------------------------------- */

static const char* kInvoice =
    "{\"action\":\"invoice.update\",\"actor\":{\"id\":\"u:alice\",\"kind\":\"user\",\"ip\":\"203.0.113.7\"},"
    "\"target\":{\"type\":\"invoice\",\"id\":\"INV-1\"},\"before\":{\"total\":100},\"after\":{\"total\":125},"
    "\"amount\":{\"value\":\"12.50\",\"currency\":\"EUR\"},\"metadata\":{\"ticket\":\"T-9\"},"
    "\"flags\":[\"sensitive\"],\"idempotency_key\":\"inv-1-v2\","
    "\"ai\":{\"model\":\"approver\",\"model_version\":\"3\",\"confidence\":\"0.93\","
    "\"source\":{\"uri\":\"s3://docs/inv-1.pdf\","
    "\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"},"
    "\"rule\":{\"id\":\"R-7\",\"version\":\"2\"}}}";

static void test_append_and_read(void) {
  char* err = NULL;
  char* receipt = NULL;
  char* entry = NULL;
  auditchain_ledger* ledger = open_ledger("append.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);

  CHECK_CODE(auditchain_tenant_append(acme, kInvoice, &receipt, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(receipt, "\"tenant\":\"acme\"");
  CHECK_HAS(receipt, "\"seq\":1,");
  CHECK_HAS(receipt, "\"duplicate\":false");
  CHECK_HAS(receipt, "\"recorded_at\":\"");
  auditchain_free(receipt);
  /* The same idempotency key: nothing written, the first receipt. */
  CHECK_CODE(auditchain_tenant_append(acme, kInvoice, &receipt, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(receipt, "\"seq\":1,");
  CHECK_HAS(receipt, "\"duplicate\":true");
  auditchain_free(receipt);

  CHECK_CODE(auditchain_tenant_read(acme, 1, &entry, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(entry, "\"prev_hash\":\"");
  CHECK_HAS(entry, "\"bytes\":\"{\\\"action\\\":\\\"invoice.update\\\"");
  CHECK_HAS(entry, "\"event\":{\"tenant\":\"acme\",\"action\":\"invoice.update\"");
  CHECK_HAS(entry, "\"amount\":{\"value\":\"12.5\",\"currency\":\"EUR\"}");
  CHECK_HAS(entry, "\"ai\":{\"model\":\"approver\",\"model_version\":\"3\",\"confidence\":\"0.93\"");
  CHECK_HAS(entry, "\"rule\":{\"id\":\"R-7\",\"version\":\"2\"}");
  CHECK_HAS(entry, "\"before\":{\"total\":100}");
  CHECK_HAS(entry, "\"flags\":[\"sensitive\"]");
  CHECK_HAS(entry, "\"protected_values\":[]");
  auditchain_free(entry);

  append_ok(acme, "{\"action\":\"invoice.send\",\"actor\":\"svc:mailer\",\"derived_from\":1}");
  char* head = NULL;
  CHECK_CODE(auditchain_tenant_head(acme, &head, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(head, "\"seq\":2,");
  CHECK_LACKS(head, "\"recorded_at\":null");
  auditchain_free(head);

  CHECK_CODE(auditchain_tenant_read(acme, 3, &entry, &err), AUDITCHAIN_NOT_FOUND, err);
  CHECK_CODE(auditchain_tenant_read(acme, 0, &entry, &err), AUDITCHAIN_NOT_FOUND, err);
  CHECK_CODE(auditchain_tenant_read(acme, UINT64_MAX, &entry, &err), AUDITCHAIN_NOT_FOUND, err);
  CHECK(entry == NULL);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
}

static void test_batches_are_all_or_none(void) {
  char* err = NULL;
  char* receipts = NULL;
  auditchain_ledger* ledger = open_ledger("batch.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);

  CHECK_CODE(auditchain_tenant_append_batch(acme,
                                            "[{\"action\":\"a.one\",\"actor\":\"u:a\"},"
                                            "{\"action\":\"a.two\",\"actor\":\"u:a\"},"
                                            "{\"action\":\"a.three\",\"actor\":\"u:a\"}]",
                                            &receipts, &err),
             AUDITCHAIN_OK, err);
  CHECK(count_of(receipts, "\"tenant\":\"acme\"") == 3);
  CHECK_HAS(receipts, "[{\"tenant\":\"acme\",\"seq\":1,");
  CHECK_HAS(receipts, "\"seq\":3,");
  auditchain_free(receipts);

  /* Refused while reading: the second event has no actor. */
  CHECK_CODE(auditchain_tenant_append_batch(acme, "[{\"action\":\"b.one\",\"actor\":\"u:a\"},{\"action\":\"b.two\"}]",
                                            &receipts, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(receipts == NULL);
  /* Refused by validation: a currency that is not one. */
  CHECK_CODE(auditchain_tenant_append_batch(acme,
                                            "[{\"action\":\"c.one\",\"actor\":\"u:a\"},"
                                            "{\"action\":\"c.two\",\"actor\":\"u:a\","
                                            "\"amount\":{\"value\":\"1\",\"currency\":\"euro\"}}]",
                                            &receipts, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_tenant_append_batch(acme, "[{\"action\":\"b.one\",\"actor\":\"u:a\"},{\"action\":\"b.two\"}]", &receipts,
                                 &err);
  CHECK_HAS(err, "events_json[1]");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_tenant_append_batch(acme, "{\"action\":\"x\"}", &receipts, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK(count_entries(acme, NULL) == 3);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
}

static void test_cursors_filter_and_end(void) {
  char* err = NULL;
  auditchain_ledger* ledger = open_ledger("cursor.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  append_ok(acme, "{\"action\":\"invoice.create\",\"actor\":\"u:alice\",\"target\":{\"type\":\"invoice\",\"id\":\"I-1\"}}");
  append_ok(acme, "{\"action\":\"invoice.update\",\"actor\":\"u:bob\",\"flags\":[\"sensitive\"]}");
  append_ok(acme, "{\"action\":\"auth.login\",\"actor\":\"u:bob\",\"flags\":[\"high_risk\"]}");
  append_ok(acme, "{\"action\":\"invoice.send\",\"actor\":\"u:alice\",\"target\":{\"type\":\"invoice\",\"id\":\"I-1\"}}");
  append_ok(acme, "{\"action\":\"invoice.pay\",\"actor\":\"u:carol\"}");

  CHECK(count_entries(acme, NULL) == 5);
  CHECK(count_entries(acme, "{}") == 5);
  CHECK(count_entries(acme, "{\"action_prefix\":\"invoice.\"}") == 4);
  CHECK(count_entries(acme, "{\"action_prefix\":\"invoice.\",\"seq_from\":2,\"seq_to\":4}") == 2);
  CHECK(count_entries(acme, "{\"actor_id\":\"u:bob\"}") == 2);
  CHECK(count_entries(acme, "{\"target_type\":\"invoice\",\"target_id\":\"I-1\"}") == 2);
  CHECK(count_entries(acme, "{\"sensitive_only\":true}") == 1);
  CHECK(count_entries(acme, "{\"high_risk_only\":true}") == 1);
  CHECK(count_entries(acme, "{\"limit\":2}") == 2);
  CHECK(count_entries(acme, "{\"from\":\"2000-01-01T00:00:00Z\",\"to\":\"9999-01-01T00:00:00+01:00\"}") == 5);
  CHECK(count_entries(acme, "{\"to\":\"2000-01-01T00:00:00Z\"}") == 0);
  CHECK(count_entries(acme, "{\"seq_to\":null}") == 5);

  /* Entries come in seq order, each as auditchain_tenant_read gives it; DONE
   * repeats. A cursor keeps its snapshot after the ledger is closed. */
  auditchain_cursor* cursor = NULL;
  char* entry = NULL;
  char* read = NULL;
  CHECK_CODE(auditchain_tenant_entries(acme, "{\"seq_from\":4}", &cursor, &err), AUDITCHAIN_OK, err);
  CHECK_CODE(auditchain_cursor_next(cursor, &entry, &err), AUDITCHAIN_OK, err);
  CHECK_CODE(auditchain_tenant_read(acme, 4, &read, &err), AUDITCHAIN_OK, err);
  CHECK(entry != NULL && read != NULL && strcmp(entry, read) == 0);
  auditchain_free(entry);
  auditchain_free(read);
  auditchain_ledger_close(ledger);
  CHECK_CODE(auditchain_cursor_next(cursor, &entry, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(entry, "\"seq\":5,");
  auditchain_free(entry);
  entry = (char*)&err; /* must come back NULL */
  CHECK_CODE(auditchain_cursor_next(cursor, &entry, &err), AUDITCHAIN_DONE, err);
  CHECK(entry == NULL);
  CHECK_CODE(auditchain_cursor_next(cursor, &entry, &err), AUDITCHAIN_DONE, err);
  auditchain_cursor_close(cursor);

  /* The tenant handle outlives its ledger: every call is CLOSED. */
  char* receipt = NULL;
  CHECK_CODE(auditchain_tenant_append(acme, "{\"action\":\"a.b\",\"actor\":\"u:x\"}", &receipt, &err),
             AUDITCHAIN_CLOSED, err);
  CHECK(receipt == NULL);
  CHECK_CODE(auditchain_tenant_read(acme, 1, &read, &err), AUDITCHAIN_CLOSED, err);
  CHECK_CODE(auditchain_tenant_head(acme, &read, &err), AUDITCHAIN_CLOSED, err);
  CHECK_CODE(auditchain_tenant_entries(acme, NULL, &cursor, &err), AUDITCHAIN_CLOSED, err);
  CHECK(cursor == NULL);
  auditchain_tenant_close(acme);
}

/* Several threads append through one ledger: one handle each, and one shared. */
struct appender {
  auditchain_tenant* tenant;
  int failures;
};

static void* append_many(void* arg) {
  struct appender* a = arg;
  for (int i = 0; i < 25; ++i) {
    char* receipt = NULL;
    if (auditchain_tenant_append(a->tenant, "{\"action\":\"job.run\",\"actor\":\"svc:worker\"}", &receipt, NULL) !=
        AUDITCHAIN_OK) {
      ++a->failures;
    }
    auditchain_free(receipt);
  }
  return NULL;
}

static void test_handles_are_shared_between_threads(void) {
  char* err = NULL;
  auditchain_ledger* ledger = open_ledger("threads.db", NULL);
  auditchain_tenant* shared = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  struct appender workers[4];
  pthread_t threads[4];
  for (int i = 0; i < 4; ++i) {
    workers[i].tenant = i < 2 ? shared : open_tenant(ledger, "acme", AUDITCHAIN_TENANT_MUST_EXIST);
    workers[i].failures = 0;
    REQUIRE(pthread_create(&threads[i], NULL, append_many, &workers[i]) == 0);
  }
  for (int i = 0; i < 4; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].failures == 0);
    if (i >= 2) auditchain_tenant_close(workers[i].tenant);
  }
  char* head = NULL;
  CHECK_CODE(auditchain_tenant_head(shared, &head, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(head, "\"seq\":100,");
  auditchain_free(head);
  auditchain_tenant_close(shared);
  auditchain_ledger_close(ledger);
  char* report = NULL;
  CHECK_CODE(auditchain_verify(path_of("threads.db"), NULL, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"valid\":true");
  auditchain_free(report);
}

/* ---- verification ----------------------------------------------------------------- */

static void tamper(const char* path, const char* sql) {
  sqlite3* db = NULL;
  REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
  char* message = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK) fprintf(stderr, "tamper: %s\n", message ? message : "?");
  REQUIRE(rc == SQLITE_OK);
  sqlite3_free(message);
  sqlite3_close(db);
}

static void test_verify_finds_tampering(void) {
  char* err = NULL;
  char* report = NULL;
  auditchain_ledger* ledger = open_ledger("verify.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  for (int i = 0; i < 4; ++i) append_ok(acme, "{\"action\":\"invoice.update\",\"actor\":\"u:alice\"}");
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);

  CHECK_CODE(auditchain_verify(path_of("verify.db"), NULL, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"valid\":true");
  CHECK_HAS(report, "\"entries_checked\":4");
  auditchain_free(report);
  CHECK_CODE(auditchain_verify(path_of("verify.db"),
                               "{\"tenants\":[\"acme\"],\"jobs\":1,\"max_findings_per_tenant\":10,"
                               "\"from\":\"2000-01-01T00:00:00Z\",\"trusted_checkpoints\":[],\"keys\":[]}",
                               &report, &err),
             AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"tenant\":\"acme\"");
  CHECK_HAS(report, "\"valid\":true");
  auditchain_free(report);
  CHECK_CODE(auditchain_verify(path_of("verify.db"), "{\"tenants\":[\"nobody\"]}", &report, &err),
             AUDITCHAIN_NOT_FOUND, err);
  CHECK(report == NULL);
  CHECK_CODE(auditchain_verify(path_of("nothing.db"), NULL, &report, &err), AUDITCHAIN_NOT_FOUND, err);

  tamper(path_of("verify.db"),
         "DROP TRIGGER entries_no_update;"
         "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'u:alice', 'u:malle') AS BLOB) WHERE seq = 2;");
  CHECK_CODE(auditchain_verify(path_of("verify.db"), NULL, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"valid\":false");
  CHECK_HAS(report, "\"kind\":\"hash_mismatch\",\"kind_code\":1,\"seq\":2");
  CHECK_HAS(report, "\"kind\":\"schema_tampered\"");
  auditchain_free(report);
}

/* ---- keys, checkpoints, seals and proofs ------------------------------------------ */

static void test_checkpoints_and_proofs(void) {
  char* err = NULL;
  char* signer = NULL;
  char* verifier = NULL;
  char* other_signer = NULL;
  char* other_verifier = NULL;
  CHECK_CODE(auditchain_keygen("audit.example", &signer, &verifier, &err), AUDITCHAIN_OK, err);
  CHECK(signer != NULL && strncmp(signer, "PRIVATE+KEY+audit.example+", 26) == 0);
  CHECK(verifier != NULL && strncmp(verifier, "audit.example+", 14) == 0);
  CHECK_CODE(auditchain_keygen("other", &other_signer, &other_verifier, &err), AUDITCHAIN_OK, err);
  char* bad_signer = (char*)&err;
  char* bad_verifier = (char*)&err;
  CHECK_CODE(auditchain_keygen("has space", &bad_signer, &bad_verifier, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(bad_signer == NULL && bad_verifier == NULL);

  auditchain_ledger* ledger = open_ledger("proofs.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  for (int i = 0; i < 3; ++i) append_ok(acme, "{\"action\":\"invoice.update\",\"actor\":\"u:alice\"}");
  char* checkpoint = NULL;
  CHECK_CODE(auditchain_tenant_checkpoint(acme, signer, &checkpoint, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(checkpoint, "\"tenant\":\"acme\"");
  CHECK_HAS(checkpoint, "\"tree_size\":3,");
  CHECK_HAS(checkpoint, "\"sealed_through\":null");
  CHECK_HAS(checkpoint, "\"note\":\"auditchain/");
  auditchain_free(checkpoint);
  for (int i = 0; i < 2; ++i) append_ok(acme, "{\"action\":\"invoice.send\",\"actor\":\"u:alice\"}");
  CHECK_CODE(auditchain_tenant_checkpoint(acme, signer, &checkpoint, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(checkpoint, "\"tree_size\":5,");
  auditchain_free(checkpoint);
  CHECK_CODE(auditchain_tenant_checkpoint(acme, "PRIVATE+KEY+nonsense", &checkpoint, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK(checkpoint == NULL);
  char* stored = NULL;
  CHECK_CODE(auditchain_tenant_checkpoints(acme, &stored, &err), AUDITCHAIN_OK, err);
  CHECK(count_of(stored, "\"note\":\"auditchain/") == 2);
  CHECK_HAS(stored, "[{\"ledger\":\"");
  CHECK(stored != NULL && strstr(stored, "\"tree_size\":3,") < strstr(stored, "\"tree_size\":5,"));
  auditchain_free(stored);
  CHECK_CODE(auditchain_tenant_checkpoints(NULL, &stored, &err), AUDITCHAIN_INVALID_ARGUMENT, err);

  char keys[1024];
  char other_keys[1024];
  snprintf(keys, sizeof keys, "[\"%s\"]", verifier);
  snprintf(other_keys, sizeof other_keys, "[\"%s\"]", other_verifier);
  char* proof = NULL;
  char* verdict = NULL;
  CHECK_CODE(auditchain_tenant_prove_inclusion(acme, 2, 0, &proof, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(proof, "\"proof\":\"inclusion\"");
  CHECK_HAS(proof, "\"seq\":2,");
  CHECK_HAS(proof, "\"tree_size\":5,");
  CHECK_CODE(auditchain_verify_proof(proof, keys, &verdict, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(verdict, "\"valid\":true");
  CHECK_HAS(verdict, "\"kind\":\"inclusion\"");
  CHECK_HAS(verdict, "\"problems\":[]");
  auditchain_free(verdict);
  CHECK_CODE(auditchain_verify_proof(proof, other_keys, &verdict, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(verdict, "\"valid\":false");
  CHECK_LACKS(verdict, "\"problems\":[]");
  auditchain_free(verdict);
  CHECK_CODE(auditchain_verify_proof(proof, NULL, &verdict, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(verdict, "\"valid\":true");
  auditchain_free(verdict);
  auditchain_free(proof);
  CHECK_CODE(auditchain_tenant_prove_inclusion(acme, 2, 3, &proof, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(proof, "\"tree_size\":3,");
  auditchain_free(proof);
  CHECK_CODE(auditchain_tenant_prove_inclusion(acme, 9, 0, &proof, &err), AUDITCHAIN_NOT_FOUND, err);
  CHECK(proof == NULL);

  CHECK_CODE(auditchain_tenant_prove_consistency(acme, 3, 0, &proof, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(proof, "\"proof\":\"consistency\"");
  CHECK_HAS(proof, "\"old_size\":3,\"new_size\":5");
  CHECK_CODE(auditchain_verify_proof(proof, keys, &verdict, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(verdict, "\"valid\":true");
  CHECK_HAS(verdict, "\"kind\":\"consistency\"");
  auditchain_free(verdict);
  auditchain_free(proof);
  CHECK_CODE(auditchain_tenant_prove_consistency(acme, 4, 2, &proof, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify_proof("{\"proof\":\"other\"}", NULL, &verdict, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify_proof("{}", "[\"not a key\"]", &verdict, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(verdict == NULL);

  /* A seal closes a period: events that occurred in it are refused. */
  CHECK_CODE(auditchain_tenant_seal(acme, "2020-12-31T23:59:59Z", signer, &checkpoint, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(checkpoint, "\"sealed_through\":\"2020-12-31T23:59:59.000000Z\"");
  auditchain_free(checkpoint);
  char* receipt = NULL;
  CHECK_CODE(auditchain_tenant_append(acme, "{\"action\":\"a.b\",\"actor\":\"u:x\",\"occurred_at\":\"2020-06-01T00:00:00Z\"}",
                                      &receipt, &err),
             AUDITCHAIN_SEALED, err);
  append_ok(acme, "{\"action\":\"a.b\",\"actor\":\"u:x\",\"occurred_at\":\"2021-06-01T00:00:00Z\"}");
  CHECK_CODE(auditchain_tenant_seal(acme, "last tuesday", signer, &checkpoint, &err), AUDITCHAIN_INVALID_ARGUMENT, err);

  /* The checkpoints verify with the key, and not with another. */
  char options[1200];
  char* report = NULL;
  snprintf(options, sizeof options, "{\"keys\":%s}", keys);
  CHECK_CODE(auditchain_verify(path_of("proofs.db"), options, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"valid\":true");
  auditchain_free(report);
  snprintf(options, sizeof options, "{\"keys\":%s}", other_keys);
  CHECK_CODE(auditchain_verify(path_of("proofs.db"), options, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"kind\":\"bad_checkpoint\"");
  auditchain_free(report);

  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);

  /* With a checkpoint signer the ledger checkpoints by itself. */
  snprintf(options, sizeof options,
           "{\"checkpoint_signer\":\"%s\",\"checkpoint_every_entries\":2,\"checkpoint_interval_s\":0}", signer);
  ledger = open_ledger("auto.db", options);
  acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  for (int i = 0; i < 5; ++i) append_ok(acme, "{\"action\":\"invoice.update\",\"actor\":\"u:alice\"}");
  CHECK_CODE(auditchain_tenant_checkpoints(acme, &stored, &err), AUDITCHAIN_OK, err);
  CHECK(count_of(stored, "\"note\":") == 2);
  CHECK_HAS(stored, "\"tree_size\":4,");
  auditchain_free(stored);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);

  auditchain_free(signer);
  auditchain_free(verifier);
  auditchain_free(other_signer);
  auditchain_free(other_verifier);
}

/* ---- exports and bundles ---------------------------------------------------------- */

static void test_exports_and_bundles(void) {
  char* err = NULL;
  char* summary = NULL;
  char* signer = NULL;
  char* verifier = NULL;
  CHECK_CODE(auditchain_keygen("exports", &signer, &verifier, &err), AUDITCHAIN_OK, err);
  auditchain_ledger* ledger = open_ledger("export.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  append_ok(acme, "{\"action\":\"invoice.create\",\"actor\":\"u:a\",\"amount\":{\"value\":\"10.25\",\"currency\":\"EUR\"}}");
  append_ok(acme, "{\"action\":\"invoice.create\",\"actor\":\"u:a\",\"amount\":{\"value\":\"0.75\",\"currency\":\"EUR\"}}");
  append_ok(acme, "{\"action\":\"auth.login\",\"actor\":\"u:b\"}");

  const char* by = "{\"exported_by\":{\"id\":\"u:auditor\",\"kind\":\"user\"}}";
  CHECK_CODE(auditchain_tenant_export(acme, "csv", by, path_of("all.csv"), &summary, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(summary, "\"entries\":3,\"first_seq\":1,\"last_seq\":3");
  CHECK_HAS(summary, "\"per_action\":{\"auth.login\":1,\"invoice.create\":2}");
  CHECK_HAS(summary, "\"totals\":{\"EUR\":\"11\"}");
  CHECK_HAS(summary, "\"sha256\":null");
  CHECK_HAS(summary, "\"record\":{\"tenant\":\"acme\",\"seq\":4,");
  auditchain_free(summary);
  char* csv = read_file(path_of("all.csv"));
  CHECK(csv != NULL && count_of(csv, "\n") == 4); /* a header and three rows */
  free(csv);

  CHECK_CODE(auditchain_tenant_export(acme, "jsonl",
                                      "{\"filter\":{\"action_prefix\":\"invoice.\",\"seq_from\":1,\"seq_to\":3},"
                                      "\"exported_by\":\"u:auditor\"}",
                                      path_of("invoices.jsonl"), &summary, &err),
             AUDITCHAIN_OK, err);
  CHECK_HAS(summary, "\"entries\":2,");
  auditchain_free(summary);
  char* jsonl = read_file(path_of("invoices.jsonl"));
  CHECK(jsonl != NULL && count_of(jsonl, "\n") == 2 && count_of(jsonl, "\"action\":\"invoice.create\"") == 2);
  free(jsonl);
  CHECK_CODE(auditchain_tenant_export(acme, "json", "{\"filter\":{\"action_prefix\":\"nothing.\"},\"exported_by\":\"u:x\"}",
                                      path_of("none.json"), &summary, &err),
             AUDITCHAIN_OK, err);
  CHECK_HAS(summary, "\"entries\":0,\"first_seq\":null,\"last_seq\":null");
  auditchain_free(summary);

  CHECK_CODE(auditchain_tenant_export(acme, "xml", by, path_of("x.xml"), &summary, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK_CODE(auditchain_tenant_export(acme, "csv", "{}", path_of("x.csv"), &summary, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  auditchain_tenant_export(acme, "csv", "{\"exported_by\":\"u:x\",\"filter\":{\"colour\":\"red\"}}", path_of("x.csv"),
                           &summary, &err);
  CHECK_HAS(err, "options_json.filter");
  CHECK_HAS(err, "colour");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_tenant_export(acme, "csv", by, g_dir, &summary, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(summary == NULL);
  CHECK(read_file(path_of("x.csv")) == NULL);

  CHECK_CODE(auditchain_tenant_export_bundle(acme, path_of("bundle"), by, signer, &summary, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(summary, "\"sha256\":\"");
  CHECK_HAS(summary, "\"checkpoint\":{\"ledger\":\"");
  CHECK_HAS(summary, "\"manifest.json\"");
  auditchain_free(summary);
  /* Without a signer the newest stored checkpoint is used. */
  CHECK_CODE(auditchain_tenant_export_bundle(acme, path_of("bundle2"), by, NULL, &summary, &err), AUDITCHAIN_OK, err);
  auditchain_free(summary);
  CHECK_CODE(auditchain_tenant_export_bundle(acme, path_of("bundle"), by, signer, &summary, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);

  char keys[1024];
  char* report = NULL;
  snprintf(keys, sizeof keys, "[\"%s\"]", verifier);
  CHECK_CODE(auditchain_verify_bundle(path_of("bundle"), keys, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"valid\":true");
  CHECK_HAS(report, "\"tenant\":\"acme\"");
  auditchain_free(report);
  CHECK_CODE(auditchain_verify_bundle(path_of("bundle"), "[]", &report, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify_bundle(path_of("no-bundle"), keys, &report, &err), AUDITCHAIN_NOT_FOUND, err);
  CHECK(report == NULL);
  /* An entry changed in the bundle is found. */
  char* entries = read_file(path_of("bundle/entries.jsonl"));
  REQUIRE(entries != NULL);
  char* at = strstr(entries, "u:b");
  REQUIRE(at != NULL);
  at[2] = 'c';
  FILE* f = fopen(path_of("bundle/entries.jsonl"), "wb");
  REQUIRE(f != NULL);
  fputs(entries, f);
  fclose(f);
  free(entries);
  CHECK_CODE(auditchain_verify_bundle(path_of("bundle"), keys, &report, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(report, "\"valid\":false");
  auditchain_free(report);

  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
  auditchain_free(signer);
  auditchain_free(verifier);
}

/* ---- protected values -------------------------------------------------------------- */

static void test_protected_values(void) {
  char* err = NULL;
  char* key = NULL;
  char* new_key = NULL;
  CHECK_CODE(auditchain_master_key_generate(&key, &err), AUDITCHAIN_OK, err);
  CHECK(key != NULL && strlen(key) == 64);
  CHECK_CODE(auditchain_master_key_generate(&new_key, &err), AUDITCHAIN_OK, err);
  char options[512];
  snprintf(options, sizeof options, "{\"master_keys\":[\"%s\"]}", key);
  auditchain_ledger* ledger = open_ledger("protect.db", options);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  append_ok(acme,
            "{\"action\":\"customer.update\",\"actor\":\"u:alice\","
            "\"after\":{\"iban\":\"DE89370400440532013000\"},\"metadata\":{\"token\":\"magic-123\"},"
            "\"protect\":{\"encrypt\":[\"/after/iban\"],\"secret\":[\"/metadata/token\"],\"subject\":\"cust-1\"}}");
  char* entry = NULL;
  CHECK_CODE(auditchain_tenant_read(acme, 1, &entry, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(entry, "{\"pointer\":\"/after/iban\",\"state\":\"plaintext\",\"plaintext\":\"DE89370400440532013000\"}");
  CHECK_HAS(entry, "{\"pointer\":\"/metadata/token\",\"state\":\"secret\",\"plaintext\":null}");
  CHECK_HAS(entry, "\"after\":{\"iban\":\"DE89370400440532013000\"}");
  CHECK_HAS(entry, "\"metadata\":{\"token\":\"[secret]\"}");
  /* The hashed bytes hold neither. */
  const char* bytes = strstr(entry, "\"bytes\":");
  const char* event = strstr(entry, "\"event\":");
  CHECK(bytes != NULL && event != NULL && bytes < event);
  if (bytes != NULL && event != NULL) {
    char* only_bytes = strndup(bytes, (size_t)(event - bytes));
    CHECK_LACKS(only_bytes, "DE89370400440532013000");
    CHECK_LACKS(only_bytes, "magic-123");
    free(only_bytes);
  }
  auditchain_free(entry);

  int matches = -1;
  CHECK_CODE(auditchain_tenant_secret_matches(acme, 1, "/metadata/token", "magic-123", &matches, &err), AUDITCHAIN_OK,
             err);
  CHECK(matches == 1);
  CHECK_CODE(auditchain_tenant_secret_matches(acme, 1, "/metadata/token", "magic-124", &matches, &err), AUDITCHAIN_OK,
             err);
  CHECK(matches == 0);

  /* Rotation: a second key id; values stay readable with both keys given. */
  CHECK_CODE(auditchain_ledger_rotate_master_key(ledger, new_key, &err), AUDITCHAIN_OK, err);
  CHECK_CODE(auditchain_ledger_rotate_master_key(ledger, "not a key", &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  char* info = NULL;
  CHECK_CODE(auditchain_ledger_info(ledger, &info, &err), AUDITCHAIN_OK, err);
  CHECK(count_of(info, "\"master_key_ids\":[\"") == 1 && count_of(info, "\",\"") >= 1);
  auditchain_free(info);
  append_ok(acme, "{\"action\":\"customer.note\",\"actor\":\"u:alice\",\"metadata\":{\"note\":\"call back\"},"
                  "\"protect\":{\"encrypt\":[\"/metadata/note\"]}}");

  /* Erasing the subject makes its value unrecoverable, and is recorded. */
  char* receipt = NULL;
  CHECK_CODE(auditchain_tenant_erase_subject(acme, "cust-1", "{\"id\":\"u:dpo\",\"kind\":\"user\"}", &receipt, &err),
             AUDITCHAIN_OK, err);
  CHECK_HAS(receipt, "\"seq\":3,");
  auditchain_free(receipt);
  CHECK_CODE(auditchain_tenant_read(acme, 1, &entry, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(entry, "\"state\":\"erased\"");
  CHECK_LACKS(entry, "DE89370400440532013000");
  auditchain_free(entry);

  CHECK_CODE(auditchain_tenant_purge_expired(acme, "\"u:dpo\"", &receipt, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_set_retention(acme, 30, "\"u:dpo\"", &receipt, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(receipt, "\"seq\":4,");
  auditchain_free(receipt);
  CHECK_CODE(auditchain_tenant_purge_expired(acme, "{\"id\":\"u:dpo\"}", &receipt, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(receipt, "\"seq\":5,");
  auditchain_free(receipt);
  CHECK_CODE(auditchain_tenant_set_retention(acme, 30, "{\"name\":\"u:dpo\"}", &receipt, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);

  /* Without the key the value is a marker; with a stranger's key, no open. */
  ledger = open_ledger("protect.db", NULL);
  acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_MUST_EXIST);
  CHECK_CODE(auditchain_tenant_read(acme, 2, &entry, &err), AUDITCHAIN_OK, err);
  CHECK_HAS(entry, "\"metadata\":{\"note\":\"[encrypted]\"}");
  CHECK_HAS(entry, "\"state\":\"encrypted\",\"plaintext\":null");
  auditchain_free(entry);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
  char* stranger = NULL;
  CHECK_CODE(auditchain_master_key_generate(&stranger, &err), AUDITCHAIN_OK, err);
  snprintf(options, sizeof options, "{\"master_keys\":[\"%s\"]}", stranger);
  auditchain_ledger* refused = NULL;
  CHECK_CODE(auditchain_ledger_open(path_of("protect.db"), options, &refused, &err), AUDITCHAIN_WRONG_KEY, err);
  CHECK(refused == NULL);
  auditchain_free(stranger);
  auditchain_free(key);
  auditchain_free(new_key);
}

/* ---- bad input ----------------------------------------------------------------------- */

static void test_bad_input(void) {
  char* err = NULL;
  char* out = NULL;
  auditchain_ledger* ledger = open_ledger("bad.db", NULL);
  auditchain_tenant* acme = open_tenant(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING);
  append_ok(acme, "{\"action\":\"a.b\",\"actor\":\"u:a\"}");

  /* NULL handles and required pointers, named in the message. */
  auditchain_ledger_info(NULL, &out, &err);
  CHECK_HAS(err, "ledger: must not be NULL");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_tenant_append(NULL, "{}", &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_tenant_append(acme, NULL, &out, &err);
  CHECK_HAS(err, "event_json");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_tenant_append(acme, "{\"action\":\"a.b\",\"actor\":\"u:a\"}", NULL, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_ledger* none = (auditchain_ledger*)&err;
  CHECK_CODE(auditchain_ledger_open(NULL, NULL, &none, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(none == NULL);
  CHECK_CODE(auditchain_ledger_open(path_of("bad.db"), NULL, NULL, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_ledger_rotate_master_key(NULL, "00", &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_tenant* t = NULL;
  CHECK_CODE(auditchain_tenant_open(NULL, "acme", 0, &t, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_open(NULL, NULL, 0, NULL, NULL), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_append_batch(NULL, "[]", &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_read(NULL, 1, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_read(acme, 1, NULL, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_head(NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_cursor* cursor = NULL;
  CHECK_CODE(auditchain_tenant_entries(NULL, NULL, &cursor, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_cursor_next(NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify(NULL, NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_keygen(NULL, &out, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_master_key_generate(NULL, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_checkpoint(acme, NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_seal(acme, NULL, NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_prove_inclusion(NULL, 1, 0, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_prove_consistency(NULL, 1, 0, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify_proof(NULL, NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_export(acme, "csv", NULL, path_of("n.csv"), &out, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK_CODE(auditchain_tenant_export_bundle(acme, NULL, "{}", NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify_bundle(path_of("x"), NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_erase_subject(acme, NULL, "\"u:a\"", &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_set_retention(acme, 1, NULL, &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_purge_expired(NULL, "\"u:a\"", &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  int matches = 7;
  CHECK_CODE(auditchain_tenant_secret_matches(acme, 1, "/metadata/x", "c", NULL, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK_CODE(auditchain_tenant_secret_matches(acme, 1, NULL, "c", &matches, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(matches == 0);
  CHECK(out == NULL);

  /* Malformed JSON, unknown members, wrong types, numbers out of range. */
  auditchain_tenant_append(acme, "{\"action\":", &out, &err);
  CHECK_HAS(err, "not valid JSON");
  auditchain_free(err);
  err = NULL;
  auditchain_tenant_append(acme, "{\"action\":\"a.b\",\"actor\":\"u:a\",\"colour\":\"red\"}", &out, &err);
  CHECK_HAS(err, "colour");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_tenant_append(acme, "{\"action\":7,\"actor\":\"u:a\"}", &out, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK_CODE(auditchain_tenant_append(acme, "[1,2]", &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_append(acme, "{\"action\":\"a.b\",\"actor\":\"u:a\",\"amount\":{\"value\":12.5,"
                                            "\"currency\":\"EUR\"}}",
                                      &out, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  auditchain_ledger* other = NULL;
  auditchain_ledger_open(path_of("bad.db"), "{\"read_onyl\":true}", &other, &err);
  CHECK_HAS(err, "unknown member \"read_onyl\"");
  auditchain_free(err);
  err = NULL;
  auditchain_ledger_open(path_of("bad.db"), "{\"read_only\":\"yes\"}", &other, &err);
  CHECK_HAS(err, "options_json.read_only");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_ledger_open(path_of("bad.db"), "{\"durability\":\"eventually\"}", &other, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_ledger_open(path_of("bad.db"), "{\"busy_timeout_ms\":-5}", &other, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_ledger_open(path_of("bad.db"), "{\"master_keys\":\"abc\"}", &other, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_ledger_open(path_of("bad.db"), "{\"group_commit_max_batch\":0}", &other, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_ledger_open(path_of("bad.db"), "{\"group_commit_wait_us\":1000001}", &other, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK(other == NULL);
  auditchain_tenant_entries(acme, "{\"seq_from\":-1}", &cursor, &err);
  CHECK_HAS(err, "query_json.seq_from");
  auditchain_free(err);
  err = NULL;
  CHECK_CODE(auditchain_tenant_entries(acme, "{\"seq_to\":18446744073709551615}", &cursor, &err),
             AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_entries(acme, "{\"limit\":1.5}", &cursor, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_tenant_entries(acme, "{\"from\":\"yesterday\"}", &cursor, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK_CODE(auditchain_tenant_entries(acme, "{\"sensitive_only\":1}", &cursor, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK(cursor == NULL);
  CHECK_CODE(auditchain_verify(path_of("bad.db"), "{\"jobs\":100000}", &out, &err), AUDITCHAIN_INVALID_ARGUMENT, err);
  CHECK_CODE(auditchain_verify(path_of("bad.db"), "{\"keys\":[\"nope\"]}", &out, &err), AUDITCHAIN_INVALID_ARGUMENT,
             err);
  CHECK(out == NULL);

  /* errmsg may be NULL: the code alone. */
  CHECK(auditchain_tenant_read(acme, 99, &out, NULL) == AUDITCHAIN_NOT_FOUND);
  CHECK(auditchain_tenant_append(acme, "nonsense", &out, NULL) == AUDITCHAIN_INVALID_ARGUMENT);
  CHECK(auditchain_tenant_head(acme, &out, NULL) == AUDITCHAIN_OK);
  auditchain_free(out);
  out = NULL;

  /* Success sets *errmsg to NULL. */
  err = (char*)&matches;
  CHECK(auditchain_tenant_head(acme, &out, &err) == AUDITCHAIN_OK);
  CHECK(err == NULL);
  auditchain_free(out);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
}

int main(void) {
  const char* base = getenv("AUDITCHAIN_TEST_TMP");
  snprintf(g_dir, sizeof g_dir, "%s/c_api_test.XXXXXX", base != NULL ? base : "/tmp");
  REQUIRE(mkdtemp(g_dir) != NULL);

  test_library();
  test_ledgers_and_tenants();
  test_append_and_read();
  test_batches_are_all_or_none();
  test_cursors_filter_and_end();
  test_handles_are_shared_between_threads();
  test_verify_finds_tampering();
  test_checkpoints_and_proofs();
  test_exports_and_bundles();
  test_protected_values();
  test_bad_input();

  nftw(g_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  printf("%d checks, %d failed\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
