"""Shared helpers for the auditchain command-line tests.

The binary under test is named by the AUDITCHAIN_CLI environment variable
(ctest sets it). Every test works in its own temporary directory.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

CLI = os.environ.get("AUDITCHAIN_CLI", "")

HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def run(*args, stdin=None):
    """Runs the CLI with `args`; returns the CompletedProcess (text mode)."""
    if not CLI:
        raise unittest.SkipTest("AUDITCHAIN_CLI is not set")
    return subprocess.run([CLI, *[str(a) for a in args]], input=stdin, capture_output=True,
                          text=True, timeout=60, check=False)


def tamper(path, sql, *params):
    """Rewrites history the way someone with write access to the file could."""
    db = sqlite3.connect(path)
    try:
        db.executescript("DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;")
        db.execute(sql, params)
        db.commit()
    finally:
        db.close()


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class CliTestCase(unittest.TestCase):
    """A temporary directory per test, and assertions about CLI results."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="auditchain-cli-test-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def assertOk(self, result):
        self.assertEqual(result.returncode, 0, f"exit {result.returncode}; stderr: {result.stderr!r}")
        return result

    def assertUsageError(self, result, *fragments):
        """Exit 2, one line on stderr starting "auditchain: " and naming each fragment, nothing on stdout."""
        self.assertEqual(result.returncode, 2, f"stdout: {result.stdout!r}; stderr: {result.stderr!r}")
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"stderr is not one line: {result.stderr!r}")
        self.assertTrue(lines[0].startswith("auditchain: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        return lines[0]

    def json_of(self, result):
        self.assertOk(result)
        return json.loads(result.stdout)

    # ---- building ledgers through the CLI ----------------------------------

    def new_ledger(self, name="audit.db", tenants=("acme",)):
        path = self.path(name)
        args = ["init", path]
        for t in tenants:
            args += ["--tenant", t]
        self.assertOk(run(*args))
        return path

    def append(self, ledger, tenant, actor, action, *extra):
        """Appends through the CLI and returns the --json receipt."""
        return self.json_of(run("append", ledger, "--tenant", tenant, "--actor", actor, "--action", action,
                                "--json", *extra))

    def log_lines(self, ledger, tenant, *extra):
        return self.assertOk(run("log", ledger, "--tenant", tenant, "--json", *extra)).stdout.splitlines()

    def snapshot(self, ledger):
        """Everything a reader can see: tenants and every tenant's entries."""
        tenants = self.assertOk(run("tenants", ledger)).stdout.splitlines()
        return tenants, {t: self.log_lines(ledger, t) for t in tenants}


class SharedLedgerTestCase(CliTestCase):
    """A small ledger built once per class; tests that change it use copy()."""

    @classmethod
    def setUpClass(cls):
        cls._class_tmp = tempfile.TemporaryDirectory(prefix="auditchain-cli-shared-")
        cls.ledger = os.path.join(cls._class_tmp.name, "shared.db")
        cls.receipts = cls.build(cls.ledger)

    @classmethod
    def tearDownClass(cls):
        cls._class_tmp.cleanup()

    @classmethod
    def build(cls, path):
        """The shared ledger: tenant acme with five varied entries, globex with two, initech empty."""
        def ok(*args):
            r = run(*args)
            if r.returncode != 0:
                raise AssertionError(f"{args}: {r.stderr}")
            return r

        ok("init", path, "--tenant", "acme", "--tenant", "globex", "--tenant", "initech")

        def put(tenant, *args):
            return json.loads(ok("append", path, "--tenant", tenant, "--json", *args).stdout)

        return {
            "acme": [
                put("acme", "--actor", "u:alice", "--action", "auth.login", "--ip", "203.0.113.7",
                    "--session", "sess-1", "--meta", "method=password+totp"),
                put("acme", "--actor", "u:alice", "--action", "invoice.create", "--target-type", "invoice",
                    "--target-id", "INV-1", "--after", '{"total":"1250.00"}', "--amount", "1250.00",
                    "--currency", "EUR", "--idempotency-key", "create-INV-1"),
                put("acme", "--actor", "u:support-dan", "--on-behalf-of", "u:bob", "--action", "customer.update",
                    "--target-type", "customer", "--target-id", "CUST-118", "--before", '{"iban":"4410"}',
                    "--after", '{"iban":"9921"}', "--sensitive", "--high-risk"),
                put("acme", "--actor", "ai:classifier", "--actor-kind", "ai_agent", "--action",
                    "expense.categorize", "--target-type", "expense", "--target-id", "EXP-9", "--ai-model",
                    "classifier", "--ai-model-version", "2026.10", "--confidence", "0.87"),
                put("acme", "--actor", "u:alice", "--action", "expense.categorize", "--target-type", "expense",
                    "--target-id", "EXP-9", "--overrides", "4", "--high-risk"),
            ],
            "globex": [
                put("globex", "--actor", "u:hiro", "--action", "auth.login"),
                put("globex", "--actor", "u:hiro", "--action", "payment.approve", "--amount", "98000",
                    "--currency", "USD"),
            ],
        }

    def copy(self, name="copy.db"):
        target = self.path(name)
        shutil.copyfile(self.ledger, target)
        return target
