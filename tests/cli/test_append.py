"""auditchain append: receipts, every field option, --event, idempotency and refusals."""

import json
import re
import unittest

from clitest import HEX64, TIME, CliTestCase, file_digest, run

RECEIPT_LINE = re.compile(r"^acme seq (\d+) recorded (\S+) hash ([0-9a-f]{64})( \(duplicate: idempotency key already used\))?$")


class AppendTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=["acme"])

    def show(self, seq, tenant="acme"):
        return self.json_of(run("show", self.ledger, "--tenant", tenant, "--seq", seq, "--json"))

    def test_text_receipt(self):
        r = self.assertOk(run("append", self.ledger, "--tenant", "acme", "--actor", "u:alice", "--action", "auth.login"))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 1)
        m = RECEIPT_LINE.match(lines[0])
        self.assertIsNotNone(m, lines[0])
        self.assertEqual(m.group(1), "1")
        self.assertRegex(m.group(2), TIME)
        self.assertIsNone(m.group(4))
        self.assertEqual(m.group(3), self.show(1)["hash"])

    def test_json_receipt(self):
        first = self.append(self.ledger, "acme", "u:alice", "auth.login")
        second = self.append(self.ledger, "acme", "u:alice", "auth.logout")
        self.assertEqual(list(first), ["tenant", "seq", "recorded_at", "hash", "duplicate"])
        self.assertEqual(first["tenant"], "acme")
        self.assertEqual((first["seq"], second["seq"]), (1, 2))
        self.assertRegex(first["recorded_at"], TIME)
        self.assertRegex(first["hash"], HEX64)
        self.assertIs(first["duplicate"], False)
        shown = self.show(2)
        self.assertEqual(shown["hash"], second["hash"])
        self.assertEqual(shown["prev"], first["hash"])
        self.assertEqual(shown["recorded_at"], second["recorded_at"])

    def test_every_field_option(self):
        self.append(self.ledger, "acme", "ai:clf", "expense.categorize", "--actor-kind", "ai_agent")
        self.append(self.ledger, "acme", "u:x", "expense.view")
        self.append(
            self.ledger, "acme", "u:support-dan", "customer.update",
            "--actor-kind", "user", "--on-behalf-of", "u:bob", "--ip", "2001:db8:0::42", "--session", "sess-7",
            "--request-id", "req-1", "--target-type", "customer", "--target-id", "CUST-118",
            "--before", '{ "iban" : "4410" }', "--after", '{"iban":"9921","n":[1, 2]}',
            "--amount", "010.50", "--currency", "EUR", "--meta", "ticket=SUP-5521", "--meta", "note=a=b",
            "--sensitive", "--high-risk", "--ai-model", "clf", "--ai-model-version", "2026.10",
            "--confidence", "0.870", "--source-uri", "docs://r/1.pdf", "--source-sha256", "AB" * 32,
            "--rule-id", "EXP-7", "--rule-version", "3", "--derived-from", "2", "--overrides", "1",
            "--occurred-at", "2026-11-01T10:00:00+01:00", "--idempotency-key", "k-1")
        e = self.show(3)["entry"]
        self.assertEqual(e["action"], "customer.update")
        self.assertEqual(e["actor"], {"id": "u:support-dan", "kind": "user", "on_behalf_of": "u:bob",
                                      "ip": "2001:db8::42", "session_id": "sess-7", "request_id": "req-1"})
        self.assertEqual(e["target"], {"type": "customer", "id": "CUST-118"})
        self.assertEqual(e["before"], {"iban": "4410"})
        self.assertEqual(e["after"], {"iban": "9921", "n": [1, 2]})
        self.assertEqual(e["amount"], {"value": "10.5", "currency": "EUR"})
        self.assertEqual(e["metadata"], {"ticket": "SUP-5521", "note": "a=b"})
        self.assertEqual(sorted(e["flags"]), ["high_risk", "sensitive"])
        self.assertEqual(e["ai"], {"model": "clf", "model_version": "2026.10", "confidence": "0.87",
                                   "source": {"uri": "docs://r/1.pdf", "sha256": "ab" * 32},
                                   "rule": {"id": "EXP-7", "version": "3"}})
        self.assertEqual((e["derived_from"], e["overrides"]), (2, 1))
        self.assertEqual(e["occurred_at"], "2026-11-01T09:00:00.000000Z")
        self.assertEqual(e["idempotency_key"], "k-1")
        self.assertEqual(self.show(1)["entry"]["actor"]["kind"], "ai_agent")

    def test_event_from_stdin(self):
        event = {"action": "invoice.update", "actor": {"id": "u:alice", "kind": "user"},
                 "target": {"type": "invoice", "id": "INV-1"}, "amount": {"value": "1.50", "currency": "EUR"},
                 "flags": ["sensitive"], "metadata": {"k": "v"}}
        receipt = self.json_of(run("append", self.ledger, "--tenant", "acme", "--event", "-", "--json",
                                   stdin=json.dumps(event)))
        e = self.show(receipt["seq"])["entry"]
        self.assertEqual(e["target"], event["target"])
        self.assertEqual(e["amount"], {"value": "1.5", "currency": "EUR"})
        self.assertEqual(e["flags"], ["sensitive"])

    def test_event_from_file_naming_its_tenant(self):
        event_file = self.path("event.json")
        with open(event_file, "w") as f:
            json.dump({"action": "auth.login", "actor": "u:alice", "tenant": "acme"}, f)
        receipt = self.json_of(run("append", self.ledger, "--event", event_file, "--json"))
        self.assertEqual((receipt["tenant"], receipt["seq"]), ("acme", 1))

    def test_idempotency_key_used_twice_stores_one_entry(self):
        args = ["append", self.ledger, "--tenant", "acme", "--actor", "u:alice", "--action", "invoice.create",
                "--idempotency-key", "create-INV-1"]
        first = self.assertOk(run(*args)).stdout
        second = self.assertOk(run(*args)).stdout
        self.assertNotIn("duplicate", first)
        self.assertIn("(duplicate: idempotency key already used)", second)
        m1, m2 = RECEIPT_LINE.match(first.strip()), RECEIPT_LINE.match(second.strip())
        self.assertEqual((m1.group(1), m1.group(3)), (m2.group(1), m2.group(3)))
        third = self.json_of(run(*args, "--json"))
        self.assertIs(third["duplicate"], True)
        self.assertEqual(third["seq"], 1)
        self.assertEqual(len(self.log_lines(self.ledger, "acme")), 1)

    def test_create_tenant(self):
        receipt = self.append(self.ledger, "globex", "u:hiro", "auth.login", "--create-tenant")
        self.assertEqual((receipt["tenant"], receipt["seq"]), ("globex", 1))
        self.assertEqual(run("tenants", self.ledger).stdout.splitlines(), ["acme", "globex"])


