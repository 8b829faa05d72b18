"""Appending events: every field through append and read, receipts, batches."""

import datetime as dt
import hashlib
import json
import unittest
from decimal import Decimal

import auditchain
from support import LedgerTestCase, is_hex

UTC = dt.timezone.utc
CET = dt.timezone(dt.timedelta(hours=1))

EVERY_FIELD = dict(
    action="expense.categorize",
    actor="ai:expense-classifier",
    actor_kind="ai_agent",
    on_behalf_of="u:alice",
    ip="2001:DB8::42",
    session_id="sess-1",
    request_id="req-9",
    target_type="expense",
    target_id="EXP-981",
    before={"category": None, "lines": [], "note": "Größe\tM"},
    after={"category": "travel", "lines": [1, 2], "ok": True, "風": "✓"},
    amount=Decimal("0214.90"),
    currency="EUR",
    metadata={"source": "inbox", "batch": "2026-11", "€": "euro"},
    sensitive=True,
    high_risk=True,
    ai_model="expense-classifier",
    ai_model_version="2026.10",
    confidence=Decimal("0.870"),
    source_uri="docs://acme/receipts/EXP-981.pdf",
    source_sha256="9F2C4AB1D07E5E1F4A3B8C6D2E0F11223344556677889900AABBCCDDEEFF0011",
    rule_id="EXP-CAT-7",
    rule_version="3",
    derived_from=1,
    overrides=2,
    occurred_at=dt.datetime(2026, 11, 20, 18, 30, 0, 250000, tzinfo=CET),
    idempotency_key="exp-981-cat",
)


