"""The kill matrix: every named fault against the properties registered to catch it.

For each fault the embedded mock is started with it (in process, on a virtual clock) and only
the fault's registered properties run, on every endpoint they apply to, each stopping at its
first failing endpoint. The faithful mock runs the whole catalogue and must not fail anything.
A fault is *killed* when at least one registered property fails on it; the mutation score is
the share of faults killed. Faults run in worker processes (``jobs``), each one independent and
seeded, so the matrix is the same whatever the scheduling.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance.errors import ConfigError
from conformance.options import BUDGETS

FAITHFUL = "(faithful mock)"


@dataclass(frozen=True)
class Cell:
    """One property's verdict on one fault: the first failing endpoint, or the last one run."""

    property: str
    outcome: str  # passed, failed, inconclusive, skipped
    endpoint: str = ""
    message: str = ""


@dataclass
class Row:
    fault: str
    violates: tuple[str, ...]
    cells: list[Cell] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def caught_by(self) -> list[str]:
        return [cell.property for cell in self.cells if cell.outcome == "failed"]

    @property
    def killed(self) -> bool:
        return bool(self.caught_by)


@dataclass
class Matrix:
    seed: int
    budget: str
    faithful: Row
    rows: list[Row]
    seconds: float = 0.0
    max_examples: int | None = None  # overrides the budget when set

    @property
    def examples(self) -> str:
        return f"budget {self.budget}" if self.max_examples is None else f"max {self.max_examples} examples"

    @property
    def killed(self) -> int:
        return sum(row.killed for row in self.rows)

    @property
    def score(self) -> float:
        return self.killed / len(self.rows) if self.rows else 1.0

    @property
    def faithful_failures(self) -> list[Cell]:
        return [cell for cell in self.faithful.cells if cell.outcome == "failed"]

    @property
    def complete(self) -> bool:
        """100%: every fault killed and the faithful mock clean."""
        return self.killed == len(self.rows) and not self.faithful_failures

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "budget": self.budget,
            "max_examples": self.max_examples,
            "seconds": round(self.seconds, 1),
            "mutation_score": round(self.score, 4),
            "killed": self.killed,
            "faults": len(self.rows),
            "faithful": asdict(self.faithful),
            "rows": [{**asdict(row), "caught_by": row.caught_by} for row in self.rows],
        }


# -- running ------------------------------------------------------------------------------------


def run_target(fault: str | None, seed: int, budget: str, max_examples: int | None = None) -> Row:
    """Run one fault's registered properties (``None``: the faithful mock, every property)."""
    from conformance.mock.faults import get
    from conformance.options import RunOptions
    from conformance.properties import CATALOGUE, evaluate
    from conformance.session import open_context
    from conformance.verdicts import Outcome

    started = time.monotonic()
    violates = get(fault).violates if fault is not None else tuple(prop.id for prop in CATALOGUE)
    row = Row(fault or FAITHFUL, violates)
    options = RunOptions(
        mock_faults=(fault,) if fault else (), seed=seed, budget=budget, max_examples=max_examples
    )
    with open_context(options) as ctx:
        for prop in CATALOGUE:  # catalogue order: timed and state-changing properties run last
            if prop.id not in violates:
                continue
            cells: list[Cell] = []
            for endpoint in ctx.spec.endpoints:
                if not prop.applies(endpoint):
                    continue
                verdict = evaluate(prop, ctx, endpoint)
                cells.append(Cell(prop.id, verdict.outcome.value, endpoint.path, verdict.message))
                if verdict.outcome is Outcome.FAILED and fault is not None:
                    break  # caught: the other endpoints would only cost time
            row.cells.extend(cells if fault is None else [_summary(prop.id, cells)])
    row.seconds = time.monotonic() - started
    return row


_RANK = {"failed": 0, "inconclusive": 1, "passed": 2, "skipped": 3}


def _summary(property_id: str, cells: list[Cell]) -> Cell:
    """A property's cell for a fault: its most telling endpoint (failed, then inconclusive)."""
    if not cells:
        return Cell(property_id, "skipped", message="applies to no endpoint")
    return min(cells, key=lambda cell: _RANK[cell.outcome])


Job = tuple[str | None, int, str, int | None]


def _run_one(job: Job) -> Row:
    return run_target(*job)


