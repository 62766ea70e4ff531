"""Waiting for TTLs: real time against a URL, the mock's virtual clock against the embedded mock."""

from __future__ import annotations

import sys
import time
from typing import Protocol

from conformance import progress


class Waiter(Protocol):
    virtual: bool

    def now(self) -> float: ...

    def sleep_until(self, moment: float, reason: str = "") -> None: ...


class RealWaiter:
    """Sleeps for real; shows a countdown on a terminal, stays quiet otherwise.

    The console is looked up when a wait starts, not when the waiter is made, so the one the
    pytest plugin installs (which reaches the terminal past output capture) is the one used.
    """

    virtual = False

    def __init__(self, show_progress: bool | None = None, target: progress.Console | None = None) -> None:
        self._show = show_progress
        self._target = target

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, moment: float, reason: str = "") -> None:
        shown = self._console()
        if not shown.enabled or moment - time.monotonic() < progress.DELAY:  # short: no countdown
            while (left := moment - time.monotonic()) > 0:
                time.sleep(left)
            return
        try:
            while (left := moment - time.monotonic()) > 0:
                shown.status(progress.countdown_text(left, reason))
                # wake on whole seconds left, so the countdown ticks evenly
                time.sleep(min(left, (left % 1.0) or 1.0))
        finally:
            shown.clear()

    def _console(self) -> progress.Console:
        if self._target is not None:
            return self._target
        if self._show is None:
            return progress.console()
        return progress.Console(sys.stderr, enabled=self._show)


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
