"""The exception hierarchy, and bad input: it must raise, never crash the interpreter."""

import ctypes
import datetime as dt
import threading
import unittest
from decimal import Decimal

import auditchain
from auditchain import _native
from support import LedgerTestCase

CLASSES = {
    1: auditchain.InvalidArgument, 2: auditchain.NotFound, 3: auditchain.AlreadyExists, 4: auditchain.Busy,
    5: auditchain.IoError, 6: auditchain.Corrupt, 7: auditchain.NotALedger, 8: auditchain.UnsupportedVersion,
    9: auditchain.ReadOnly, 10: auditchain.Closed, 11: auditchain.Internal, 12: auditchain.BadSignature,
    13: auditchain.Sealed, 14: auditchain.WrongKey,
}


class ErrorHierarchyTest(unittest.TestCase):

    def test_one_subclass_of_error_per_result_code_with_the_library_s_names(self):
        for code, cls in CLASSES.items():
            self.assertTrue(issubclass(cls, auditchain.Error))
            self.assertTrue(issubclass(cls, Exception))
            self.assertEqual(cls.code, code)
            self.assertEqual(cls.code_name, _native.code_name(code))

    def test_error_for_maps_codes_to_classes_and_keeps_the_message(self):
        for code, cls in CLASSES.items():
            e = auditchain._errors.error_for(code, "the message")
            self.assertIs(type(e), cls)
            self.assertEqual((e.code, str(e), e.message), (code, "the message", "the message"))
        unknown = auditchain._errors.error_for(99, "odd")
        self.assertIs(type(unknown), auditchain.Error)
        self.assertEqual((unknown.code, unknown.code_name), (99, "unknown"))

    def test_the_io_error_class_does_not_shadow_the_builtin(self):
        self.assertFalse(issubclass(auditchain.IoError, OSError))
        self.assertIsNot(auditchain.IoError, IOError)


