"""An embedded, append-only, tamper-evident audit ledger.

Per-tenant SHA-256 hash chains of canonical JSON entries in one SQLite file,
with RFC 6962 Merkle trees, signed checkpoints, protected values and
self-verifying exports. This package drives the auditchain shared library
through its C interface (ctypes; nothing to compile).

Example::

    import auditchain
    from decimal import Decimal

    with auditchain.open("audit.ledger") as ledger:
        acme = ledger.tenant("acme", create=True)
        receipt = acme.append(action="invoice.update", actor="u:alice", ip="203.0.113.7",
                              target_type="invoice", target_id="INV-2026-0042",
                              before={"status": "draft"}, after={"status": "sent"},
                              amount=Decimal("1350.00"), currency="EUR",
                              idempotency_key="req-8812")
        for entry in acme.entries(action_prefix="invoice."):
            print(entry.seq, entry.actor, entry.action, entry.amount)
        assert ledger.verify().valid

Start with :func:`open` (a :class:`Ledger`), :meth:`Ledger.tenant` (a
:class:`Tenant`: append, read, entries, checkpoint, prove, export, erase) and
:func:`verify`. Failures raise a subclass of :class:`Error`; tamper findings
are data in a :class:`Report`. The shared library is the file named by the
AUDITCHAIN_LIBRARY environment variable, else the one installed beside this
package, else ``libauditchain`` on the system's library path.
"""

from ._native import version as _library_version
from ._native import version_number as _library_version_number
from ._errors import (AlreadyExists, BadSignature, Busy, Closed, Corrupt, Error, Internal, InvalidArgument,
                      IoError, NotALedger, NotFound, ReadOnly, Sealed, UnsupportedVersion, WrongKey)
from ._keys import KeyPair, MasterKey, SignerKey, VerifierKey, generate_master_key, keygen
from ._types import Actor, Checkpoint, Entry, ExportSummary, Head, ProtectedValue, Receipt
from ._reports import BundleFinding, BundleReport, Finding, ProofVerdict, Report, TenantReport
from ._cursor import Cursor
from ._tenant import Tenant
from ._ledger import Ledger, open, verify
from ._offline import verify_bundle, verify_proof

__version__ = "0.1.0"


def library_version() -> str:
    """The loaded shared library's version, "MAJOR.MINOR.PATCH"."""
    return _library_version()


def library_version_number() -> int:
    """The loaded shared library's version as MAJOR * 10000 + MINOR * 100 + PATCH."""
    return _library_version_number()


__all__ = [
    "open", "verify", "verify_bundle", "verify_proof", "keygen", "generate_master_key",
    "library_version", "library_version_number",
    "Ledger", "Tenant", "Cursor",
    "Receipt", "Entry", "Head", "ProtectedValue", "Checkpoint", "ExportSummary", "Actor",
    "Report", "TenantReport", "Finding", "BundleReport", "BundleFinding", "ProofVerdict",
    "SignerKey", "VerifierKey", "MasterKey", "KeyPair",
    "Error", "InvalidArgument", "NotFound", "AlreadyExists", "Busy", "IoError", "Corrupt", "NotALedger",
    "UnsupportedVersion", "ReadOnly", "Closed", "Internal", "BadSignature", "Sealed", "WrongKey",
]

# Public classes and functions say they live here, so repr(), help() and
# pickling name them as users write them.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith(__name__ + "._"):
        try:
            _obj.__module__ = __name__
        except (AttributeError, TypeError):
            pass
del _name, _obj
