"""Keeping handles alive while they are in use.

The library releases Python's GIL during every call, so one thread may close
a ledger while another is still inside an append through it. The C interface
forbids closing a handle in use; this guard makes close() wait until the
calls in flight have returned, and makes calls after it raise Closed.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

from ._errors import Closed


_Self = TypeVar("_Self", bound="Closing")


class Closing:
    """close() on leaving a with-block and when garbage collected."""

    __slots__ = ()

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass


class Guard:
    """Counts the calls in flight on a ledger and the tenants made from it."""

    __slots__ = ("_cond", "_busy", "closed", "_what")

    def __init__(self, what: str) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._busy = 0
        self.closed = False
        self._what = what

    def __enter__(self) -> "Guard":
        with self._cond:
            if self.closed:
                raise Closed(f"{self._what} is closed")
            self._busy += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        with self._cond:
            self._busy -= 1
            if self._busy == 0:
                self._cond.notify_all()

    def when_idle(self, release: Callable[[], None]) -> None:
        """Runs `release` once no call is in flight, with new calls held back meanwhile."""
        with self._cond:
            while self._busy:
                self._cond.wait()
            release()

    def close(self, release: Callable[[], None]) -> None:
        """Marks the guard closed and runs `release` once idle; later calls raise Closed."""
        with self._cond:
            if self.closed:
                return
            self.closed = True
            while self._busy:
                self._cond.wait()
            release()
