"""`auditchain export` and `auditchain verify DIR`: exports for auditors."""

import csv
import hashlib
import io
import json
import os
import shutil
import unittest

from clitest import CliTestCase, file_digest, run


class ExportFixture(CliTestCase):
    """A ledger with varied entries in tenant acme, and one in globex."""

    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=("acme", "globex"))
        self.append(self.ledger, "acme", "u:alice", "auth.login", "--ip", "203.0.113.7")
        self.append(self.ledger, "acme", "u:alice", "invoice.create", "--target-type", "invoice", "--target-id",
                    "INV-1", "--amount", "1250.00", "--currency", "EUR", "--session", "=SUM(A1:A9)")
        self.append(self.ledger, "acme", "u:bob", "invoice.update", "--target-type", "invoice", "--target-id",
                    "INV-1", "--amount", "-0.10", "--currency", "EUR", "--high-risk", "--session", "+1 call me",
                    "--idempotency-key=-dash")
        self.append(self.ledger, "acme", "u:bob", "payment.approve", "--amount", "19.99", "--currency", "USD",
                    "--sensitive", "--session", "@bob", "--on-behalf-of=-2", "--idempotency-key", "'quoted")
        event = {"action": "invoice.classify", "actor": {"id": "agent:ocr", "kind": "ai_agent"},
                 "ai": {"model": "ocr-7", "confidence": "0.42"}, "target": {"type": "invoice", "id": "INV-1"}}
        self.assertOk(run("append", self.ledger, "--tenant", "acme", "--event", "-", stdin=json.dumps(event)))
        event["ai"]["confidence"] = "0.97"
        self.assertOk(run("append", self.ledger, "--tenant", "acme", "--event", "-", stdin=json.dumps(event)))
        self.append(self.ledger, "globex", "u:carol", "auth.login")

    def entries(self, tenant="acme"):
        return self.log_lines(self.ledger, tenant)

    def export(self, *args):
        return run("export", self.ledger, "--tenant", "acme", *args)


