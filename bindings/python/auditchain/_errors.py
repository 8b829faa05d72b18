"""The exception hierarchy: one class per result code of the library.

Every failure the library reports raises a subclass of :class:`Error` whose
``code`` is the library's result code (the numbers of ``auditchain.h`` and
``auditchain::ErrorCode``, which never change meaning) and whose message is
the library's. Catch :class:`Error` for all of them, or one subclass.

Tamper findings are never errors: :meth:`Ledger.verify` returns them in a
report. An Error means an operation could not be carried out.
"""

from __future__ import annotations

from typing import Dict, Optional, Type


class Error(Exception):
    """A failure reported by the auditchain library.

    Attributes:
        code: the library's result code (an int, e.g. 1 for invalid_argument).
        code_name: its name ("invalid_argument", "not_found", ...).
        message: the library's one-line message.
    """

    code: int = 0
    code_name: str = "unknown"

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None and code != type(self).code:
            self.code = code
            self.code_name = _NAMES.get(code, "unknown")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code})"


class InvalidArgument(Error):
    """Bad input: an event field, an option or an argument the library refuses (code 1)."""
    code, code_name = 1, "invalid_argument"


class NotFound(Error):
    """An unknown tenant, an entry beyond the head, a missing file (code 2)."""
    code, code_name = 2, "not_found"


class AlreadyExists(Error):
    """Something that must be new exists already (code 3)."""
    code, code_name = 3, "already_exists"


class Busy(Error):
    """The busy timeout expired waiting for another writer (code 4)."""
    code, code_name = 4, "busy"


class IoError(Error):
    """The operating system or SQLite failed to read or write (code 5)."""
    code, code_name = 5, "io"


class Corrupt(Error):
    """Stored data cannot be decoded; run verify for the details (code 6)."""
    code, code_name = 6, "corrupt"


class NotALedger(Error):
    """The file is not an auditchain ledger (code 7)."""
    code, code_name = 7, "not_a_ledger"


class UnsupportedVersion(Error):
    """The ledger was written by a newer auditchain (code 8)."""
    code, code_name = 8, "unsupported_version"


class ReadOnly(Error):
    """A write through a ledger opened read-only (code 9)."""
    code, code_name = 9, "read_only"


class Closed(Error):
    """Use of a closed ledger, tenant or cursor (code 10)."""
    code, code_name = 10, "closed"


class Internal(Error):
    """A bug in auditchain; please report it (code 11)."""
    code, code_name = 11, "internal"


class BadSignature(Error):
    """A signature does not verify, or no trusted key signed (code 12)."""
    code, code_name = 12, "bad_signature"


class Sealed(Error):
    """An append into a period closed by a seal (code 13)."""
    code, code_name = 13, "sealed"


class WrongKey(Error):
    """A master key that is not the ledger's, or none where one is needed (code 14)."""
    code, code_name = 14, "wrong_key"


_CLASSES: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (InvalidArgument, NotFound, AlreadyExists, Busy, IoError, Corrupt, NotALedger,
                UnsupportedVersion, ReadOnly, Closed, Internal, BadSignature, Sealed, WrongKey)
}
_NAMES: Dict[int, str] = {code: cls.code_name for code, cls in _CLASSES.items()}


def error_for(code: int, message: Optional[str]) -> Error:
    """The exception for result `code` with the library's `message`."""
    cls = _CLASSES.get(code, Error)
    text = message if message else f"auditchain error {code} ({_NAMES.get(code, 'unknown')})"
    return cls(text, code)


__all__ = ["Error", "InvalidArgument", "NotFound", "AlreadyExists", "Busy", "IoError", "Corrupt",
           "NotALedger", "UnsupportedVersion", "ReadOnly", "Closed", "Internal", "BadSignature", "Sealed",
           "WrongKey", "error_for"]
