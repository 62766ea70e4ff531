"""The named faults: small, realistic bugs the mock can be started with, and who must catch them.

Each fault is a function from the correct ``Seams`` to wrong ones, registered with the property
ids it violates; its docstring tells the bug (first line: the summary ``c4w-conformance faults``
prints). ``c4w-conformance mock --fault NAME`` serves the mock with it, ``run --mock-fault NAME``
runs the suite against it, and the kill matrix (``conformance.killmatrix``) checks that one of
the registered properties fails on it while the faithful mock passes everything.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from conformance.errors import ConfigError
from conformance.mock.seams import FAULTS, Seams, unknown_fault

Apply = Callable[[Seams], Seams]


@dataclass(frozen=True)
class Fault:
    name: str
    summary: str
    description: str
    violates: tuple[str, ...]
    apply: Apply


REGISTRY: dict[str, Fault] = {}


def fault(*violates: str) -> Callable[[Apply], Apply]:
    """Register the decorated function as the fault of its name, violating ``violates``."""

    def register(apply: Apply) -> Apply:
        name = apply.__name__
        doc = (inspect.getdoc(apply) or "").replace("``", "`")  # Markdown and terminal friendly
        summary, _, rest = doc.partition("\n")
        if not summary or not violates or name in REGISTRY:
            raise ValueError(f"fault {name!r} needs a docstring, violated properties and a unique name")
        REGISTRY[name] = Fault(name, summary, " ".join(rest.split()), tuple(violates), apply)
        FAULTS[name] = apply
        return apply

    return register


def get(name: str) -> Fault:
    """The fault called ``name``; an unknown name is a one-line ``ConfigError``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(unknown_fault(name)) from None


def check_names(names: Iterable[str], option: str = "--fault") -> None:
    for name in names:
        if name not in REGISTRY:
            raise ConfigError(f"{option}: {unknown_fault(name)}")


# The faults register themselves on import, in this order (the order `faults` lists them).
from conformance.mock.faults import paging, scrolling, access  # noqa: E402, F401, I001