class BadInputTest(LedgerTestCase):

    def append(self, **fields):
        base = dict(action="auth.login", actor="u:alice")
        base.update(fields)
        return self.acme.append(**base)

    def test_none_where_a_value_is_required_is_a_type_error(self):
        for fields in (dict(action=None), dict(actor=None)):
            with self.assertRaises(TypeError):
                self.append(**fields)
        with self.assertRaises(TypeError):
            self.acme.append(actor="u:a")
        with self.assertRaises(TypeError):
            self.ledger.tenant(None)
        with self.assertRaises(TypeError):
            auditchain.open(None)
        with self.assertRaises(TypeError):
            self.acme.read(None)
        with self.assertRaises(TypeError):
            self.acme.erase_subject(None, "u:a")
        self.assertEqual(self.acme.head().seq, 0)

    def test_values_of_the_wrong_type_are_type_errors(self):
        cases = [dict(action=7), dict(actor=b"u:alice"), dict(ip=203), dict(metadata={"k": 1}),
                 dict(metadata=[("k", "v")]), dict(metadata={1: "v"}), dict(sensitive="yes"), dict(high_risk=1),
                 dict(derived_from="1"), dict(derived_from=True), dict(overrides=1.0), dict(amount=12.5),
                 dict(amount=[1]), dict(confidence=0.5, ai_model="m"), dict(before={"d": Decimal("1.5")}),
                 dict(after={1, 2}), dict(encrypt=5), dict(occurred_at=1700000000)]
        for fields in cases:
            with self.subTest(fields=fields):
                with self.assertRaises(TypeError):
                    self.append(**fields)
        with self.assertRaises(TypeError):
            self.acme.read("1")
        with self.assertRaises(TypeError):
            self.acme.read(1.0)
        self.assertEqual(self.acme.head().seq, 0)

    def test_integers_outside_the_unsigned_64_bit_range_are_value_errors(self):
        self.append()
        for seq in (-1, 2 ** 64, 10 ** 30):
            with self.assertRaises(ValueError):
                self.acme.read(seq)
            with self.assertRaises(ValueError):
                self.acme.prove(seq)
        for fields in (dict(derived_from=-1), dict(overrides=2 ** 64)):
            with self.assertRaises(ValueError):
                self.append(**fields)
        self.assertEqual(self.acme.read(1).seq, 1)

    def test_integers_beyond_what_json_entries_hold_are_refused_by_the_library(self):
        self.append()
        with self.assertRaises(auditchain.InvalidArgument):
            self.append(derived_from=2 ** 60)
        with self.assertRaises(auditchain.InvalidArgument):
            self.append(after={"n": 2 ** 70})

    def test_embedded_nul_characters_cannot_cross_into_c_strings(self):
        with self.assertRaises(ValueError):
            self.ledger.tenant("ac\0me", create=True)
        with self.assertRaises(ValueError):
            auditchain.open(self.path("a\0b.ledger"))
        with self.assertRaises(ValueError):
            auditchain.keygen("na\0me")
        with self.assertRaises(ValueError):
            self.acme.erase_subject("sub\0ject", "u:a")
        self.assertEqual(self.ledger.tenants(), ["acme"])

    def test_nul_characters_inside_event_text_are_judged_by_the_library(self):
        with self.assertRaises(auditchain.InvalidArgument):
            self.append(action="auth\0login")
        r = self.append(metadata={"note": "a\0b"}, after={"text": "x\0y"})
        e = self.acme.read(r.seq)
        self.assertEqual((e.metadata["note"], e.after["text"]), ("a\0b", "x\0y"))

    def test_text_that_is_not_unicode_is_a_value_error(self):
        with self.assertRaises(UnicodeError):
            self.append(action="auth\ud800login")
        with self.assertRaises(UnicodeError):
            self.ledger.tenant("\udcff", create=True)

    def test_non_finite_or_fractional_json_numbers_are_refused(self):
        with self.assertRaises(ValueError):
            self.append(after={"x": float("nan")})
        with self.assertRaises(auditchain.InvalidArgument):
            self.append(after={"x": 0.1})

    def test_every_call_on_a_closed_ledger_or_its_tenants_raises_closed(self):
        signer, _ = auditchain.keygen("k")
        self.append()
        other = self.ledger.tenant("globex", create=True)
        self.ledger.close()
        calls = [
            lambda: self.acme.append(action="a", actor="u:a"),
            lambda: self.acme.append_batch([dict(action="a", actor="u:a")]),
            lambda: self.acme.read(1), self.acme.head, self.acme.entries, lambda: self.acme.checkpoint(signer),
            lambda: self.acme.prove(1), lambda: self.acme.prove_consistency(1),
            lambda: self.acme.export(self.path("x.csv"), exported_by="u:a"),
            lambda: self.acme.export_bundle(self.path("b"), exported_by="u:a", signer=signer),
            lambda: self.acme.erase_subject("s", "u:a"), lambda: self.acme.set_retention(1, "u:a"),
            lambda: self.acme.purge_expired("u:a"), lambda: self.acme.secret_matches(1, "/metadata/x", "y"),
            lambda: self.acme.seal(dt.datetime.now(dt.timezone.utc), signer), other.head,
            lambda: self.ledger.rotate_master_key(auditchain.generate_master_key()), self.ledger.info,
        ]
        for call in calls:
            with self.assertRaises(auditchain.Closed):
                call()

    def test_a_tenant_handle_kept_after_its_ledger_was_collected_raises_closed(self):
        ledger = auditchain.open(self.path("b.ledger"))
        tenant = ledger.tenant("acme", create=True)
        ledger.close()
        del ledger
        with self.assertRaises(auditchain.Closed):
            tenant.head()

    def test_the_c_functions_refuse_null_handles_instead_of_crashing(self):
        err = ctypes.c_void_p()
        out = ctypes.c_void_p()
        code = _native.fn.tenant_head(None, ctypes.byref(out), ctypes.byref(err))
        self.assertEqual(code, auditchain.InvalidArgument.code)
        self.assertTrue(_native.take_text(err))
        self.assertIsNone(_native.take_text(out))


class ThreadTest(LedgerTestCase):

    def test_threads_appending_at_once_keep_the_chain_linear(self):
        errors = []

        def work(n):
            try:
                for i in range(25):
                    self.acme.append(action="t", actor=f"u:{n}", metadata={"i": str(i)})
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual([e.seq for e in self.acme.entries()], list(range(1, 101)))
        self.assertTrue(self.ledger.verify().valid)

    def test_closing_while_other_threads_append_either_finishes_their_append_or_raises_closed(self):
        outcomes = []
        started = threading.Barrier(5)

        def work():
            started.wait()
            while True:
                try:
                    self.acme.append(action="t", actor="u:a")
                    outcomes.append("ok")
                except auditchain.Closed:
                    outcomes.append("closed")
                    return

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        started.wait()
        self.ledger.close()
        for t in threads:
            t.join()
        self.assertEqual(outcomes.count("closed"), 4)
        with auditchain.open(self.ledger_path) as ledger:
            self.assertEqual(ledger.tenant("acme").head().seq, outcomes.count("ok"))


if __name__ == "__main__":
    unittest.main()
