"""Running a check over generated inputs: explicit boundary cases first, then hypothesis.

Boundaries (0, count-1, count, the cap, max+1 ...) run deterministically on every run, so a
fault at a boundary is never caught only by luck; hypothesis then explores around them and
shrinks a failure to a minimal example. Hypothesis never prints (its falsifying-example output
could carry values we have not redacted): the minimal example comes back inside the Violation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure

from conformance.client import TransportTrouble
from conformance.verdicts import BeyondResultWindow, Inconclusive, Violation

T = TypeVar("T")


def check_examples(
    check: Callable[[T], None],
    explicit: Iterable[T] = (),
    strategy: st.SearchStrategy[T] | None = None,
    *,
    max_examples: int = 25,
    seed_value: int = 0,
) -> int:
    """Run ``check`` on each explicit example, then on up to ``max_examples`` generated ones.

    Returns how many examples ran. A ``Violation`` propagates with ``example`` set to the
    (minimal) failing input; transport trouble becomes ``Inconclusive`` without shrinking.
    """
    ran = 0
    for example in explicit:
        ran += 1
        _run_one(check, example)
    if strategy is None or max_examples <= 0:
        return ran

    trouble: list[Exception] = []
    counter = [0]

    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
        print_blob=False,
    )
    @seed(seed_value)
    @given(strategy)
    def generated(example: T) -> None:
        if trouble:
            return  # transport trouble already: spend nothing more
        counter[0] += 1
        try:
            _run_one(check, example)
        except (Inconclusive, TransportTrouble) as exc:
            trouble.append(exc)

    try:
        generated()
    except FlakyFailure as flaky:
        # Seen once, not on replay: the target answered the same request differently. That is
        # evidence, not noise (the drift rule re-checks when the data itself moved).
        violation = next((exc for exc in flaky.exceptions if isinstance(exc, Violation)), None)
        if violation is None:
            raise
        violation.message += " (seen once; the same request did not fail on replay)"
        raise violation from None
    if trouble:
        raise Inconclusive(str(trouble[0]))
    return ran + counter[0]


def _run_one(check: Callable[[T], None], example: T) -> None:
    try:
        check(example)
    except BeyondResultWindow:
        return  # A12: a target may refuse offset + limit past its result window; nothing to judge
    except Violation as violation:
        if not violation.example:
            violation.example = repr(example)
        raise
    except TransportTrouble as exc:
        raise Inconclusive(str(exc)) from None
