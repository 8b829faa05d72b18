"""auditchain keygen, checkpoint, seal, prove, verify-proof, and verify against trusted checkpoints.

The tamper tests attack copies of a ledger the way someone with write access to
the file could — cutting entries off, putting an older copy back, rewriting the
whole chain with every hash and Merkle node recomputed, forging checkpoints —
and expect `verify --checkpoint --key` to catch each with exit status 1.
"""

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
import unittest

from clitest import CliTestCase, file_digest, run

TRUST_FINDINGS = {"checkpoint_mismatch", "truncated", "bad_checkpoint", "conflicting_checkpoints", "seal_broken"}


# ---- the ledger format, re-implemented from docs/FORMAT.md ----------------------

def canonical(value):
    """Canonical entry bytes (FORMAT.md section 4) for the ASCII entries these tests make."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def leaf_hash(entry_bytes):
    return hashlib.sha256(b"\x00" + entry_bytes).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_columns(bodies):
    """The `merkle` column of each entry (FORMAT.md section 7): the perfect nodes ending at it, leaf first."""
    nodes = {}  # (level, seq of the last leaf) -> hash
    columns = []
    for seq, body in enumerate(bodies, start=1):
        h = leaf_hash(body)
        nodes[(0, seq)] = h
        column = [h]
        level = 0
        while seq % (2 ** (level + 1)) == 0:
            h = node_hash(nodes[(level, seq - 2 ** level)], h)
            level += 1
            nodes[(level, seq)] = h
            column.append(h)
        columns.append(b"".join(column))
    return columns


def tree_root(bodies):
    """MTH of RFC 6962 over the entries' bytes."""
    if not bodies:
        return hashlib.sha256(b"").digest()
    if len(bodies) == 1:
        return leaf_hash(bodies[0])
    k = 1
    while k * 2 < len(bodies):
        k *= 2
    return node_hash(tree_root(bodies[:k]), tree_root(bodies[k:]))


# ---- tampering with a ledger file ---------------------------------------------------

def without_triggers(path, work):
    """Runs work(db) on the file with its append-only triggers dropped, then puts the triggers back
    exactly as they were, so that the schema check cannot give the tampering away."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        triggers = db.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            db.execute(f'DROP TRIGGER "{name}"')
        result = work(db)
        for _, sql in triggers:
            db.execute(sql)
        return result
    finally:
        db.close()


def tenant_id(db, tenant):
    return db.execute("SELECT id FROM tenants WHERE name = ?", (tenant,)).fetchone()[0]


def entry_bodies(path, tenant="acme"):
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT body FROM entries WHERE tenant_id = ? ORDER BY seq",
                          (tenant_id(db, tenant),)).fetchall()
        return [bytes(body) for (body,) in rows]
    finally:
        db.close()


def delete_last_entries(path, count, tenant="acme"):
    def work(db):
        tid = tenant_id(db, tenant)
        head = db.execute("SELECT max(seq) FROM entries WHERE tenant_id = ?", (tid,)).fetchone()[0]
        db.execute("DELETE FROM entries WHERE tenant_id = ? AND seq > ?", (tid, head - count))
    without_triggers(path, work)


def rewrite_chain(path, change, tenant="acme", drop_checkpoints=True):
    """Rewrites every entry of `tenant` with change(entry) applied, recomputing prev links, entry
    hashes and Merkle nodes, and (unless told not to) removes the stored checkpoints that would no
    longer match: what someone who can write the file and has read the format can do."""
    def work(db):
        tid = tenant_id(db, tenant)
        rows = db.execute("SELECT seq, body, merkle FROM entries WHERE tenant_id = ? ORDER BY seq", (tid,)).fetchall()
        original = [bytes(body) for _, body, _ in rows]
        # The re-implementation must reproduce the untouched ledger exactly, or the test proves nothing.
        assert [canonical(json.loads(b)) for b in original] == original
        assert merkle_columns(original) == [bytes(m) for _, _, m in rows]
        bodies = []
        prev = None
        for body in original:
            entry = json.loads(body)
            change(entry)
            if prev is not None:
                entry["prev"] = prev
            new = canonical(entry)
            prev = hashlib.sha256(new).hexdigest()
            bodies.append(new)
        for (seq, _, _), body, merkle in zip(rows, bodies, merkle_columns(bodies)):
            db.execute("UPDATE entries SET body = ?, hash = ?, merkle = ? WHERE tenant_id = ? AND seq = ?",
                       (body, hashlib.sha256(body).digest(), merkle, tid, seq))
        if drop_checkpoints:
            db.execute("DELETE FROM checkpoints WHERE tenant_id = ?", (tid,))
        return bodies
    return without_triggers(path, work)


def halve_amounts(entry):
    if "amount" in entry:
        entry["amount"]["value"] = str(int(entry["amount"]["value"]) // 2)


def stored_checkpoints(path, tenant="acme"):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT tenant_id, tree_size, root, created_at, sealed_through, note FROM checkpoints"
                          " WHERE tenant_id = ? ORDER BY id", (tenant_id(db, tenant),)).fetchall()
    finally:
        db.close()


def note_lines(note):
    """The checkpoint body's lines: origin, size, root, time, ..."""
    return note.split("\n\n", 1)[0].split("\n")


