"""The pytest plugin: options, the session fixture, parametrization and result collection.

It only wires pytest to the suite; the logic lives in ``conformance.session`` (opening a run),
``conformance.properties`` (the checks) and ``conformance.results`` (results.json).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from conformance import progress
from conformance.context import SuiteContext
from conformance.errors import ConformanceError
from conformance.options import BUDGETS, RunOptions
from conformance.results import RunRecord, now_iso
from conformance.suite.case import PropertyCase, forget_sent, verdict_from_report
from conformance.verdicts import Verdict

OPTIONS_KEY = pytest.StashKey[RunOptions]()
RECORD_KEY = pytest.StashKey[RunRecord]()
CONSOLE_KEY = pytest.StashKey[progress.Console]()


class RunOptionsPlugin:
    """Registered by ``c4w-conformance run`` to hand over options without putting secrets on argv."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("c4w-conformance", "Cloud4Wi v2 conformance suite")
    group.addoption("--c4w-target", help="v2 base URL (default: start the embedded mock)")
    group.addoption("--c4w-profile", help="target profile TOML laid over the default")
    group.addoption("--c4w-spec", help="OpenAPI document (default: the shipped one)")
    group.addoption("--c4w-scroll-ttl", type=float, help="scroll TTL in seconds (overrides the profile)")
    group.addoption("--c4w-only", action="append", default=[], help="property groups or ids to run")
    group.addoption("--c4w-max-examples", type=int, help="generated examples per property")
    group.addoption("--c4w-budget", default="default", choices=sorted(BUDGETS), help="named example budget")
    group.addoption("--c4w-seed", type=int, help="seed for reproducible generation")
    group.addoption("--c4w-report-dir", default="reports", help="where results.json is written")
    group.addoption("--c4w-max-rps", type=float, help="request-rate limit")
    group.addoption("--c4w-max-requests", type=int, help="request budget")
    group.addoption("--c4w-max-records", type=int, help="record window of traversals (0: no window)")
    group.addoption("--c4w-mock-fault", action="append", default=[], help="fault for the embedded mock")
    group.addoption("--c4w-mock-tenants", help="TOML of [[tenant]] for the embedded mock (default: demo)")
    group.addoption("--c4w-baseline", help="earlier results.json: list new failures, fixes, still failing")


def _options_from(config: pytest.Config) -> RunOptions:
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, RunOptionsPlugin):
            return plugin.options
    get = config.getoption
    options = RunOptions(
        target=get("c4w_target"),
        profile=get("c4w_profile"),
        spec=get("c4w_spec"),
        scroll_ttl=get("c4w_scroll_ttl"),
        only=tuple(get("c4w_only")),
        max_examples=get("c4w_max_examples"),
        budget=get("c4w_budget"),
        seed=get("c4w_seed"),
        report_dir=Path(get("c4w_report_dir")),
        max_rps=get("c4w_max_rps"),
        max_requests=get("c4w_max_requests"),
        max_records=get("c4w_max_records"),
        mock_faults=tuple(get("c4w_mock_fault")),
        mock_tenants=get("c4w_mock_tenants"),
        baseline=get("c4w_baseline"),
    )
    options.credentials_from_env()
    return options


def _to_worker(options: RunOptions) -> dict[str, Any]:
    """The options as plain data for an xdist worker (the pipe to it, never argv, carries them)."""
    plain = {f.name: getattr(options, f.name) for f in fields(options)}
    return {
        k: str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v for k, v in plain.items()
    }


def _from_controller(data: dict[str, Any]) -> RunOptions:
    defaults = RunOptions()
    values: dict[str, Any] = {}
    for f in fields(RunOptions):
        if f.name in data:
            value, default = data[f.name], getattr(defaults, f.name)
            if isinstance(default, Path | tuple):
                value = type(default)(value)
            values[f.name] = value
    return RunOptions(**values)


def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", None)
    if worker is not None and "c4w_options" in worker:
        options = _from_controller(worker["c4w_options"])  # `c4w-conformance run --workers N`
    else:
        options = _options_from(config)
    # made now, while output capture is suspended, so it can reach the terminal during tests;
    # xdist workers stay quiet: several status lines on one terminal would garble each other
    console = progress.for_terminal() if worker is None else progress.Console(enabled=False)
    config.stash[CONSOLE_KEY] = console
    progress.install(console)
    if worker is not None:  # the workers share --max-rps and --max-requests, not multiply them
        options.rate_share = int(worker.get("workercount", 1))
    if worker is not None and "c4w_seed" in worker:
        options.seed = int(worker["c4w_seed"])
    elif options.seed is None:
        from conformance.session import resolve_seed

        resolve_seed(options)
    config.stash[OPTIONS_KEY] = options
    if worker is None:  # reports are the controller's (or the only process's) business
        from conformance.reporting.plugin import PLUGIN_NAME, ReportingPlugin

        config.pluginmanager.register(ReportingPlugin(config, options, RECORD_KEY, _verdict_of), PLUGIN_NAME)


