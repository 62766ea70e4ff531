"""Shared end-to-end fixtures: the kill matrix is computed once per session."""

from __future__ import annotations

import pytest

from conformance.killmatrix import Matrix, compute

KILL_MATRIX_SEED = 1  # fixed: CI must judge the same generated inputs on every run


@pytest.fixture(scope="session")
def kill_matrix() -> Matrix:
    """Every fault against its registered properties, and the faithful mock against all of them."""
    return compute(seed=KILL_MATRIX_SEED, budget="quick")
