"""SIGTERM handled like Ctrl-C, so an interrupted run still writes its (incomplete) report.

Python turns SIGINT into ``KeyboardInterrupt``, which pytest catches to end the session
cleanly (the results hook runs, the run exits 130); SIGTERM, the default of ``kill`` and of
CI cancellations, would otherwise end the process on the spot, with no report at all.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

INTERRUPTED_EXIT = 130


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
