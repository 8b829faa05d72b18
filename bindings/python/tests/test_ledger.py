"""Opening ledgers, their options and lifetime; tenant handles."""

import datetime as dt
import os
import pathlib
import unittest

import auditchain
from support import TempDirTestCase, is_hex


class OpenTest(TempDirTestCase):

    def test_open_creates_a_ledger_that_describes_itself(self):
        with auditchain.open(self.path("a.ledger")) as ledger:
            self.assertIsInstance(ledger, auditchain.Ledger)
            self.assertTrue(is_hex(ledger.id, 32))
            self.assertEqual(ledger.format_version, 1)
            self.assertEqual(ledger.tenants(), [])
            self.assertEqual(ledger.master_key_ids(), [])
            self.assertEqual(ledger.path, self.path("a.ledger"))
            info = ledger.info()
            self.assertEqual(info["id"], ledger.id)
        self.assertTrue(os.path.exists(self.path("a.ledger")))

    def test_a_path_like_object_is_accepted(self):
        with auditchain.open(pathlib.Path(self.dir) / "p.ledger") as ledger:
            ledger.tenant("acme", create=True).append(action="a", actor="u:a")
        self.assertTrue((pathlib.Path(self.dir) / "p.ledger").exists())

    def test_the_ledger_id_is_permanent(self):
        with auditchain.open(self.path("a.ledger")) as ledger:
            first = ledger.id
        with auditchain.open(self.path("a.ledger")) as ledger:
            self.assertEqual(ledger.id, first)

    def test_without_create_if_missing_a_missing_file_is_not_found(self):
        with self.assertRaises(auditchain.NotFound):
            auditchain.open(self.path("missing.ledger"), create_if_missing=False)
        self.assertFalse(os.path.exists(self.path("missing.ledger")))

    def test_a_file_that_is_not_a_ledger_is_refused(self):
        with open(self.path("notes.txt"), "w") as f:
            f.write("not a database\n" * 100)
        with self.assertRaises(auditchain.NotALedger):
            auditchain.open(self.path("notes.txt"))

    def test_read_only_refuses_every_write(self):
        with auditchain.open(self.path("a.ledger")) as ledger:
            ledger.tenant("acme", create=True).append(action="a", actor="u:a")
        with auditchain.open(self.path("a.ledger"), read_only=True) as ledger:
            acme = ledger.tenant("acme")
            self.assertEqual(acme.read(1).action, "a")
            with self.assertRaises(auditchain.ReadOnly) as caught:
                acme.append(action="b", actor="u:a")
            self.assertEqual(caught.exception.code, 9)

    def test_every_durability_setting_opens_and_appends(self):
        for durability in ("full", "normal", "off"):
            with auditchain.open(self.path(durability + ".ledger"), durability=durability) as ledger:
                r = ledger.tenant("acme", create=True).append(action="a", actor="u:a")
                self.assertEqual(r.seq, 1)

    def test_an_unknown_durability_is_refused_by_the_library(self):
        with self.assertRaisesRegex(auditchain.InvalidArgument, "durability"):
            auditchain.open(self.path("a.ledger"), durability="sometimes")

    def test_busy_timeout_takes_seconds_or_a_timedelta(self):
        for timeout in (0.25, 3, dt.timedelta(milliseconds=1500)):
            with auditchain.open(self.path("a.ledger"), busy_timeout=timeout) as ledger:
                ledger.tenant("acme", create=True)
        with self.assertRaises(TypeError):
            auditchain.open(self.path("a.ledger"), busy_timeout="5s")
        with self.assertRaises(ValueError):
            auditchain.open(self.path("a.ledger"), busy_timeout=-1)

    def test_checkpoint_interval_must_be_whole_seconds(self):
        signer, _ = auditchain.keygen("audit.example")
        with self.assertRaises(ValueError):
            auditchain.open(self.path("a.ledger"), checkpoint_signer=signer, checkpoint_interval=1.5)
        with auditchain.open(self.path("a.ledger"), checkpoint_signer=signer,
                             checkpoint_interval=dt.timedelta(hours=1)):
            pass

    def test_group_commit_options_are_taken_and_checked(self):
        with auditchain.open(self.path("a.ledger"), group_commit_max_batch=1,
                             group_commit_wait=dt.timedelta(microseconds=200)) as ledger:
            self.assertEqual(ledger.tenant("acme", create=True).append(action="a", actor="u:a").seq, 1)
        with self.assertRaises(auditchain.InvalidArgument):
            auditchain.open(self.path("a.ledger"), group_commit_max_batch=0)
        with self.assertRaises(auditchain.InvalidArgument):
            auditchain.open(self.path("a.ledger"), group_commit_wait=2)
        with self.assertRaises(ValueError):
            auditchain.open(self.path("a.ledger"), group_commit_wait=-0.5)

    def test_close_is_safe_twice_and_later_calls_raise_closed(self):
        ledger = auditchain.open(self.path("a.ledger"))
        self.assertFalse(ledger.closed)
        ledger.close()
        ledger.close()
        self.assertTrue(ledger.closed)
        for call in (ledger.info, ledger.tenants, lambda: ledger.tenant("acme", create=True), ledger.verify):
            with self.assertRaises(auditchain.Closed) as caught:
                call()
            self.assertEqual(caught.exception.code, 10)

    def test_the_with_block_closes_the_ledger_even_on_an_exception(self):
        with self.assertRaises(KeyError):
            with auditchain.open(self.path("a.ledger")) as ledger:
                raise KeyError("boom")
        self.assertTrue(ledger.closed)

    def test_repr_names_the_file_and_state(self):
        ledger = auditchain.open(self.path("a.ledger"))
        self.assertIn("a.ledger", repr(ledger))
        self.assertIn("open", repr(ledger))
        ledger.close()
        self.assertIn("closed", repr(ledger))


