"""Verification results: ledger reports, bundle reports and proof verdicts.

Findings are data, never exceptions: a tampered ledger gives a report whose
``valid`` is False and whose ``findings`` say what was found where.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ._convert import parse_time


@dataclass(frozen=True)
class Finding:
    """One problem verify() found.

    Attributes:
        tenant: the tenant concerned; None for a finding about the file as a
            whole (e.g. a dropped trigger).
        seq: the first entry affected; 0 when it is not about one entry.
        kind: a stable name: "hash_mismatch", "gap", "broken_link", ...
            (the table in docs/CLI.md, "verify --json").
        kind_code: the kind's stable number.
        detail: one sentence for people.
    """

    tenant: Optional[str]
    seq: int
    kind: str
    kind_code: int
    detail: str

    @classmethod
    def _from_json(cls, d: Dict[str, Any], tenant: Optional[str]) -> "Finding":
        return cls(d.get("tenant", tenant) or tenant, d.get("seq", 0), d.get("kind", ""), d.get("kind_code", 0),
                   d.get("detail", ""))


@dataclass(frozen=True)
class TenantReport:
    """What verify() found in one tenant's chain.

    ``from_`` and ``to`` are the time range asked for (None: unbounded);
    ``first_seq`` and ``last_seq`` the entries checked (0 when none);
    ``head`` the hash of the last entry checked.
    """

    tenant: str
    valid: bool
    first_seq: int
    last_seq: int
    entries_checked: int
    entries_valid: int
    head: str
    findings: List[Finding]
    findings_dropped: int
    from_: Optional[_dt.datetime] = None
    to: Optional[_dt.datetime] = None

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "TenantReport":
        name = d["tenant"]
        return cls(name, bool(d.get("valid")), d.get("first_seq", 0), d.get("last_seq", 0),
                   d.get("entries_checked", 0), d.get("entries_valid", 0), d.get("head", ""),
                   [Finding._from_json(f, name) for f in d.get("findings") or ()], d.get("findings_dropped", 0),
                   parse_time(d.get("from")), parse_time(d.get("to")))


@dataclass(frozen=True)
class Report:
    """The result of verifying a ledger.

    Attributes:
        valid: True when nothing at all was found, ledger-wide or in any tenant checked.
        findings: every finding — those about the file first, then each
            tenant's in order. Each says its tenant.
        tenants: one TenantReport per tenant checked.
        path, ledger_id, format_version: the file verified.
        entries_checked, entries_valid: totals over the tenants checked.
        raw: the report as the library gave it (docs/CLI.md, "verify --json").
    """

    valid: bool
    findings: List[Finding]
    tenants: List[TenantReport]
    path: str
    ledger_id: str
    format_version: int
    entries_checked: int
    entries_valid: int
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def tenant(self, name: str) -> TenantReport:
        """The report of tenant `name` (KeyError when it was not checked)."""
        for t in self.tenants:
            if t.tenant == name:
                return t
        raise KeyError(name)

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "Report":
        tenants = [TenantReport._from_json(t) for t in d.get("tenants") or ()]
        findings = [Finding._from_json(f, None) for f in d.get("findings") or ()]
        for t in tenants:
            findings.extend(t.findings)
        return cls(bool(d.get("valid")), findings, tenants, d.get("path", ""), d.get("ledger_id", ""),
                   d.get("format_version", 0), d.get("entries_checked", 0), d.get("entries_valid", 0), d)


@dataclass(frozen=True)
class BundleFinding:
    """One problem verify_bundle() found: the file, line (1-based; 0 when
    not about a line), seq (0 when not about an entry), a stable ``kind``
    (docs/FORMAT.md, "Verifying a bundle") and a sentence for people."""

    file: str
    line: int
    seq: int
    kind: str
    detail: str


@dataclass(frozen=True)
class BundleReport:
    """The result of checking an export bundle offline.

    Attributes:
        valid: no findings, and the checkpoint is signed by a trusted key.
        directory, ledger, tenant: the bundle and whose entries it holds.
        manifest_sha256: compare with the ``sha256`` of the export's summary
            or its "data.export" entry.
        entries, entries_valid: lines read, and of those, shown included in
            the signed checkpoint.
        checkpoint_size, checkpoint_root, checkpoint_time: the trusted
            checkpoint (None when it was not opened with a trusted key).
        contiguous: the bundle claims a contiguous run, and it was checked.
        decrypted: the bundle holds decrypted values (outside the hashes).
        notes: what was not checked, and why.
        findings, findings_dropped: the problems (at most 1000 listed).
        raw: the report as the library gave it.
    """

    valid: bool
    directory: str
    ledger: str
    tenant: str
    manifest_sha256: str
    entries: int
    entries_valid: int
    checkpoint_size: Optional[int]
    checkpoint_root: Optional[str]
    checkpoint_time: Optional[_dt.datetime]
    contiguous: bool
    decrypted: bool
    notes: List[str]
    findings: List[BundleFinding]
    findings_dropped: int
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "BundleReport":
        cp = d.get("checkpoint") if isinstance(d.get("checkpoint"), dict) else {}
        return cls(bool(d.get("valid")), d.get("directory", ""), d.get("ledger", ""), d.get("tenant", ""),
                   d.get("manifest_sha256", ""), d.get("entries", 0), d.get("entries_valid", 0),
                   cp.get("tree_size"), cp.get("root"), parse_time(cp.get("time")),
                   bool(d.get("contiguous")), bool(d.get("decrypted")), list(d.get("notes") or ()),
                   [BundleFinding(f.get("file", ""), f.get("line", 0), f.get("seq", 0), f.get("kind", ""),
                                  f.get("detail", "")) for f in d.get("findings") or ()],
                   d.get("findings_dropped", 0), d)


@dataclass(frozen=True)
class ProofVerdict:
    """The verdict on a proof checked offline.

    ``valid`` is True when the proof holds and, when keys were given, every
    checkpoint it refers to is signed by one of them. ``kind`` is
    "inclusion" or "consistency"; ``problems`` one sentence each (empty when
    valid); ``summary`` what the proof claims.
    """

    valid: bool
    kind: str
    problems: List[str]
    summary: str

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> "ProofVerdict":
        return cls(bool(d.get("valid")), d.get("kind", ""), list(d.get("problems") or ()), d.get("summary", ""))


__all__ = ["Finding", "TenantReport", "Report", "BundleFinding", "BundleReport", "ProofVerdict"]
