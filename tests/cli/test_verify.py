"""auditchain verify: exit statuses, the text report and the JSON report."""

import json
import os
import sqlite3
import unittest

from clitest import HEX32, HEX64, SharedLedgerTestCase, run, tamper

ACME = "(SELECT id FROM tenants WHERE name = 'acme')"


class VerifyExitStatusTest(SharedLedgerTestCase):
    def test_valid_ledger_exits_0(self):
        r = self.assertOk(run("verify", self.ledger))
        self.assertIn("Result: VALID", r.stdout)

    def test_changed_bytes_exit_1(self):
        copy = self.copy()
        tamper(copy, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '1250.00', '125.00') AS BLOB)"
                     f" WHERE seq = 2 AND tenant_id = {ACME}")
        self.assertEqual(run("verify", copy).returncode, 1)

    def test_deleted_entry_exits_1(self):
        copy = self.copy()
        tamper(copy, f"DELETE FROM entries WHERE seq = 3 AND tenant_id = {ACME}")
        self.assertEqual(run("verify", copy).returncode, 1)

    def test_missing_file_exits_2(self):
        self.assertUsageError(run("verify", self.path("missing.db")), "no ledger file at")

    def test_directory_that_is_no_bundle_exits_2(self):
        # A directory is taken for an export bundle, which needs a verifier key ...
        os.makedirs(self.path("plain"))
        self.assertUsageError(run("verify", self.path("plain")), "--key")
        # ... and a manifest.
        self.assertOk(run("keygen", "--name", "k.example.com", "--out", self.path("k")))
        self.assertUsageError(run("verify", self.path("plain"), "--key", self.path("k.pub")),
                              "no manifest.json", "not an export bundle")

    def test_text_file_exits_2(self):
        path = self.path("notes.txt")
        with open(path, "w") as f:
            f.write("hello\n" * 200)
        self.assertUsageError(run("verify", path), "not an auditchain ledger")

    def test_empty_file_exits_2(self):
        path = self.path("empty.db")
        open(path, "wb").close()
        self.assertUsageError(run("verify", path), "not an auditchain ledger")

    def test_other_sqlite_schema_exits_2(self):
        path = self.path("other.db")
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, body BLOB)")
        db.commit()
        db.close()
        self.assertUsageError(run("verify", path), "not an auditchain ledger")

    def test_unknown_tenant_exits_2(self):
        self.assertUsageError(run("verify", self.ledger, "--tenant", "nobody"), '"nobody"')

    def test_bad_times_exit_2(self):
        self.assertUsageError(run("verify", self.ledger, "--from", "yesterday"), "--from")
        self.assertUsageError(run("verify", self.ledger, "--to", "2026-02-30T00:00:00Z"), "--to")
        self.assertUsageError(run("verify", self.ledger, "--from", "2026-11-02T00:00:00Z",
                                  "--to", "2026-11-01T00:00:00Z"), "--to")

    def test_bad_jobs_exits_2(self):
        self.assertUsageError(run("verify", self.ledger, "--jobs", "-2"), "--jobs")

    def test_jobs(self):
        for jobs in ("0", "1", "3"):
            with self.subTest(jobs=jobs):
                self.assertOk(run("verify", self.ledger, "--jobs", jobs))


class VerifyTextReportTest(SharedLedgerTestCase):
    def test_valid_report(self):
        out = self.assertOk(run("verify", self.ledger)).stdout
        self.assertIn(f"Verifying ledger {self.ledger}", out)
        self.assertIn("Asked for: all entries of 3 tenants (acme, globex, initech)", out)
        self.assertIn("Tenant acme: checked entries 1..5", out)
        self.assertIn("  acme: 5/5 entries valid", out)
        self.assertIn("  globex: 2/2 entries valid", out)
        self.assertIn("  initech: 0/0 entries valid", out)
        self.assertNotIn("PROBLEM", out)

    def test_problems_name_tenant_seq_and_reason(self):
        copy = self.copy()
        tamper(copy, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '1250.00', '125.00') AS BLOB)"
                     f" WHERE seq = 2 AND tenant_id = {ACME}")
        tamper(copy, f"DELETE FROM entries WHERE seq = 4 AND tenant_id = {ACME}")
        r = run("verify", copy, "--tenant", "acme")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Asked for: all entries of 1 tenant (acme)", r.stdout)
        self.assertIn("PROBLEM  tenant acme seq 2: hash_mismatch:", r.stdout)
        self.assertIn("PROBLEM  tenant acme seq 4: gap:", r.stdout)
        # Entry 5 overrides the deleted entry 4: its reference now dangles.
        self.assertIn("PROBLEM  tenant acme seq 5: dangling_reference:", r.stdout)
        self.assertIn("  acme: 2/5 entries valid", r.stdout)
        self.assertIn("Result: INVALID", r.stdout)
        self.assertNotIn("globex", r.stdout)

    def test_quiet_prints_only_problems_and_summaries(self):
        copy = self.copy()
        tamper(copy, f"DELETE FROM entries WHERE seq = 1 AND tenant_id = {ACME}")
        r = run("verify", copy, "--quiet")
        self.assertEqual(r.returncode, 1)
        for line in r.stdout.splitlines():
            self.assertRegex(line, r"^(  PROBLEM  |  \w+: \d+/\d+ entries valid$|Result: )")
        self.assertIn("  acme: 4/5 entries valid", r.stdout)
        quiet_valid = self.assertOk(run("verify", self.ledger, "-q")).stdout.splitlines()
        self.assertEqual(quiet_valid, ["  acme: 5/5 entries valid", "  globex: 2/2 entries valid",
                                       "  initech: 0/0 entries valid", "Result: VALID (7/7 entries valid)"])

    def test_time_range_is_reported_and_bounds_are_inclusive_then_exclusive(self):
        acme = self.receipts["acme"]
        r = self.assertOk(run("verify", self.ledger, "--tenant", "acme", "--from", acme[1]["recorded_at"],
                              "--to", acme[3]["recorded_at"]))
        self.assertIn(f"entries recorded from {acme[1]['recorded_at']} (inclusive) to "
                      f"{acme[3]['recorded_at']} (exclusive)", r.stdout)
        self.assertIn("Tenant acme: checked entries 2..3", r.stdout)
        self.assertIn("  acme: 2/2 entries valid", r.stdout)

    def test_time_with_offset(self):
        r = self.assertOk(run("verify", self.ledger, "--from", "2000-01-01T01:00:00+01:00"))
        self.assertIn("from 2000-01-01T00:00:00.000000Z (inclusive)", r.stdout)

    def test_empty_range(self):
        r = self.assertOk(run("verify", self.ledger, "--tenant", "acme", "--from", "9000-01-01T00:00:00Z"))
        self.assertIn("Tenant acme: no entries in the range", r.stdout)
        self.assertIn("  acme: 0/0 entries valid", r.stdout)

    def test_no_progress_bar_when_stderr_is_not_a_terminal(self):
        self.assertEqual(self.assertOk(run("verify", self.ledger)).stderr, "")