class AppendTest(LedgerTestCase):

    def test_receipt_has_tenant_seq_time_hash_and_is_not_a_duplicate(self):
        r = self.login()
        self.assertIsInstance(r, auditchain.Receipt)
        self.assertEqual((r.tenant, r.seq, r.duplicate), ("acme", 1, False))
        self.assertTrue(is_hex(r.hash, 64))
        self.assertEqual(r.recorded_at.utcoffset(), dt.timedelta(0))
        self.assertEqual(self.login().seq, 2)

    def test_receipt_is_frozen(self):
        r = self.login()
        with self.assertRaises(AttributeError):
            r.seq = 5

    def test_every_field_round_trips_through_append_and_read(self):
        self.login()
        self.login()
        r = self.acme.append(**EVERY_FIELD)
        e = self.acme.read(r.seq)
        self.assertEqual((e.tenant, e.seq, e.hash, e.recorded_at), ("acme", 3, r.hash, r.recorded_at))
        self.assertEqual(e.action, "expense.categorize")
        self.assertEqual((e.actor, e.actor_kind, e.on_behalf_of), ("ai:expense-classifier", "ai_agent", "u:alice"))
        self.assertEqual(e.ip, "2001:db8::42")  # normalised by the library
        self.assertEqual((e.session_id, e.request_id), ("sess-1", "req-9"))
        self.assertEqual((e.target_type, e.target_id), ("expense", "EXP-981"))
        self.assertEqual(e.before, EVERY_FIELD["before"])
        self.assertEqual(e.after, EVERY_FIELD["after"])
        self.assertEqual(e.amount, Decimal("214.9"))
        self.assertIsInstance(e.amount, Decimal)
        self.assertEqual(str(e.amount), "214.9")
        self.assertEqual(e.currency, "EUR")
        self.assertEqual(e.metadata, EVERY_FIELD["metadata"])
        self.assertTrue(e.sensitive)
        self.assertTrue(e.high_risk)
        self.assertEqual((e.ai_model, e.ai_model_version), ("expense-classifier", "2026.10"))
        self.assertEqual(str(e.confidence), "0.87")
        self.assertEqual(e.source_uri, "docs://acme/receipts/EXP-981.pdf")
        self.assertEqual(e.source_sha256, EVERY_FIELD["source_sha256"].lower())
        self.assertEqual((e.rule_id, e.rule_version), ("EXP-CAT-7", "3"))
        self.assertEqual((e.derived_from, e.overrides), (1, 2))
        self.assertEqual(e.occurred_at, EVERY_FIELD["occurred_at"])
        self.assertEqual(e.occurred_at.tzinfo, UTC)
        self.assertEqual(e.idempotency_key, "exp-981-cat")
        self.assertEqual(e.protected_values, [])

    def test_entry_bytes_are_the_canonical_json_that_hashes_to_the_entry_hash(self):
        self.acme.append_batch([dict(action="a", actor="u:a")] * 2)
        r = self.acme.append(**EVERY_FIELD)
        e = self.acme.read(r.seq)
        self.assertIsInstance(e.bytes, bytes)
        self.assertEqual(hashlib.sha256(e.bytes).hexdigest(), e.hash)
        doc = json.loads(e.bytes)
        self.assertEqual(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(),
                         e.bytes)
        self.assertEqual(doc["amount"], {"currency": "EUR", "value": "214.9"})
        self.assertEqual(doc["occurred_at"], "2026-11-20T17:30:00.250000Z")
        self.assertEqual(doc["flags"], ["high_risk", "sensitive"])
        self.assertEqual(doc["prev"], e.prev_hash)
        self.assertEqual(self.acme.read(1).prev_hash, hashlib.sha256(
            json.dumps({"genesis": "auditchain/1", "ledger": self.ledger.id, "tenant": "acme"},
                       separators=(",", ":")).encode()).hexdigest())

    def test_fields_of_an_entry_append_again_as_the_same_event(self):
        first = self.acme.read(self.acme.append(**dict(EVERY_FIELD, derived_from=None, overrides=None)).seq)
        fields = first.fields()
        fields["idempotency_key"] = "another-key"
        second = self.acme.read(self.acme.append(**fields).seq)
        for name in auditchain.Entry.__dataclass_fields__:
            if name not in ("seq", "recorded_at", "prev_hash", "hash", "bytes", "idempotency_key"):
                self.assertEqual(getattr(first, name), getattr(second, name), name)

    def test_a_minimal_event_reads_back_with_defaults(self):
        e = self.acme.read(self.login().seq)
        self.assertEqual((e.action, e.actor, e.actor_kind), ("auth.login", "u:alice", "user"))
        for name in ("on_behalf_of", "ip", "target_type", "before", "after", "amount", "currency", "ai_model",
                     "confidence", "derived_from", "occurred_at", "idempotency_key"):
            self.assertIsNone(getattr(e, name), name)
        self.assertEqual(e.metadata, {})
        self.assertFalse(e.sensitive or e.high_risk)
        self.assertEqual(e.fields(), {"action": "auth.login", "actor": "u:alice", "actor_kind": "user"})

    def test_amount_and_confidence_take_decimal_str_or_int_and_are_stored_canonically(self):
        for given, stored in ((Decimal("1250.00"), "1250"), ("0010.50", "10.5"), (42, "42"),
                              (Decimal("1E+2"), "100"), (Decimal("-3.5"), "-3.5")):
            e = self.acme.read(self.acme.append(action="pay", actor="u:a", amount=given, currency="EUR").seq)
            self.assertEqual(str(e.amount), stored, given)
        e = self.acme.read(self.acme.append(action="ai", actor="u:a", ai_model="m", confidence="0.50").seq)
        self.assertEqual(e.confidence, Decimal("0.5"))

    def test_a_float_amount_or_confidence_is_refused_with_type_error(self):
        with self.assertRaisesRegex(TypeError, "float"):
            self.acme.append(action="pay", actor="u:a", amount=12.5, currency="EUR")
        with self.assertRaisesRegex(TypeError, "float"):
            self.acme.append(action="ai", actor="u:a", ai_model="m", confidence=0.9)
        self.assertEqual(self.acme.head().seq, 0)

    def test_non_finite_decimals_are_refused(self):
        for bad in (Decimal("NaN"), Decimal("Infinity")):
            with self.assertRaises(ValueError):
                self.acme.append(action="pay", actor="u:a", amount=bad, currency="EUR")

    def test_the_library_refuses_bad_values_naming_the_field(self):
        cases = [
            (dict(amount="12.50", currency="eur"), "amount.currency"),
            (dict(amount="1e3", currency="EUR"), "amount"),
            (dict(amount="10"), "amount.currency"),
            (dict(target_type="invoice"), "target.id"),
            (dict(confidence="0.9"), "ai.model"),
            (dict(ai_model="m", confidence="1.5"), "ai.confidence"),
            (dict(ip="not an ip"), "actor.ip"),
            (dict(actor_kind="robot"), "actor.kind"),
            (dict(before={"total": 12.5}), "not an integer"),
            (dict(source_sha256="xyz", source_uri="u", ai_model="m"), "ai.source.sha256"),
            (dict(derived_from=7), "derived_from"),
        ]
        for fields, field in cases:
            with self.subTest(fields=fields):
                with self.assertRaises(auditchain.InvalidArgument) as caught:
                    self.login(**fields)
                self.assertIn(field, str(caught.exception))
                self.assertEqual(caught.exception.code, 1)
        self.assertEqual(self.acme.head().seq, 0)

    def test_before_and_after_take_any_json_value(self):
        for value in ({"a": {"b": [1, "two", None, True]}}, [1, 2, 3], "text", 7, True, 1.0):
            e = self.acme.read(self.login(after=value).seq)
            self.assertEqual(e.after, value)

    def test_an_idempotency_key_used_twice_writes_nothing_and_returns_the_first_receipt(self):
        first = self.login(idempotency_key="req-1")
        again = self.login(idempotency_key="req-1")
        self.assertTrue(again.duplicate)
        self.assertEqual((again.seq, again.hash, again.recorded_at), (first.seq, first.hash, first.recorded_at))
        self.assertEqual(self.acme.head().seq, 1)

    def test_occurred_at_must_be_an_aware_datetime(self):
        with self.assertRaisesRegex(ValueError, "aware"):
            self.login(occurred_at=dt.datetime(2026, 11, 20, 10, 0))
        with self.assertRaises(TypeError):
            self.login(occurred_at="2026-11-20T10:00:00Z")
        with self.assertRaises(TypeError):
            self.login(occurred_at=dt.date(2026, 11, 20))

    def test_head_follows_the_chain(self):
        empty = self.acme.head()
        self.assertEqual(empty.seq, 0)
        self.assertIsNone(empty.recorded_at)
        self.assertEqual(empty.hash, self.acme.read(self.login().seq).prev_hash)
        r = self.login()
        self.assertEqual(self.acme.head(), auditchain.Head(r.seq, r.hash, r.recorded_at))


