"""Reading entries: read(), the filters of entries(), and cursors."""

import datetime as dt
import gc
import unittest

import auditchain
from support import LedgerTestCase

UTC = dt.timezone.utc


class ReadTest(LedgerTestCase):

    def test_read_returns_the_entry_with_that_seq(self):
        self.login()
        r = self.acme.append(action="invoice.create", actor="u:bob")
        e = self.acme.read(2)
        self.assertIsInstance(e, auditchain.Entry)
        self.assertEqual((e.seq, e.action, e.actor, e.hash), (2, "invoice.create", "u:bob", r.hash))
        self.assertEqual(e.prev_hash, self.acme.read(1).hash)

    def test_a_seq_beyond_the_head_or_zero_is_not_found(self):
        self.login()
        for seq in (0, 2, 2 ** 64 - 1):
            with self.assertRaises(auditchain.NotFound) as caught:
                self.acme.read(seq)
            self.assertEqual(caught.exception.code_name, "not_found")

    def test_entries_are_frozen(self):
        e = self.acme.read(self.login().seq)
        with self.assertRaises(AttributeError):
            e.action = "changed"


class EntriesTest(LedgerTestCase):

    def setUp(self):
        super().setUp()
        self.acme.append(action="auth.login", actor="u:alice")                              # 1
        self.acme.append(action="invoice.create", actor="u:alice", target_type="invoice",   # 2
                         target_id="INV-1")
        self.acme.append(action="invoice.update", actor="u:bob", target_type="invoice",     # 3
                         target_id="INV-1", sensitive=True)
        self.acme.append(action="customer.update", actor="u:bob", target_type="customer",   # 4
                         target_id="C-1", sensitive=True, high_risk=True)
        self.acme.append(action="invoice.update", actor="u:alice", target_type="invoice",   # 5
                         target_id="INV-2", high_risk=True)

    def seqs(self, **filters):
        return [e.seq for e in self.acme.entries(**filters)]

    def test_without_filters_every_entry_comes_in_seq_order(self):
        self.assertEqual(self.seqs(), [1, 2, 3, 4, 5])

    def test_seq_bounds_are_inclusive(self):
        self.assertEqual(self.seqs(seq_from=2, seq_to=4), [2, 3, 4])
        self.assertEqual(self.seqs(seq_from=5), [5])
        self.assertEqual(self.seqs(seq_to=1), [1])

    def test_time_bounds_include_from_and_exclude_to(self):
        third = self.acme.read(3).recorded_at
        fifth = self.acme.read(5).recorded_at
        self.assertEqual(self.seqs(from_=third), [e.seq for e in self.acme.entries() if e.recorded_at >= third])
        self.assertEqual(self.seqs(to=third), [e.seq for e in self.acme.entries() if e.recorded_at < third])
        self.assertIn(5, self.seqs(from_=fifth))
        self.assertNotIn(5, self.seqs(to=fifth))
        local = fifth.astimezone(dt.timezone(dt.timedelta(hours=-5)))
        self.assertEqual(self.seqs(from_=local), self.seqs(from_=fifth))

    def test_naive_time_bounds_are_refused(self):
        with self.assertRaises(ValueError):
            self.acme.entries(from_=dt.datetime(2026, 1, 1))

    def test_action_prefix_actor_and_target_filters(self):
        self.assertEqual(self.seqs(action_prefix="invoice."), [2, 3, 5])
        self.assertEqual(self.seqs(actor="u:bob"), [3, 4])
        self.assertEqual(self.seqs(target_type="invoice"), [2, 3, 5])
        self.assertEqual(self.seqs(target_type="invoice", target_id="INV-1"), [2, 3])
        self.assertEqual(self.seqs(action_prefix="invoice.", actor="u:alice"), [2, 5])

    def test_flag_filters_keep_only_flagged_entries(self):
        self.assertEqual(self.seqs(sensitive=True), [3, 4])
        self.assertEqual(self.seqs(high_risk=True), [4, 5])
        self.assertEqual(self.seqs(sensitive=True, high_risk=True), [4])
        self.assertEqual(self.seqs(sensitive=False), [1, 2, 3, 4, 5])

    def test_limit(self):
        self.assertEqual(self.seqs(limit=2), [1, 2])
        self.assertEqual(self.seqs(action_prefix="invoice.", limit=1), [2])

    def test_nothing_matching_gives_an_empty_iteration(self):
        self.assertEqual(self.seqs(actor="u:nobody"), [])

    def test_filters_of_the_wrong_type_are_type_errors(self):
        for filters in (dict(seq_from="2"), dict(actor=7), dict(sensitive="yes"), dict(limit=1.5)):
            with self.assertRaises(TypeError):
                self.acme.entries(**filters)

    def test_negative_or_huge_seq_bounds_are_value_errors(self):
        for filters in (dict(seq_from=-1), dict(seq_to=2 ** 64), dict(limit=-3)):
            with self.assertRaises(ValueError):
                self.acme.entries(**filters)


class CursorTest(LedgerTestCase):

    def setUp(self):
        super().setUp()
        self.acme.append_batch([dict(action="a", actor="u:a")] * 3)

    def test_a_cursor_is_its_own_iterator_and_closes_when_exhausted(self):
        cursor = self.acme.entries()
        self.assertIsInstance(cursor, auditchain.Cursor)
        self.assertIs(iter(cursor), cursor)
        self.assertEqual([e.seq for e in cursor], [1, 2, 3])
        self.assertTrue(cursor.closed)
        with self.assertRaises(StopIteration):
            next(cursor)

    def test_next_after_close_raises_closed(self):
        cursor = self.acme.entries()
        self.assertEqual(next(cursor).seq, 1)
        cursor.close()
        cursor.close()
        with self.assertRaises(auditchain.Closed):
            next(cursor)

    def test_the_with_block_closes_the_cursor(self):
        with self.acme.entries() as cursor:
            self.assertEqual(next(cursor).seq, 1)
        self.assertTrue(cursor.closed)
        with self.assertRaises(auditchain.Closed):
            next(cursor)

    def test_a_cursor_reads_one_snapshot_from_its_first_entry_on(self):
        cursor = self.acme.entries()
        self.assertEqual(next(cursor).seq, 1)
        self.acme.append(action="later", actor="u:a")
        self.assertEqual([e.seq for e in cursor], [2, 3])
        self.assertEqual(len(list(self.acme.entries())), 4)

    def test_an_open_cursor_keeps_reading_after_its_ledger_is_closed(self):
        cursor = self.acme.entries()
        self.assertEqual(next(cursor).seq, 1)
        self.ledger.close()
        self.assertEqual([e.seq for e in cursor], [2, 3])

    def test_abandoned_cursors_are_released_by_the_garbage_collector(self):
        for _ in range(200):
            cursor = self.acme.entries()
            next(cursor)
            del cursor
        gc.collect()
        self.assertEqual(self.acme.append(action="after", actor="u:a").seq, 4)


if __name__ == "__main__":
    unittest.main()