class KeysMixin:
    def keygen(self, prefix, name="audit.example.com"):
        path = self.path(prefix) if not os.path.isabs(prefix) else prefix
        return self.json_of(run("keygen", "--name", name, "--out", path, "--json"))


# ---- keygen -------------------------------------------------------------------------

class KeygenTest(KeysMixin, CliTestCase):
    def test_writes_signer_key_0600_and_verifier_key(self):
        prefix = self.path("audit")
        r = self.assertOk(run("keygen", "--name", "audit.example.com", "--out", prefix))
        secret, public = prefix + ".key", prefix + ".pub"
        self.assertEqual(stat.S_IMODE(os.stat(secret).st_mode), 0o600)
        with open(public) as f:
            verifier = f.read()
        with open(secret) as f:
            signer = f.read()
        self.assertTrue(verifier.endswith("\n"))
        verifier = verifier.strip()
        name, key_id, material = verifier.split("+", 2)
        self.assertEqual(name, "audit.example.com")
        self.assertRegex(key_id, r"^[0-9a-f]{8}$")
        public_key = base64.b64decode(material, validate=True)
        self.assertEqual((len(public_key), public_key[0]), (33, 1))
        # key id = first four bytes of SHA-256(name || "\n" || 0x01 || public key)
        self.assertEqual(hashlib.sha256(name.encode() + b"\n" + public_key).hexdigest()[:8], key_id)
        self.assertTrue(signer.startswith(f"PRIVATE+KEY+audit.example.com+{key_id}+"))
        self.assertIn(verifier, r.stdout)
        self.assertIn(secret, r.stdout)
        self.assertIn(public, r.stdout)
        self.assertNotIn(signer.strip(), r.stdout)
        self.assertNotIn(signer.strip().split("+", 4)[4], r.stdout)  # the seed

    def test_json(self):
        doc = self.keygen("k")
        self.assertEqual(list(doc), ["name", "key_id", "verifier_key", "signer_key_file", "verifier_key_file"])
        with open(doc["verifier_key_file"]) as f:
            self.assertEqual(f.read(), doc["verifier_key"] + "\n")
        self.assertEqual(doc["verifier_key"].split("+")[1], doc["key_id"])
        self.assertEqual(doc["signer_key_file"], self.path("k.key"))

    def test_two_keys_differ(self):
        self.assertNotEqual(self.keygen("a")["verifier_key"], self.keygen("b")["verifier_key"])

    def test_refuses_to_overwrite(self):
        self.keygen("k")
        digests = [file_digest(self.path(n)) for n in ("k.key", "k.pub")]
        self.assertUsageError(run("keygen", "--name", "n", "--out", self.path("k")), "already exists")
        self.assertEqual([file_digest(self.path(n)) for n in ("k.key", "k.pub")], digests)

    def test_refuses_when_either_file_exists_and_writes_neither(self):
        with open(self.path("only.pub"), "w") as f:
            f.write("something else\n")
        self.assertUsageError(run("keygen", "--name", "n", "--out", self.path("only")), "only.pub", "already exists")
        self.assertFalse(os.path.exists(self.path("only.key")))
        with open(self.path("only.pub")) as f:
            self.assertEqual(f.read(), "something else\n")

    def test_bad_name_and_bad_place(self):
        for name in ["", "has space", "a+b"]:
            with self.subTest(name=name):
                self.assertUsageError(run("keygen", "--name", name, "--out", self.path("k")), "--name")
        self.assertUsageError(run("keygen", "--name", "n", "--out", self.path("no/such/dir/k")), "--out")
        self.assertUsageError(run("keygen", "--out", self.path("k")), "--name")
        self.assertUsageError(run("keygen", "--name", "n"), "--out")
        self.assertEqual(os.listdir(self.dir), [])


# ---- checkpoint ---------------------------------------------------------------------

