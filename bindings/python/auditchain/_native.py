"""The shared library: finding it, declaring its functions, calling them.

Every C function is declared here with its argument and result types, so a
wrong call fails in Python instead of corrupting memory. Text crosses as
UTF-8 bytes; text the library returns is copied into Python and released
with ``auditchain_free`` at once, on success and on failure.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import POINTER, byref, c_char_p, c_int, c_uint32, c_uint64, c_void_p
from typing import Any, List, Optional, Tuple

from . import _location
from ._errors import error_for

OK = 0
DONE = 100
MAX_UINT64 = (1 << 64) - 1
MAX_UINT32 = (1 << 32) - 1

_TEXT_OUT = POINTER(c_void_p)  # char**: read as an address so it can be freed


def _candidates() -> List[str]:
    """The places to load the library from, in order of preference."""
    override = os.environ.get("AUDITCHAIN_LIBRARY")
    if override:
        return [override]  # an explicit choice: never fall back to another copy
    found = []
    if _location.LIBRARY:
        here = os.path.dirname(os.path.abspath(__file__))
        found.append(os.path.normpath(os.path.join(here, _location.LIBRARY)))
    system = ctypes.util.find_library("auditchain")
    if system:
        found.append(system)
    return found


def _load() -> ctypes.CDLL:
    problems = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            problems.append(f"{path}: {e}")
    detail = "; ".join(problems) if problems else "no libauditchain found on the library path"
    raise ImportError(
        "auditchain: cannot load the auditchain shared library (" + detail + "). "
        "Set AUDITCHAIN_LIBRARY to the full path of libauditchain.so.")


lib = _load()

# (name, result type, argument types). Handles are opaque pointers (c_void_p).
_PROTOTYPES: Tuple[Tuple[str, Any, List[Any]], ...] = (
    ("auditchain_version", c_char_p, []),
    ("auditchain_version_number", c_int, []),
    ("auditchain_code_name", c_char_p, [c_int]),
    ("auditchain_free", None, [c_void_p]),
    ("auditchain_ledger_open", c_int, [c_char_p, c_char_p, POINTER(c_void_p), _TEXT_OUT]),
    ("auditchain_ledger_close", None, [c_void_p]),
    ("auditchain_ledger_info", c_int, [c_void_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_ledger_rotate_master_key", c_int, [c_void_p, c_char_p, _TEXT_OUT]),
    ("auditchain_tenant_open", c_int, [c_void_p, c_char_p, c_int, POINTER(c_void_p), _TEXT_OUT]),
    ("auditchain_tenant_close", None, [c_void_p]),
    ("auditchain_tenant_append", c_int, [c_void_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_append_batch", c_int, [c_void_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_read", c_int, [c_void_p, c_uint64, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_head", c_int, [c_void_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_entries", c_int, [c_void_p, c_char_p, POINTER(c_void_p), _TEXT_OUT]),
    ("auditchain_cursor_next", c_int, [c_void_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_cursor_close", None, [c_void_p]),
    ("auditchain_verify", c_int, [c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_keygen", c_int, [c_char_p, _TEXT_OUT, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_master_key_generate", c_int, [_TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_checkpoint", c_int, [c_void_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_checkpoints", c_int, [c_void_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_seal", c_int, [c_void_p, c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_prove_inclusion", c_int, [c_void_p, c_uint64, c_uint64, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_prove_consistency", c_int, [c_void_p, c_uint64, c_uint64, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_verify_proof", c_int, [c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_export", c_int, [c_void_p, c_char_p, c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_export_bundle", c_int, [c_void_p, c_char_p, c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_verify_bundle", c_int, [c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_erase_subject", c_int, [c_void_p, c_char_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_set_retention", c_int, [c_void_p, c_uint32, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_purge_expired", c_int, [c_void_p, c_char_p, _TEXT_OUT, _TEXT_OUT]),
    ("auditchain_tenant_secret_matches", c_int, [c_void_p, c_uint64, c_char_p, c_char_p, POINTER(c_int), _TEXT_OUT]),
)


class _Functions:
    """The library's functions as attributes, without the ``auditchain_`` prefix."""

    def __init__(self, cdll: ctypes.CDLL) -> None:
        missing = []
        for name, restype, argtypes in _PROTOTYPES:
            try:
                f = getattr(cdll, name)
            except AttributeError:
                missing.append(name)
                continue
            f.restype = restype
            f.argtypes = argtypes
            setattr(self, name[len("auditchain_"):], f)
        if missing:
            raise ImportError("auditchain: the shared library lacks " + ", ".join(missing) +
                              " (an older library than this package?)")


fn: Any = _Functions(lib)


def take_text(p: c_void_p) -> Optional[str]:
    """The text at `p` (library-allocated), released; None for NULL."""
    if not p.value:
        return None
    try:
        return ctypes.string_at(p.value).decode("utf-8", errors="replace")
    finally:
        fn.free(p)
        p.value = None


def check(code: int, errmsg: c_void_p) -> None:
    """Raises the Error subclass of `code` with the library's message, unless OK."""
    message = take_text(errmsg)
    if code != OK:
        raise error_for(code, message)


def call_text(func: Any, *args: Any) -> str:
    """Calls `func(*args, &out, &errmsg)` and returns the text it gave."""
    out = c_void_p()
    err = c_void_p()
    try:
        code = func(*args, byref(out), byref(err))
        check(code, err)
        text = take_text(out)
    finally:
        take_text(out)
        take_text(err)
    if text is None:
        raise error_for(11, "the library returned no result")
    return text


def call_handle(func: Any, *args: Any) -> int:
    """Calls `func(*args, &handle, &errmsg)` and returns the new handle."""
    handle = c_void_p()
    err = c_void_p()
    try:
        code = func(*args, byref(handle), byref(err))
        check(code, err)
    finally:
        take_text(err)
    if not handle.value:
        raise error_for(11, "the library returned no handle")
    return handle.value


def code_name(code: int) -> str:
    """The library's name of a result code ("invalid_argument", ...)."""
    name = fn.code_name(code)
    return name.decode("ascii") if name else "unknown"


def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return fn.version().decode("ascii")


def version_number() -> int:
    """The library's version as MAJOR * 10000 + MINOR * 100 + PATCH."""
    return int(fn.version_number())


__all__ = ["OK", "DONE", "MAX_UINT64", "MAX_UINT32", "lib", "fn", "take_text", "check", "call_text",
           "call_handle", "code_name", "version", "version_number", "c_int", "c_uint32", "c_uint64",
           "c_void_p", "byref"]
