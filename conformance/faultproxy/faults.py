"""What the fault proxy may do to a request, how faults are drawn, and what it saw.

Faults, each drawn per request with its probability (seeded, so a run can be replayed):

- ``429``, ``503``, any other 4xx/5xx: answered by the proxy itself; ``Retry-After`` on 429/503.
- ``reset``: the connection is reset before the request reaches the target.
- ``reset_after``: the target answers, the client gets a reset instead (the request took effect:
  a scroll cursor may have moved).
- ``slow``: the answer is delayed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from conformance.errors import ConfigError

NAMED_FAULTS = ("reset", "reset_after", "slow")


@dataclass(frozen=True)
class Fault:
    """What to do to one request: ``kind`` is a status code as text, or one of ``NAMED_FAULTS``."""

    kind: str

    @property
    def status(self) -> int | None:
        return int(self.kind) if self.kind.isdigit() else None


@dataclass
class Seen:
    """One request the proxy received, and what it did with it."""

    index: int
    at: float  # time.monotonic() on arrival
    method: str
    path: str  # without the query: the query carries credentials
    fault: str = ""
    status: int | None = None  # what the client got (None: a reset)


Decide = Callable[[Seen], "Fault | None"]


def parse_inject(text: str) -> dict[str, float]:
    """``"429:0.1,503:0.05,reset:0.02"`` -> ``{"429": 0.1, ...}``; a one-line ConfigError if bad."""
    rates: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition(":")
        name = name.strip().lower().replace("-", "_")
        if not (name in NAMED_FAULTS or (name.isdigit() and len(name) == 3 and name[0] in "45")):
            known = ", ".join(NAMED_FAULTS)
            raise ConfigError(f"--inject: unknown fault {name!r} (a 4xx/5xx status or {known})")
        try:
            rate = float(value)
        except ValueError:
            rate = -1.0
        if not 0.0 <= rate <= 1.0:
            raise ConfigError(f"--inject: {name} needs a probability from 0 to 1, e.g. {name}:0.05")
        rates[name] = rate
    if sum(rates.values()) > 1.0:
        raise ConfigError("--inject: the probabilities add up to more than 1")
    return rates


class RandomFaults:
    """Draws at most one fault per request from ``rates`` with a seeded generator."""

    def __init__(self, rates: Mapping[str, float], seed: int = 0) -> None:
        self.rates = dict(rates)
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def __call__(self, seen: Seen) -> Fault | None:
        with self._lock:
            draw = self._random.random()
        for kind, rate in self.rates.items():
            if draw < rate:
                return Fault(kind)
            draw -= rate
        return None


def max_rate(arrivals: list[float], window: float = 1.0) -> int:
    """The most requests that arrived within any ``window`` seconds (half-open)."""
    times = sorted(arrivals)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