class CheckpointTest(KeysMixin, CliTestCase):
    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=["acme", "globex team+eu"])
        for i in range(5):
            self.append(self.ledger, "acme", "u:alice", f"invoice.update.{i}")
        self.append(self.ledger, "globex team+eu", "u:hiro", "auth.login")
        self.keys = self.keygen("k")
        self.ledger_id = self.json_of(run("info", self.ledger, "--json"))["ledger_id"]

    def test_prints_notes_of_all_tenants(self):
        r = self.assertOk(run("checkpoint", self.ledger, "--key", self.path("k.key")))
        notes = r.stdout.split("\n---\n")
        self.assertEqual(len(notes), 2)
        acme, globex = [note_lines(n) for n in notes]
        self.assertEqual(acme[:3], [f"auditchain/{self.ledger_id}/acme", "5",
                                    base64.b64encode(tree_root(entry_bodies(self.ledger))).decode()])
        self.assertTrue(acme[3].startswith("time "))
        self.assertEqual(globex[:2], [f"auditchain/{self.ledger_id}/globex%20team%2Beu", "1"])
        for note in notes:
            self.assertRegex(note.rstrip("\n").split("\n")[-1], r"^— audit\.example\.com [A-Za-z0-9+/=]+$")
        (acme_row,) = stored_checkpoints(self.ledger)
        (globex_row,) = stored_checkpoints(self.ledger, "globex team+eu")
        self.assertEqual(r.stdout, acme_row[5] + "---\n" + globex_row[5])

    def test_out_file_for_one_tenant(self):
        out = self.path("acme.checkpoint")
        r = self.assertOk(run("checkpoint", self.ledger, "--key", self.path("k.key"), "--tenant", "acme", "--out", out))
        self.assertIn(f"acme: checkpoint of 5 entries, root ", r.stdout)
        self.assertIn(out, r.stdout)
        with open(out) as f:
            self.assertEqual(f.read(), stored_checkpoints(self.ledger)[0][5])
        # A later checkpoint replaces the file.
        self.append(self.ledger, "acme", "u:alice", "auth.logout")
        self.assertOk(run("checkpoint", self.ledger, "--key", self.path("k.key"), "--tenant", "acme", "--out", out))
        with open(out) as f:
            self.assertEqual(note_lines(f.read())[1], "6")

    def test_out_directory_gets_one_file_per_tenant(self):
        out = self.path("checkpoints")
        os.mkdir(out)
        self.assertOk(run("checkpoint", self.ledger, "--key", self.path("k.key"), "--out", out))
        self.assertEqual(sorted(os.listdir(out)), ["acme.checkpoint", "globex%20team%2Beu.checkpoint"])
        with open(os.path.join(out, "globex%20team%2Beu.checkpoint")) as f:
            self.assertEqual(f.read(), stored_checkpoints(self.ledger, "globex team+eu")[0][5])

    def test_json(self):
        doc = self.json_of(run("checkpoint", self.ledger, "--key", self.path("k.key"), "--tenant", "acme", "--json"))
        self.assertEqual(list(doc), ["checkpoints"])
        (c,) = doc["checkpoints"]
        self.assertEqual(list(c), ["tenant", "ledger_id", "tree_size", "root", "time", "sealed_through", "file", "note"])
        self.assertEqual((c["tenant"], c["ledger_id"], c["tree_size"]), ("acme", self.ledger_id, 5))
        self.assertEqual(c["root"], tree_root(entry_bodies(self.ledger)).hex())
        self.assertIsNone(c["sealed_through"])
        self.assertIsNone(c["file"])
        self.assertEqual(c["note"], stored_checkpoints(self.ledger)[0][5])

    def test_refusals_sign_and_store_nothing(self):
        cases = [
            (["--key", self.path("missing.key")], "--key", "missing.key"),
            (["--key", self.path("k.pub")], "--key", "k.pub"),
            (["--key", self.path("k.key"), "--out", self.path("one-file")], "--out", "directory"),
            (["--key", self.path("k.key"), "--tenant", "acme", "--out", self.path("no/dir/f")], "--out"),
            (["--key", self.path("k.key"), "--tenant", "nobody"], '"nobody"'),
            (["--tenant", "acme"], "--key"),
        ]
        for args, *fragments in cases:
            with self.subTest(args=args):
                self.assertUsageError(run("checkpoint", self.ledger, *args), *fragments)
                self.assertEqual(stored_checkpoints(self.ledger), [])
        self.assertFalse(os.path.exists(self.path("one-file")))
        self.assertUsageError(run("checkpoint", self.path("missing.db"), "--key", self.path("k.key")),
                              "no ledger file at")
        self.assertFalse(os.path.exists(self.path("missing.db")))

    def test_ledger_without_tenants(self):
        empty = self.new_ledger("empty.db", tenants=())
        self.assertUsageError(run("checkpoint", empty, "--key", self.path("k.key")), "no tenants")


