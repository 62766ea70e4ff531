"""``c4w-conformance run``: a thin wrapper that runs the suite through pytest with its plugin."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from conformance.errors import ConfigError, TargetError
from conformance.options import BUDGETS, RunOptions

SUITE_DIR = Path(__file__).resolve().parent / "suite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--target", help="v2 base URL, e.g. https://api.cloud4wi.com/v2 (default: the embedded mock)")
    add("--profile", help="target profile TOML laid over the default one")
    add("--spec", help="OpenAPI document (default: the shipped one)")
    add("--scroll-ttl", type=float, metavar="SECONDS", help="scroll token TTL (overrides the profile)")
    add(
        "--only",
        action="append",
        default=[],
        metavar="GROUPS",
        help="comma-separated property groups or ids (auth, offset, scroll, equivalence, schema)",
    )
    add("--max-examples", type=int, metavar="N", help="generated examples per property")
    add("--budget", choices=sorted(BUDGETS), default="default", help="named example budget")
    add("--seed", type=int, metavar="N", help="seed that makes the generation reproducible")
    add("--report-dir", default="reports", metavar="DIR", help="where reports are written (default reports/)")
    add("--api-key", help="API key (default: $C4W_API_KEY)")
    add("--api-secret", help="API secret (visible in the process list: prefer $C4W_API_SECRET)")
    add("--api-secret-file", metavar="FILE", help="read the API secret from FILE")
    add("--other-api-key", help="second tenant's key (default: $C4W_OTHER_API_KEY)")
    add("--other-api-secret", help="second tenant's secret (prefer $C4W_OTHER_API_SECRET)")
    add("--other-api-secret-file", metavar="FILE", help="read the second tenant's secret from FILE")
    add("--max-rps", type=float, metavar="N", help="request-rate limit (default 5 for non-loopback targets)")
    add("--max-requests", type=int, metavar="N", help="request budget for the run")
    add(
        "--max-records",
        type=int,
        metavar="N",
        help="record window: traversals cover the first N records (default 50000 for non-loopback; 0: all)",
    )
    add("--timeout", type=float, default=30.0, metavar="SECONDS", help="per-request timeout")
    add("--ca-bundle", metavar="FILE", help="CA bundle for TLS verification of a private CA")
    add("--allow-http", action="store_true", help="allow plain http:// to a non-loopback host")
    add("--mock-fault", action="append", default=[], metavar="NAME", help="run against the mock with a fault")
    add("--records", type=int, default=25_000, metavar="N", help="embedded mock size (largest collection)")
    add("--mock-tenants", metavar="FILE", help="TOML of [[tenant]] for the embedded mock (default: demo)")
    add("--baseline", metavar="FILE", help="an earlier results.json: list new failures, fixes, still failing")
    add(
        "--fail-on",
        choices=("any", "new"),
        default="any",
        help="exit 1 on any failure (default), or only on failures not in the --baseline",
    )
    add(
        "-n",
        "--workers",
        type=_workers,
        metavar="N",
        help="run properties in N parallel processes, or 'auto' (needs pytest-xdist)",
    )
    add("-q", "--quiet", action="store_true", help="only the summary")
    parser.set_defaults(handler=run)


def _workers(text: str) -> str:
    if text != "auto" and not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a number of workers or 'auto', not {text!r}")
    return text


def worker_args(workers: str | None) -> list[str]:
    """``-n N`` for pytest-xdist; each worker starts its own embedded mock, results merge."""
    if workers is None:
        return []
    import importlib.util

    if importlib.util.find_spec("xdist") is None:
        raise ConfigError("--workers needs pytest-xdist: pip install pytest-xdist")
    return ["-n", workers]


def _read_secret(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror})") from None


def options_from(args: argparse.Namespace) -> RunOptions:
    if args.api_secret or args.other_api_secret:
        sys.stderr.write(
            "c4w-conformance: warning: a secret on the command line is visible in the process list; "
            "use C4W_API_SECRET or --api-secret-file\n"
        )
    only = tuple(item.strip() for chunk in args.only for item in chunk.split(",") if item.strip())
    options = RunOptions(
        target=args.target,
        profile=args.profile,
        spec=args.spec,
        scroll_ttl=args.scroll_ttl,
        only=only,
        max_examples=args.max_examples,
        budget=args.budget,
        seed=args.seed,
        report_dir=Path(args.report_dir),
        api_key=args.api_key,
        api_secret=args.api_secret or _read_secret(args.api_secret_file, "API secret"),
        other_api_key=args.other_api_key,
        other_api_secret=args.other_api_secret or _read_secret(args.other_api_secret_file, "second secret"),
        max_rps=args.max_rps,
        max_requests=args.max_requests,
        max_records=args.max_records,
        timeout=args.timeout,
        ca_bundle=args.ca_bundle,
        allow_http=args.allow_http,
        mock_faults=tuple(args.mock_fault),
        mock_records=args.records,
        mock_tenants=args.mock_tenants,
        baseline=args.baseline,
    )
    if options.target is not None:
        options.credentials_from_env()
    return options


def check_configuration(options: RunOptions) -> None:
    """Fail fast, before pytest starts, on anything the user can fix (exit 2)."""
    from conformance.profile import load_profile
    from conformance.properties import CATALOGUE, GROUPS
    from conformance.spec import load_spec

    options.validate()
    load_profile(options.profile)
    load_spec(options.spec)
    known = set(GROUPS) | {prop.id for prop in CATALOGUE}
    unknown = [choice for choice in options.only if choice not in known]
    if unknown:
        raise ConfigError(f"--only: unknown group or property {unknown[0]!r} (groups: {', '.join(GROUPS)})")
    if options.mock_faults and options.target is not None:
        raise ConfigError("--mock-fault applies to the embedded mock only; drop --target")
    if options.mock_faults:
        from conformance.mock.faults import check_names

        check_names(options.mock_faults, "--mock-fault")
    if options.mock_records < 1:
        raise ConfigError("--records must be at least 1")
    if options.mock_tenants is not None:
        if options.target is not None:
            raise ConfigError("--mock-tenants applies to the embedded mock only; drop --target")
        from conformance.mock.tenants import load_tenants

        load_tenants(options.mock_tenants)
    if options.baseline is not None:
        from conformance.reporting.baseline import load_baseline

        load_baseline(options.baseline)
    if options.ca_bundle and not Path(options.ca_bundle).is_file():
        raise ConfigError(f"{options.ca_bundle}: CA bundle not found")


def preflight(options: RunOptions) -> None:
    """One GET with valid credentials: unreachable or refused means no verdict is possible (exit 3)."""
    if options.target is None:
        return
    from conformance.preflight import check_target

    check_target(options)


def pytest_args(options: RunOptions, quiet: bool) -> list[str]:
    report_dir = options.report_dir
    return [
        "--pyargs",
        "conformance.suite",
        "-c",
        str(SUITE_DIR / "pytest.ini"),
        "--rootdir",
        str(SUITE_DIR),
        "-p",
        "no:cacheprovider",
        "-q" if not quiet else "-qq",
        "-rN",
        # junit.xml and results.json are the plugin's (conformance.reporting); the page is pytest-html's
        f"--html={report_dir / 'report.html'}",
        "--self-contained-html",
    ]


def run(args: argparse.Namespace) -> int:
    import pytest

    from conformance.plugin import RunOptionsPlugin
    from conformance.results import load_results

    options = options_from(args)
    check_configuration(options)
    if args.fail_on == "new" and options.baseline is None:
        raise ConfigError("--fail-on new needs --baseline FILE (the run to compare with)")
    from conformance.session import refuse_plain_http

    refuse_plain_http(options)  # before preflight: its request carries the credentials
    try:
        options.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--report-dir {options.report_dir}: cannot create it ({exc.strerror})") from None
    preflight(options)
    results_path = options.report_dir / "results.json"
    if options.baseline is not None and Path(options.baseline).resolve() == results_path.resolve():
        # comparing with the previous run in the same directory: keep it before it is replaced
        kept = options.report_dir / "baseline.json"
        kept.write_bytes(results_path.read_bytes())
        options.baseline = str(kept)
    for name in ("results.json", "junit.xml", "report.html"):
        # never read (or hand over) a previous run's verdicts as this one's
        (options.report_dir / name).unlink(missing_ok=True)
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(options.report_dir / ".hypothesis"))
    argv = pytest_args(options, args.quiet) + worker_args(getattr(args, "workers", None))
    code = pytest.main(argv, plugins=[RunOptionsPlugin(options)])
    if not results_path.exists():
        if code == pytest.ExitCode.INTERRUPTED:
            return 130
        raise TargetError(f"the suite produced no results (pytest exit status {int(code)})")
    data = load_results(results_path)
    if code == pytest.ExitCode.INTERRUPTED or not data.get("complete", True):
        return 130
    summary = data["summary"]
    from conformance.reporting.baseline import exit_status

    failing = exit_status(summary, data.get("regression"), args.fail_on)
    if failing is not None:
        return failing
    if summary["passed"] == 0 and summary["inconclusive"]:
        return 3
    return 0
