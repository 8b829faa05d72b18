"""Protected values through the CLI: encryption, secrets, erasure, retention, key rotation."""

import os
import re
import sqlite3
import unittest

from clitest import CliTestCase, run

IBAN = "DE89370400440532013000"
TOKEN = "tok-SECRET-7f3a9c"
NOTE = "bob-private-note-42"
IP = "198.51.100.77"


def raw_bytes(path):
    """The ledger file and its WAL (when present), as bytes."""
    data = b""
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as f:
                data += f.read()
    return data


def entry_count(path, tenant="acme"):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT COUNT(*) FROM entries e JOIN tenants t ON t.id = e.tenant_id WHERE t.name = ?",
                          (tenant,)).fetchone()[0]
    finally:
        db.close()


class ProtectTestCase(CliTestCase):
    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger()
        self.key = self.path("master.key")
        out = self.assertOk(run("keygen-master", "--out", self.key)).stdout
        self.key_id = re.search(r"Master key id: ([0-9a-f]{16})", out).group(1)

    def append_protected(self):
        """Entry 1: alice's IBAN (subject c-17), IP and a secret token; entry 2: bob's note (subject c-18)."""
        self.append(self.ledger, "acme", "u:alice", "customer.update", "--master-key", self.key,
                    "--after", '{"iban":"%s","name":"Alice"}' % IBAN, "--encrypt", "/after/iban",
                    "--ip", IP, "--encrypt", "/actor/ip", "--meta", "token=" + TOKEN, "--secret", "/metadata/token",
                    "--subject", "c-17")
        self.append(self.ledger, "acme", "u:bob", "customer.note", "--master-key", self.key,
                    "--meta", "note=" + NOTE, "--encrypt", "/metadata/note", "--subject", "c-18")

    def show(self, seq, *extra):
        return self.assertOk(run("show", self.ledger, "--tenant", "acme", "--seq", seq, *extra)).stdout

    def log(self, *extra):
        return self.assertOk(run("log", self.ledger, "--tenant", "acme", *extra)).stdout