# ---- prove and verify-proof ---------------------------------------------------------

class ProofTest(KeysMixin, CliTestCase):
    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=["acme"])
        for i in range(7):
            self.append(self.ledger, "acme", "u:alice", "invoice.update", "--amount", str(100 + i),
                        "--currency", "EUR")
        self.keygen("k")
        self.keygen("other")
        self.checkpoint()  # size 7
        for i in range(4):
            self.append(self.ledger, "acme", "u:bob", "auth.login")
        self.checkpoint()  # size 11

    def checkpoint(self):
        self.assertOk(run("checkpoint", self.ledger, "--key", self.path("k.key"), "--tenant", "acme"))

    def prove(self, *args):
        out = self.path("proof.json")
        self.assertOk(run("prove", self.ledger, "--tenant", "acme", *args, "--out", out))
        with open(out) as f:
            return json.load(f)

    def verify_proof(self, proof, *keys, status):
        path = self.path("checked.json")
        with open(path, "w") as f:
            json.dump(proof, f)
        args = []
        for key in keys or ("k.pub",):
            args += ["--key", self.path(key)]
        r = run("verify-proof", path, *args)
        self.assertEqual(r.returncode, status, f"stdout: {r.stdout!r}; stderr: {r.stderr!r}")
        return r

    def test_inclusion_round_trip(self):
        proof = self.prove("--seq", "3")
        self.assertEqual((proof["proof"], proof["seq"], proof["leaf_index"]), ("inclusion", 3, 2))
        # Default: the newest stored checkpoint covering the entry.
        self.assertEqual(proof["tree_size"], 11)
        self.assertEqual(proof["root"], tree_root(entry_bodies(self.ledger)).hex())
        self.assertEqual(note_lines(proof["checkpoint"])[1], "11")
        self.assertEqual(proof["entry"].encode(), entry_bodies(self.ledger)[2])
        r = self.verify_proof(proof, status=0)
        self.assertIn("Result: VALID", r.stdout)
        self.assertIn("entry 3", r.stdout)

    def test_inclusion_in_an_older_checkpoint(self):
        proof = self.prove("--seq", "7", "--size", "7")
        self.assertEqual(proof["root"], tree_root(entry_bodies(self.ledger)[:7]).hex())
        self.verify_proof(proof, status=0)

    def test_consistency_round_trip(self):
        proof = self.prove("--from-size", "7", "--to-size", "11")
        self.assertEqual((proof["proof"], proof["old_size"], proof["new_size"]), ("consistency", 7, 11))
        bodies = entry_bodies(self.ledger)
        self.assertEqual((proof["old_root"], proof["new_root"]),
                         (tree_root(bodies[:7]).hex(), tree_root(bodies).hex()))
        self.verify_proof(proof, status=0)
        self.assertEqual(self.prove("--from-size", "7"), proof)  # --to-size defaults to the head

    def test_printed_proof_and_stdin(self):
        printed = self.assertOk(run("prove", self.ledger, "--tenant", "acme", "--seq", "5")).stdout
        self.assertEqual(len(printed.splitlines()), 1)
        r = run("verify-proof", "-", "--key", self.path("k.pub"), stdin=printed)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_json_verdict(self):
        proof = self.prove("--seq", "2")
        path = self.path("p.json")
        with open(path, "w") as f:
            json.dump(proof, f)
        doc = self.json_of(run("verify-proof", path, "--key", self.path("k.pub"), "--json"))
        self.assertEqual(list(doc), ["proof", "kind", "valid", "summary", "problems"])
        self.assertEqual((doc["proof"], doc["kind"], doc["valid"], doc["problems"]), (path, "inclusion", True, []))
        proof["path"][0] = "00" * 32
        with open(path, "w") as f:
            json.dump(proof, f)
        r = run("verify-proof", path, "--key", self.path("k.pub"), "--json")
        self.assertEqual(r.returncode, 1)
        doc = json.loads(r.stdout)
        self.assertIs(doc["valid"], False)
        self.assertTrue(doc["problems"])

    def test_tampered_path_hash(self):
        for kind, args in (("inclusion", ["--seq", "4"]), ("consistency", ["--from-size", "7"])):
            with self.subTest(kind=kind):
                proof = self.prove(*args)
                proof["path"][-1] = hashlib.sha256(b"forged").hexdigest()
                r = self.verify_proof(proof, status=1)
                self.assertIn("PROBLEM", r.stdout)
                self.assertIn("Result: INVALID", r.stdout)

    def test_tampered_entry_text(self):
        proof = self.prove("--seq", "4")
        proof["entry"] = proof["entry"].replace('"103"', '"1"')
        self.assertIn('"1"', proof["entry"])
        self.verify_proof(proof, status=1)
        # Also with the leaf hash recomputed to match the new text: the path no longer leads to the root.
        proof["leaf_hash"] = leaf_hash(proof["entry"].encode()).hex()
        self.verify_proof(proof, status=1)

    def test_tampered_root_with_its_checkpoint(self):
        proof = self.prove("--seq", "4", "--size", "7")
        proof["root"] = hashlib.sha256(b"another root").hexdigest()
        self.verify_proof(proof, status=1)

    def test_wrong_key(self):
        proof = self.prove("--seq", "4")
        r = self.verify_proof(proof, "other.pub", status=1)
        self.assertIn("PROBLEM", r.stdout)
        self.verify_proof(proof, "other.pub", "k.pub", status=0)

    def test_proof_without_a_checkpoint_is_not_trusted(self):
        out = self.path("unsigned.json")
        r = self.assertOk(run("prove", self.ledger, "--tenant", "acme", "--seq", "2", "--size", "9", "--out", out))
        self.assertIn("no signed checkpoint of size 9", r.stdout)
        with open(out) as f:
            proof = json.load(f)
        self.assertIsNone(proof["checkpoint"])
        self.verify_proof(proof, status=1)

    def test_unusable_input_exits_2(self):
        not_a_proof = self.path("notes.txt")
        with open(not_a_proof, "w") as f:
            f.write("hello\n")
        self.assertUsageError(run("verify-proof", not_a_proof, "--key", self.path("k.pub")), "not an auditchain proof")
        self.assertUsageError(run("verify-proof", "-", "--key", self.path("k.pub"), stdin='{"proof": "x"}'),
                              "not an auditchain proof")
        self.assertUsageError(run("verify-proof", self.path("missing.json"), "--key", self.path("k.pub")),
                              "missing.json")
        proof = self.path("p.json")
        self.assertOk(run("prove", self.ledger, "--tenant", "acme", "--seq", "1", "--out", proof))
        self.assertUsageError(run("verify-proof", proof, "--key", self.path("missing.pub")), "--key", "missing.pub")
        self.assertUsageError(run("verify-proof", proof, "--key", not_a_proof), "--key", "notes.txt")
        self.assertUsageError(run("verify-proof", proof, "--key", self.path("k.key")), "--key", "signer")
        self.assertUsageError(run("verify-proof", proof), "--key")

    def test_prove_refusals(self):
        cases = [
            (["--seq", "12"], "no entry 12"),
            (["--seq", "0"], "--seq"),
            (["--seq", "5", "--size", "4"], "--size"),
            (["--seq", "5", "--size", "12"], "--size"),
            (["--from-size", "0"], "--from-size"),
            (["--from-size", "5", "--to-size", "4"], "--to-size"),
            (["--from-size", "5", "--to-size", "12"], "--to-size"),
            (["--seq", "1", "--from-size", "1"], "--from-size"),
            (["--size", "3"], "--seq"),
            ([], "--seq", "--from-size"),
        ]
        for args, *fragments in cases:
            with self.subTest(args=args):
                self.assertUsageError(run("prove", self.ledger, "--tenant", "acme", *args), *fragments)
        self.assertUsageError(run("prove", self.ledger, "--tenant", "nobody", "--seq", "1"), '"nobody"')


