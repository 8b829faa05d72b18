"""auditchain verify on hostile files: damaged, cut short, foreign or malformed
ledgers and bundles.

Whatever the file, `verify` ends by itself (each run is bounded by a timeout)
with exit status 1 and a report naming the problems, or 2 and one line on
stderr saying why it could not run; never a signal. Exit status 0 is accepted
only when everything verify vouches for is byte for byte what was written
(the damage hit bytes SQLite does not use). Verification never changes the
file it reads.
"""

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from clitest import CLI

SEED = 0x6175646974
FLIPS = 120
TIMEOUT = 30  # seconds; verification of these small files takes a fraction of one


def verify(*args):
    """Runs `auditchain verify` with `args`; fails the test on a hang."""
    if not CLI:
        raise unittest.SkipTest("AUDITCHAIN_CLI is not set")
    try:
        return subprocess.run([CLI, "verify", *[str(a) for a in args]], capture_output=True, text=True,
                              errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"verify {args} did not finish within {TIMEOUT} s")


def cli(*args):
    """Runs the CLI to build the test material; it must succeed."""
    r = subprocess.run([CLI, *[str(a) for a in args]], capture_output=True, text=True, timeout=60, check=False)
    if r.returncode != 0:
        raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
    return r


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# What verify vouches for, read with Python's sqlite3 along the paths (the
# indexes) verify reads it. None when SQLite cannot read it.
VOUCHED = (
    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
    "SELECT value FROM meta WHERE key = 'ledger_id'",
    "SELECT id, name, genesis FROM tenants ORDER BY name",
    "SELECT tenant_id, seq, recorded_at, action, actor_id, target_type, target_id, flags, idempotency_key,"
    " hash, body, merkle FROM entries INDEXED BY sqlite_autoindex_entries_1 ORDER BY tenant_id, seq",
    "SELECT tenant_id, tree_size, root, sealed_through, note FROM checkpoints INDEXED BY checkpoints_tenant"
    " ORDER BY tenant_id, id",
    "PRAGMA application_id",
    "PRAGMA user_version",
)


def vouched_content(path):
    # Read from a copy: opening the file itself could leave files beside it.
    with tempfile.TemporaryDirectory(prefix="auditchain-dump-") as tmp:
        copy = os.path.join(tmp, "copy.ledger")
        shutil.copyfile(path, copy)
        try:
            db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            try:
                return [db.execute(sql).fetchall() for sql in VOUCHED]
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return None


class HostileTestCase(unittest.TestCase):
    """A ledger with two tenants, checkpoints, a seal and a bundle, built once."""

    @classmethod
    def setUpClass(cls):
        if not CLI:
            raise unittest.SkipTest("AUDITCHAIN_CLI is not set")
        cls._class_tmp = tempfile.TemporaryDirectory(prefix="auditchain-hostile-")
        base = cls._class_tmp.name
        cls.ledger = os.path.join(base, "audit.db")
        cls.key = os.path.join(base, "k")
        cls.bundle = os.path.join(base, "bundle")
        cli("init", cls.ledger, "--tenant", "acme", "--tenant", "globex")
        for i in range(12):
            extra = []
            if i % 2:
                extra += ["--target-type", "invoice", "--target-id", f"INV-{i}"]
            if i % 3 == 1:
                extra += ["--amount", f"{100 + i}.25", "--currency", "EUR"]
            if i % 4 == 2:
                extra += ["--before", '{"status":"draft"}', "--after", '{"status":"sent"}']
            cli("append", cls.ledger, "--tenant", "acme", "--actor", f"u:user-{i % 3}", "--action",
                "invoice.update", "--meta", f"note=entry {i}", *extra)
            if i % 3 == 0:
                cli("append", cls.ledger, "--tenant", "globex", "--actor", "u:hiro", "--action", "payment.approve")
        cli("keygen", "--name", "audit.example.com", "--out", cls.key)
        cli("checkpoint", cls.ledger, "--key", cls.key + ".key")
        cli("export", cls.ledger, "--tenant", "acme", "--bundle", cls.bundle, "--key", cls.key + ".key",
            "--by", "u:auditor")
        cls.original = read(cls.ledger)
        cls.content = vouched_content(cls.ledger)
        r = verify(cls.ledger, "--key", cls.key + ".pub")
        if r.returncode != 0:
            raise AssertionError(f"the original ledger does not verify: {r.stdout} {r.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls._class_tmp.cleanup()

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="auditchain-hostile-case-")
        self.dir = self._tmp.name
        self.outcomes = {}

    def tearDown(self):
        self._tmp.cleanup()

    def hostile(self, name, data):
        path = os.path.join(self.dir, name)
        write(path, data)
        return path

    def tally(self, what):
        self.outcomes[what] = self.outcomes.get(what, 0) + 1

    def check_run(self, r, as_json):
        """The contract of every run: 0, 1 or 2, and output that fits it."""
        self.assertGreaterEqual(r.returncode, 0, f"killed by signal {-r.returncode}; stderr: {r.stderr!r}")
        self.assertIn(r.returncode, (0, 1, 2), f"stdout: {r.stdout!r}; stderr: {r.stderr!r}")
        if r.returncode == 2:
            lines = r.stderr.splitlines()
            self.assertEqual(len(lines), 1, f"stderr is not one line: {r.stderr!r}")
            self.assertTrue(lines[0].startswith("auditchain: "), lines[0])
            self.assertGreater(len(lines[0]), len("auditchain: ") + 10, lines[0])
            self.assertNotIn("a bug in auditchain", lines[0])
            self.assertEqual(r.stdout, "")
            self.tally("exit 2")
        elif as_json:
            report = json.loads(r.stdout)
            self.assertEqual(report.get("valid"), r.returncode == 0, r.stdout)
            self.tally(f"exit {r.returncode} (json)")
        elif r.returncode == 1:
            self.assertIn("Result: INVALID", r.stdout)
            self.tally("exit 1")
        else:
            self.assertIn("Result: VALID", r.stdout)


