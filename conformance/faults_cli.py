"""``c4w-conformance faults``: the mock's named faults, what each breaks and who must catch it."""

from __future__ import annotations

import argparse
import sys
import textwrap


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", help="tell each bug in full")
    parser.add_argument(
        "--markdown", action="store_true", help="print a Markdown table (the list in docs/faults.md)"
    )
    parser.set_defaults(handler=run)


def lines(markdown: bool = False, verbose: bool = False) -> list[str]:
    from conformance.mock.faults import REGISTRY

    faults = [REGISTRY[name] for name in sorted(REGISTRY)]
    if markdown:
        out = ["| fault | the bug | violates |", "|---|---|---|"]
        out.extend(
            f"| `{f.name}` | {f.summary} | {', '.join(f'`{p}`' for p in f.violates)} |" for f in faults
        )
        return out
    out = []
    for f in faults:
        out.append(f.name)
        out.append(f"    {f.summary}")
        if verbose and f.description:
            out.extend(textwrap.wrap(f.description, 96, initial_indent="    ", subsequent_indent="    "))
        out.append(f"    violates: {', '.join(f.violates)}")
    out.append(f"{len(faults)} faults; serve one with `c4w-conformance mock --fault NAME`")
    return out


def run(args: argparse.Namespace) -> int:
    sys.stdout.write("\n".join(lines(args.markdown, args.verbose)) + "\n")
    return 0