class BatchTest(LedgerTestCase):

    def test_a_batch_appends_every_event_in_order_with_one_receipt_each(self):
        events = [dict(action="invoice.create", actor="u:alice", target_type="invoice", target_id=f"INV-{i}",
                       amount=Decimal(f"{i}.50"), currency="EUR") for i in range(1, 6)]
        receipts = self.acme.append_batch(events)
        self.assertEqual([r.seq for r in receipts], [1, 2, 3, 4, 5])
        self.assertEqual([e.target_id for e in self.acme.entries()], [f"INV-{i}" for i in range(1, 6)])
        for r in receipts:
            self.assertEqual(self.acme.read(r.seq).hash, r.hash)

    def test_a_batch_takes_any_iterable_of_mappings(self):
        receipts = self.acme.append_batch(dict(action="a", actor=f"u:{i}") for i in range(3))
        self.assertEqual(len(receipts), 3)

    def test_a_batch_with_one_bad_event_writes_nothing(self):
        events = [dict(action="ok", actor="u:a"), dict(action="bad", actor="u:a", amount="1", currency="eur")]
        with self.assertRaisesRegex(auditchain.InvalidArgument, "amount.currency"):
            self.acme.append_batch(events)
        self.assertEqual(self.acme.head().seq, 0)

    def test_an_unknown_key_in_a_batch_event_is_a_type_error(self):
        with self.assertRaisesRegex(TypeError, "amout"):
            self.acme.append_batch([dict(action="a", actor="u:a", amout="1")])
        with self.assertRaises(TypeError):
            self.acme.append_batch([("action", "a")])
        with self.assertRaises(TypeError):
            self.acme.append_batch(dict(action="a", actor="u:a"))
        self.assertEqual(self.acme.head().seq, 0)

    def test_an_empty_batch_returns_no_receipts(self):
        self.assertEqual(self.acme.append_batch([]), [])

    def test_a_key_repeated_in_a_batch_gives_a_duplicate_receipt(self):
        receipts = self.acme.append_batch([dict(action="a", actor="u:a", idempotency_key="k"),
                                           dict(action="a", actor="u:a", idempotency_key="k")])
        self.assertEqual([r.duplicate for r in receipts], [False, True])
        self.assertEqual(receipts[0].seq, receipts[1].seq)
        self.assertEqual(self.acme.head().seq, 1)


if __name__ == "__main__":
    unittest.main()
