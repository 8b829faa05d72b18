"""Streaming a tenant's entries."""

from __future__ import annotations

import threading
from typing import Any, Iterator, Optional

from . import _native
from ._convert import loads
from ._errors import Closed
from ._guard import Closing
from ._types import Entry


class Cursor(Closing, Iterator[Entry]):
    """An iterator over the entries a query matched, in seq order.

    From its first entry on it reads one consistent snapshot: entries
    appended meanwhile are not seen, and it keeps reading after its ledger
    is closed. Memory does not
    grow with the number of entries. The cursor is released when it is
    exhausted, when :meth:`close` is called (or the ``with`` block ends), or
    when it is garbage collected. ``next()`` after close() raises Closed;
    after exhaustion it keeps raising StopIteration.
    """

    def __init__(self, handle: int) -> None:
        self._lock = threading.Lock()
        self._handle: Optional[int] = handle
        self._exhausted = False

    def __iter__(self) -> "Cursor":
        return self

    def __next__(self) -> Entry:
        with self._lock:
            if self._handle is None:
                if self._exhausted:
                    raise StopIteration
                raise Closed("the cursor is closed")
            out = _native.c_void_p()
            err = _native.c_void_p()
            try:
                code = _native.fn.cursor_next(self._handle, _native.byref(out), _native.byref(err))
                if code == _native.DONE:
                    self._exhausted = True
                    self._release()
                    raise StopIteration
                _native.check(code, err)
                raw = _native.take_text(out)
            finally:
                _native.take_text(out)
                _native.take_text(err)
        return Entry._from_json(loads(raw or "{}"))

    def close(self) -> None:
        """Releases the cursor. Safe to call twice."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            self._release()

    def _release(self) -> None:
        handle, self._handle = self._handle, None
        if handle:
            _native.fn.cursor_close(handle)

    @property
    def closed(self) -> bool:
        """True once the cursor was closed or exhausted."""
        return self._handle is None
