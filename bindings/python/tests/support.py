"""Shared helpers for the tests of the auditchain Python package.

The package is imported from PYTHONPATH and drives the library named by
AUDITCHAIN_LIBRARY (ctest sets both). Every test works in its own
temporary directory.
"""

import os
import sqlite3
import tempfile
import unittest

import auditchain

HEX = "0123456789abcdef"


def is_hex(value, length):
    return isinstance(value, str) and len(value) == length and all(c in HEX for c in value)


def tamper(path, sql, *params):
    """Rewrites history the way someone with write access to the file could:
    drop the append-only triggers, then change rows directly."""
    db = sqlite3.connect(path)
    try:
        db.executescript("DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;")
        db.execute(sql, params)
        db.commit()
    finally:
        db.close()


class TempDirTestCase(unittest.TestCase):
    """A temporary directory per test."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="auditchain-py-test-")
        self.addCleanup(self._tmp.cleanup)  # cleanups run last-in first-out: after the ledger closes
        self.dir = self._tmp.name

    def path(self, name):
        return os.path.join(self.dir, name)


class LedgerTestCase(TempDirTestCase):
    """An open ledger (self.ledger, file self.ledger_path) with tenant "acme" (self.acme)."""

    open_options = {"durability": "off"}

    def setUp(self):
        super().setUp()
        self.ledger_path = self.path("audit.ledger")
        self.ledger = auditchain.open(self.ledger_path, **self.open_options)
        self.addCleanup(self.ledger.close)
        self.acme = self.ledger.tenant("acme", create=True)

    def login(self, tenant=None, actor="u:alice", **fields):
        return (tenant or self.acme).append(action="auth.login", actor=actor, **fields)
