"""Progress on long work: records walked out of ``count``, and a countdown while a TTL runs out.

Shown only on a terminal (stderr is a TTY), so CI logs and pipes stay clean; throttled to a few
updates a second; and only for work long enough to watch (a large collection, a walk that has
already taken a second), so short walks never flash a line.

Under pytest, output capture hides stderr from a running test. The plugin therefore installs,
while capture is suspended, a console writing to a duplicate of the terminal's descriptor
(``install``); everything else reaches it through ``console()``.
"""

from __future__ import annotations

import io
import math
import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

MIN_RECORDS = 10_000  # smaller collections are walked in a blink
DELAY = 1.0  # seconds a walk runs before its first line
INTERVAL = 0.25  # at most four updates a second


class Console:
    """One status line on a terminal, rewritten in place; does nothing when not enabled.

    Work going on at once (the equivalence check walks offset pages and scroll chunks in
    lock-step) shares the line: each piece of work updates its own part of it.
    """

    def __init__(
        self, stream: TextIO | None = None, *, enabled: bool | None = None, owned: bool = False
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream) if enabled is None else enabled
        self._owned = owned
        self._parts: dict[object, str] = {}
        self._width = 0  # characters on the line now; 0: no status line shown

    def status(self, text: str, part: object = None) -> None:
        """Show ``text`` as (``part`` of) the status line. The first line starts on a fresh
        line, so that whatever the terminal showed (pytest's dots) stays intact above it."""
        if not self.enabled:
            return
        self._parts[part] = text
        self._show()

    def clear(self, part: object = None) -> None:
        """Remove ``part`` (None: everything); blank the line when nothing is left on it."""
        if not self.enabled:
            return
        if part is None:
            self._parts.clear()
        else:
            self._parts.pop(part, None)
        if self._parts:
            self._show()
        elif self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _show(self) -> None:
        text = ("  " + "; ".join(self._parts.values()))[: self._columns() - 1]
        prefix = "\n" if self._width == 0 else "\r"
        self._write(prefix + text + " " * max(0, self._width - len(text)))
        self._width = max(self._width, len(text), 1)  # the padding keeps the line this wide

    def _columns(self) -> int:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            columns = 0
        return columns or 100  # a terminal that does not say (or a test's fake): a sensible width

    def close(self) -> None:
        self.clear()
        self.enabled = False
        if self._owned:
            self.stream.close()

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False  # the terminal went away: progress is never worth an error


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def for_terminal(stream: TextIO | None = None) -> Console:
    """A console on a duplicate of ``stream``'s descriptor when it is a terminal, silent otherwise.

    Made while pytest's capture is suspended (``pytest_configure``), the duplicate keeps pointing
    at the terminal while capture redirects descriptor 2 during each test.
    """
    stream = stream if stream is not None else sys.stderr
    if not _isatty(stream):
        return Console(stream, enabled=False)
    try:
        duplicate = os.dup(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return Console(stream, enabled=False)
    return Console(open(duplicate, "w", encoding="utf-8", errors="replace"), enabled=True, owned=True)


_current: list[Console] = []
_default: list[Console] = []


def console() -> Console:
    """The console progress goes to: the one installed last, or the one on the current stderr."""
    if _current:
        return _current[-1]
    if not _default or _default[0].stream is not sys.stderr:
        _default[:] = [Console()]
    return _default[0]


def install(target: Console) -> None:
    _current.append(target)


def uninstall(target: Console) -> None:
    if target in _current:
        _current.remove(target)


class Tracker:
    """Records done out of a total, for one walk; ``update`` is cheap when nothing is shown."""

    def __init__(
        self,
        label: str,
        target: Console | None = None,
        *,
        min_total: int | None = None,
        delay: float | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.console = target if target is not None else console()
        self._min_total = MIN_RECORDS if min_total is None else min_total
        self._interval = INTERVAL if interval is None else interval
        self._clock = clock
        self._next = clock() + (DELAY if delay is None else delay)
        self._shown = False

    def update(self, done: int, total: int | None) -> None:
        if not self.console.enabled or total is None or total < self._min_total:
            return
        now = self._clock()
        if now < self._next:
            return
        self._next = now + self._interval
        percent = min(100.0, 100.0 * done / total) if total else 100.0
        self.console.status(f"{self.label}: {done:,}/{total:,} records ({percent:.0f}%)", self)
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.console.clear(self)
            self._shown = False


def countdown_text(left: float, reason: str) -> str:
    return f"waiting {max(1, math.ceil(left))}s {reason}".rstrip()
