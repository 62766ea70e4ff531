"""Each property fails on a target that breaks it (and passes on the faithful mock).

Derived from the kill matrix: a property that no fault can make fail would be a check that
cannot fail, so every catalogue id must fail on at least one named fault. Beyond that, the
registry must document truthfully: each property registered for a fault fails on it.
"""

from __future__ import annotations

import pytest

from conformance.killmatrix import Matrix
from conformance.properties import CATALOGUE

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("property_id", [prop.id for prop in CATALOGUE])
def test_the_property_fails_on_some_fault_and_passes_on_the_faithful_mock(
    kill_matrix: Matrix, property_id: str
) -> None:
    catchers = [row.fault for row in kill_matrix.rows if property_id in row.caught_by]
    assert catchers, f"no fault makes {property_id} fail"
    on_faithful = {c.outcome for c in kill_matrix.faithful.cells if c.property == property_id}
    assert on_faithful == {"passed"}


def test_every_property_registered_for_a_fault_fails_on_it(kill_matrix: Matrix) -> None:
    undocumented = [
        f"{row.fault}: {cell.property} {cell.outcome} ({cell.message})"
        for row in kill_matrix.rows
        for cell in row.cells
        if cell.outcome != "failed"
    ]
    assert undocumented == []