class HostileLedgerTest(HostileTestCase):
    def check_ledger(self, path, what, as_json=False):
        """Verifies `path`; returns the exit status after checking the contract."""
        before = read(path)
        args = [path, "--key", self.key + ".pub"] + (["--json"] if as_json else [])
        r = verify(*args)
        with self.subTest(what):
            self.check_run(r, as_json)
            self.assertEqual(read(path), before, "verify changed the file it read")
            if r.returncode == 0:
                self.assertEqual(vouched_content(path), self.content,
                                 "exit 0, but what verify vouches for was changed")
                self.tally("exit 0 (damage outside what verify vouches for)")
        return r.returncode

    def stored_entry_bytes(self):
        """Where in the file the entries' bytes and hashes sit, as (begin, end) offsets."""
        db = sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True)
        try:
            values = [v for row in db.execute("SELECT hash, body FROM entries") for v in row]
        finally:
            db.close()
        ranges = [(at, at + len(v)) for v in values if (at := self.original.find(v)) >= 0]
        self.assertEqual(len(ranges), len(values), "every entry's bytes and hash are found in the file")
        return ranges

    def test_flipped_bytes(self):
        # Half of the flips land anywhere (much of the file is space SQLite
        # leaves unused); the other half inside an entry's stored bytes or
        # hash, where every one must be found.
        rng = random.Random(SEED)
        entry_bytes = self.stored_entry_bytes()
        for i in range(FLIPS):
            targeted = i % 2 == 1
            if targeted:
                begin, end = entry_bytes[rng.randrange(len(entry_bytes))]
                at = rng.randrange(begin, end)
            else:
                at = rng.randrange(100) if i % 8 == 0 else rng.randrange(len(self.original))
            mask = rng.randrange(1, 256)
            data = bytearray(self.original)
            data[at] ^= mask
            path = self.hostile(f"flip-{i}.db", bytes(data))
            what = f"byte {at} xor {mask:#04x}" + (" (in an entry)" if targeted else "")
            status = self.check_ledger(path, what, as_json=i % 4 == 3)
            if targeted:
                self.assertNotEqual(status, 0, what)
        print(f"\n[ outcomes ] {FLIPS} flips, half inside entries: {self.outcomes}")

    def test_truncated(self):
        n = len(self.original)
        for length in (1, 16, 99, 100, 101, 512, 4095, 4096, 4097, n // 3, n // 2, n - 4096, n - 1):
            path = self.hostile(f"cut-{length}.db", self.original[:length])
            self.assertNotEqual(self.check_ledger(path, f"cut to {length} of {n} bytes"), 0, length)
        print(f"\n[ outcomes ] truncations: {self.outcomes}")

    def test_empty_file(self):
        path = self.hostile("empty.db", b"")
        self.assertEqual(self.check_ledger(path, "empty"), 2)
        self.assertEqual(os.path.getsize(path), 0)

    def test_files_that_are_not_sqlite(self):
        rng = random.Random(SEED)
        noise = bytes(rng.randrange(256) for _ in range(8192))
        for name, data in (("text", b"date,actor,action\n2026-01-01,alice,login\n" * 100),
                           ("noise", noise),
                           ("png", b"\x89PNG\r\n\x1a\n" + noise),
                           ("header only", b"SQLite format 3\x00"),
                           ("header and noise", b"SQLite format 3\x00" + noise)):
            path = self.hostile("file.db", data)
            self.assertEqual(self.check_ledger(path, name), 2, name)

    def make_sqlite(self, name, script):
        path = os.path.join(self.dir, name)
        db = sqlite3.connect(path)
        try:
            db.executescript(script)
            db.commit()
        finally:
            db.close()
        return path

    def test_sqlite_file_of_another_application(self):
        path = self.make_sqlite("other.db", "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT);"
                                            "INSERT INTO invoices (total) VALUES ('12.00');")
        self.assertEqual(self.check_ledger(path, "another application"), 2)
        r = verify(path)
        self.assertIn("not an auditchain ledger", r.stderr)

    def test_our_identity_over_another_schema(self):
        identity = "PRAGMA application_id = 1633904689; PRAGMA user_version = 1;"
        schemas = {
            "no tables": identity,
            "foreign tables": identity + "CREATE TABLE invoices (id INTEGER PRIMARY KEY);",
            "our tables, other columns": identity +
                "CREATE TABLE meta (k TEXT, v TEXT); INSERT INTO meta VALUES ('ledger_id', 'x');"
                "CREATE TABLE tenants (id INTEGER PRIMARY KEY, label TEXT); INSERT INTO tenants VALUES (1, 'acme');"
                "CREATE TABLE entries (id INTEGER PRIMARY KEY, payload BLOB);"
                "INSERT INTO entries (payload) VALUES (x'00');",
            "our tables, columns missing": identity +
                "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('ledger_id', '" + "a" * 32 + "');"
                "CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT, genesis BLOB);"
                "INSERT INTO tenants VALUES (1, 'acme', zeroblob(32));"
                "CREATE TABLE entries (tenant_id INTEGER, seq INTEGER, hash BLOB, body BLOB);"
                "INSERT INTO entries VALUES (1, 1, zeroblob(32), '{}');",
        }
        for i, (name, script) in enumerate(schemas.items()):
            path = self.make_sqlite(f"schema-{i}.db", script)
            self.assertNotEqual(self.check_ledger(path, name), 0, name)
            self.assertNotEqual(self.check_ledger(path, name + " (json)", as_json=True), 0, name)

    def test_newer_format(self):
        path = os.path.join(self.dir, "newer.db")
        shutil.copyfile(self.ledger, path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA user_version = 999")
        db.close()
        self.assertEqual(self.check_ledger(path, "newer format"), 2)
        self.assertIn("format", verify(path).stderr)

    def test_garbage_log_beside_the_ledger(self):
        path = os.path.join(self.dir, "logged.db")
        shutil.copyfile(self.ledger, path)
        rng = random.Random(SEED)
        write(path + "-wal", bytes(rng.randrange(256) for _ in range(65536)))
        self.assertEqual(self.check_ledger(path, "garbage log"), 0)


class HostileBundleTest(HostileTestCase):
    def bundle_with(self, name, data):
        """A copy of the bundle whose file `name` holds `data` (removed when None)."""
        target = os.path.join(self.dir, f"bundle-{len(os.listdir(self.dir))}")
        shutil.copytree(self.bundle, target)
        if data is None:
            os.remove(os.path.join(target, name))
        else:
            write(os.path.join(target, name), data)
        return target

    def check_bundle(self, directory, what, as_json=False):
        before = {f: read(os.path.join(directory, f)) for f in os.listdir(directory)}
        r = verify(directory, "--key", self.key + ".pub", *(["--json"] if as_json else []))
        with self.subTest(what):
            self.check_run(r, as_json)
            after = {f: read(os.path.join(directory, f)) for f in os.listdir(directory)}
            self.assertEqual(after, before, "verify changed the bundle")
            if r.returncode == 0:
                # The report names the manifest it read: a changed one shows as a
                # hash other than the one the ledger's data.export entry recorded.
                manifest = read(os.path.join(directory, "manifest.json"))
                self.assertIn(hashlib.sha256(manifest).hexdigest(), r.stdout)
                # Every other file is covered by the manifest's hashes.
                for name, data in after.items():
                    if name != "manifest.json":
                        self.assertEqual(data, read(os.path.join(self.bundle, name)), f"{name} changed unnoticed")
                if manifest != read(os.path.join(self.bundle, "manifest.json")):
                    self.tally("exit 0 with a manifest the ledger never recorded")
        return r.returncode

    def test_original_bundle_is_valid(self):
        self.assertEqual(self.check_bundle(self.bundle, "original"), 0)

    def test_missing_manifest(self):
        self.assertEqual(self.check_bundle(self.bundle_with("manifest.json", None), "no manifest"), 2)

    def test_malformed_manifests(self):
        manifest = read(os.path.join(self.bundle, "manifest.json"))
        cases = {
            "empty": b"",
            "not JSON": b"manifest",
            "an opening brace": b"{",
            "an array": b"[]",
            "null": b"null",
            "an empty object": b"{}",
            "half of it": manifest[:len(manifest) // 2],
            "all but the last byte of the JSON": manifest.rstrip()[:-1],  # a final newline is not JSON
            "invalid UTF-8": manifest[:20] + b"\xff\xfe" + manifest[20:],
            "deeply nested": b"[" * 200000 + b"]" * 200000,
        }
        parsed = json.loads(manifest)
        for name in parsed:
            for wrong in (None, -1, "x", [], {}):
                if parsed[name] == wrong:
                    continue
                changed = dict(parsed)
                changed[name] = wrong
                cases[f"{name} = {json.dumps(wrong)}"] = json.dumps(changed).encode()
        for i, (what, data) in enumerate(cases.items()):
            status = self.check_bundle(self.bundle_with("manifest.json", data), what, as_json=i % 3 == 0)
            self.assertNotEqual(status, 0, what)
        print(f"\n[ outcomes ] {len(cases)} malformed manifests: {self.outcomes}")

    def test_malformed_entry_lines(self):
        entries = read(os.path.join(self.bundle, "entries.jsonl"))
        first, rest = entries.split(b"\n", 1)
        first += b"\n"
        cases = {
            "empty": b"",
            "a blank line first": b"\n" + entries,
            "a garbage line": first + b"not json at all\n" + rest,
            "a line cut short": first[:len(first) // 2] + b"\n" + rest,
            "no final newline": entries[:-1],
            "CRLF line ends": entries.replace(b"\n", b"\r\n"),
            "a line repeated": first + entries,
            "a deeply nested line": first + b"[" * 100000 + b"\n" + rest,
            "half of the file": entries[:len(entries) // 2],
        }
        for what, data in cases.items():
            self.assertNotEqual(self.check_bundle(self.bundle_with("entries.jsonl", data), what), 0, what)
        print(f"\n[ outcomes ] {len(cases)} malformed entries.jsonl: {self.outcomes}")

    def test_truncated_and_flipped_files(self):
        rng = random.Random(SEED)
        for name in ("manifest.json", "entries.jsonl", "entries.csv"):
            data = read(os.path.join(self.bundle, name))
            for length in (0, 1, len(data) // 3, len(data) - 1):
                status = self.check_bundle(self.bundle_with(name, data[:length]), f"{name} cut to {length}")
                # Only the manifest's final newline may go unnoticed: it is not part of the JSON.
                if not (name == "manifest.json" and length == len(data) - 1 and data.endswith(b"\n")):
                    self.assertNotEqual(status, 0, f"{name} cut to {length}")
            for _ in range(25):
                at = rng.randrange(len(data))
                flipped = bytearray(data)
                flipped[at] ^= rng.randrange(1, 256)
                status = self.check_bundle(self.bundle_with(name, bytes(flipped)), f"{name} byte {at}")
                if name != "manifest.json":  # covered by the manifest's file hashes
                    self.assertNotEqual(status, 0, f"{name} byte {at}")
        print(f"\n[ outcomes ] truncated and flipped bundle files: {self.outcomes}")


if __name__ == "__main__":
    unittest.main()