# ---- seal ---------------------------------------------------------------------------

class SealTest(KeysMixin, CliTestCase):
    THROUGH = "2001-01-31T23:59:59.999999Z"

    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=["acme", "globex"])
        self.append(self.ledger, "acme", "u:alice", "invoice.create", "--occurred-at", "2001-01-10T09:00:00Z")
        self.keygen("k")

    def seal(self, through=THROUGH, *extra):
        return run("seal", self.ledger, "--tenant", "acme", "--through", through, "--key", self.path("k.key"), *extra)

    def test_seal_then_backdated_append_is_refused(self):
        r = self.assertOk(self.seal())
        lines = note_lines(r.stdout)
        self.assertEqual(lines[1], "1")
        self.assertEqual(lines[4], f"seal {self.THROUGH}")
        self.assertEqual(stored_checkpoints(self.ledger)[0][4], self.THROUGH)
        before, digest = self.snapshot(self.ledger), file_digest(self.ledger)
        for occurred in ["2001-01-31T23:59:59.999999Z", "2001-01-15T00:00:00Z", "2001-02-01T00:59:59+01:00"]:
            with self.subTest(occurred=occurred):
                self.assertUsageError(run("append", self.ledger, "--tenant", "acme", "--actor", "u:alice",
                                          "--action", "invoice.update", "--occurred-at", occurred),
                                      "occurred_at", "sealed through")
                self.assertEqual(file_digest(self.ledger), digest)
                self.assertEqual(self.snapshot(self.ledger), before)
        event = json.dumps({"action": "x", "actor": "u", "occurred_at": "2001-01-20T00:00:00Z"})
        self.assertUsageError(run("append", self.ledger, "--tenant", "acme", "--event", "-", stdin=event),
                              "occurred_at")
        self.assertEqual(self.snapshot(self.ledger), before)

    def test_appends_after_the_period_and_without_occurred_at_work(self):
        self.assertOk(self.seal())
        self.append(self.ledger, "acme", "u:alice", "invoice.update", "--occurred-at", "2001-02-01T00:00:00Z")
        self.append(self.ledger, "acme", "u:alice", "invoice.update")
        # Other tenants are not sealed.
        self.append(self.ledger, "globex", "u:hiro", "invoice.update", "--occurred-at", "2001-01-15T00:00:00Z")
        self.assertEqual(len(self.log_lines(self.ledger, "acme")), 3)
        self.assertOk(run("verify", self.ledger))

    def test_out_and_json(self):
        out = self.path("acme-2001-01.seal")
        r = self.assertOk(self.seal(self.THROUGH, "--out", out))
        self.assertIn(f"sealed through {self.THROUGH}", r.stdout)
        with open(out) as f:
            self.assertEqual(f.read(), stored_checkpoints(self.ledger)[0][5])
        doc = self.json_of(self.seal("2001-02-28T00:00:00+01:00", "--json"))
        self.assertEqual((doc["tenant"], doc["tree_size"], doc["sealed_through"]),
                         ("acme", 1, "2001-02-27T23:00:00.000000Z"))
        self.assertEqual(doc["note"], stored_checkpoints(self.ledger)[1][5])

    def test_refusals(self):
        self.assertOk(self.seal())
        cases = [
            (["--through", "2999-01-01T00:00:00Z"], "--through", "ended"),
            (["--through", "2001-01-01T00:00:00Z"], "--through", "already sealed"),
            (["--through", "January"], "--through"),
        ]
        for args, *fragments in cases:
            with self.subTest(args=args):
                self.assertUsageError(run("seal", self.ledger, "--tenant", "acme", "--key", self.path("k.key"), *args),
                                      *fragments)
        self.assertUsageError(run("seal", self.ledger, "--tenant", "acme", "--through", self.THROUGH,
                                  "--key", self.path("k.pub")), "--key")
        self.assertUsageError(run("seal", self.ledger, "--tenant", "nobody", "--through", self.THROUGH,
                                  "--key", self.path("k.key")), '"nobody"')
        self.assertEqual(len(stored_checkpoints(self.ledger)), 1)


