"""auditchain init, and read-only commands never creating files."""

import os
import sqlite3
import unittest

from clitest import HEX32, CliTestCase, file_digest, run


class InitTest(CliTestCase):
    def test_creates_ledger_and_tenants_and_prints_id(self):
        path = self.path("audit.db")
        r = self.assertOk(run("init", path, "--tenant", "acme", "--tenant", "globex"))
        info = self.json_of(run("info", path, "--json"))
        self.assertRegex(info["ledger_id"], HEX32)
        self.assertIn(info["ledger_id"], r.stdout)
        self.assertIn("Created ledger", r.stdout)
        self.assertEqual(run("tenants", path).stdout.splitlines(), ["acme", "globex"])

    def test_json_result(self):
        path = self.path("audit.db")
        doc = self.json_of(run("init", path, "--tenant", "acme", "--json"))
        self.assertEqual(list(doc), ["path", "ledger_id", "format_version", "created", "tenants"])
        self.assertEqual(doc["path"], path)
        self.assertRegex(doc["ledger_id"], HEX32)
        self.assertIsInstance(doc["format_version"], int)
        self.assertIs(doc["created"], True)
        self.assertEqual(doc["tenants"], [{"name": "acme", "created": True}])

    def test_rerun_keeps_the_ledger_and_adds_missing_tenants(self):
        path = self.new_ledger(tenants=["acme"])
        first_id = self.json_of(run("info", path, "--json"))["ledger_id"]
        self.append(path, "acme", "u:alice", "auth.login")
        doc = self.json_of(run("init", path, "--tenant", "acme", "--tenant", "globex", "--json"))
        self.assertIs(doc["created"], False)
        self.assertEqual(doc["ledger_id"], first_id)
        self.assertEqual(doc["tenants"], [{"name": "acme", "created": False}, {"name": "globex", "created": True}])
        self.assertEqual(len(self.log_lines(path, "acme")), 1)
        self.assertIn("already exists", self.assertOk(run("init", path)).stdout)

    def test_empty_file_becomes_a_ledger(self):
        path = self.path("empty.db")
        open(path, "wb").close()
        self.assertIs(self.json_of(run("init", path, "--json"))["created"], True)
        self.assertOk(run("verify", path))

    def test_refuses_a_text_file_and_leaves_it_alone(self):
        path = self.path("notes.txt")
        with open(path, "w") as f:
            f.write("not a ledger\n" * 100)
        before = file_digest(path)
        self.assertUsageError(run("init", path), "not an auditchain ledger")
        self.assertEqual(file_digest(path), before)

    def test_refuses_another_applications_database(self):
        path = self.path("other.db")
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.commit()
        db.close()
        before = file_digest(path)
        self.assertUsageError(run("init", path, "--tenant", "acme"), "not an auditchain ledger")
        self.assertEqual(file_digest(path), before)

    def test_bad_tenant_name_creates_nothing(self):
        path = self.path("audit.db")
        self.assertUsageError(run("init", path, "--tenant", "ok", "--tenant", ""), "tenant")
        self.assertFalse(os.path.exists(path))

    def test_bad_tenant_name_leaves_existing_ledger_unchanged(self):
        path = self.new_ledger(tenants=["acme"])
        self.assertUsageError(run("init", path, "--tenant", "fresh", "--tenant", "bad\nname"), "tenant")
        self.assertEqual(run("tenants", path).stdout.splitlines(), ["acme"])


class ReadOnlyCommandsTest(CliTestCase):
    """verify, log, show, tenants and info never create a ledger file."""

    def test_missing_file(self):
        path = self.path("missing.db")
        for args in (["verify", path], ["log", path, "--tenant", "acme"],
                     ["show", path, "--tenant", "acme", "--seq", "1"], ["tenants", path], ["info", path]):
            with self.subTest(command=args[0]):
                self.assertUsageError(run(*args), f"no ledger file at {path}")
                self.assertEqual(os.listdir(self.dir), [])

    def test_append_does_not_create_a_ledger_either(self):
        path = self.path("missing.db")
        self.assertUsageError(run("append", path, "--tenant", "acme", "--create-tenant", "--actor", "u",
                                  "--action", "a"), f"no ledger file at {path}")
        self.assertEqual(os.listdir(self.dir), [])


if __name__ == "__main__":
    unittest.main()