def _verdict_of(report: pytest.TestReport) -> Verdict | None:
    return verdict_from_report(list(report.user_properties))[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    console = config.stash.get(CONSOLE_KEY, None)
    if console is not None:
        progress.uninstall(console)
        console.close()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker runs with the controller's options and generates from its seed."""
    options = node.config.stash[OPTIONS_KEY]
    node.workerinput["c4w_seed"] = options.seed
    node.workerinput["c4w_options"] = _to_worker(options)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: the controller learns what the target was from the first worker done."""
    record = node.config.stash.get(RECORD_KEY, None)
    output = getattr(node, "workeroutput", None) or {}
    if record is not None and not record.profile and "c4w_target" in output:
        record.target, record.profile = output["c4w_target"], output["c4w_profile"]


def _selected(options: RunOptions, property_id: str) -> bool:
    if not options.only:
        return True
    group = property_id.split(".", 1)[0]
    return any(choice in (group, property_id) for choice in options.only)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "c4w_case" not in metafunc.fixturenames:
        return
    from conformance.properties import CATALOGUE
    from conformance.spec import load_spec

    options = metafunc.config.stash[OPTIONS_KEY]
    spec = load_spec(options.spec)
    cases = [
        PropertyCase(prop, endpoint)
        for prop in CATALOGUE
        if _selected(options, prop.id)
        for endpoint in spec.endpoints
        if prop.applies(endpoint)
    ]
    metafunc.parametrize("c4w_case", cases, ids=[case.id for case in cases])


@pytest.fixture(scope="session")
def c4w_options(pytestconfig: pytest.Config) -> RunOptions:
    """The run's options; override this fixture to configure the suite from your own conftest."""
    return pytestconfig.stash[OPTIONS_KEY]


@pytest.fixture(scope="session")
def c4w_context(c4w_options: RunOptions, pytestconfig: pytest.Config) -> Iterator[SuiteContext]:
    """One target, client and context for the whole session (the embedded mock starts once)."""
    from conformance.session import describe_target, open_context

    try:
        with open_context(c4w_options) as ctx:
            record = pytestconfig.stash.get(RECORD_KEY, None)
            if record is not None:
                record.target = describe_target(c4w_options, ctx)
                record.profile = ctx.profile.as_dict()
            yield ctx
    except ConformanceError as exc:
        pytest.exit(f"c4w-conformance: error: {exc}", returncode=exc.exit_code)


def pytest_sessionstart(session: pytest.Session) -> None:
    options = session.config.stash[OPTIONS_KEY]
    forget_sent()
    session.config.stash[RECORD_KEY] = RunRecord(
        target={"url": options.target or "embedded mock"}, profile={}, seed=options.seed or 0
    )
    if session.config.pluginmanager.has_plugin("dsession"):
        # an xdist controller collects nothing: its record gathers the workers' verdicts
        _ACTIVE.append(session.config.stash[RECORD_KEY])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    verdict, observed = verdict_from_report(list(report.user_properties))
    if verdict is None:
        return
    record = _record_of(report)
    if record is not None:
        record.add(verdict)
        record.observed.update(observed)


_ACTIVE: list[RunRecord] = []


def _record_of(report: pytest.TestReport) -> RunRecord | None:
    return _ACTIVE[-1] if _ACTIVE else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    _ACTIVE.append(session.config.stash[RECORD_KEY])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    record = session.config.stash.get(RECORD_KEY, None)
    if record is not None and record in _ACTIVE:
        _ACTIVE.remove(record)
    output = getattr(session.config, "workeroutput", None)
    if record is not None and output is not None:
        output["c4w_target"], output["c4w_profile"] = record.target, record.profile
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
    if record is None or not (record.verdicts or interrupted) or hasattr(session.config, "workerinput"):
        return  # an interrupted run writes its report even before the first verdict
    options = session.config.stash[OPTIONS_KEY]
    if session.config.pluginmanager.has_plugin("dsession"):
        _in_serial_order(record, options)  # workers report in the order they finish
    record.finished_at = now_iso()
    record.complete = exitstatus not in (pytest.ExitCode.INTERRUPTED,) and not session.shouldstop
    record.write(Path(options.report_dir))


def _in_serial_order(record: RunRecord, options: RunOptions) -> None:
    from conformance.properties import CATALOGUE
    from conformance.spec import load_spec

    props = {prop.id: index for index, prop in enumerate(CATALOGUE)}
    paths = {endpoint.path: index for index, endpoint in enumerate(load_spec(options.spec).endpoints)}
    record.verdicts.sort(key=lambda v: (props.get(v.property, len(props)), paths.get(v.endpoint, len(paths))))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    record = config.stash.get(RECORD_KEY, None)
    if record is None or not record.verdicts or hasattr(config, "workerinput"):
        return
    from conformance.reporting.plugin import PLUGIN_NAME
    from conformance.summary import summary_lines

    reporting = config.pluginmanager.get_plugin(PLUGIN_NAME)
    reports = reporting.paths() if reporting is not None else []
    for line in summary_lines(record, Path(config.stash[OPTIONS_KEY].report_dir), reports):
        terminalreporter.write_line(line)