def compute(
    seed: int,
    budget: str = "quick",
    faults: Sequence[str] | None = None,
    jobs: int | None = None,
    max_examples: int | None = None,
) -> Matrix:
    """The whole matrix: the faithful mock, then each fault (all registered ones by default)."""
    from conformance.mock.faults import REGISTRY, check_names

    if budget not in BUDGETS:
        raise ConfigError(f"unknown budget {budget!r} (choose from {', '.join(BUDGETS)})")
    names = sorted(REGISTRY) if faults is None else list(faults)
    check_names(names)
    if max_examples is not None and max_examples < 0:
        raise ConfigError("--max-examples must be 0 or more")
    work: list[Job] = [(name, seed, budget, max_examples) for name in [None, *names]]
    jobs = max(1, jobs if jobs is not None else min(2, os.cpu_count() or 1))
    started = time.monotonic()
    if jobs == 1:
        rows = [_run_one(job) for job in work]
    else:
        # spawn: a forked child would inherit the parent's threads' locks (a running mock, say)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            rows = list(pool.map(_run_one, work))
    return Matrix(seed, budget, rows[0], rows[1:], time.monotonic() - started, max_examples)


# -- rendering ----------------------------------------------------------------------------------

_MARK = {"failed": "X", "passed": ".", "inconclusive": "?", "skipped": "-"}


def render(matrix: Matrix, verbose: bool = False) -> list[str]:
    """The matrix as text: faults by properties (X caught, . passed, ? inconclusive), then the score."""
    from conformance.properties import CATALOGUE

    columns = [prop.id for prop in CATALOGUE if any(prop.id in row.violates for row in matrix.rows)]
    width = max([len(row.fault) for row in matrix.rows] + [len(FAITHFUL)])
    numbers = "".join(f"{index + 1:>3}" for index in range(len(columns)))
    lines = [f"{'fault':<{width}} {numbers}   caught by"]
    for row in matrix.rows:
        outcome = {cell.property: cell.outcome for cell in row.cells}
        marks = "".join(f"{_MARK.get(outcome.get(column, ''), ' '):>3}" for column in columns)
        caught = ", ".join(row.caught_by) or "NOT CAUGHT"
        lines.append(f"{row.fault:<{width}} {marks}   {caught}")
        if verbose:
            lines.extend(
                f"{'':<{width}}   {cell.property}@{cell.endpoint}: {cell.message}"
                for cell in row.cells
                if cell.outcome != "passed"
            )
    lines.append("")
    lines.extend(f"{index + 1:>3}  {column}" for index, column in enumerate(columns))
    lines.append("")
    faithful = matrix.faithful
    counts = {o: sum(c.outcome == o for c in faithful.cells) for o in ("passed", "failed", "inconclusive")}
    lines.append(
        f"faithful mock: {counts['failed']} failed, {counts['passed']} passed, "
        f"{counts['inconclusive']} inconclusive (every property on every endpoint)"
    )
    lines.extend(f"  FAILED {c.property}@{c.endpoint}: {c.message}" for c in matrix.faithful_failures)
    lines.append(
        f"mutation score: {matrix.killed}/{len(matrix.rows)} faults killed ({matrix.score:.1%}); "
        f"seed {matrix.seed}, {matrix.examples}, {matrix.seconds:.0f} s"
    )
    return lines


# -- the command --------------------------------------------------------------------------------


def _positive(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--seed", type=int, metavar="N", help="seed of the generation (default: random, printed)")
    add("--budget", choices=sorted(BUDGETS), default="quick", help="named example budget (default quick)")
    add("--max-examples", type=int, metavar="N", help="generated examples per property (0: boundaries only)")
    add("--fault", action="append", metavar="NAME", help="only this fault (repeatable; default: all)")
    add("--jobs", type=_positive, metavar="N", help="worker processes (default: up to 2)")
    add("--json", metavar="FILE", help="also write the matrix as JSON to FILE")
    add("-v", "--verbose", action="store_true", help="show each catching verdict's message")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import random

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    matrix = compute(seed, args.budget, args.fault, args.jobs, args.max_examples)
    _print(render(matrix, args.verbose))
    if args.json:
        Path(args.json).write_text(json.dumps(matrix.as_dict(), indent=2) + "\n", encoding="utf-8")
    return 0 if matrix.complete else 1


def _print(lines: Iterable[str]) -> None:
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