class KeygenMasterTest(ProtectTestCase):
    def test_key_file_is_private_and_never_overwritten(self):
        self.assertEqual(os.stat(self.key).st_mode & 0o777, 0o600)
        with open(self.key, "rb") as f:
            before = f.read()
        self.assertUsageError(run("keygen-master", "--out", self.key), "--out", "already exists")
        with open(self.key, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_json(self):
        doc = self.json_of(run("keygen-master", "--out", self.path("k2"), "--json"))
        self.assertRegex(doc["master_key_id"], r"^[0-9a-f]{16}$")
        self.assertEqual(doc["file"], self.path("k2"))


class ProtectedReadTest(ProtectTestCase):
    def test_with_key_plaintext_without_markers(self):
        self.append_protected()
        with_key = self.show(1, "--master-key", self.key)
        self.assertIn(IBAN, with_key)
        self.assertIn(IP, with_key)
        self.assertIn("/metadata/token", with_key)
        self.assertIn("[secret]", with_key)
        self.assertNotIn(TOKEN, with_key)
        self.assertIn("plaintext", with_key)

        without = self.show(1)
        self.assertNotIn(IBAN, without)
        self.assertNotIn(IP, without)
        self.assertIn("[encrypted]", without)
        self.assertIn("[secret]", without)

        log_key = self.log("--master-key", self.key)
        self.assertIn(IBAN, log_key)
        self.assertIn(NOTE, log_key)
        log_plain = self.log()
        self.assertNotIn(IBAN, log_plain)
        self.assertNotIn(NOTE, log_plain)
        self.assertIn("[encrypted]", log_plain)

    def test_master_key_env(self):
        self.append_protected()
        with open(self.key) as f:
            text = f.read().strip()
        env = dict(os.environ, AC_TEST_MASTER=text)
        import subprocess
        from clitest import CLI
        out = subprocess.run([CLI, "show", self.ledger, "--tenant", "acme", "--seq", "2",
                              "--master-key-env", "AC_TEST_MASTER"], capture_output=True, text=True, env=env,
                             check=False)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(NOTE, out.stdout)

    def test_show_json_lists_protected_values(self):
        self.append_protected()
        doc = self.json_of(run("show", self.ledger, "--tenant", "acme", "--seq", "1", "--json",
                               "--master-key", self.key))
        states = {v["pointer"]: (v["state"], v["value"]) for v in doc["protected_values"]}
        self.assertEqual(states["/after/iban"], ("plaintext", IBAN))
        self.assertEqual(states["/metadata/token"], ("secret", None))
        doc = self.json_of(run("show", self.ledger, "--tenant", "acme", "--seq", "1", "--json"))
        self.assertEqual({v["state"] for v in doc["protected_values"]}, {"encrypted", "secret"})

    def test_no_plaintext_in_file_or_wal(self):
        self.append_protected()
        data = raw_bytes(self.ledger)
        self.assertGreater(len(data), 0)
        for secret in (IBAN, TOKEN, NOTE, IP):
            self.assertNotIn(secret.encode(), data, secret)
        self.assertIn(b"Alice", data)  # unmarked values are stored as given

    def test_event_document_protect(self):
        doc = ('{"action":"auth.otp","actor":{"id":"u:bob","ip":"%s"},"metadata":{"code":"493817"},'
               '"protect":{"encrypt":["/actor/ip"],"secret":["/metadata/code"],"subject":"c-18"}}' % IP)
        self.assertOk(run("append", self.ledger, "--tenant", "acme", "--master-key", self.key, "--event", "-",
                          stdin=doc))
        shown = self.show(1, "--master-key", self.key)
        self.assertIn("[secret]", shown)
        self.assertIn(IP, shown)
        self.assertNotIn(b"493817", raw_bytes(self.ledger))
        self.assertNotIn(IP.encode(), raw_bytes(self.ledger))
        self.assertUsageError(run("append", self.ledger, "--tenant", "acme", "--master-key", self.key,
                                  "--event", "-", "--encrypt", "/actor/ip", stdin=doc), "--event", "--encrypt")


class ProtectRefusalTest(ProtectTestCase):
    def test_wrong_key_is_refused_and_nothing_written(self):
        self.append_protected()
        before = entry_count(self.ledger)
        other = self.path("other.key")
        self.assertOk(run("keygen-master", "--out", other))
        self.assertUsageError(run("append", self.ledger, "--tenant", "acme", "--master-key", other,
                                  "--actor", "u:x", "--action", "a.b", "--meta", "k=v", "--encrypt", "/metadata/k"),
                              "--master-key", "wrong master key")
        self.assertUsageError(run("show", self.ledger, "--tenant", "acme", "--seq", "1", "--master-key", other),
                              "wrong master key")
        self.assertUsageError(run("erase", self.ledger, "--tenant", "acme", "--subject", "c-17",
                                  "--master-key", other), "wrong master key")
        self.assertEqual(entry_count(self.ledger), before)

    def test_protect_without_key(self):
        self.assertUsageError(run("append", self.ledger, "--tenant", "acme", "--actor", "u:x", "--action", "a.b",
                                  "--meta", "k=v", "--encrypt", "/metadata/k"), "master key")
        self.assertEqual(entry_count(self.ledger), 0)

    def test_bad_pointer_names_protect(self):
        self.assertUsageError(run("append", self.ledger, "--tenant", "acme", "--master-key", self.key,
                                  "--actor", "u:x", "--action", "a.b", "--meta", "k=v", "--encrypt", "metadata/k"),
                              "protect")
        self.assertEqual(entry_count(self.ledger), 0)

    def test_missing_key_file(self):
        self.assertUsageError(run("log", self.ledger, "--tenant", "acme", "--master-key", self.path("nope.key")),
                              "--master-key")

    def test_erase_needs_key(self):
        self.assertUsageError(run("erase", self.ledger, "--tenant", "acme", "--subject", "c-17"), "--master-key")


class EraseTest(ProtectTestCase):
    def test_erase_one_subject(self):
        self.append_protected()
        out = self.assertOk(run("erase", self.ledger, "--tenant", "acme", "--subject", "c-17",
                                "--master-key", self.key, "--actor", "u:dpo")).stdout
        self.assertIn("data.erase", out)
        self.assertIn("Keys destroyed: 1", out)
        first = self.show(1, "--master-key", self.key)
        self.assertIn("[erased]", first)
        self.assertNotIn(IBAN, first)
        self.assertIn(NOTE, self.show(2, "--master-key", self.key))  # the other subject still decrypts
        self.assertNotIn(IBAN.encode(), raw_bytes(self.ledger))
        log = self.log("--master-key", self.key)
        self.assertRegex(log, r"u:dpo\s+data\.erase")
        self.assertOk(run("verify", self.ledger))

    def test_erase_json(self):
        self.append_protected()
        doc = self.json_of(run("erase", self.ledger, "--tenant", "acme", "--subject", "c-18",
                               "--master-key", self.key, "--json"))
        self.assertEqual(doc["seq"], 3)
        self.assertEqual(doc["action"], "data.erase")
        self.assertEqual(doc["keys_destroyed"], 1)
        self.assertTrue(doc["actor"].startswith("cli:"))


class RetentionTest(ProtectTestCase):
    def test_retention_and_purge_are_recorded(self):
        self.append_protected()
        self.assertUsageError(run("purge", self.ledger, "--tenant", "acme"), "retention")
        out = self.assertOk(run("retention", self.ledger, "--tenant", "acme", "--days", "30")).stdout
        self.assertIn("retention.set", out)
        doc = self.json_of(run("purge", self.ledger, "--tenant", "acme", "--actor", "svc:job", "--json"))
        self.assertEqual(doc["action"], "data.purge")
        self.assertEqual(doc["keys_destroyed"], 0)  # nothing is 30 days old yet
        log = self.log()
        self.assertIn("retention.set", log)
        self.assertRegex(log, r"svc:job\s+data\.purge")
        self.assertIn(IBAN, self.show(1, "--master-key", self.key))
        self.assertOk(run("verify", self.ledger))

    def test_bad_days(self):
        for days in ("0", "-1", "x", "99999999999"):
            self.assertUsageError(run("retention", self.ledger, "--tenant", "acme", "--days", days), "--days")


class RotateKeyTest(ProtectTestCase):
    def test_rotate(self):
        self.append_protected()
        new = self.path("new.key")
        self.assertOk(run("keygen-master", "--out", new))
        doc = self.json_of(run("rotate-key", self.ledger, "--master-key", self.key, "--new-master-key", new,
                               "--json"))
        self.assertEqual(doc["master_key_ids"][0], self.key_id)
        self.assertEqual(doc["current"], doc["master_key_ids"][-1])
        self.append(self.ledger, "acme", "u:c", "x.y", "--master-key", new, "--master-key", self.key,
                    "--meta", "k=NEWVALUE", "--encrypt", "/metadata/k")
        both = self.log("--master-key", new, "--master-key", self.key)
        self.assertIn(IBAN, both)
        self.assertIn("NEWVALUE", both)
        only_new = self.log("--master-key", new)
        self.assertIn("NEWVALUE", only_new)
        self.assertNotIn(IBAN, only_new)


class ProtectHelpTest(CliTestCase):
    def test_help(self):
        for command in ("keygen-master", "erase", "retention", "purge", "rotate-key"):
            out = self.assertOk(run(command, "--help")).stdout
            self.assertIn("Examples:", out, command)
        for command in ("append", "log", "show"):
            self.assertIn("--master-key", self.assertOk(run(command, "--help")).stdout, command)


if __name__ == "__main__":
    unittest.main()