class TenantTest(TempDirTestCase):

    def setUp(self):
        super().setUp()
        self.ledger = auditchain.open(self.path("a.ledger"), durability="off")
        self.addCleanup(self.ledger.close)

    def test_an_unknown_tenant_is_not_found_by_default(self):
        with self.assertRaises(auditchain.NotFound):
            self.ledger.tenant("globex")
        self.assertEqual(self.ledger.tenants(), [])

    def test_create_true_or_if_missing_creates_the_tenant_now(self):
        self.ledger.tenant("acme", create=True)
        self.ledger.tenant("globex", create="if_missing")
        self.assertEqual(self.ledger.tenants(), ["acme", "globex"])
        again = self.ledger.tenant("acme", create=True)
        self.assertEqual(again.name, "acme")
        self.assertIs(again.ledger, self.ledger)

    def test_on_append_creates_the_tenant_with_its_first_entry_only(self):
        t = self.ledger.tenant("initech", create="on_append")
        self.assertEqual(t.head().seq, 0)
        self.assertEqual(list(t.entries()), [])
        with self.assertRaises(auditchain.InvalidArgument):
            t.append(action="a", actor="u:a", amount="1", currency="eur")
        self.assertEqual(self.ledger.tenants(), [])
        t.append(action="a", actor="u:a")
        self.assertEqual(self.ledger.tenants(), ["initech"])

    def test_an_unknown_create_mode_is_a_value_error(self):
        for mode in ("yes", 1, None):
            with self.assertRaises(ValueError):
                self.ledger.tenant("acme", create=mode)

    def test_a_bad_tenant_name_is_refused_by_the_library(self):
        for name in ("", "x" * 129, "tab\there"):
            with self.assertRaises(auditchain.InvalidArgument):
                self.ledger.tenant(name, create=True)

    def test_tenants_have_separate_chains(self):
        acme = self.ledger.tenant("acme", create=True)
        globex = self.ledger.tenant("globex", create=True)
        acme.append(action="a", actor="u:a")
        acme.append(action="a", actor="u:a")
        r = globex.append(action="g", actor="u:g")
        self.assertEqual(r.seq, 1)
        self.assertEqual(r.tenant, "globex")
        with self.assertRaises(auditchain.NotFound):
            globex.read(2)

    def test_a_tenant_of_a_closed_ledger_raises_closed(self):
        acme = self.ledger.tenant("acme", create=True)
        self.ledger.close()
        for call in (acme.head, lambda: acme.read(1), lambda: acme.append(action="a", actor="u:a"),
                     lambda: acme.entries(), acme.verify):
            with self.assertRaises(auditchain.Closed):
                call()

    def test_a_closed_tenant_handle_raises_closed_while_the_ledger_stays_open(self):
        acme = self.ledger.tenant("acme", create=True)
        acme.close()
        acme.close()
        with self.assertRaises(auditchain.Closed):
            acme.head()
        self.assertEqual(self.ledger.tenant("acme").head().seq, 0)


if __name__ == "__main__":
    unittest.main()