# ---- verify against trusted checkpoints ---------------------------------------------

class TrustedLedgerTestCase(KeysMixin, CliTestCase):
    """A ledger whose tenant acme has 8 entries (with amounts) and one checkpoint, signed with k and
    kept outside the ledger in acme.checkpoint. Tests work on copies."""

    @classmethod
    def setUpClass(cls):
        cls._class_tmp = tempfile.TemporaryDirectory(prefix="auditchain-cli-trust-")
        base = cls._class_tmp.name
        cls.original = os.path.join(base, "audit.db")

        def ok(*args, stdin=None):
            r = run(*args, stdin=stdin)
            if r.returncode != 0:
                raise AssertionError(f"{args}: {r.stderr}")
            return r

        ok("init", cls.original, "--tenant", "acme", "--tenant", "globex")
        for i in range(8):
            ok("append", cls.original, "--tenant", "acme", "--actor", "u:alice", "--action", "invoice.pay",
               "--target-type", "invoice", "--target-id", f"INV-{i}", "--amount", str(1000 + 10 * i),
               "--currency", "EUR")
        ok("append", cls.original, "--tenant", "globex", "--actor", "u:hiro", "--action", "auth.login")
        cls.key, cls.pub = os.path.join(base, "k.key"), os.path.join(base, "k.pub")
        ok("keygen", "--name", "audit.example.com", "--out", os.path.join(base, "k"))
        cls.checkpoint_file = os.path.join(base, "acme.checkpoint")
        ok("checkpoint", cls.original, "--key", cls.key, "--tenant", "acme", "--out", cls.checkpoint_file)

    @classmethod
    def tearDownClass(cls):
        cls._class_tmp.cleanup()

    def copy(self, name="copy.db"):
        target = self.path(name)
        shutil.copyfile(self.original, target)
        return target

    def verify(self, ledger, *args, status):
        r = run("verify", ledger, *args)
        self.assertEqual(r.returncode, status, f"stdout: {r.stdout!r}; stderr: {r.stderr!r}")
        return r

    def trusted(self, checkpoint=None, *keys):
        args = ["--checkpoint", checkpoint or self.checkpoint_file]
        for key in keys or (self.pub,):
            args += ["--key", key]
        return args

    def finding_kinds(self, ledger, *args, status=1):
        doc = json.loads(self.verify(ledger, *args, "--json", status=status).stdout)
        kinds = {f["kind"] for f in doc["findings"]}
        for tenant in doc["tenants"]:
            kinds |= {f["kind"] for f in tenant["findings"]}
        return kinds