class AppendRefusalTest(CliTestCase):
    """Bad input: exit 2, one line naming the field, and nothing written."""

    def setUp(self):
        super().setUp()
        self.ledger = self.new_ledger(tenants=["acme"])
        self.append(self.ledger, "acme", "u:alice", "auth.login", "--idempotency-key", "k")
        self.before = self.snapshot(self.ledger)
        self.digest = file_digest(self.ledger)

    def tearDown(self):
        # The file's bytes are checked after every refusal; what readers see, once per test.
        self.assertEqual(self.snapshot(self.ledger), self.before)
        r = run("verify", self.ledger, "--json")
        self.assertEqual((r.returncode, json.loads(r.stdout)["entries_checked"]), (0, 1))
        super().tearDown()

    def refused(self, args, *fragments, stdin=None):
        self.assertUsageError(run("append", self.ledger, *args, stdin=stdin), *fragments)
        self.assertEqual(file_digest(self.ledger), self.digest)

    def valid(self, *extra, tenant="acme"):
        return ["--tenant", tenant, "--actor", "u:alice", "--action", "invoice.update", *extra]

    def test_invalid_field_values(self):
        cases = [
            (["--tenant", "acme", "--actor", "u:alice", "--action", ""], "action"),
            (["--tenant", "acme", "--actor", "", "--action", "x"], "actor.id"),
            (self.valid("--before", '{"total": 12'), "before"),
            (self.valid("--after", "not json"), "after"),
            (self.valid("--ai-model", "m", "--confidence", "1.5"), "ai.confidence"),
            (self.valid("--amount", "12.5", "--currency", "eur"), "amount.currency"),
            (self.valid("--amount", "1e3", "--currency", "EUR"), "amount.value"),
            (self.valid("--actor-kind", "robot"), "actor.kind"),
            (self.valid("--ip", "999.1.1.1"), "actor.ip"),
            (self.valid("--derived-from", "9"), "derived_from"),
            (self.valid("--overrides", "0"), "--overrides"),
            (self.valid("--occurred-at", "yesterday"), "occurred_at"),
            (self.valid("--ai-model", "m", "--source-uri", "u", "--source-sha256", "abc"), "ai.source.sha256"),
        ]
        for args, field in cases:
            with self.subTest(field=field):
                self.refused(args, field)

    def test_invalid_option_combinations(self):
        cases = [
            (self.valid("--amount", "1"), "--currency"),
            (self.valid("--target-type", "invoice"), "--target-id"),
            (self.valid("--confidence", "0.5"), "--ai-model"),
            (self.valid("--meta", "novalue"), "--meta"),
            (self.valid("--meta", "k=1", "--meta", "k=2"), "--meta"),
            (["--tenant", "acme", "--action", "x"], "--actor"),
            (["--actor", "u", "--action", "x"], "--tenant"),
        ]
        for args, option in cases:
            with self.subTest(option=option):
                self.refused(args, option)

    def test_unknown_tenant_without_create_tenant(self):
        self.refused(self.valid(tenant="globex"), '"globex"', "--create-tenant")

    def test_new_tenant_with_bad_event_creates_no_tenant(self):
        self.refused(["--tenant", "globex", "--create-tenant", "--actor", "u", "--action", ""], "action")
        self.refused(["--tenant", "globex", "--create-tenant", "--actor", "u", "--action", "x",
                      "--derived-from", "1"], "derived_from")

    def test_bad_event_documents(self):
        cases = [
            ("{not json", "event"),
            ('{"action": "x", "actor": "u", "colour": "red"}', "colour"),
            ('{"actor": "u"}', "action"),
            ('{"action": "x", "actor": "u", "tenant": "globex"}', "tenant"),
        ]
        for document, field in cases:
            with self.subTest(document=document):
                self.refused(["--tenant", "acme", "--event", "-"], field, stdin=document)

    def test_event_mixed_with_field_options(self):
        self.refused(["--tenant", "acme", "--event", "-", "--actor", "u:alice"], "--event", "--actor",
                     stdin='{"action": "x", "actor": "u"}')

    def test_duplicate_is_not_an_error_and_writes_nothing(self):
        r = self.assertOk(run("append", self.ledger, *self.valid("--idempotency-key", "k")))
        self.assertIn("duplicate", r.stdout)
        self.assertEqual(self.snapshot(self.ledger), self.before)


if __name__ == "__main__":
    unittest.main()
