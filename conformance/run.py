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
    add("--timeout", type=float, default=30.0, metavar="SECONDS", help="per-request timeout")
    add("--ca-bundle", metavar="FILE", help="CA bundle for TLS verification of a private CA")
    add("--allow-http", action="store_true", help="allow plain http:// to a non-loopback host")
    add("--mock-fault", action="append", default=[], metavar="NAME", help="run against the mock with a fault")
    add("--records", type=int, default=25_000, metavar="N", help="embedded mock size (largest collection)")
    add("-q", "--quiet", action="store_true", help="only the summary")
    parser.set_defaults(handler=run)


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
        timeout=args.timeout,
        ca_bundle=args.ca_bundle,
        allow_http=args.allow_http,
        mock_faults=tuple(args.mock_fault),
        mock_records=args.records,
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
    if options.mock_records < 1:
        raise ConfigError("--records must be at least 1")
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
        f"--junitxml={report_dir / 'junit.xml'}",
    ]


def run(args: argparse.Namespace) -> int:
    import pytest

    from conformance.plugin import RunOptionsPlugin
    from conformance.results import load_results

    options = options_from(args)
    check_configuration(options)
    preflight(options)
    options.report_dir.mkdir(parents=True, exist_ok=True)
    results_path = options.report_dir / "results.json"
    if results_path.exists():
        results_path.unlink()  # never read a previous run's verdicts as this one's
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(options.report_dir / ".hypothesis"))
    code = pytest.main(pytest_args(options, args.quiet), plugins=[RunOptionsPlugin(options)])
    if not results_path.exists():
        if code == pytest.ExitCode.INTERRUPTED:
            return 130
        raise TargetError(f"the suite produced no results (pytest exit status {int(code)})")
    data = load_results(results_path)
    if code == pytest.ExitCode.INTERRUPTED or not data.get("complete", True):
        return 130
    summary = data["summary"]
    if summary["failed"]:
        return 1
    if summary["passed"] == 0 and summary["inconclusive"]:
        return 3
    return 0
