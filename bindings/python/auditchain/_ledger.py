"""Opening a ledger file; tenants; verifying a file."""

from __future__ import annotations

import datetime as _dt
import weakref
from typing import Any, Dict, Iterable, List, Optional, Union

from . import _native
from ._convert import (PathLike, c_path, c_text, flag, json_bytes, key_text, key_texts, loads, path_text, seconds,
                       strings, text, time_text, uint)
from ._guard import Closing, Guard
from ._keys import MasterKey, SignerKey, VerifierKey
from ._reports import Report
from ._tenant import Tenant
from ._types import Checkpoint

_TENANT_MODES = {False: 0, True: 1, "if_missing": 1, "on_append": 2}

Seconds = Union[float, int, _dt.timedelta]


def _open_options(create_if_missing: bool, read_only: bool, durability: str, busy_timeout: Optional[Seconds],
                  master_keys: Any, checkpoint_signer: Any, checkpoint_every_entries: int,
                  checkpoint_interval: Optional[Seconds], group_commit_max_batch: Optional[int],
                  group_commit_wait: Optional[Seconds]) -> Dict[str, Any]:
    options: Dict[str, Any] = {"create_if_missing": flag("create_if_missing", create_if_missing),
                               "read_only": flag("read_only", read_only)}
    options["durability"] = text("durability", durability)
    if busy_timeout is not None:
        ms = seconds("busy_timeout", busy_timeout) * 1000
        if ms < 0:
            raise ValueError("busy_timeout must not be negative")
        options["busy_timeout_ms"] = uint("busy_timeout", round(ms))
    keys = key_texts("master_keys", master_keys, MasterKey)
    if keys:
        options["master_keys"] = keys
    if checkpoint_signer is not None:
        options["checkpoint_signer"] = key_text("checkpoint_signer", checkpoint_signer, SignerKey)
    if checkpoint_every_entries:
        options["checkpoint_every_entries"] = uint("checkpoint_every_entries", checkpoint_every_entries)
    if checkpoint_interval is not None:
        interval = seconds("checkpoint_interval", checkpoint_interval)
        if interval < 0 or interval != int(interval):
            raise ValueError("checkpoint_interval must be a whole number of seconds, 0 or more")
        if interval:
            options["checkpoint_interval_s"] = uint("checkpoint_interval", int(interval))
    if group_commit_max_batch is not None:
        options["group_commit_max_batch"] = uint("group_commit_max_batch", group_commit_max_batch)
    if group_commit_wait is not None:
        wait_us = seconds("group_commit_wait", group_commit_wait) * 1_000_000
        if wait_us < 0:
            raise ValueError("group_commit_wait must not be negative")
        options["group_commit_wait_us"] = uint("group_commit_wait", round(wait_us))
    return options


def _verify_options(tenants: Optional[Iterable[str]], from_: Optional[_dt.datetime], to: Optional[_dt.datetime],
                    jobs: int, max_findings_per_tenant: Optional[int], checkpoints: Any,
                    keys: Any) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    if tenants is not None:
        options["tenants"] = strings("tenants", tenants)
    if from_ is not None:
        options["from"] = time_text("from_", from_)
    if to is not None:
        options["to"] = time_text("to", to)
    if jobs:
        options["jobs"] = uint("jobs", jobs)
    if max_findings_per_tenant is not None:
        options["max_findings_per_tenant"] = uint("max_findings_per_tenant", max_findings_per_tenant)
    notes = _checkpoint_notes(checkpoints)
    if notes:
        options["trusted_checkpoints"] = notes
    verifier_keys = key_texts("keys", keys, VerifierKey)
    if verifier_keys:
        options["keys"] = verifier_keys
    return options


def _checkpoint_notes(checkpoints: Any) -> List[str]:
    if checkpoints is None:
        return []
    if isinstance(checkpoints, (str, Checkpoint)):
        checkpoints = [checkpoints]
    return [c.note if isinstance(c, Checkpoint) else text("checkpoints item", c) for c in checkpoints]


