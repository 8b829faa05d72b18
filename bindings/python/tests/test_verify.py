"""Verification: intact ledgers, and ledgers tampered with as an attacker with the file would."""

import datetime as dt
import shutil
import sqlite3
import unittest

import auditchain
from support import TempDirTestCase, is_hex, tamper


class VerifyTestCase(TempDirTestCase):
    """A closed ledger file with tenants acme (5 entries) and globex (2)."""

    def setUp(self):
        super().setUp()
        self.ledger_path = self.path("audit.ledger")
        with auditchain.open(self.ledger_path, durability="off") as ledger:
            acme = ledger.tenant("acme", create=True)
            globex = ledger.tenant("globex", create=True)
            for i in range(1, 6):
                acme.append(action="invoice.update", actor="u:alice", target_type="invoice",
                            target_id=f"INV-{i}", after={"total": f"{i}00.00"})
            globex.append_batch([dict(action="auth.login", actor="u:hiro")] * 2)


class VerifyTest(VerifyTestCase):

    def test_an_intact_ledger_is_valid(self):
        report = auditchain.verify(self.ledger_path)
        self.assertIsInstance(report, auditchain.Report)
        self.assertTrue(report.valid)
        self.assertEqual(report.findings, [])
        self.assertEqual((report.entries_checked, report.entries_valid), (7, 7))
        self.assertTrue(is_hex(report.ledger_id, 32))
        self.assertEqual(report.format_version, 1)
        self.assertEqual([t.tenant for t in report.tenants], ["acme", "globex"])
        acme = report.tenant("acme")
        self.assertEqual((acme.valid, acme.first_seq, acme.last_seq, acme.entries_checked), (True, 1, 5, 5))
        with auditchain.open(self.ledger_path) as ledger:
            self.assertEqual(acme.head, ledger.tenant("acme").head().hash)
            self.assertEqual(ledger.verify().valid, True)
        with self.assertRaises(KeyError):
            report.tenant("initech")

    def test_any_number_of_hashing_threads_gives_the_same_report(self):
        one = auditchain.verify(self.ledger_path, jobs=1)
        four = auditchain.verify(self.ledger_path, jobs=4)
        self.assertEqual((one.valid, one.entries_checked, one.tenants), (four.valid, four.entries_checked, four.tenants))

    def test_tenants_limit_what_is_checked(self):
        report = auditchain.verify(self.ledger_path, tenants=["globex"])
        self.assertEqual([t.tenant for t in report.tenants], ["globex"])
        self.assertEqual(report.entries_checked, 2)
        with auditchain.open(self.ledger_path) as ledger:
            tenant_report = ledger.tenant("acme").verify()
        self.assertEqual([t.tenant for t in tenant_report.tenants], ["acme"])

    def test_a_time_range_checks_only_the_entries_recorded_in_it(self):
        with auditchain.open(self.ledger_path) as ledger:
            third = ledger.tenant("acme").read(3).recorded_at
        report = auditchain.verify(self.ledger_path, tenants=["acme"], from_=third)
        acme = report.tenant("acme")
        self.assertTrue(report.valid)
        self.assertEqual(acme.from_, third)
        self.assertIsNone(acme.to)
        self.assertLessEqual(acme.entries_checked, 3)
        self.assertEqual(acme.last_seq, 5)

    def test_an_unknown_tenant_or_a_missing_file_cannot_be_verified(self):
        with self.assertRaises(auditchain.NotFound):
            auditchain.verify(self.ledger_path, tenants=["initech"])
        with self.assertRaises(auditchain.NotFound):
            auditchain.verify(self.path("missing.ledger"))

    def test_changed_bytes_are_a_hash_mismatch(self):
        tamper(self.ledger_path, "UPDATE entries SET body = CAST(replace(body, '300.00', '999.00') AS BLOB) "
               "WHERE seq = 3 AND tenant_id = (SELECT id FROM tenants WHERE name = 'acme')")
        report = auditchain.verify(self.ledger_path)
        self.assertFalse(report.valid)
        kinds = {(f.tenant, f.seq, f.kind) for f in report.findings}
        self.assertIn(("acme", 3, "hash_mismatch"), kinds)
        self.assertTrue(report.tenant("globex").valid)
        self.assertFalse(report.tenant("acme").valid)
        finding = next(f for f in report.findings if f.kind == "hash_mismatch")
        self.assertEqual(finding.kind_code, 1)
        self.assertTrue(finding.detail)

    def test_a_deleted_entry_is_a_gap(self):
        tamper(self.ledger_path, "DELETE FROM entries WHERE seq = 2 AND "
               "tenant_id = (SELECT id FROM tenants WHERE name = 'acme')")
        report = auditchain.verify(self.ledger_path, tenants=["acme"])
        self.assertFalse(report.valid)
        self.assertIn(("acme", 2, "gap"), {(f.tenant, f.seq, f.kind) for f in report.findings})

    def test_dropped_triggers_are_a_finding_about_the_whole_file(self):
        tamper(self.ledger_path, "SELECT 1")
        report = auditchain.verify(self.ledger_path)
        self.assertFalse(report.valid)
        schema = [f for f in report.findings if f.kind == "schema_tampered"]
        self.assertTrue(schema)
        self.assertIsNone(schema[0].tenant)
        self.assertEqual(schema[0].seq, 0)

    def test_a_file_replaced_by_an_older_copy_is_caught_by_a_checkpoint_kept_outside(self):
        signer, verifier = auditchain.keygen("audit.example")
        older = self.path("older.ledger")
        shutil.copyfile(self.ledger_path, older)
        with auditchain.open(self.ledger_path) as ledger:
            acme = ledger.tenant("acme")
            acme.append(action="late", actor="u:a")
            checkpoint = acme.checkpoint(signer)
        report = auditchain.verify(older, checkpoints=[checkpoint], keys=[verifier])
        self.assertFalse(report.valid)
        self.assertIn("truncated", {f.kind for f in report.findings})
        self.assertTrue(auditchain.verify(self.ledger_path, checkpoints=checkpoint.note, keys=verifier).valid)

    def test_max_findings_per_tenant_counts_the_rest(self):
        db = sqlite3.connect(self.ledger_path)
        db.executescript("DROP TRIGGER IF EXISTS entries_no_update;"
                         "UPDATE entries SET body = CAST(replace(body, 'alice', 'mallory') AS BLOB);")
        db.commit()
        db.close()
        report = auditchain.verify(self.ledger_path, tenants=["acme"], max_findings_per_tenant=2)
        acme = report.tenant("acme")
        self.assertEqual(len(acme.findings), 2)
        self.assertGreater(acme.findings_dropped, 0)

    def test_bad_verify_options_are_refused(self):
        with self.assertRaises(ValueError):
            auditchain.verify(self.ledger_path, from_=dt.datetime(2026, 1, 1))
        with self.assertRaises(TypeError):
            auditchain.verify(self.ledger_path, tenants=[1])
        with self.assertRaises(auditchain.InvalidArgument):
            auditchain.verify(self.ledger_path, keys=["not a key"])


if __name__ == "__main__":
    unittest.main()
