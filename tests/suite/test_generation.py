"""Explicit boundaries run first and deterministically; hypothesis shrinks; trouble is not failure."""

import pytest
from hypothesis import strategies as st

from conformance.client import TransportTrouble
from conformance.generation import check_examples
from conformance.verdicts import Inconclusive, Violation


def test_explicit_examples_run_before_generated_ones_and_all_are_counted() -> None:
    seen: list[int] = []
    ran = check_examples(seen.append, [7, 8], st.integers(0, 5), max_examples=5, seed_value=1)
    assert seen[:2] == [7, 8]
    assert ran == len(seen) >= 3


def test_a_violation_on_an_explicit_example_names_that_example() -> None:
    def check(n: int) -> None:
        if n == 3:
            raise Violation("three")

    with pytest.raises(Violation) as caught:
        check_examples(check, [1, 3, 5])
    assert caught.value.example == "3"


def test_a_generated_violation_is_shrunk_to_a_minimal_example() -> None:
    def check(n: int) -> None:
        if n >= 10:
            raise Violation("too big")

    with pytest.raises(Violation) as caught:
        check_examples(check, [], st.integers(0, 1000), max_examples=200, seed_value=3)
    assert caught.value.example == "10"


def test_the_same_seed_generates_the_same_examples() -> None:
    def run(seed: int) -> list[int]:
        seen: list[int] = []
        check_examples(seen.append, [], st.integers(0, 10**6), max_examples=10, seed_value=seed)
        return seen

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_transport_trouble_is_inconclusive_not_a_failure() -> None:
    def check(n: int) -> None:
        raise TransportTrouble("503 after retries")

    with pytest.raises(Inconclusive, match="503 after retries"):
        check_examples(check, [], st.integers(), max_examples=5)
    with pytest.raises(Inconclusive):
        check_examples(check, [1])


def test_a_violation_that_does_not_reproduce_is_still_reported() -> None:
    calls = [0]

    def check(n: int) -> None:
        calls[0] += 1
        if calls[0] == 3:  # fails once, never again: the target answered differently
            raise Violation("once")

    # Hypothesis may raise it as is or wrapped in a FlakyFailure: either way a Violation surfaces.
    with pytest.raises(Violation, match="once"):
        check_examples(check, [], st.integers(0, 100), max_examples=20, seed_value=1)
