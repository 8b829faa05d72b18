"""auditchain log, show, tenants and info."""

import hashlib
import json
import unittest

from clitest import HEX32, HEX64, TIME, SharedLedgerTestCase, run, tamper


class LogTest(SharedLedgerTestCase):
    def seqs(self, *args):
        return [json.loads(line)["seq"] for line in self.log_lines(self.ledger, "acme", *args)]

    def test_text_listing(self):
        lines = self.assertOk(run("log", self.ledger, "--tenant", "acme")).stdout.splitlines()
        self.assertEqual(len(lines), 5)
        for seq, (line, receipt) in enumerate(zip(lines, self.receipts["acme"]), start=1):
            self.assertRegex(line, rf"^\s*{seq}  {receipt['recorded_at']}  ")
        self.assertIn("u:alice  auth.login", lines[0])
        self.assertIn("invoice/INV-1  1250 EUR", lines[1])
        self.assertIn("u:support-dan (on behalf of u:bob)  customer.update  customer/CUST-118", lines[2])
        self.assertIn("[high_risk,sensitive]", lines[2])
        self.assertIn("AI classifier confidence 0.87", lines[3])
        self.assertIn("overrides 4", lines[4])

    def test_json_lines_are_the_entries_show_reports(self):
        lines = self.log_lines(self.ledger, "acme")
        self.assertEqual(len(lines), 5)
        for seq, line in enumerate(lines, start=1):
            shown = self.json_of(run("show", self.ledger, "--tenant", "acme", "--seq", seq, "--json"))
            self.assertEqual(json.loads(line), shown["entry"])
            raw = self.assertOk(run("show", self.ledger, "--tenant", "acme", "--seq", seq, "--raw")).stdout
            self.assertEqual(line, raw)
            self.assertEqual(hashlib.sha256(raw.encode()).hexdigest(), shown["hash"])

    def test_filters(self):
        acme = self.receipts["acme"]
        self.assertEqual(self.seqs("--action", "expense."), [4, 5])
        self.assertEqual(self.seqs("--actor", "u:alice"), [1, 2, 5])
        self.assertEqual(self.seqs("--target-type", "expense", "--target-id", "EXP-9"), [4, 5])
        self.assertEqual(self.seqs("--target-id", "INV-1"), [2])
        self.assertEqual(self.seqs("--flag", "high_risk"), [3, 5])
        self.assertEqual(self.seqs("--flag", "high_risk", "--flag", "sensitive"), [3])
        self.assertEqual(self.seqs("--seq-from", "2", "--seq-to", "4"), [2, 3, 4])
        self.assertEqual(self.seqs("--limit", "2"), [1, 2])
        self.assertEqual(self.seqs("--actor", "u:alice", "--limit", "2", "--seq-from", "2"), [2, 5])
        self.assertEqual(self.seqs("--from", acme[1]["recorded_at"], "--to", acme[3]["recorded_at"]), [2, 3])
        self.assertEqual(self.seqs("--actor", "nobody"), [])

    def test_nothing_matches(self):
        out = self.assertOk(run("log", self.ledger, "--tenant", "acme", "--actor", "nobody")).stdout
        self.assertEqual(out, "(no matching entries)\n")
        self.assertEqual(self.log_lines(self.ledger, "initech"), [])

    def test_bad_input(self):
        self.assertUsageError(run("log", self.ledger, "--tenant", "nobody"), '"nobody"')
        self.assertUsageError(run("log", self.ledger), "--tenant")
        self.assertUsageError(run("log", self.ledger, "--tenant", "acme", "--from", "2026-11-01"), "--from")
        self.assertUsageError(run("log", self.ledger, "--tenant", "acme", "--flag", "urgent"), "--flag")
        self.assertUsageError(run("log", self.ledger, "--tenant", "acme", "--limit", "ten"), "--limit")
        self.assertUsageError(run("log", self.ledger, "--tenant", "acme", "--seq-from", "0"), "--seq-from")


