"""The values the package hands back: receipts, entries, heads, checkpoints.

All are frozen dataclasses. Times are aware datetimes in UTC, exact decimals
are decimal.Decimal, hashes are lowercase hexadecimal strings.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ._convert import decimal_or_none, parse_time


@dataclass(frozen=True)
class Actor:
    """Who asks for an operation the ledger records itself (exports, erasure, retention).

    Where an actor is wanted, a plain str is taken as ``Actor(id)``.
    ``kind`` is "user", "service", "ai_agent" or "system".
    """

    id: str
    kind: str = "user"


@dataclass(frozen=True)
class Receipt:
    """Proof that an append happened (or, with ``duplicate``, had already happened).

    Attributes:
        tenant: the tenant recorded in.
        seq: the entry's sequence number in the tenant's chain (1, 2, ...).
        recorded_at: when the ledger recorded it (aware, UTC).
        hash: the entry hash, SHA-256 of its canonical bytes (64 hex digits).
        duplicate: True when the idempotency key was used before: nothing was
            written, and the other members are those of the first entry.
    """

    tenant: str
    seq: int
    recorded_at: _dt.datetime
    hash: str
    duplicate: bool = False

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "Receipt":
        # Receipts come by the thousand from batches; filling __dict__ skips
        # the per-field object.__setattr__ of a frozen dataclass's __init__.
        r = object.__new__(cls)
        r.__dict__.update(tenant=d["tenant"], seq=d["seq"], recorded_at=parse_time(d["recorded_at"]),
                          hash=d["hash"], duplicate=bool(d.get("duplicate")))
        return r


@dataclass(frozen=True)
class Head:
    """The newest entry of a tenant's chain.

    ``seq`` is 0, ``hash`` the tenant's genesis value and ``recorded_at``
    None while the chain is empty.
    """

    seq: int
    hash: str
    recorded_at: Optional[_dt.datetime]

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "Head":
        return cls(d["seq"], d["hash"], parse_time(d.get("recorded_at")))


@dataclass(frozen=True)
class ProtectedValue:
    """A protected value of an entry, as read back.

    Attributes:
        pointer: where it sits in the event, a JSON Pointer ("/after/iban").
        state: "plaintext" (readable: ``value`` holds it), "encrypted" (no
            master key given), "erased" (its key was destroyed) or "secret"
            (only a commitment is stored).
        value: the plaintext as a Python value when state is "plaintext",
            else None.
    """

    pointer: str
    state: str
    value: Any = None


# The event fields, in the order of docs/FORMAT.md. These are the keyword
# arguments of Tenant.append() and the attributes of Entry.
EVENT_FIELDS = (
    "action", "actor", "actor_kind", "on_behalf_of", "ip", "session_id", "request_id",
    "target_type", "target_id", "before", "after", "amount", "currency", "metadata",
    "sensitive", "high_risk", "ai_model", "ai_model_version", "confidence", "source_uri",
    "source_sha256", "rule_id", "rule_version", "derived_from", "overrides", "occurred_at",
    "idempotency_key",
)


@dataclass(frozen=True)
class Entry:
    """An entry as stored: the chain fields, the exact bytes and the event's fields.

    The event fields have the names of :meth:`Tenant.append`'s keyword
    arguments; a field the entry does not have is None (``metadata`` is then
    an empty dict, the flags False). ``before`` and ``after`` are parsed JSON
    (a JSON null reads as None, like an absent value); ``amount`` and
    ``confidence`` are Decimal; times are aware datetimes in UTC.

    Protected values appear in the fields as their plaintext when the ledger
    was opened with the master key and the value is readable, else as the
    markers "[encrypted]", "[erased]" or "[secret]"; ``protected_values``
    lists them with their state.

    ``bytes`` are the canonical JSON exactly as hashed:
    ``hashlib.sha256(entry.bytes).hexdigest() == entry.hash`` for an intact
    entry (read() does not check it; verify() does).
    """

    tenant: str
    seq: int
    recorded_at: _dt.datetime
    prev_hash: str
    hash: str
    bytes: bytes = field(repr=False)
    action: str
    actor: str
    actor_kind: str = "user"
    on_behalf_of: Optional[str] = None
    ip: Optional[str] = None
    session_id: Optional[str] = None
    request_id: Optional[str] = None
    target_type: Optional[str] = None
    target_id: Optional[str] = None
    before: Any = None
    after: Any = None
    amount: Optional[Decimal] = None
    currency: Optional[str] = None
    metadata: Dict[str, str] = field(default_factory=dict)
    sensitive: bool = False
    high_risk: bool = False
    ai_model: Optional[str] = None
    ai_model_version: Optional[str] = None
    confidence: Optional[Decimal] = None
    source_uri: Optional[str] = None
    source_sha256: Optional[str] = None
    rule_id: Optional[str] = None
    rule_version: Optional[str] = None
    derived_from: Optional[int] = None
    overrides: Optional[int] = None
    occurred_at: Optional[_dt.datetime] = None
    idempotency_key: Optional[str] = None
    protected_values: List[ProtectedValue] = field(default_factory=list)

    def fields(self) -> Dict[str, Any]:
        """The event fields the entry has, as keyword arguments for :meth:`Tenant.append`."""
        out: Dict[str, Any] = {}
        for name in EVENT_FIELDS:
            value = getattr(self, name)
            if value is None or value is False or (name == "metadata" and not value):
                continue
            out[name] = value
        return out

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "Entry":
        ev = d.get("event") or {}
        actor = ev.get("actor") or {}
        if isinstance(actor, str):
            actor = {"id": actor}
        target = ev.get("target") or {}
        amount = ev.get("amount") or {}
        ai = ev.get("ai") or {}
        source = ai.get("source") or {}
        rule = ai.get("rule") or {}
        flags = ev.get("flags") or ()
        protected = [ProtectedValue(p.get("pointer", ""), p.get("state", ""), _plaintext(p))
                     for p in d.get("protected_values") or ()]
        return cls(
            tenant=d["tenant"], seq=d["seq"], recorded_at=parse_time(d["recorded_at"]),
            prev_hash=d["prev_hash"], hash=d["hash"], bytes=d["bytes"].encode("utf-8"),
            action=ev.get("action", ""), actor=actor.get("id", ""), actor_kind=actor.get("kind", "user"),
            on_behalf_of=actor.get("on_behalf_of"), ip=actor.get("ip"), session_id=actor.get("session_id"),
            request_id=actor.get("request_id"), target_type=target.get("type"), target_id=target.get("id"),
            before=ev.get("before"), after=ev.get("after"),
            amount=decimal_or_none(amount.get("value")), currency=amount.get("currency"),
            metadata=dict(ev.get("metadata") or {}),
            sensitive="sensitive" in flags, high_risk="high_risk" in flags,
            ai_model=ai.get("model"), ai_model_version=ai.get("model_version"),
            confidence=decimal_or_none(ai.get("confidence")),
            source_uri=source.get("uri"), source_sha256=source.get("sha256"),
            rule_id=rule.get("id"), rule_version=rule.get("version"),
            derived_from=ev.get("derived_from"), overrides=ev.get("overrides"),
            occurred_at=parse_time(ev.get("occurred_at")), idempotency_key=ev.get("idempotency_key"),
            protected_values=protected,
        )


def _plaintext(p: Dict[str, Any]) -> Any:
    """A protected value's plaintext (the library gives the JSON value itself)."""
    return p.get("plaintext") if p.get("state") == "plaintext" else None


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint: tenant `tenant`'s tree had `tree_size` entries and root `root` at `time`.

    ``note`` is the signed note itself — the text to keep outside the ledger
    and give back to verify(checkpoints=...). ``sealed_through`` is set for a
    seal: the end of the closed period.
    """

    ledger: str
    tenant: str
    tree_size: int
    root: str
    time: _dt.datetime
    sealed_through: Optional[_dt.datetime]
    note: str

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "Checkpoint":
        return cls(d.get("ledger", d.get("ledger_id", "")), d["tenant"], d["tree_size"], d["root"],
                   parse_time(d["time"]), parse_time(d.get("sealed_through")), d["note"])

    def __str__(self) -> str:
        return self.note


@dataclass(frozen=True)
class ExportSummary:
    """What an export or a bundle wrote.

    Attributes:
        entries: how many entries were written.
        first_seq, last_seq: the first and last seq written (None when none).
        per_action: entries per action.
        totals: exact control totals of the amounts, per currency.
        entries_digest: hex SHA-256 over the exported entries' hashes, in order.
        sha256: for a bundle, hex SHA-256 of its manifest.json; None otherwise.
        record: the receipt of the "data.export" entry that records the export.
        checkpoint: for a bundle, the checkpoint its proofs are against.
        files: for a bundle, the files written, relative to its directory.
    """

    entries: int
    first_seq: Optional[int]
    last_seq: Optional[int]
    per_action: Dict[str, int]
    totals: Dict[str, Decimal]
    entries_digest: str
    sha256: Optional[str]
    record: Receipt
    checkpoint: Optional[Checkpoint] = None
    files: List[str] = field(default_factory=list)

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "ExportSummary":
        cp = d.get("checkpoint")
        return cls(d.get("entries", 0), d.get("first_seq"), d.get("last_seq"), dict(d.get("per_action") or {}),
                   {k: Decimal(v) for k, v in (d.get("totals") or {}).items()}, d.get("entries_digest", ""),
                   d.get("sha256") or None, Receipt._from_json(d["record"]),
                   Checkpoint._from_json(cp) if isinstance(cp, dict) else None, list(d.get("files") or ()))


__all__ = ["Actor", "Receipt", "Head", "ProtectedValue", "Entry", "Checkpoint", "ExportSummary", "EVENT_FIELDS"]
