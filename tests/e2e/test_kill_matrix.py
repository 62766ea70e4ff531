"""The kill matrix in CI: the faithful mock passes everything, and every named fault is caught."""

from __future__ import annotations

import pytest

from conformance.killmatrix import Matrix, render
from conformance.mock.faults import REGISTRY

pytestmark = pytest.mark.e2e


def test_the_faithful_mock_fails_no_property(kill_matrix: Matrix) -> None:
    faithful = kill_matrix.faithful.cells
    assert faithful, "the faithful mock ran no property"
    failures = [f"{c.property}@{c.endpoint}: {c.message}" for c in faithful if c.outcome == "failed"]
    assert failures == []
    assert {c.outcome for c in faithful} == {"passed"}


def test_the_matrix_covers_every_registered_fault(kill_matrix: Matrix) -> None:
    assert [row.fault for row in kill_matrix.rows] == sorted(REGISTRY)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_the_fault_is_caught_by_one_of_its_registered_properties(kill_matrix: Matrix, name: str) -> None:
    row = next(row for row in kill_matrix.rows if row.fault == name)
    assert row.killed, "\n".join(f"{c.property}@{c.endpoint}: {c.outcome} {c.message}" for c in row.cells)
    assert set(row.caught_by) <= set(REGISTRY[name].violates)


def test_the_mutation_score_is_100_percent(kill_matrix: Matrix) -> None:
    assert kill_matrix.complete, "\n".join(render(kill_matrix))
    assert kill_matrix.score == 1.0