class ShowTest(SharedLedgerTestCase):
    def test_text_shows_every_field_hash_and_link(self):
        r = self.assertOk(run("show", self.ledger, "--tenant", "acme", "--seq", "3"))
        receipts = self.receipts["acme"]
        for expected in ["tenant", "acme", "seq", "recorded_at", receipts[2]["recorded_at"], "action",
                         "customer.update", "actor.id", "u:support-dan", "actor.kind", "user",
                         "actor.on_behalf_of", "u:bob", "target.type", "customer", "target.id", "CUST-118",
                         "before", '{"iban":"4410"}', "after", '{"iban":"9921"}', "flags", "high_risk, sensitive",
                         "Canonical bytes", '  "tenant": "acme"']:
            self.assertIn(expected, r.stdout)
        self.assertRegex(r.stdout, rf"\n  hash +{receipts[2]['hash']}  \(the stored bytes hash to it\)\n")
        self.assertRegex(r.stdout, rf"\n  prev +{receipts[1]['hash']}  \(the hash of entry 2\)\n")
        first = self.assertOk(run("show", self.ledger, "--tenant", "acme", "--seq", "1")).stdout
        self.assertIn("(the tenant's genesis value)", first)
        self.assertIn("metadata.method", first)
        self.assertIn("actor.ip", first)

    def test_json(self):
        doc = self.json_of(run("show", self.ledger, "--tenant", "acme", "--seq", "4", "--json"))
        self.assertEqual(list(doc), ["tenant", "seq", "recorded_at", "hash", "prev", "bytes_match_hash", "entry",
                               "protected_values"])
        self.assertEqual(doc["protected_values"], [])
        self.assertIs(doc["bytes_match_hash"], True)
        receipt = self.receipts["acme"][3]
        self.assertEqual((doc["tenant"], doc["seq"], doc["recorded_at"], doc["hash"]),
                         ("acme", 4, receipt["recorded_at"], receipt["hash"]))
        self.assertEqual(doc["prev"], self.receipts["acme"][2]["hash"])
        self.assertEqual(doc["entry"]["prev"], doc["prev"])
        self.assertEqual(doc["entry"]["ai"]["confidence"], "0.87")

    def test_changed_bytes_are_pointed_out(self):
        copy = self.copy()
        tamper(copy, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'u:bob', 'u:eve') AS BLOB)"
                     " WHERE seq = 3 AND tenant_id = (SELECT id FROM tenants WHERE name = 'acme')")
        r = self.assertOk(run("show", copy, "--tenant", "acme", "--seq", "3"))
        changed = hashlib.sha256(
            self.assertOk(run("show", copy, "--tenant", "acme", "--seq", "3", "--raw")).stdout.encode()).hexdigest()
        self.assertIn(f"{self.receipts['acme'][2]['hash']}  (MISMATCH: the stored bytes hash to {changed}: "
                      "they were changed)", r.stdout)
        self.assertIn("u:eve", r.stdout)
        doc = self.json_of(run("show", copy, "--tenant", "acme", "--seq", "3", "--json"))
        self.assertIs(doc["bytes_match_hash"], False)
        self.assertIs(self.json_of(run("show", copy, "--tenant", "acme", "--seq", "2", "--json"))["bytes_match_hash"],
                      True)

    def test_raw_is_exactly_the_hashed_bytes(self):
        raw = self.assertOk(run("show", self.ledger, "--tenant", "globex", "--seq", "2", "--raw")).stdout
        self.assertFalse(raw.endswith("\n"))
        self.assertEqual(hashlib.sha256(raw.encode()).hexdigest(), self.receipts["globex"][1]["hash"])

    def test_bad_input(self):
        self.assertUsageError(run("show", self.ledger, "--tenant", "acme", "--seq", "6"), "no entry 6")
        self.assertUsageError(run("show", self.ledger, "--tenant", "initech", "--seq", "1"), "no entry 1")
        self.assertUsageError(run("show", self.ledger, "--tenant", "nobody", "--seq", "1"), '"nobody"')
        self.assertUsageError(run("show", self.ledger, "--tenant", "acme"), "--seq")
        self.assertUsageError(run("show", self.ledger, "--tenant", "acme", "--seq", "1", "--json", "--raw"),
                              "--raw")


class TenantsInfoTest(SharedLedgerTestCase):
    def test_tenants(self):
        out = self.assertOk(run("tenants", self.ledger)).stdout
        self.assertEqual(out, "acme\nglobex\ninitech\n")

    def test_info_json(self):
        doc = self.json_of(run("info", self.ledger, "--json"))
        self.assertEqual(list(doc), ["path", "ledger_id", "format_version", "tenants"])
        self.assertEqual(doc["path"], self.ledger)
        self.assertRegex(doc["ledger_id"], HEX32)
        self.assertIsInstance(doc["format_version"], int)
        self.assertEqual([t["name"] for t in doc["tenants"]], ["acme", "globex", "initech"])
        for t in doc["tenants"]:
            self.assertEqual(list(t), ["name", "entries", "head_hash", "head_recorded_at"])
            self.assertRegex(t["head_hash"], HEX64)
        acme, globex, initech = doc["tenants"]
        self.assertEqual((acme["entries"], globex["entries"], initech["entries"]), (5, 2, 0))
        self.assertEqual(acme["head_hash"], self.receipts["acme"][-1]["hash"])
        self.assertEqual(acme["head_recorded_at"], self.receipts["acme"][-1]["recorded_at"])
        self.assertRegex(globex["head_recorded_at"], TIME)
        self.assertIsNone(initech["head_recorded_at"])
        verified = self.json_of(run("verify", self.ledger, "--json"))
        self.assertEqual(verified["ledger_id"], doc["ledger_id"])
        self.assertEqual(initech["head_hash"], verified["tenants"][2]["head"])

    def test_info_text(self):
        doc = self.json_of(run("info", self.ledger, "--json"))
        out = self.assertOk(run("info", self.ledger)).stdout
        self.assertIn(f"Ledger id:      {doc['ledger_id']}", out)
        self.assertIn(f"Format version: {doc['format_version']}", out)
        self.assertIn(f"  acme: 5 entries, last recorded {self.receipts['acme'][-1]['recorded_at']}", out)
        self.assertIn("  initech: 0 entries", out)

    def test_not_a_ledger(self):
        path = self.path("notes.txt")
        with open(path, "w") as f:
            f.write("hello\n" * 200)
        for command in ("tenants", "info"):
            with self.subTest(command=command):
                self.assertUsageError(run(command, path), "not an auditchain ledger")


if __name__ == "__main__":
    unittest.main()
