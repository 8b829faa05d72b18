"""Protected values: encryption, secrets, erasure, retention, master keys."""

import csv
import os
import stat
import unittest

import auditchain
from support import LedgerTestCase, TempDirTestCase, is_hex

IBAN = "DE89370400440532013000"


class MasterKeyTest(TempDirTestCase):

    def test_a_generated_key_is_64_hex_digits_with_a_public_id(self):
        key = auditchain.generate_master_key()
        self.assertIsInstance(key, auditchain.MasterKey)
        self.assertTrue(is_hex(key.text, 64))
        self.assertTrue(is_hex(key.id, 16))
        self.assertNotEqual(auditchain.MasterKey.generate(), key)
        self.assertNotIn(key.text, repr(key) + str(key))

    def test_the_id_is_the_one_the_ledger_records(self):
        key = auditchain.generate_master_key()
        with auditchain.open(self.path("a.ledger"), master_keys=[key]) as ledger:
            ledger.tenant("acme", create=True).append(action="a", actor="u:a", metadata={"t": "x"},
                                                      secret=["/metadata/t"])
            self.assertEqual(ledger.master_key_ids(), [key.id])

    def test_text_that_is_not_a_key_is_a_value_error(self):
        for text in ("", "abc", "zz" * 32):
            with self.assertRaises(ValueError):
                auditchain.MasterKey(text)
        as_base64 = "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo="  # the same 32 bytes of 0xaa
        self.assertEqual(auditchain.MasterKey("AA" * 32).id, auditchain.MasterKey(as_base64).id)

    def test_save_writes_mode_0600_and_load_reads_it_back(self):
        key = auditchain.generate_master_key()
        key.save(self.path("master.key"))
        self.assertEqual(stat.S_IMODE(os.stat(self.path("master.key")).st_mode), 0o600)
        self.assertEqual(auditchain.MasterKey.load(self.path("master.key")), key)


