/* Records an invoice change, reads the tenant's invoice entries back and
 * verifies the ledger file. Usage: c_api_example LEDGER-FILE */
#include <stdio.h>
#include <string.h>

#include "auditchain/auditchain.h"

/* Prints a failure and frees its message; returns 1 when `rc` is OK. */
static int ok(int rc, char* err, const char* what) {
  if (rc == AUDITCHAIN_OK) return 1;
  fprintf(stderr, "%s failed: %s: %s\n", what, auditchain_code_name(rc), err ? err : "");
  auditchain_free(err);
  return 0;
}

static int record_and_read(auditchain_tenant* acme) {
  char* err = NULL;
  char* json = NULL;
  const char* event =
      "{\"action\": \"invoice.update\","
      " \"actor\": {\"id\": \"u:alice\", \"kind\": \"user\"},"
      " \"target\": {\"type\": \"invoice\", \"id\": \"INV-42\"},"
      " \"before\": {\"status\": \"draft\"}, \"after\": {\"status\": \"sent\"},"
      " \"amount\": {\"value\": \"1250.00\", \"currency\": \"EUR\"}}";
  if (!ok(auditchain_tenant_append(acme, event, &json, &err), err, "append")) return 0;
  printf("receipt: %s\n", json);
  auditchain_free(json);

  auditchain_cursor* cursor = NULL;
  if (!ok(auditchain_tenant_entries(acme, "{\"action_prefix\": \"invoice.\"}", &cursor, &err), err, "entries")) {
    return 0;
  }
  int rc;
  while ((rc = auditchain_cursor_next(cursor, &json, &err)) == AUDITCHAIN_OK) {
    printf("entry: %s\n", json);
    auditchain_free(json);
  }
  auditchain_cursor_close(cursor);
  return rc == AUDITCHAIN_DONE || ok(rc, err, "next");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s LEDGER-FILE\n", argv[0]);
    return 2;
  }
  printf("auditchain %s\n", auditchain_version());
  char* err = NULL;
  auditchain_ledger* ledger = NULL;
  if (!ok(auditchain_ledger_open(argv[1], "{\"durability\": \"full\"}", &ledger, &err), err, "open")) return 1;
  auditchain_tenant* acme = NULL;
  int done = ok(auditchain_tenant_open(ledger, "acme", AUDITCHAIN_TENANT_CREATE_IF_MISSING, &acme, &err), err,
                "tenant") &&
             record_and_read(acme);
  auditchain_tenant_close(acme);
  auditchain_ledger_close(ledger);
  if (!done) return 1;

  char* report = NULL;
  if (!ok(auditchain_verify(argv[1], NULL, &report, &err), err, "verify")) return 1;
  const int valid = strstr(report, "\"valid\":true") != NULL;
  printf("%s\n", valid ? "ledger verified" : report);
  auditchain_free(report);
  return valid ? 0 : 1;
}
