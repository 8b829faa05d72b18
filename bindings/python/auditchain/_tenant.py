"""A tenant's chain: appending, reading, proving, exporting, protected values."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Union

from . import _native
from ._convert import (PathLike, c_path, c_text, flag, json_bytes, key_text, loads, text, time_text, to_json,
                       uint, uint32)
from ._cursor import Cursor
from ._errors import Closed
from ._events import event, event_from_mapping, export_filter, query
from ._keys import SignerKey
from ._reports import Report
from ._types import Actor, Checkpoint, Entry, ExportSummary, Head, Receipt

if TYPE_CHECKING:
    from ._ledger import Ledger


def _actor_json(name: str, actor: Union[str, Actor]) -> bytes:
    if isinstance(actor, Actor):
        return json_bytes({"id": text(name, actor.id), "kind": text(name + ".kind", actor.kind)})
    return json_bytes({"id": text(name, actor)})


def _signer_text(signer: Union[str, SignerKey]) -> bytes:
    return c_text("signer", key_text("signer", signer, SignerKey))


class Tenant:
    """A handle bound to one tenant's chain. Made by :meth:`Ledger.tenant`.

    Nothing reached through it belongs to another tenant. Usable while its
    ledger is open; afterwards every call raises Closed. It may be used from
    several threads at once.
    """

    def __init__(self, ledger: "Ledger", name: str, handle: int) -> None:
        self._ledger = ledger
        self._guard = ledger._guard
        self._handle: Optional[int] = handle
        self.name: str = name

    @property
    def ledger(self) -> "Ledger":
        """The ledger this tenant belongs to."""
        return self._ledger

    def __repr__(self) -> str:
        return f"<auditchain.Tenant {self.name!r} of {self._ledger.path!r}>"

    # ---- lifetime -------------------------------------------------------------

    def close(self) -> None:
        """Releases this handle (the ledger stays open). Safe to call twice."""
        self._guard.when_idle(self._release)

    def _release(self) -> None:
        handle, self._handle = self._handle, None
        if handle:
            _native.fn.tenant_close(handle)

    def __del__(self) -> None:
        try:
            self._release()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def _h(self) -> int:
        if self._handle is None:
            raise Closed("the tenant handle is closed")
        return self._handle

    def _call(self, func: Any, *args: Any) -> str:
        with self._guard:
            return _native.call_text(func, self._h(), *args)

    # ---- appending ------------------------------------------------------------

    def append(self, *, action: str, actor: str, actor_kind: Optional[str] = None,
               on_behalf_of: Optional[str] = None, ip: Optional[str] = None, session_id: Optional[str] = None,
               request_id: Optional[str] = None, target_type: Optional[str] = None,
               target_id: Optional[str] = None, before: Any = None, after: Any = None, amount: Any = None,
               currency: Optional[str] = None, metadata: Optional[Mapping[str, str]] = None,
               sensitive: bool = False, high_risk: bool = False, ai_model: Optional[str] = None,
               ai_model_version: Optional[str] = None, confidence: Any = None, source_uri: Optional[str] = None,
               source_sha256: Optional[str] = None, rule_id: Optional[str] = None,
               rule_version: Optional[str] = None, derived_from: Optional[int] = None,
               overrides: Optional[int] = None, occurred_at: Optional[_dt.datetime] = None,
               idempotency_key: Optional[str] = None, encrypt: Optional[Iterable[str]] = None,
               secret: Optional[Iterable[str]] = None, subject: Optional[str] = None) -> Receipt:
        """Records one event at the end of the chain and returns its Receipt.

        The entry is durable (under the ledger's durability) when this returns.
        Only `action` and `actor` (the actor's id) are required; the fields
        are those of docs/FORMAT.md (table in docs/PYTHON.md):

        - actor_kind: "user" (default), "service", "ai_agent" or "system";
          on_behalf_of, ip, session_id, request_id: more about the actor.
        - target_type and target_id: the record acted on (both or neither).
        - before, after: the record's state, any JSON-able value (integers,
          str, bool, None, lists, dicts; no fractional floats — put money in
          strings).
        - amount (Decimal, str or int; never float) with currency ("EUR").
        - metadata: {str: str}; sensitive, high_risk: flags.
        - ai_model, ai_model_version, confidence (Decimal or str in [0, 1]),
          source_uri and source_sha256, rule_id and rule_version.
        - derived_from, overrides: seqs of earlier entries of this tenant.
        - occurred_at: when it happened (aware datetime), if not when recorded.
        - idempotency_key: a retry with the same key writes nothing and
          returns the first receipt with ``duplicate`` True.
        - encrypt, secret: JSON Pointers of values to store encrypted or only
          as a commitment; subject: the data subject they belong to. Need a
          master key (open(master_keys=...)).

        Raises InvalidArgument (the message names the field; nothing is
        written), Sealed, WrongKey, ReadOnly, Busy, IoError, Closed; TypeError
        for a value of the wrong type (a float amount, an int for a str).
        """
        ev = event(action=action, actor=actor, actor_kind=actor_kind, on_behalf_of=on_behalf_of, ip=ip,
                   session_id=session_id, request_id=request_id, target_type=target_type, target_id=target_id,
                   before=before, after=after, amount=amount, currency=currency, metadata=metadata,
                   sensitive=sensitive, high_risk=high_risk, ai_model=ai_model, ai_model_version=ai_model_version,
                   confidence=confidence, source_uri=source_uri, source_sha256=source_sha256, rule_id=rule_id,
                   rule_version=rule_version, derived_from=derived_from, overrides=overrides,
                   occurred_at=occurred_at, idempotency_key=idempotency_key, encrypt=encrypt, secret=secret,
                   subject=subject)
        raw = self._call(_native.fn.tenant_append, json_bytes(ev))
        return Receipt._from_json(loads(raw))

    def append_batch(self, events: Iterable[Mapping[str, Any]]) -> List[Receipt]:
        """Appends several events in one transaction: all are stored, or none.

        Each event is a mapping with the keyword arguments of :meth:`append`
        (an unknown key raises TypeError). Returns one Receipt per event, in
        order; an idempotency key already used (or repeated in the batch)
        gives a duplicate receipt and stores nothing for that event. At most
        10,000 events per batch.
        """
        if isinstance(events, Mapping):
            raise TypeError("append_batch takes an iterable of events (mappings), not one mapping")
        encoded = to_json([event_from_mapping(e) for e in events]).encode("utf-8")
        raw = self._call(_native.fn.tenant_append_batch, encoded)
        receipt = Receipt._from_json
        return [receipt(r) for r in loads(raw)]

    # ---- reading --------------------------------------------------------------

    def read(self, seq: int) -> Entry:
        """The entry with sequence number `seq`. Raises NotFound when there is none,
        Corrupt when its stored bytes cannot be decoded."""
        raw = self._call(_native.fn.tenant_read, uint("seq", seq))
        return Entry._from_json(loads(raw))

    def entries(self, *, seq_from: Optional[int] = None, seq_to: Optional[int] = None,
                from_: Optional[_dt.datetime] = None, to: Optional[_dt.datetime] = None,
                action_prefix: Optional[str] = None, actor: Optional[str] = None,
                target_type: Optional[str] = None, target_id: Optional[str] = None, sensitive: bool = False,
                high_risk: bool = False, limit: Optional[int] = None) -> Cursor:
        """The entries matching every filter given, in seq order, as a :class:`Cursor`.

        Args:
            seq_from, seq_to: seq bounds, both inclusive.
            from_, to: recorded at or after `from_` and before `to` (aware datetimes).
            action_prefix: actions starting with it ("invoice." matches "invoice.update").
            actor: entries by this actor id.
            target_type, target_id: entries about records of this type / id.
            sensitive, high_risk: True keeps only entries carrying the flag.
            limit: at most this many entries.
        """
        q = query(seq_from=seq_from, seq_to=seq_to, from_=from_, to=to, action_prefix=action_prefix, actor=actor,
                  target_type=target_type, target_id=target_id, sensitive=sensitive, high_risk=high_risk,
                  limit=limit)
        with self._guard:
            handle = _native.call_handle(_native.fn.tenant_entries, self._h(), json_bytes(q))
        return Cursor(handle)

    def head(self) -> Head:
        """The newest entry of the chain (seq 0 and the genesis value when empty)."""
        return Head._from_json(loads(self._call(_native.fn.tenant_head)))

    def verify(self, *, from_: Optional[_dt.datetime] = None, to: Optional[_dt.datetime] = None, jobs: int = 0,
               max_findings_per_tenant: Optional[int] = None, checkpoints: Any = None,
               keys: Any = None) -> Report:
        """Verifies this tenant's chain; as :meth:`Ledger.verify` with ``tenants=[name]``."""
        return self._ledger.verify(tenants=[self.name], from_=from_, to=to, jobs=jobs,
                                   max_findings_per_tenant=max_findings_per_tenant, checkpoints=checkpoints,
                                   keys=keys)

    # ---- checkpoints and proofs ---------------------------------------------------

    def checkpoint(self, signer: Union[str, SignerKey]) -> Checkpoint:
        """Signs the current head with `signer`, stores the checkpoint in the ledger and returns it.

        Keep copies of ``checkpoint.note`` outside the ledger: held against
        the ledger later (verify(checkpoints=..., keys=...)) they reveal
        truncation, rollback and a rewritten chain.
        """
        return Checkpoint._from_json(loads(self._call(_native.fn.tenant_checkpoint, _signer_text(signer))))

    def checkpoints(self) -> List[Checkpoint]:
        """The tenant's stored checkpoints and seals (automatic ones too), oldest first."""
        return [Checkpoint._from_json(c) for c in loads(self._call(_native.fn.tenant_checkpoints))]

    def seal(self, through: _dt.datetime, signer: Union[str, SignerKey]) -> Checkpoint:
        """Closes the period up to and including `through` with a signed checkpoint.

        Afterwards an append whose occurred_at is at or before `through`
        raises Sealed. Raises InvalidArgument when `through` lies in the
        future or before an earlier seal.
        """
        through_text = c_text("through", time_text("through", through))
        return Checkpoint._from_json(loads(self._call(_native.fn.tenant_seal, through_text, _signer_text(signer))))

    def prove(self, seq: int, tree_size: Optional[int] = None) -> Dict[str, Any]:
        """The inclusion proof of entry `seq` as a dict (the proof JSON of docs/FORMAT.md section 9).

        `tree_size` defaults to the newest stored checkpoint covering the
        entry, else the head. Save it with json.dump(); check it with
        :func:`auditchain.verify_proof`.
        """
        size = 0 if tree_size is None else uint("tree_size", tree_size)
        return loads(self._call(_native.fn.tenant_prove_inclusion, uint("seq", seq), size))

    def prove_consistency(self, old_size: int, new_size: Optional[int] = None) -> Dict[str, Any]:
        """The consistency proof from the tree of `old_size` entries to that of `new_size` (default: the head)."""
        new = 0 if new_size is None else uint("new_size", new_size)
        return loads(self._call(_native.fn.tenant_prove_consistency, uint("old_size", old_size), new))

    # ---- exports ------------------------------------------------------------------

    def export(self, path: PathLike, format: str = "csv", *, exported_by: Union[str, Actor],
               decrypt: bool = False, seq_from: Optional[int] = None, seq_to: Optional[int] = None,
               from_: Optional[_dt.datetime] = None, to: Optional[_dt.datetime] = None,
               action_prefix: Optional[str] = None, actor: Optional[str] = None, target_type: Optional[str] = None,
               sensitive: bool = False, high_risk: bool = False, ai_below: Any = None) -> ExportSummary:
        """Exports the entries matching the filters to the file `path` and returns a summary.

        `format` is "csv", "jsonl" or "json" (docs/FORMAT.md "Exports"). The
        file is written beside `path` and renamed once complete. The export is
        recorded as a "data.export" entry by `exported_by` (an actor id or
        Actor; required). `decrypt` shows encrypted values in CSV (needs the
        master key). Filters as :meth:`entries`, plus `ai_below` (AI decisions
        whose confidence is below it; Decimal or str).
        """
        options = self._export_options(exported_by, decrypt, seq_from, seq_to, from_, to, action_prefix, actor,
                                       target_type, sensitive, high_risk, ai_below)
        raw = self._call(_native.fn.tenant_export, c_text("format", format), options, c_path("path", path))
        return ExportSummary._from_json(loads(raw))

    def export_bundle(self, directory: PathLike, *, exported_by: Union[str, Actor],
                      signer: Union[str, SignerKey, None] = None, decrypt: bool = False,
                      seq_from: Optional[int] = None, seq_to: Optional[int] = None,
                      from_: Optional[_dt.datetime] = None, to: Optional[_dt.datetime] = None,
                      action_prefix: Optional[str] = None, actor: Optional[str] = None,
                      target_type: Optional[str] = None, sensitive: bool = False, high_risk: bool = False,
                      ai_below: Any = None) -> ExportSummary:
        """Writes a self-verifying bundle into `directory` (new or empty) and returns a summary.

        The bundle holds entries.jsonl, entries.csv, manifest.json (with a
        signed checkpoint and a proof per entry) and README.txt; anyone can
        check it offline with :func:`auditchain.verify_bundle`. With a
        `signer`, a fresh checkpoint of the head is signed and stored for it;
        without one the newest stored checkpoint is used. Other arguments as
        :meth:`export`; ``summary.sha256`` is the SHA-256 of manifest.json.
        """
        options = self._export_options(exported_by, decrypt, seq_from, seq_to, from_, to, action_prefix, actor,
                                       target_type, sensitive, high_risk, ai_below)
        signer_text = None if signer is None else _signer_text(signer)
        raw = self._call(_native.fn.tenant_export_bundle, c_path("directory", directory), options, signer_text)
        return ExportSummary._from_json(loads(raw))

    @staticmethod
    def _export_options(exported_by: Any, decrypt: bool, seq_from: Any, seq_to: Any, from_: Any, to: Any,
                        action_prefix: Any, actor: Any, target_type: Any, sensitive: bool, high_risk: bool,
                        ai_below: Any) -> bytes:
        by = exported_by if isinstance(exported_by, Actor) else Actor(text("exported_by", exported_by))
        f = export_filter(seq_from=seq_from, seq_to=seq_to, from_=from_, to=to, action_prefix=action_prefix,
                          actor=actor, target_type=target_type, sensitive=sensitive, high_risk=high_risk,
                          ai_below=ai_below)
        return json_bytes({"filter": f, "exported_by": {"id": text("exported_by", by.id),
                                                        "kind": text("exported_by.kind", by.kind)},
                           "decrypt": flag("decrypt", decrypt)})

    # ---- protected values ----------------------------------------------------------

    def erase_subject(self, subject: str, actor: Union[str, Actor]) -> Receipt:
        """Erases a data subject: destroys the key of every value encrypted for
        it, so they read as "[erased]" for everyone, while every hash and proof
        stays valid. Recorded as a "data.erase" entry by `actor` (whose
        metadata says how many keys were destroyed); returns its receipt.
        Needs the master keys the subject's values were written under."""
        raw = self._call(_native.fn.tenant_erase_subject, c_text("subject", subject), _actor_json("actor", actor))
        return Receipt._from_json(loads(raw))

    def set_retention(self, days: int, actor: Union[str, Actor]) -> Receipt:
        """Sets the retention period: protected values recorded more than `days`
        days ago may be purged. Recorded as a "retention.set" entry."""
        raw = self._call(_native.fn.tenant_set_retention, uint32("days", days), _actor_json("actor", actor))
        return Receipt._from_json(loads(raw))

    def purge_expired(self, actor: Union[str, Actor]) -> Receipt:
        """Destroys the day keys older than the retention period; recorded as a
        "data.purge" entry (even when nothing was old enough). Raises
        InvalidArgument when the tenant has no retention period."""
        raw = self._call(_native.fn.tenant_purge_expired, _actor_json("actor", actor))
        return Receipt._from_json(loads(raw))

    def secret_matches(self, seq: int, pointer: str, candidate: str) -> bool:
        """True when `candidate` is the secret committed at `pointer` (e.g.
        "/metadata/token") of entry `seq`. Needs the master key; the library
        compares in constant time."""
        seq = uint("seq", seq)
        pointer_text = c_text("pointer", pointer)
        candidate_text = c_text("candidate", candidate)
        matches = _native.c_int(0)
        with self._guard:
            err = _native.c_void_p()
            try:
                code = _native.fn.tenant_secret_matches(self._h(), seq, pointer_text, candidate_text,
                                                        _native.byref(matches), _native.byref(err))
                _native.check(code, err)
            finally:
                _native.take_text(err)
        return bool(matches.value)


__all__ = ["Tenant"]
