"""``c4w-conformance mock``: serve the embedded mock on a port and print how to point the suite at it.

The ``export`` lines go to stdout first (flushed), so ``eval "$(... | head -5)"`` or a reading
process can pick them up before the first request; everything that can fail is checked before.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from conformance.errors import ConfigError
from conformance.mock.faults import check_names
from conformance.mock.server import base_url, bind_socket, serve
from conformance.mock.state import MockConfig
from conformance.mock.tenants import demo_tenants, load_tenants


def _port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"port must be an integer from 0 to 65535, not {text!r}")
    return int(text)


def _natural(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected an integer of 0 or more, not {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


def _faults_note(faults: list[str]) -> str:
    return f"; FAULTS: {', '.join(sorted(set(faults)))}" if faults else ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8080, help="port, 0 for any free one (default 8080)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    parser.add_argument(
        "--records", type=_natural, default=25_000, help="connections per tenant; other endpoints scale"
    )
    parser.add_argument(
        "--scroll-ttl", type=_seconds, default=120.0, metavar="SECONDS", help="scroll token life (120)"
    )
    parser.add_argument("--tenants", metavar="FILE", help="TOML file of [[tenant]] name/api_key/api_secret")
    parser.add_argument(
        "--max-scroll-contexts", type=_natural, default=10_000, metavar="N", help="per tenant (10000)"
    )
    parser.add_argument(
        "--result-window",
        type=_natural,
        default=0,
        metavar="N",
        help="refuse offset + limit beyond N with a 400, as A12 allows (default 0: never)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="serve with a named fault (repeatable; list them with `c4w-conformance faults`)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    tenants = load_tenants(args.tenants) if args.tenants else demo_tenants()
    if len(tenants) < 2:
        raise ConfigError("the mock needs two tenants")
    check_names(args.fault, "--fault")
    config = MockConfig(
        seed=args.seed,
        records=args.records,
        scroll_ttl=args.scroll_ttl,
        tenants=tenants,
        max_scroll_contexts=args.max_scroll_contexts,
        result_window=args.result_window,
        faults=frozenset(args.fault),
    )
    sock = bind_socket(args.host, args.port)
    url = base_url(sock)
    me, other = tenants[0], tenants[1]
    lines = [
        f"export C4W_BASE_URL={shlex.quote(url)}",
        f"export C4W_API_KEY={shlex.quote(me.api_key)}",
        f"export C4W_API_SECRET={shlex.quote(me.api_secret)}",
        f"export C4W_OTHER_API_KEY={shlex.quote(other.api_key)}",
        f"export C4W_OTHER_API_SECRET={shlex.quote(other.api_secret)}",
        f"# mock v2 ready on {url} (tenants: {', '.join(t.name for t in tenants)}; seed {args.seed}; "
        f"scroll TTL {args.scroll_ttl:g}s{_faults_note(args.fault)}) - Ctrl-C to stop",
    ]
    print("\n".join(lines), flush=True)
    try:
        serve(config, sock)
    except KeyboardInterrupt:
        return 130
    finally:
        sock.close()
    sys.stdout.flush()
    return 0
