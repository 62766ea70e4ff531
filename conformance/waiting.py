"""Waiting for TTLs: real time against a URL, the mock's virtual clock against the embedded mock."""

from __future__ import annotations

import sys
import time
from typing import Protocol


class Waiter(Protocol):
    virtual: bool

    def now(self) -> float: ...

    def sleep_until(self, moment: float, reason: str = "") -> None: ...


class RealWaiter:
    """Sleeps for real; shows a countdown on a terminal, stays quiet otherwise."""

    virtual = False

    def __init__(self, show_progress: bool | None = None) -> None:
        self._progress = sys.stderr.isatty() if show_progress is None else show_progress

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, moment: float, reason: str = "") -> None:
        while (left := moment - time.monotonic()) > 0:
            if self._progress:
                sys.stderr.write(f"\r  waiting {left:5.1f}s {reason}   ")
                sys.stderr.flush()
            time.sleep(min(left, 1.0))
        if self._progress:
            sys.stderr.write("\r" + " " * 60 + "\r")


class VirtualWaiter:
    """Advances an in-process mock's clock instead of waiting."""

    virtual = True

    def __init__(self, clock: _AdvancingClock) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock.now()

    def sleep_until(self, moment: float, reason: str = "") -> None:
        left = moment - self._clock.now()
        if left > 0:
            self._clock.advance(left)


class _AdvancingClock(Protocol):
    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...
