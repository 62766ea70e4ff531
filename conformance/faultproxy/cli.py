"""``c4w-conformance proxy``: serve the fault proxy in front of a target until interrupted.

Prints an ``export C4W_BASE_URL=...`` line first (flushed), like ``c4w-conformance mock``, so
``eval "$(... | head -1)"`` points a run at the proxy; on exit, one summary line on stderr.
"""

from __future__ import annotations

import argparse
import shlex
import ssl
import sys
from contextlib import ExitStack

from conformance.errors import ConfigError
from conformance.faultproxy.faults import RandomFaults, max_rate, parse_inject
from conformance.faultproxy.server import FaultProxy


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--upstream", required=True, metavar="URL", help="the target's v2 base URL, e.g. $C4W_BASE_URL")
    add("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    add("--port", type=int, default=8098, help="port, 0 for any free one (default 8098)")
    add(
        "--inject",
        default="",
        metavar="FAULTS",
        help="comma-separated fault:probability, e.g. 429:0.1,503:0.05,reset:0.02,reset_after:0.01,slow:0.05",
    )
    add("--seed", type=int, default=0, help="seed of the fault draws (default 0)")
    add("--retry-after", type=_seconds, default=1.0, metavar="SECONDS", help="Retry-After on 429/503 (1)")
    add("--slow-seconds", type=_seconds, default=1.0, metavar="SECONDS", help="delay of a slow answer (1)")
    add("--log", metavar="FILE", help="append one JSON line per request (time, method, path, fault, status)")
    add("--tls-cert", metavar="FILE", help="serve TLS with this certificate (PEM), e.g. a self-signed one")
    add("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    add("--upstream-ca-bundle", metavar="FILE", help="CA bundle to verify an https upstream")
    parser.set_defaults(handler=run)


def _tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    if not args.tls_cert and not args.tls_key:
        return None
    if not (args.tls_cert and args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot load the TLS certificate or key: {exc}") from None
    return context


def run(args: argparse.Namespace) -> int:
    decide = RandomFaults(parse_inject(args.inject), args.seed)
    verify: ssl.SSLContext | bool = True
    if args.upstream_ca_bundle:
        try:
            verify = ssl.create_default_context(cafile=args.upstream_ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"{args.upstream_ca_bundle}: cannot load the CA bundle ({exc})") from None
    with ExitStack() as stack:
        log = None
        if args.log:
            try:
                log = stack.enter_context(open(args.log, "a", encoding="utf-8"))
            except OSError as exc:
                raise ConfigError(f"{args.log}: cannot write the log ({exc.strerror})") from None
        proxy = FaultProxy(
            args.upstream,
            decide,
            host=args.host,
            port=args.port,
            retry_after=args.retry_after,
            slow_seconds=args.slow_seconds,
            tls=_tls(args),
            upstream_verify=verify,
            log=log,
        )
        stack.enter_context(proxy)
        print(f"export C4W_BASE_URL={shlex.quote(proxy.base_url)}", flush=True)
        print(
            f"# fault proxy on {proxy.base_url} -> {args.upstream} ({args.inject or 'no faults'})", flush=True
        )
        try:
            proxy.serve_forever()  # the CLI turns SIGTERM into KeyboardInterrupt too
        except KeyboardInterrupt:
            pass
        finally:
            methods = ", ".join(sorted(proxy.methods())) or "none"
            sys.stderr.write(
                f"fault proxy: {len(proxy.seen)} requests (methods: {methods}; "
                f"most in one second: {max_rate(proxy.arrivals())}; faults: {proxy.faults()})\n"
            )
    return 130