class VerifyTrustOptionsTest(TrustedLedgerTestCase):
    def test_intact_ledger_is_valid_against_its_checkpoint(self):
        r = self.verify(self.original, *self.trusted(), status=0)
        self.assertIn("Result: VALID", r.stdout)
        self.assertNotIn("PROBLEM", r.stdout)
        self.verify(self.original, "--key", self.pub, status=0)

    def test_grown_ledger_is_valid_against_an_older_checkpoint(self):
        copy = self.copy()
        self.append(copy, "acme", "u:alice", "auth.logout")
        self.assertOk(run("checkpoint", copy, "--key", self.key))
        self.verify(copy, *self.trusted(), status=0)

    def test_checkpoint_without_key_is_refused(self):
        self.assertUsageError(run("verify", self.original, "--checkpoint", self.checkpoint_file), "--checkpoint",
                              "--key")

    def test_unusable_trust_inputs_exit_2(self):
        self.assertUsageError(run("verify", self.original, *self.trusted(self.path("missing.checkpoint"))),
                              "--checkpoint", "missing.checkpoint")
        self.assertUsageError(run("verify", self.original, *self.trusted(None, self.path("missing.pub"))),
                              "--key", "missing.pub")
        self.assertUsageError(run("verify", self.original, *self.trusted(None, self.key)), "--key", "signer")
        self.assertUsageError(run("verify", self.original, *self.trusted(self.pub)), "--checkpoint", "k.pub")

    def test_several_notes_in_one_file(self):
        both = self.path("both.checkpoint")
        with open(both, "w") as f:
            f.write(self.assertOk(run("checkpoint", self.copy(), "--key", self.key)).stdout)
        r = self.verify(self.copy("other.db"), *self.trusted(both), status=0)
        self.assertIn("Trusted: 2 checkpoints (acme at 8 entries, globex at 1 entry); key audit.example.com+", r.stdout)
        # With --tenant, the notes of the other tenants are left out.
        r = self.verify(self.original, "--tenant", "globex", *self.trusted(both), status=0)
        self.assertIn("Trusted: 1 checkpoint (globex at 1 entry)", r.stdout)

    def test_checkpoint_of_a_tenant_not_asked_for_is_refused(self):
        self.assertUsageError(run("verify", self.original, "--tenant", "globex", *self.trusted()), "--checkpoint",
                              "--tenant")

    def test_time_range_cannot_be_held_against_checkpoints(self):
        self.assertUsageError(run("verify", self.original, "--from", "2000-01-01T00:00:00Z", *self.trusted()),
                              "--checkpoint", "--from")
        self.assertUsageError(run("verify", self.original, "--to", "2999-01-01T00:00:00Z", "--key", self.pub),
                              "--key", "--to")


