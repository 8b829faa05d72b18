"""Keys, signed checkpoints, seals and Merkle proofs."""

import datetime as dt
import json
import os
import stat
import unittest

import auditchain
from support import LedgerTestCase, TempDirTestCase, is_hex

UTC = dt.timezone.utc


class KeysTest(TempDirTestCase):

    def test_keygen_returns_a_named_signer_and_verifier_pair(self):
        pair = auditchain.keygen("audit.example")
        signer, verifier = pair
        self.assertIsInstance(pair, auditchain.KeyPair)
        self.assertIsInstance(signer, auditchain.SignerKey)
        self.assertIsInstance(verifier, auditchain.VerifierKey)
        self.assertTrue(signer.text.startswith("PRIVATE+KEY+audit.example+"))
        self.assertEqual((signer.name, verifier.name), ("audit.example", "audit.example"))
        self.assertEqual(signer.key_id, verifier.key_id)
        self.assertTrue(is_hex(verifier.key_id, 8))
        self.assertNotEqual(auditchain.keygen("audit.example").signer, signer)

    def test_a_signer_key_never_shows_its_secret(self):
        signer, _ = auditchain.keygen("audit.example")
        secret = signer.text.rsplit("+", 1)[1]
        self.assertNotIn(secret, repr(signer))
        self.assertNotIn(secret, str(signer))
        self.assertNotIn(secret, f"{signer}")

    def test_a_bad_key_name_is_refused_by_the_library(self):
        for name in ("", "has space", "a+b"):
            with self.assertRaises(auditchain.InvalidArgument):
                auditchain.keygen(name)

    def test_keys_save_and_load(self):
        signer, verifier = auditchain.keygen("audit.example")
        signer.save(self.path("audit.key"))
        verifier.save(self.path("audit.pub"))
        self.assertEqual(stat.S_IMODE(os.stat(self.path("audit.key")).st_mode), 0o600)
        self.assertEqual(auditchain.SignerKey.load(self.path("audit.key")), signer)
        self.assertEqual(auditchain.VerifierKey.load(self.path("audit.pub")), verifier)
        with self.assertRaises(FileExistsError):
            signer.save(self.path("audit.key"))


class CheckpointTest(LedgerTestCase):

    def setUp(self):
        super().setUp()
        self.signer, self.verifier = auditchain.keygen("audit.example")
        self.acme.append_batch([dict(action="a", actor="u:a")] * 4)

    def test_a_checkpoint_signs_the_head(self):
        cp = self.acme.checkpoint(self.signer)
        self.assertIsInstance(cp, auditchain.Checkpoint)
        self.assertEqual((cp.ledger, cp.tenant, cp.tree_size), (self.ledger.id, "acme", 4))
        self.assertTrue(is_hex(cp.root, 64))
        self.assertIsNone(cp.sealed_through)
        self.assertEqual(cp.time.tzinfo, UTC)
        self.assertTrue(cp.note.startswith(f"auditchain/{self.ledger.id}/acme\n4\n"))
        self.assertIn("— audit.example ", cp.note)
        self.assertEqual(str(cp), cp.note)

    def test_checkpoints_lists_the_stored_checkpoints_oldest_first(self):
        self.assertEqual(self.acme.checkpoints(), [])
        first = self.acme.checkpoint(self.signer)
        self.acme.append(action="b", actor="u:b")
        second = self.acme.checkpoint(self.signer)
        self.assertEqual(self.acme.checkpoints(), [first, second])

    def test_the_signer_may_be_given_as_text(self):
        self.assertEqual(self.acme.checkpoint(self.signer.text).tree_size, 4)

    def test_a_verifier_key_cannot_sign(self):
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.checkpoint(self.verifier.text)
        with self.assertRaises(TypeError):
            self.acme.checkpoint(None)

    def test_verify_with_the_checkpoint_and_its_key_is_valid_and_another_key_is_a_finding(self):
        cp = self.acme.checkpoint(self.signer)
        self.assertTrue(self.ledger.verify(checkpoints=[cp], keys=[self.verifier]).valid)
        _, other = auditchain.keygen("audit.example")
        report = self.ledger.verify(checkpoints=[cp.note], keys=[other])
        self.assertFalse(report.valid)
        self.assertIn("bad_checkpoint", {f.kind for f in report.findings})

    def test_automatic_checkpoints_every_n_entries(self):
        self.ledger.close()
        with auditchain.open(self.ledger_path, checkpoint_signer=self.signer, checkpoint_every_entries=2) as ledger:
            acme = ledger.tenant("acme")
            acme.append_batch([dict(action="a", actor="u:a")] * 2)
            proof = acme.prove(1)
        self.assertEqual(proof["tree_size"], 6)
        self.assertIsNotNone(proof["checkpoint"])
        self.assertTrue(auditchain.verify_proof(proof, [self.verifier]).valid)