class ProtectTest(LedgerTestCase):

    def setUp(self):
        self.key = auditchain.generate_master_key()
        self.open_options = {"durability": "off", "master_keys": [self.key]}
        super().setUp()

    def protected_append(self, subject="customer-17"):
        return self.acme.append(action="customer.update", actor="u:alice", ip="203.0.113.7",
                                after={"iban": IBAN, "name": "Alice"}, metadata={"token": "tok-7f3a"},
                                encrypt=["/after/iban", "/actor/ip"], secret="/metadata/token", subject=subject)

    def reopen(self, **options):
        self.ledger.close()
        ledger = auditchain.open(self.ledger_path, **options)
        self.addCleanup(ledger.close)
        return ledger.tenant("acme")

    def test_with_the_key_protected_values_read_as_plaintext(self):
        e = self.acme.read(self.protected_append().seq)
        self.assertEqual(e.after, {"iban": IBAN, "name": "Alice"})
        self.assertEqual(e.ip, "203.0.113.7")
        self.assertEqual(e.metadata["token"], "[secret]")
        states = {p.pointer: (p.state, p.value) for p in e.protected_values}
        self.assertEqual(states, {"/after/iban": ("plaintext", IBAN), "/actor/ip": ("plaintext", "203.0.113.7"),
                                  "/metadata/token": ("secret", None)})
        self.assertNotIn(IBAN.encode(), e.bytes)
        self.assertNotIn(b"tok-7f3a", e.bytes)

    def test_without_the_key_they_read_as_markers(self):
        seq = self.protected_append().seq
        e = self.reopen().read(seq)
        self.assertEqual(e.after["iban"], "[encrypted]")
        self.assertEqual(e.after["name"], "Alice")
        self.assertEqual({p.pointer: p.state for p in e.protected_values}["/after/iban"], "encrypted")

    def test_a_key_the_ledger_never_used_is_refused(self):
        self.protected_append()
        self.ledger.close()
        with self.assertRaises(auditchain.WrongKey) as caught:
            auditchain.open(self.ledger_path, master_keys=[auditchain.generate_master_key()])
        self.assertEqual(caught.exception.code_name, "wrong_key")

    def test_protecting_without_a_master_key_is_refused(self):
        plain = self.reopen()
        with self.assertRaises(auditchain.WrongKey):
            plain.append(action="a", actor="u:a", metadata={"t": "x"}, secret=["/metadata/t"])

    def test_a_pointer_that_names_nothing_is_refused(self):
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.append(action="a", actor="u:a", encrypt=["/after/missing"])
        with self.assertRaises(TypeError):
            self.acme.append(action="a", actor="u:a", encrypt=[7])

    def test_secret_matches_compares_a_candidate_with_the_commitment(self):
        seq = self.protected_append().seq
        self.assertTrue(self.acme.secret_matches(seq, "/metadata/token", "tok-7f3a"))
        self.assertFalse(self.acme.secret_matches(seq, "/metadata/token", "tok-0000"))
        with self.assertRaises(auditchain.Error):
            self.acme.secret_matches(seq, "/metadata/none", "tok-7f3a")
        with self.assertRaises(ValueError):
            self.acme.secret_matches(seq, "/metadata/token", "tok\0")

    def test_erasing_a_subject_makes_its_values_erased_and_keeps_the_chain_valid(self):
        kept = self.protected_append(subject="customer-18").seq
        gone = self.protected_append(subject="customer-17").seq
        r = self.acme.erase_subject("customer-17", actor="u:dpo")
        self.assertIsInstance(r, auditchain.Receipt)
        record = self.acme.read(r.seq)
        self.assertEqual((record.action, record.actor), ("data.erase", "u:dpo"))
        self.assertEqual(record.metadata["keys_destroyed"], "1")
        self.assertEqual(self.acme.read(gone).after["iban"], "[erased]")
        self.assertEqual(self.acme.read(kept).after["iban"], IBAN)
        self.assertTrue(self.ledger.verify().valid)

    def test_retention_and_purge_are_recorded(self):
        self.protected_append()
        r = self.acme.set_retention(30, auditchain.Actor("svc:retention", "service"))
        record = self.acme.read(r.seq)
        self.assertEqual((record.action, record.metadata["days"], record.actor_kind),
                         ("retention.set", "30", "service"))
        p = self.acme.purge_expired("svc:retention")
        record = self.acme.read(p.seq)
        self.assertEqual((record.action, record.metadata["keys_destroyed"]), ("data.purge", "0"))
        self.assertTrue(self.ledger.verify().valid)

    def test_retention_limits(self):
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.purge_expired("svc:retention")
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.set_retention(0, "u:a")
        for days in (-1, 2 ** 32):
            with self.assertRaises(ValueError):
                self.acme.set_retention(days, "u:a")

    def test_rotating_the_master_key(self):
        old_seq = self.protected_append().seq
        new = auditchain.generate_master_key()
        self.ledger.rotate_master_key(new)
        self.assertEqual(self.ledger.master_key_ids(), [self.key.id, new.id])
        both = self.reopen(master_keys=[new, self.key])
        self.assertEqual(both.read(old_seq).after["iban"], IBAN)
        both.ledger.close()
        only_new = auditchain.open(self.ledger_path, master_keys=[new])
        self.addCleanup(only_new.close)
        self.assertEqual(only_new.tenant("acme").read(old_seq).after["iban"], "[encrypted]")

    def test_a_decrypting_csv_export_shows_plaintext(self):
        self.protected_append()
        summary = self.acme.export(self.path("clear.csv"), exported_by="u:auditor", decrypt=True)
        with open(self.path("clear.csv"), newline="", encoding="utf-8") as f:
            row = next(csv.DictReader(f))
        self.assertIn(IBAN, row["after"])
        self.assertTrue(self.acme.read(summary.record.seq).high_risk)


if __name__ == "__main__":
    unittest.main()
