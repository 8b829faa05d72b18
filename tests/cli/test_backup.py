"""`auditchain backup`: a verified copy of a live ledger, and restoring from it."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import unittest

from clitest import CLI, HEX32, HEX64, CliTestCase, run, tamper

NOBODY = 65534


class BackupFixture(CliTestCase):
    """A ledger with tenants acme (three entries), globex (one) and initech (none)."""

    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=("acme", "globex", "initech"))
        for action in ("auth.login", "invoice.create", "invoice.update"):
            self.append(self.ledger, "acme", "u:alice", action)
        self.append(self.ledger, "globex", "u:hiro", "auth.login")
        self.dest = self.path("audit-backup.db")

    def backup(self, *args):
        return run("backup", self.ledger, self.dest, *args)

    def files(self):
        """The test directory's files, but for the ledger's own -wal and -shm (read-only opens leave them)."""
        return sorted(n for n in os.listdir(self.dir) if n not in ("audit.db-wal", "audit.db-shm"))

    def assertNothingAt(self, path):
        self.assertFalse(os.path.exists(path), f"{path} exists")
        leftovers = [n for n in os.listdir(os.path.dirname(path)) if n.startswith(os.path.basename(path))]
        self.assertEqual(leftovers, [], "temporary or side files left behind")


class BackupTest(BackupFixture):
    def test_copy_holds_every_tenants_entries_and_verifies(self):
        before = self.snapshot(self.ledger)
        r = self.assertOk(self.backup())
        self.assertEqual(r.stderr, "")
        self.assertEqual(self.snapshot(self.dest), before)
        self.assertOk(run("verify", self.dest))
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith(f"Backed up ledger {self.ledger} (id "), lines[0])
        self.assertTrue(lines[0].endswith(f") to {self.dest}"), lines[0])
        self.assertRegex(lines[1], r"^  \d+ bytes \(\d+ pages\), one consistent snapshot of every tenant$")
        self.assertRegex(lines[2], r"^  acme: 3 entries, head [0-9a-f]{64}$")
        self.assertRegex(lines[3], r"^  globex: 1 entry, head [0-9a-f]{64}$")
        self.assertRegex(lines[4], r"^  initech: 0 entries, head [0-9a-f]{64}$")
        self.assertEqual(lines[5], "Verified the copy: VALID (4/4 entries valid)")
        self.assertEqual(len(lines), 6)

    def test_copy_is_one_file_without_wal(self):
        self.assertOk(self.backup())
        for side in ("-wal", "-shm", "-journal"):
            self.assertFalse(os.path.exists(self.dest + side), side)
        db = sqlite3.connect(f"file:{self.dest}?mode=ro", uri=True)
        try:
            self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        finally:
            db.close()
        self.assertEqual(self.files(), ["audit-backup.db", "audit.db"])

    def test_json_shape(self):
        doc = self.json_of(self.backup("--json"))
        self.assertEqual(list(doc), ["source", "destination", "ledger_id", "valid", "bytes", "pages", "tenants",
                                     "verification"])
        self.assertEqual(doc["source"], self.ledger)
        self.assertEqual(doc["destination"], self.dest)
        self.assertRegex(doc["ledger_id"], HEX32)
        self.assertIs(doc["valid"], True)
        self.assertEqual(doc["bytes"], os.path.getsize(self.dest))
        self.assertGreater(doc["pages"], 0)
        self.assertEqual([(t["tenant"], t["entries"]) for t in doc["tenants"]],
                         [("acme", 3), ("globex", 1), ("initech", 0)])
        for t in doc["tenants"]:
            self.assertEqual(list(t), ["tenant", "entries", "head"])
            self.assertRegex(t["head"], HEX64)
        # The verification is verify --json's document, about the copy.
        verification = doc["verification"]
        self.assertEqual(verification["path"], self.dest)
        self.assertEqual(verification["ledger_id"], doc["ledger_id"])
        self.assertIs(verification["valid"], True)
        self.assertEqual(verification["entries_valid"], 4)
        verify_doc = self.json_of(run("verify", self.dest, "--json"))
        self.assertEqual(verification, verify_doc)

    def test_force_replaces_an_existing_file(self):
        with open(self.dest, "w") as f:
            f.write("an old backup\n")
        self.assertOk(self.backup("--force"))
        self.assertOk(run("verify", self.dest))
        self.assertEqual(len(self.log_lines(self.dest, "acme")), 3)

    def test_help_describes_the_command_and_restoring(self):
        out = self.assertOk(run("backup", "--help")).stdout
        for text in ("Usage:", "LEDGER", "DEST", "--force", "--json", "Examples", "auditchain backup",
                     "snapshot", "To restore", "-wal", "master key", "Exit status"):
            self.assertIn(text, out)
        self.assertIn("backup", self.assertOk(run("--help")).stdout)


class BackupRefusalTest(BackupFixture):
    def test_existing_destination_is_refused_and_kept(self):
        with open(self.dest, "w") as f:
            f.write("an old backup\n")
        self.assertUsageError(self.backup(), "DEST", self.dest, "already exists", "--force")
        with open(self.dest) as f:
            self.assertEqual(f.read(), "an old backup\n")
        self.assertEqual(self.files(), ["audit-backup.db", "audit.db"])

    def test_the_ledger_itself_is_refused_even_with_force(self):
        before = self.snapshot(self.ledger)
        for dest in (self.ledger, os.path.join(self.dir, ".", "audit.db")):
            with self.subTest(dest=dest):
                self.assertUsageError(run("backup", self.ledger, dest, "--force"), "DEST", "the ledger itself")
        self.assertEqual(self.snapshot(self.ledger), before)
        self.assertOk(run("verify", self.ledger))

    def test_a_wal_file_beside_the_destination_is_refused(self):
        with open(self.dest + "-wal", "wb") as f:
            f.write(b"frames of another database")
        self.assertUsageError(self.backup("--force"), "DEST", self.dest + "-wal")
        self.assertFalse(os.path.exists(self.dest))

    def test_missing_ledger(self):
        self.assertUsageError(run("backup", self.path("nope.db"), self.dest), "no ledger file at")
        self.assertNothingAt(self.dest)

    def test_missing_directory(self):
        dest = self.path("no-such-dir/audit.db")
        self.assertUsageError(run("backup", self.ledger, dest), "DEST", "No such file or directory")
        self.assertFalse(os.path.exists(self.path("no-such-dir")))

    def test_unwritable_directory(self):
        """The superuser ignores file modes, so as root the command runs as user nobody."""
        work = self.path("work")
        locked = self.path("locked")
        os.mkdir(work)
        os.mkdir(locked)
        os.chmod(self.dir, 0o755)
        os.chmod(work, 0o777)
        os.chmod(locked, 0o555)
        ledger = os.path.join(work, "audit.db")
        shutil.copyfile(self.ledger, ledger)
        os.chmod(ledger, 0o644)
        dest = os.path.join(locked, "audit.db")
        as_nobody = {"user": NOBODY, "group": NOBODY} if os.geteuid() == 0 else {}
        r = subprocess.run([CLI, "backup", ledger, dest], capture_output=True, text=True, timeout=60, check=False,
                           **as_nobody)
        self.assertUsageError(r, "DEST", locked, "Permission denied")
        self.assertEqual(os.listdir(locked), [])
        os.chmod(locked, 0o755)

    def test_bad_arguments(self):
        self.assertUsageError(run("backup", self.ledger), "DEST")
        self.assertUsageError(self.backup("--bogus"), "--bogus")


class BackupOfAlteredLedgerTest(BackupFixture):
    def setUp(self):
        super().setUp()
        tamper(self.ledger, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'u:alice', 'u:mallory') "
                            "AS BLOB) WHERE seq = 2 AND tenant_id = (SELECT id FROM tenants WHERE name = 'acme')")

    def test_a_copy_that_does_not_verify_is_not_kept(self):
        with open(self.dest, "w") as f:
            f.write("an old backup\n")
        r = self.backup("--force")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, "")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], f"The copy of ledger {self.ledger} does not verify, so it was not kept: "
                                   f"nothing was written to {self.dest}")
        self.assertTrue(any(line.startswith("  PROBLEM  tenant acme seq 2: hash_mismatch") for line in lines), lines)
        self.assertTrue(any(line.startswith("Result: INVALID") for line in lines), lines)
        self.assertEqual(lines[-1], f"Check the ledger itself with: auditchain verify {self.ledger}")
        with open(self.dest) as f:
            self.assertEqual(f.read(), "an old backup\n")
        self.assertEqual(self.files(), ["audit-backup.db", "audit.db"])

    def test_json_says_invalid_with_the_findings(self):
        r = run("backup", self.ledger, self.dest, "--json")
        self.assertEqual(r.returncode, 1, r.stderr)
        doc = json.loads(r.stdout)
        self.assertIs(doc["valid"], False)
        self.assertIs(doc["verification"]["valid"], False)
        acme = next(t for t in doc["verification"]["tenants"] if t["tenant"] == "acme")
        self.assertIn("hash_mismatch", [f["kind"] for f in acme["findings"]])
        self.assertNothingAt(self.dest)


class RestoreTest(BackupFixture):
    """The steps docs/CLI.md gives under "Restoring"."""

    def test_restore_by_copying_the_backup_in_place(self):
        before = self.snapshot(self.ledger)
        self.assertOk(self.backup())
        # The ledger is damaged: its header overwritten.
        with open(self.ledger, "r+b") as f:
            f.write(b"\0" * 4096)
        self.assertEqual(run("verify", self.ledger).returncode, 2)
        # Writers stopped; the damaged file and its -wal and -shm moved away.
        damaged = self.path("damaged")
        os.mkdir(damaged)
        for name in ("audit.db", "audit.db-wal", "audit.db-shm"):
            if os.path.exists(self.path(name)):
                os.rename(self.path(name), os.path.join(damaged, name))
        shutil.copyfile(self.dest, self.ledger)
        self.assertOk(run("verify", self.ledger))
        self.assertEqual(self.snapshot(self.ledger), before)
        # Applications take up appending where the backup left off.
        receipt = self.append(self.ledger, "acme", "u:alice", "auth.logout")
        self.assertEqual(receipt["seq"], 4)
        self.assertOk(run("verify", self.ledger))
        # The backup itself is untouched by the restored ledger's use.
        self.assertEqual(len(self.log_lines(self.dest, "acme")), 3)
        self.assertTrue(stat.S_ISREG(os.stat(self.dest).st_mode))


if __name__ == "__main__":
    unittest.main()