class ExportTest(ExportFixture):
    def test_jsonl_lines_are_the_stored_bytes(self):
        before = self.entries()
        result = self.assertOk(self.export("--format", "jsonl"))
        self.assertEqual(result.stdout.splitlines(), before)
        self.assertEqual(result.stderr, "")

    def test_json_is_an_array_of_the_same_entries(self):
        before = self.entries()
        result = self.assertOk(self.export("--format", "json"))
        self.assertEqual(json.loads(result.stdout), [json.loads(line) for line in before])

    def test_csv_has_a_header_and_a_row_per_entry(self):
        before = self.entries()
        result = self.assertOk(self.export("--format", "csv", "--out", self.path("acme.csv")))
        with open(self.path("acme.csv"), "rb") as f:
            raw = f.read()
        self.assertIn(b"\r\n", raw)  # RFC 4180 line ends
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        header, body = rows[0], rows[1:]
        self.assertEqual(len(body), len(before))
        for column in ("seq", "recorded_at", "action", "actor_id", "amount", "currency", "hash"):
            self.assertIn(column, header)
        seq = header.index("seq")
        self.assertEqual([r[seq] for r in body], [str(json.loads(l)["seq"]) for l in before])
        self.assertIn("Exported 6 entries (seq 1..6) of tenant acme", result.stdout)

    def test_csv_cells_a_spreadsheet_would_run_are_neutralised(self):
        self.assertOk(self.export("--format", "csv", "--out", self.path("acme.csv")))
        with open(self.path("acme.csv"), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        amount = header.index("amount")
        # A negative amount is a number, not a formula: left as it is.
        self.assertIn("-0.1", [row[amount] for row in rows[1:]])
        cells = [cell for row in rows[1:] for i, cell in enumerate(row) if i != amount]
        for cell in cells:
            self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t", "\r"), f"formula cell {cell!r}")
        for value in ("=SUM(A1:A9)", "+1 call me", "@bob", "-2", "-dash", "'quoted"):
            self.assertIn("'" + value, cells)

    def test_filters(self):
        def seqs(*args):
            out = self.assertOk(self.export("--format", "jsonl", *args)).stdout.splitlines()
            return [json.loads(line)["seq"] for line in out]

        self.assertEqual(seqs("--action", "invoice."), [2, 3, 5, 6])
        self.assertEqual(seqs("--seq-from", "2", "--seq-to", "3"), [2, 3])
        self.assertEqual(seqs("--actor", "u:bob"), [3, 4])
        self.assertEqual(seqs("--target-type", "invoice"), [2, 3, 5, 6])
        self.assertEqual(seqs("--flag", "high_risk"), [3])
        self.assertEqual(seqs("--flag", "sensitive"), [4])
        self.assertEqual(seqs("--ai-below", "0.5"), [5])
        self.assertEqual(seqs("--ai-below", "1"), [5, 6])
        self.assertEqual(seqs("--from", "2000-01-01T00:00:00Z", "--to", "2000-01-02T00:00:00Z"), [])

    def test_each_export_is_recorded_in_the_chain(self):
        result = self.assertOk(self.export("--format", "csv", "--action", "invoice.", "--by", "u:auditor",
                                           "--out", self.path("inv.csv"), "--json"))
        summary = json.loads(result.stdout)
        self.assertEqual(summary["entries"], 4)
        self.assertEqual(summary["totals"], {"EUR": "1249.9"})
        # The digest of the entries' hashes, recomputed from the stored bytes.
        lines = [l for l in self.entries() if json.loads(l)["action"].startswith("invoice.")]
        hashes = b"".join(hashlib.sha256(l.encode("utf-8")).digest() for l in lines)
        self.assertEqual(summary["entries_digest"], hashlib.sha256(hashes).hexdigest())
        self.assertIsNone(summary["sha256"])
        record = json.loads(self.entries()[-1])
        self.assertEqual(record["action"], "data.export")
        self.assertEqual(record["actor"]["id"], "u:auditor")
        self.assertEqual(record["seq"], summary["recorded_as"]["seq"])
        metadata = json.dumps(record.get("metadata", {}))
        self.assertIn(summary["entries_digest"], metadata)
        self.assertIn("invoice.", metadata)
        self.assertOk(run("verify", self.ledger, "--quiet"))


class ExportRefusalTest(ExportFixture):
    def assertNothingWritten(self, before, result, *fragments):
        self.assertUsageError(result, *fragments)
        self.assertEqual(self.entries(), before)
        self.assertFalse(os.path.exists(self.path("out.csv")))

    def test_bad_input_writes_nothing(self):
        before = self.entries()
        cases = [
            (["--out", self.path("out.csv")], "--format"),
            (["--format", "xml", "--out", self.path("out.csv")], "--format"),
            (["--format", "csv", "--seq-from", "5", "--seq-to", "2", "--out", self.path("out.csv")], "--seq-to"),
            (["--format", "csv", "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-01T00:00:00Z",
              "--out", self.path("out.csv")], "--to"),
            (["--format", "csv", "--ai-below", "1.5", "--out", self.path("out.csv")], "--ai-below"),
            (["--format", "csv", "--ai-below", "high", "--out", self.path("out.csv")], "--ai-below"),
            (["--format", "jsonl", "--decrypt", "--out", self.path("out.csv")], "--decrypt"),
            (["--format", "csv", "--key", self.path("none.key"), "--out", self.path("out.csv")], "--key"),
            (["--format", "csv", "--bundle", self.path("b"), "--out", self.path("out.csv")], "--"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                self.assertNothingWritten(before, self.export(*args), fragment)

    def test_unknown_tenant_and_missing_ledger(self):
        before = self.entries()
        result = run("export", self.ledger, "--tenant", "nobody", "--format", "csv", "--out", self.path("out.csv"))
        self.assertNothingWritten(before, result, "nobody")
        result = run("export", self.path("missing.db"), "--tenant", "acme", "--format", "csv")
        self.assertUsageError(result, "missing.db")
        self.assertFalse(os.path.exists(self.path("missing.db")))

    def test_bundle_into_a_directory_that_is_not_empty(self):
        os.makedirs(self.path("b"))
        with open(self.path("b/keep.txt"), "w") as f:
            f.write("mine")
        before = self.entries()
        self.assertNothingWritten(before, self.export("--bundle", self.path("b")), "b")
        self.assertEqual(os.listdir(self.path("b")), ["keep.txt"])


class BundleTest(ExportFixture):
    def setUp(self):
        super().setUp()
        self.assertOk(run("keygen", "--name", "audit.example.com", "--out", self.path("audit")))
        self.assertOk(run("keygen", "--name", "other.example.com", "--out", self.path("other")))
        self.bundle = self.path("bundle")
        result = self.assertOk(self.export("--bundle", self.bundle, "--key", self.path("audit.key"), "--json"))
        self.summary = json.loads(result.stdout)

    def verify(self, directory=None, key="audit.pub", *extra):
        return run("verify", directory or self.bundle, "--key", self.path(key), *extra)

    def copy(self):
        target = self.path("copy")
        shutil.copytree(self.bundle, target)
        return target

    def manifest(self, directory):
        with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
            return json.load(f)

    def rewrite(self, directory, name, edit):
        path = os.path.join(directory, name)
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(edit(text))

    def assertInvalid(self, result, *kinds):
        self.assertEqual(result.returncode, 1, f"stdout: {result.stdout!r}; stderr: {result.stderr!r}")
        self.assertIn("Result: INVALID", result.stdout)
        for kind in kinds:
            self.assertIn(kind, result.stdout)

    def test_files_and_a_clean_verification(self):
        self.assertEqual(sorted(os.listdir(self.bundle)), ["README.txt", "entries.csv", "entries.jsonl",
                                                           "manifest.json"])
        with open(os.path.join(self.bundle, "entries.jsonl"), encoding="utf-8") as f:
            self.assertEqual(f.read().splitlines(), self.entries()[:6])
        manifest = self.manifest(self.bundle)
        self.assertEqual(len(manifest["proofs"]), 6)
        self.assertEqual(self.summary["sha256"], file_digest(os.path.join(self.bundle, "manifest.json")))
        result = self.assertOk(self.verify())
        self.assertIn("Result: VALID (6/6 entries", result.stdout)
        report = json.loads(self.assertOk(self.verify(None, "audit.pub", "--json")).stdout)
        self.assertTrue(report["valid"])
        self.assertEqual(report["findings"], [])

    def test_an_edited_line_is_detected(self):
        copy = self.copy()
        self.rewrite(copy, "entries.jsonl", lambda t: t.replace('"u:bob"', '"u:eve"', 1))
        self.assertInvalid(self.verify(copy))

    def test_a_dropped_line_is_detected(self):
        copy = self.copy()
        self.rewrite(copy, "entries.jsonl", lambda t: "".join(t.splitlines(True)[:2] + t.splitlines(True)[3:]))
        self.assertInvalid(self.verify(copy))

    def test_an_edited_csv_is_detected(self):
        copy = self.copy()
        self.rewrite(copy, "entries.csv", lambda t: t.replace("1250", "125", 1))
        self.assertInvalid(self.verify(copy))

    def test_edited_totals_are_detected(self):
        copy = self.copy()
        manifest = self.manifest(copy)
        text = json.dumps(manifest)
        self.assertIn('"1249.9"', text)
        self.rewrite(copy, "manifest.json", lambda t: t.replace('"1249.9"', '"1349.9"'))
        self.assertInvalid(self.verify(copy))

    def test_a_swapped_checkpoint_is_detected(self):
        # A checkpoint of the same tenant signed by another key.
        other = self.path("other-bundle")
        self.assertOk(self.export("--bundle", other, "--key", self.path("other.key")))
        copy = self.copy()
        theirs = self.manifest(other)["checkpoint"]
        manifest = self.manifest(copy)
        mine = manifest["checkpoint"]
        manifest["checkpoint"] = theirs
        self.rewrite(copy, "manifest.json", lambda t: json.dumps(manifest, ensure_ascii=False))
        self.assertNotEqual(self.manifest(copy)["checkpoint"], mine)
        self.assertInvalid(self.verify(copy))

    def test_the_wrong_key_is_not_trusted(self):
        self.assertInvalid(self.verify(None, "other.pub"))

    def test_malformed_manifest_and_missing_file(self):
        copy = self.copy()
        self.rewrite(copy, "manifest.json", lambda t: t[: len(t) // 2])
        self.assertInvalid(self.verify(copy))
        copy2 = self.path("copy2")
        shutil.copytree(self.bundle, copy2)
        os.remove(os.path.join(copy2, "entries.csv"))
        self.assertInvalid(self.verify(copy2))

    def test_usage_errors(self):
        self.assertUsageError(run("verify", self.bundle), "--key")
        self.assertUsageError(run("verify", self.bundle, "--key", self.path("audit.pub"), "--tenant", "acme"),
                              "--tenant")
        self.assertUsageError(run("verify", self.bundle, "--key", self.path("audit.pub"), "--from",
                                  "2026-01-01T00:00:00Z"), "--from")


if __name__ == "__main__":
    unittest.main()