class ProofTest(LedgerTestCase):

    def setUp(self):
        super().setUp()
        self.signer, self.verifier = auditchain.keygen("audit.example")
        self.acme.append_batch([dict(action="a", actor=f"u:{i}") for i in range(5)])
        self.cp5 = self.acme.checkpoint(self.signer)

    def test_an_inclusion_proof_against_a_checkpoint_is_valid_with_its_key(self):
        proof = self.acme.prove(3)
        self.assertEqual((proof["proof"], proof["seq"], proof["tree_size"]), ("inclusion", 3, 5))
        self.assertEqual(proof["entry"].encode(), self.acme.read(3).bytes)
        self.assertEqual(proof["checkpoint"], self.cp5.note)
        verdict = auditchain.verify_proof(proof, [self.verifier])
        self.assertIsInstance(verdict, auditchain.ProofVerdict)
        self.assertEqual((verdict.valid, verdict.kind, verdict.problems), (True, "inclusion", []))
        self.assertTrue(verdict.summary)

    def test_a_proof_saved_as_json_text_checks_the_same(self):
        text = json.dumps(self.acme.prove(2))
        self.assertTrue(auditchain.verify_proof(text, self.verifier).valid)
        self.assertTrue(auditchain.verify_proof(text.encode(), [self.verifier.text]).valid)

    def test_another_key_or_an_altered_proof_is_not_valid(self):
        proof = self.acme.prove(3)
        _, other = auditchain.keygen("other.example")
        verdict = auditchain.verify_proof(proof, [other])
        self.assertFalse(verdict.valid)
        self.assertTrue(verdict.problems)
        altered = dict(proof, entry=proof["entry"].replace('"u:2"', '"u:9"'))
        self.assertFalse(auditchain.verify_proof(altered, [self.verifier]).valid)

    def test_without_keys_only_the_path_is_checked(self):
        proof = self.acme.prove(1, tree_size=3)
        self.assertIsNone(proof["checkpoint"])
        self.assertTrue(auditchain.verify_proof(proof).valid)
        self.assertFalse(auditchain.verify_proof(proof, [self.verifier]).valid)

    def test_a_consistency_proof_between_two_checkpoints(self):
        self.acme.append_batch([dict(action="b", actor="u:b")] * 3)
        self.acme.checkpoint(self.signer)
        proof = self.acme.prove_consistency(5)
        self.assertEqual((proof["proof"], proof["old_size"], proof["new_size"]), ("consistency", 5, 8))
        self.assertTrue(auditchain.verify_proof(proof, [self.verifier]).valid)
        self.assertEqual(self.acme.prove_consistency(2, 4)["new_size"], 4)

    def test_sizes_out_of_range_are_refused(self):
        with self.assertRaises(auditchain.NotFound):
            self.acme.prove(9)
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.prove(3, tree_size=2)
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.prove_consistency(4, 3)
        with self.assertRaises(ValueError):
            self.acme.prove(-1)

    def test_text_that_is_not_a_proof_cannot_be_checked(self):
        with self.assertRaises(auditchain.InvalidArgument):
            auditchain.verify_proof("not json")
        with self.assertRaises(auditchain.InvalidArgument):
            auditchain.verify_proof({"proof": "inclusion"}, [self.verifier])


class SealTest(LedgerTestCase):

    def test_a_seal_closes_a_period_against_backdated_appends(self):
        signer, verifier = auditchain.keygen("audit.example")
        self.login()
        through = dt.datetime.now(UTC) - dt.timedelta(days=1)
        seal = self.acme.seal(through, signer)
        self.assertEqual(seal.sealed_through, through)
        self.assertIn("\nseal ", seal.note)
        with self.assertRaises(auditchain.Sealed) as caught:
            self.login(occurred_at=through - dt.timedelta(hours=1))
        self.assertEqual(caught.exception.code, 13)
        self.assertEqual(self.login(occurred_at=through + dt.timedelta(hours=1)).seq, 2)
        self.assertTrue(self.ledger.verify(keys=[verifier]).valid)

    def test_a_seal_in_the_future_is_refused(self):
        signer, _ = auditchain.keygen("audit.example")
        with self.assertRaises(auditchain.InvalidArgument):
            self.acme.seal(dt.datetime.now(UTC) + dt.timedelta(days=3), signer)
        with self.assertRaises(ValueError):
            self.acme.seal(dt.datetime(2026, 1, 1), signer)


if __name__ == "__main__":
    unittest.main()
