"""The ``c4w-conformance`` command: parses options and hands each subcommand to its module.

Every error a user can fix becomes one line on stderr and a documented exit status
(2: usage or configuration, 3: no verdict possible); ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from conformance import __version__
from conformance.errors import ConformanceError
from conformance.signals import terminate_as_interrupt


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus the message; keep it to one line, exit 2 like argparse.
        sys.stderr.write(f"c4w-conformance: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="c4w-conformance", description=__doc__)
    parser.add_argument("--version", action="version", version=f"c4w-conformance {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    from conformance.mock import cli as mock_cli

    mock_cli.add_arguments(commands.add_parser("mock", help="serve the embedded mock v2 API on loopback"))
    from conformance import run as run_command

    run_command.add_arguments(
        commands.add_parser("run", help="run the conformance suite (default: against the embedded mock)")
    )
    from conformance import faults_cli, killmatrix

    faults_cli.add_arguments(commands.add_parser("faults", help="list the mock's named faults"))
    killmatrix.add_arguments(
        commands.add_parser("matrix", help="run every fault against its properties: the kill matrix")
    )
    from conformance.faultproxy import cli as proxy_cli

    proxy_cli.add_arguments(
        commands.add_parser("proxy", help="serve a fault-injecting proxy (429, 5xx, resets, slow)")
    )
    hidden = argparse.SUPPRESS  # `run ... --debug` works too; unset, it leaves the global value alone
    for command in commands.choices.values():
        command.add_argument("--debug", action="store_true", default=hidden, help=hidden)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # SIGTERM ends a command like Ctrl-C: a run still writes its report, marked incomplete.
        with terminate_as_interrupt():
            result: int = args.handler(args)
        return result
    except ConformanceError as exc:
        if args.debug:
            raise
        sys.stderr.write(f"c4w-conformance: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