def verify(path: PathLike, *, tenants: Optional[Iterable[str]] = None, from_: Optional[_dt.datetime] = None,
           to: Optional[_dt.datetime] = None, jobs: int = 0, max_findings_per_tenant: Optional[int] = None,
           checkpoints: Any = None, keys: Any = None) -> Report:
    """Verifies the ledger file at `path` (it need not be open) and returns a Report.

    Re-walks every chain asked for: each entry's hash from its bytes, the
    links, sequence continuity, the query columns, recorded-time order, the
    tenant and ledger binding, the genesis values and the append-only schema;
    with whole chains also the Merkle tree against the stored checkpoints.

    Args:
        tenants: names of the tenants to check (default: all).
        from_, to: only entries recorded in [from_, to) (aware datetimes);
            the tree and checkpoint checks need whole chains and are left out.
        jobs: hashing threads (0: one per processor core).
        max_findings_per_tenant: findings listed per tenant (default 1000);
            the rest are counted.
        checkpoints: signed checkpoints kept outside the ledger (note texts or
            Checkpoint objects) to hold the ledger against; need `keys`.
        keys: trusted verifier keys (texts or VerifierKey objects); with keys,
            every checkpoint must be signed by one of them.

    Problems found are in the report (``valid`` False), never raised. Raises
    NotFound (no such file or tenant), NotALedger, UnsupportedVersion,
    IoError or InvalidArgument when verification cannot run.
    """
    options = _verify_options(tenants, from_, to, jobs, max_findings_per_tenant, checkpoints, keys)
    raw = _native.call_text(_native.fn.verify, c_path("path", path), json_bytes(options))
    return Report._from_json(loads(raw))


class Ledger(Closing):
    """An open ledger file: any number of tenants, each with its own hash chain.

    Made by :func:`auditchain.open`. Use it as a context manager, or call
    :meth:`close`. A ledger and its tenants may be used from several threads
    at once; the library does the work with the GIL released.
    """

    def __init__(self, path: PathLike, *, create_if_missing: bool = True, read_only: bool = False,
                 durability: str = "full", busy_timeout: Optional[Seconds] = None,
                 master_keys: Optional[Iterable[Union[str, MasterKey]]] = None,
                 checkpoint_signer: Union[str, SignerKey, None] = None, checkpoint_every_entries: int = 0,
                 checkpoint_interval: Optional[Seconds] = None, group_commit_max_batch: Optional[int] = None,
                 group_commit_wait: Optional[Seconds] = None) -> None:
        """Opens the ledger; see :func:`auditchain.open` for the options."""
        self._handle: Optional[int] = None
        self._guard = Guard("the ledger")
        self._tenants: "weakref.WeakSet[Tenant]" = weakref.WeakSet()
        encoded = c_path("path", path)
        options = _open_options(create_if_missing, read_only, durability, busy_timeout, master_keys,
                                checkpoint_signer, checkpoint_every_entries, checkpoint_interval,
                                group_commit_max_batch, group_commit_wait)
        self.path: str = path_text(path)
        self._handle = _native.call_handle(_native.fn.ledger_open, encoded, json_bytes(options))

    # ---- lifetime -----------------------------------------------------------

    def close(self) -> None:
        """Closes the ledger and every tenant handle made from it. Safe to call twice.

        Waits for calls in flight in other threads. Afterwards every call on
        this ledger and its tenants raises Closed; cursors already open keep
        reading their snapshot.
        """
        guard = getattr(self, "_guard", None)
        if guard is not None:
            guard.close(self._release)

    def _release(self) -> None:
        for tenant in list(self._tenants):
            tenant._release()
        handle, self._handle = self._handle, None
        if handle:
            _native.fn.ledger_close(handle)

    @property
    def closed(self) -> bool:
        """True once the ledger was closed."""
        return self._guard.closed

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<auditchain.Ledger {self.path!r} ({state})>"

    # ---- the file -------------------------------------------------------------

    def info(self) -> Dict[str, Any]:
        """The ledger's description: {"id", "path", "format_version", "tenants", "master_key_ids"}."""
        with self._guard:
            return loads(_native.call_text(_native.fn.ledger_info, self._handle))

    @property
    def id(self) -> str:
        """The ledger's random, permanent id: 32 lowercase hex digits."""
        return str(self.info()["id"])

    @property
    def format_version(self) -> int:
        """The file's format version."""
        return int(self.info()["format_version"])

    def tenants(self) -> List[str]:
        """The names of all tenants, sorted."""
        return list(self.info()["tenants"])

    def master_key_ids(self) -> List[str]:
        """The ids of the master keys the ledger has used, oldest first; the last is current."""
        return list(self.info().get("master_key_ids") or ())

    def tenant(self, name: str, create: Union[bool, str] = False) -> Tenant:
        """A handle to tenant `name`.

        Args:
            create: False (default): the tenant must exist (NotFound
                otherwise). True or "if_missing": it is created now if it does
                not exist. "on_append": it is created by its first successful
                append, in the same transaction, so a refused first event
                leaves no tenant behind; until then it reads as empty.

        A name is 1 to 128 bytes of UTF-8 without control characters
        (InvalidArgument otherwise).
        """
        encoded = c_text("name", name)
        mode = _TENANT_MODES.get(create) if isinstance(create, (bool, str)) else None
        if mode is None:
            raise ValueError(f"create must be False, True, 'if_missing' or 'on_append', not {create!r}")
        with self._guard:
            handle = _native.call_handle(_native.fn.tenant_open, self._handle, encoded, mode)
            tenant = Tenant(self, name, handle)
            self._tenants.add(tenant)
        return tenant

    def rotate_master_key(self, key: Union[str, MasterKey]) -> None:
        """Makes `key` the ledger's current master key.

        New protected values are written under it; values written before stay
        under their key, readable while that key is also given to open().
        Raises ReadOnly, Busy, IoError, InvalidArgument (not a key).
        """
        new_key = key_text("key", key, MasterKey)
        with self._guard:
            err = _native.c_void_p()
            try:
                code = _native.fn.ledger_rotate_master_key(self._handle, c_text("key", new_key),
                                                           _native.byref(err))
                _native.check(code, err)
            finally:
                _native.take_text(err)

    def verify(self, *, tenants: Optional[Iterable[str]] = None, from_: Optional[_dt.datetime] = None,
               to: Optional[_dt.datetime] = None, jobs: int = 0, max_findings_per_tenant: Optional[int] = None,
               checkpoints: Any = None, keys: Any = None) -> Report:
        """Verifies this ledger's file; the options and result of :func:`auditchain.verify`."""
        with self._guard:
            pass  # a closed ledger raises Closed, like every other call
        return verify(self.path, tenants=tenants, from_=from_, to=to, jobs=jobs,
                      max_findings_per_tenant=max_findings_per_tenant, checkpoints=checkpoints, keys=keys)


