"""Exports (CSV, JSON Lines, JSON) and self-verifying bundles."""

import csv
import hashlib
import json
import os
import unittest
from decimal import Decimal

import auditchain
from support import LedgerTestCase, is_hex


class ExportTestCase(LedgerTestCase):

    def setUp(self):
        super().setUp()
        self.acme.append(action="auth.login", actor="u:alice")
        self.acme.append(action="invoice.create", actor="u:alice", target_type="invoice", target_id="INV-1",
                         amount=Decimal("1250.00"), currency="EUR")
        self.acme.append(action="invoice.update", actor="u:bob", target_type="invoice", target_id="INV-1",
                         amount="100.25", currency="EUR", sensitive=True)
        self.acme.append(action="payment.approve", actor="u:bob", amount="98000", currency="USD", high_risk=True)


class ExportTest(ExportTestCase):

    def test_jsonl_holds_each_entry_as_hashed_and_the_export_is_recorded(self):
        summary = self.acme.export(self.path("all.jsonl"), "jsonl", exported_by="u:auditor")
        self.assertIsInstance(summary, auditchain.ExportSummary)
        self.assertEqual((summary.entries, summary.first_seq, summary.last_seq), (4, 1, 4))
        with open(self.path("all.jsonl"), "rb") as f:
            lines = f.read().split(b"\n")
        self.assertEqual(lines[-1], b"")
        hashes = [hashlib.sha256(line).hexdigest() for line in lines[:-1]]
        self.assertEqual(hashes, [self.acme.read(s).hash for s in range(1, 5)])
        digest = hashlib.sha256(b"".join(bytes.fromhex(h) for h in hashes)).hexdigest()
        self.assertEqual(summary.entries_digest, digest)
        self.assertIsNone(summary.sha256)
        record = self.acme.read(summary.record.seq)
        self.assertEqual((record.action, record.actor), ("data.export", "u:auditor"))
        self.assertEqual(record.metadata["format"], "jsonl")
        self.assertEqual(record.metadata["entries_digest"], digest)

    def test_per_action_counts_and_exact_totals(self):
        summary = self.acme.export(self.path("inv.csv"), exported_by="u:auditor", action_prefix="invoice.")
        self.assertEqual(summary.per_action, {"invoice.create": 1, "invoice.update": 1})
        self.assertEqual(summary.totals, {"EUR": Decimal("1350.25")})
        self.assertIsInstance(summary.totals["EUR"], Decimal)

    def test_csv_has_a_header_and_one_row_per_entry(self):
        self.acme.export(self.path("all.csv"), "csv", exported_by=auditchain.Actor("svc:export", "service"))
        with open(self.path("all.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["seq"] for r in rows], ["1", "2", "3", "4"])
        self.assertEqual(rows[1]["amount"], "1250")
        self.assertEqual(rows[2]["sensitive"], "true")
        record = self.acme.read(self.acme.head().seq)
        self.assertEqual((record.actor, record.actor_kind), ("svc:export", "service"))

    def test_json_is_an_array_of_the_entries(self):
        self.acme.export(self.path("all.json"), "json", exported_by="u:auditor", seq_from=2, seq_to=3)
        with open(self.path("all.json"), encoding="utf-8") as f:
            self.assertEqual([e["seq"] for e in json.load(f)], [2, 3])

    def test_filters_select_what_is_exported(self):
        cases = [(dict(actor="u:bob"), [3, 4]), (dict(sensitive=True), [3]), (dict(high_risk=True), [4]),
                 (dict(target_type="invoice"), [2, 3]), (dict(seq_to=1), [1])]
        for i, (filters, seqs) in enumerate(cases):
            summary = self.acme.export(self.path(f"f{i}.jsonl"), "jsonl", exported_by="u:auditor", **filters)
            with open(self.path(f"f{i}.jsonl"), encoding="utf-8") as f:
                self.assertEqual([json.loads(line)["seq"] for line in f], seqs, filters)
            self.assertEqual(summary.entries, len(seqs))

    def test_ai_below_selects_low_confidence_decisions(self):
        self.acme.append(action="ai.decide", actor="ai:m", actor_kind="ai_agent", ai_model="m", confidence="0.4")
        self.acme.append(action="ai.decide", actor="ai:m", actor_kind="ai_agent", ai_model="m", confidence="0.9")
        summary = self.acme.export(self.path("low.jsonl"), "jsonl", exported_by="u:a", ai_below=Decimal("0.5"))
        self.assertEqual(summary.entries, 1)
        with self.assertRaises(TypeError):
            self.acme.export(self.path("x.jsonl"), "jsonl", exported_by="u:a", ai_below=0.5)

    def test_refused_exports_write_nothing(self):
        head = self.acme.head().seq
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.export(self.path("x.xml"), "xml", exported_by="u:a")
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.export(self.path("x.jsonl"), "jsonl", exported_by="u:a", decrypt=True)
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.export(self.path("x.jsonl"), "jsonl", exported_by="u:a", seq_from=3, seq_to=2)
        with self.assertRaises(TypeError):
            self.acme.export(self.path("x.jsonl"), "jsonl", exported_by=None)
        self.assertEqual(self.acme.head().seq, head)
        self.assertFalse(os.path.exists(self.path("x.jsonl")))


class BundleTest(ExportTestCase):

    def setUp(self):
        super().setUp()
        self.signer, self.verifier = auditchain.keygen("audit.example")

    def test_a_bundle_verifies_offline_with_the_key(self):
        bundle = self.path("bundle")
        summary = self.acme.export_bundle(bundle, exported_by="u:auditor", signer=self.signer)
        self.assertEqual(summary.entries, 4)
        self.assertTrue(is_hex(summary.sha256, 64))
        self.assertEqual(summary.checkpoint.tree_size, 4)
        self.assertIn("manifest.json", summary.files)
        with open(os.path.join(bundle, "manifest.json"), "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), summary.sha256)
        report = auditchain.verify_bundle(bundle, [self.verifier])
        self.assertIsInstance(report, auditchain.BundleReport)
        self.assertTrue(report.valid, report.findings)
        self.assertEqual((report.ledger, report.tenant), (self.ledger.id, "acme"))
        self.assertEqual((report.entries, report.entries_valid), (4, 4))
        self.assertEqual(report.manifest_sha256, summary.sha256)
        self.assertEqual(report.checkpoint_size, 4)
        self.assertTrue(report.contiguous)
        self.assertEqual(self.acme.read(summary.record.seq).metadata["sha256"], summary.sha256)

    def test_a_changed_bundle_file_is_a_finding(self):
        bundle = self.path("bundle")
        self.acme.export_bundle(bundle, exported_by="u:auditor", signer=self.signer)
        with open(os.path.join(bundle, "entries.csv"), "ab") as f:
            f.write(b"5,forged\r\n")
        report = auditchain.verify_bundle(bundle, self.verifier)
        self.assertFalse(report.valid)
        self.assertTrue(all(isinstance(f, auditchain.BundleFinding) for f in report.findings))
        self.assertIn(("entries.csv", "file_hash_mismatch"), {(f.file, f.kind) for f in report.findings})

    def test_a_bundle_checked_with_another_key_is_not_valid(self):
        bundle = self.path("bundle")
        self.acme.export_bundle(bundle, exported_by="u:auditor", signer=self.signer)
        _, other = auditchain.keygen("audit.example")
        report = auditchain.verify_bundle(bundle, [other])
        self.assertFalse(report.valid)
        self.assertIn("bad_checkpoint", {f.kind for f in report.findings})

    def test_without_a_signer_the_newest_stored_checkpoint_is_used(self):
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.export_bundle(self.path("b0"), exported_by="u:a")
        self.acme.checkpoint(self.signer)
        summary = self.acme.export_bundle(self.path("b1"), exported_by="u:a", action_prefix="invoice.")
        self.assertEqual(summary.checkpoint.tree_size, 4)
        self.assertEqual(summary.entries, 2)
        self.assertTrue(auditchain.verify_bundle(self.path("b1"), [self.verifier]).valid)

    def test_verify_bundle_of_a_directory_without_a_manifest_is_not_found(self):
        os.mkdir(self.path("empty"))
        with self.assertRaises(auditchain.NotFound):
            auditchain.verify_bundle(self.path("empty"), [self.verifier])
        with self.assertRaises(auditchain.InvalidArgument):
            auditchain.verify_bundle(self.path("empty"), [])


if __name__ == "__main__":
    unittest.main()