class VerifyJsonTest(SharedLedgerTestCase):
    TOP = {"path": str, "ledger_id": str, "format_version": int, "valid": bool, "entries_checked": int,
           "entries_valid": int, "findings": list, "tenants": list}
    TENANT = {"tenant": str, "from": (str, type(None)), "to": (str, type(None)), "first_seq": int, "last_seq": int,
              "entries_checked": int, "entries_valid": int, "head": str, "valid": bool, "findings_dropped": int,
              "findings": list}
    FINDING = {"kind": str, "kind_code": int, "seq": int, "detail": str}

    def assertShape(self, obj, shape):
        self.assertEqual(set(obj), set(shape))
        for key, kind in shape.items():
            self.assertIsInstance(obj[key], kind, key)
            if kind is int:
                self.assertNotIsInstance(obj[key], bool, key)

    def report(self, *args, status=0):
        r = run("verify", *args, "--json")
        self.assertEqual(r.returncode, status, r.stderr)
        self.assertEqual(len(r.stdout.strip().splitlines()), 1)
        doc = json.loads(r.stdout)
        self.assertShape(doc, self.TOP)
        for tenant in doc["tenants"]:
            self.assertShape(tenant, self.TENANT)
            for finding in tenant["findings"]:
                self.assertShape(finding, self.FINDING)
        for finding in doc["findings"]:
            self.assertShape(finding, self.FINDING)
        return doc

    def test_valid_report(self):
        doc = self.report(self.ledger)
        self.assertIs(doc["valid"], True)
        self.assertEqual(doc["path"], self.ledger)
        self.assertRegex(doc["ledger_id"], HEX32)
        self.assertEqual((doc["entries_checked"], doc["entries_valid"]), (7, 7))
        self.assertEqual(doc["findings"], [])
        self.assertEqual([t["tenant"] for t in doc["tenants"]], ["acme", "globex", "initech"])
        acme = doc["tenants"][0]
        self.assertEqual((acme["first_seq"], acme["last_seq"], acme["entries_checked"], acme["entries_valid"]),
                         (1, 5, 5, 5))
        self.assertEqual(acme["head"], self.receipts["acme"][-1]["hash"])
        self.assertIs(acme["valid"], True)
        self.assertEqual((acme["from"], acme["to"]), (None, None))
        initech = doc["tenants"][2]
        self.assertRegex(initech["head"], HEX64)
        self.assertEqual(initech["entries_checked"], 0)

    def test_tampered_report(self):
        copy = self.copy()
        tamper(copy, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'u:bob', 'u:eve') AS BLOB)"
                     f" WHERE seq = 3 AND tenant_id = {ACME}")
        doc = self.report(copy, "--tenant", "acme", status=1)
        self.assertIs(doc["valid"], False)
        self.assertEqual({f["kind"] for f in doc["findings"]}, {"schema_tampered"})
        acme = doc["tenants"][0]
        self.assertIs(acme["valid"], False)
        self.assertEqual(acme["entries_valid"], 4)
        kinds = {(f["seq"], f["kind"]) for f in acme["findings"]}
        self.assertIn((3, "hash_mismatch"), kinds)
        mismatch = next(f for f in acme["findings"] if f["kind"] == "hash_mismatch")
        self.assertEqual(mismatch["kind_code"], 1)
        self.assertTrue(mismatch["detail"])

    def test_range_in_report(self):
        doc = self.report(self.ledger, "--tenant", "globex", "--from", "2000-01-01T00:00:00Z")
        self.assertEqual(doc["tenants"][0]["from"], "2000-01-01T00:00:00.000000Z")
        self.assertIsNone(doc["tenants"][0]["to"])

    def test_errors_are_not_json(self):
        r = run("verify", self.path("missing.db"), "--json")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertFalse(os.path.exists(self.path("missing.db")))


if __name__ == "__main__":
    unittest.main()