class TamperDetectionTest(TrustedLedgerTestCase):
    def test_last_entries_deleted(self):
        copy = self.copy()
        delete_last_entries(copy, 3)
        r = self.verify(copy, *self.trusted(), status=1)
        self.assertRegex(r.stdout, r"PROBLEM .*truncated")
        self.assertIn("Result: INVALID", r.stdout)

    def test_file_replaced_by_an_older_copy(self):
        old = self.copy("old.db")
        new = self.copy("new.db")
        for i in range(3):
            self.append(new, "acme", "u:bob", "invoice.void", "--target-type", "invoice", "--target-id", f"INV-{i}")
        newer_checkpoint = self.path("new.checkpoint")
        self.assertOk(run("checkpoint", new, "--key", self.key, "--tenant", "acme", "--out", newer_checkpoint))
        self.verify(new, *self.trusted(newer_checkpoint), status=0)
        self.assertIn("truncated", self.finding_kinds(old, *self.trusted(newer_checkpoint)))

    def test_whole_chain_rewritten_with_recomputed_hashes(self):
        copy = self.copy()
        bodies = rewrite_chain(copy, halve_amounts)
        self.assertNotEqual(bodies, entry_bodies(self.original))
        self.assertEqual(bodies, entry_bodies(copy))
        # The chain itself is flawless: nothing but the trusted checkpoint can tell.
        self.verify(copy, status=0)
        self.assertIn("checkpoint_mismatch", self.finding_kinds(copy, *self.trusted()))

    def test_forged_checkpoint(self):
        with open(self.checkpoint_file) as f:
            note = f.read()
        lines = note.split("\n")
        self.assertEqual(lines[1], "8")
        forged_root = base64.b64encode(tree_root(entry_bodies(self.original)[:7])).decode()
        for what, index, value in (("size", 1, "7"), ("root", 2, forged_root)):
            with self.subTest(line=what):
                forged = self.path(f"forged-{what}.checkpoint")
                with open(forged, "w") as f:
                    f.write("\n".join(lines[:index] + [value] + lines[index + 1:]))
                self.assertIn("bad_checkpoint", self.finding_kinds(self.original, *self.trusted(forged)))

    def test_checkpoint_signed_by_another_key(self):
        self.keygen("impostor", name="audit.example.com")  # same name, different key
        copy = self.copy()
        other_checkpoint = self.path("impostor.checkpoint")
        self.assertOk(run("checkpoint", copy, "--key", self.path("impostor.key"), "--tenant", "acme",
                          "--out", other_checkpoint))
        kinds = self.finding_kinds(self.original, *self.trusted(other_checkpoint))
        self.assertIn("bad_checkpoint", kinds)
        # Trusted alongside the real key, the same note is fine: what failed was only whose key signed it.
        self.verify(self.original, *self.trusted(other_checkpoint, self.pub, self.path("impostor.pub")), status=0)

    def test_two_checkpoints_of_the_same_size_with_different_roots(self):
        forked = self.copy("forked.db")
        rewrite_chain(forked, halve_amounts)
        self.assertOk(run("checkpoint", forked, "--key", self.key, "--tenant", "acme"))
        (row,) = stored_checkpoints(forked)
        self.assertEqual(row[1], 8)
        copy = self.copy()
        (genuine,) = stored_checkpoints(copy)
        self.assertEqual(genuine[1], 8)
        self.assertNotEqual(genuine[2], row[2])
        # A plain INSERT: the append-only triggers allow adding rows.
        db = sqlite3.connect(copy)
        db.execute("INSERT INTO checkpoints (tenant_id, tree_size, root, created_at, sealed_through, note)"
                   " VALUES (?, ?, ?, ?, ?, ?)", row)
        db.commit()
        db.close()
        self.assertIn("conflicting_checkpoints", self.finding_kinds(copy, "--key", self.pub))

    def test_entry_slipped_into_a_sealed_period(self):
        copy = self.copy()
        self.assertOk(run("seal", copy, "--tenant", "acme", "--through", "2001-01-31T23:59:59Z", "--key", self.key))
        self.append(copy, "acme", "u:mallory", "invoice.pay", "--occurred-at", "2001-02-01T00:00:00Z")
        self.verify(copy, "--key", self.pub, status=0)

        def backdate(entry):
            if entry["seq"] == 9:
                entry["occurred_at"] = "2001-01-15T00:00:00.000000Z"
        rewrite_chain(copy, backdate, drop_checkpoints=False)
        self.assertIn("seal_broken", self.finding_kinds(copy, "--key", self.pub))

    def test_findings_are_listed_like_any_other(self):
        copy = self.copy()
        delete_last_entries(copy, 1)
        doc = json.loads(self.verify(copy, *self.trusted(), "--json", status=1).stdout)
        self.assertIs(doc["valid"], False)
        findings = doc["findings"] + [f for t in doc["tenants"] for f in t["findings"]]
        self.assertTrue(any(f["kind"] in TRUST_FINDINGS for f in findings), findings)
        for f in findings:
            self.assertIsInstance(f["kind_code"], int)
            self.assertTrue(f["detail"])


if __name__ == "__main__":
    unittest.main()