def open(path: PathLike, *, create_if_missing: bool = True, read_only: bool = False, durability: str = "full",
         busy_timeout: Optional[Seconds] = None, master_keys: Optional[Iterable[Union[str, MasterKey]]] = None,
         checkpoint_signer: Union[str, SignerKey, None] = None, checkpoint_every_entries: int = 0,
         checkpoint_interval: Optional[Seconds] = None, group_commit_max_batch: Optional[int] = None,
         group_commit_wait: Optional[Seconds] = None) -> Ledger:
    """Opens (or creates) the ledger file at `path` and returns a :class:`Ledger`.

    Args:
        create_if_missing: create the file when it does not exist (default
            True; False raises NotFound for a missing file).
        read_only: open for reading; every write raises ReadOnly.
        durability: "full" (default: every append is on stable storage when it
            returns), "normal" (survives the application crashing, not a power
            cut) or "off" (no flushes; for bulk imports that can be redone).
        busy_timeout: how long a write waits for another process's write
            transaction before raising Busy: seconds (int or float) or a
            timedelta. Default: 5 seconds.
        master_keys: master keys for protected values (texts or MasterKey),
            the current one first, then older ones. When the ledger has keys
            and none of these is one of them, raises WrongKey.
        checkpoint_signer: a signer key (text or SignerKey) for automatic
            checkpoints, made after an append once `checkpoint_every_entries`
            entries or `checkpoint_interval` (whole seconds or a timedelta)
            have passed since the tenant's last checkpoint. 0/None: never.
        group_commit_max_batch: appends made at the same time by several
            threads share one transaction and one flush, at most this many
            (default 256; 1: no sharing). Each still returns only once durable.
        group_commit_wait: how long the first append of a shared commit waits
            for more to arrive (seconds or a timedelta, at most 1 second;
            default 0: it does not wait).

    Raises NotFound, NotALedger, UnsupportedVersion, IoError, Busy, WrongKey,
    InvalidArgument; TypeError/ValueError for options of the wrong type.
    """
    return Ledger(path, create_if_missing=create_if_missing, read_only=read_only, durability=durability,
                  busy_timeout=busy_timeout, master_keys=master_keys, checkpoint_signer=checkpoint_signer,
                  checkpoint_every_entries=checkpoint_every_entries, checkpoint_interval=checkpoint_interval,
                  group_commit_max_batch=group_commit_max_batch, group_commit_wait=group_commit_wait)


__all__ = ["Ledger", "open", "verify"]
