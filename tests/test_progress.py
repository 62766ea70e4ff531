"""Progress on long work: shown on a terminal, throttled, silent when output is not a terminal."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator

import pytest

from conformance import progress
from conformance.context import SuiteContext
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig
from conformance.options import RunOptions
from conformance.session import open_context
from conformance.spec import Endpoint
from conformance.traversal import offset_pages, scroll_chunks
from conformance.waiting import RealWaiter


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_console_on_a_pipe_writes_nothing() -> None:
    stream = io.StringIO()
    console = progress.Console(stream)
    console.status("  /connections offset pages: 10 of 20 records")
    console.clear()
    assert not console.enabled
    assert stream.getvalue() == ""


def test_a_console_on_a_terminal_rewrites_one_line_then_blanks_it() -> None:
    terminal = FakeTerminal()
    console = progress.Console(terminal)
    console.status("first, longer line")
    console.status("second")
    console.clear()
    text = terminal.getvalue()
    assert text.startswith("\n  first, longer line")  # a fresh line: pytest's dots stay intact
    assert "\r  second            " in text  # padded over the longer line before it
    assert text.endswith("\r" + " " * len("  first, longer line") + "\r")


def test_a_console_for_a_real_terminal_reaches_it_through_its_own_descriptor() -> None:
    main, side = os.openpty()
    with open(side, "w", encoding="utf-8") as stream:
        console = progress.for_terminal(stream)
        assert console.enabled
        console.status("walking")
        console.close()
    assert b"walking" in os.read(main, 1024)
    os.close(main)


def test_a_console_for_a_pipe_is_silent() -> None:
    read, write = os.pipe()
    with open(write, "w", encoding="utf-8") as stream:
        assert not progress.for_terminal(stream).enabled
    os.close(read)


def test_a_tracker_waits_for_long_work_and_throttles_its_updates() -> None:
    terminal, clock = FakeTerminal(), FakeClock()
    tracker = progress.Tracker(
        "/connections scroll",
        progress.Console(terminal),
        min_total=100,
        delay=1.0,
        interval=0.25,
        clock=clock,
    )
    tracker.update(10, 1000)
    assert terminal.getvalue() == ""  # under a second in: nothing yet
    clock.now += 1.0
    tracker.update(20, 1000)
    assert "/connections scroll: 20/1,000 records (2%)" in terminal.getvalue()
    clock.now += 0.1
    tracker.update(30, 1000)
    assert "30/" not in terminal.getvalue()  # at most four updates a second
    clock.now += 0.25
    tracker.update(1000, 1000)
    assert "1,000/1,000 records (100%)" in terminal.getvalue()
    tracker.close()
    assert terminal.getvalue().endswith("\r")


def test_a_tracker_ignores_small_collections_and_unknown_totals() -> None:
    terminal, clock = FakeTerminal(), FakeClock()
    tracker = progress.Tracker("x", progress.Console(terminal), min_total=100, delay=0, clock=clock)
    tracker.update(5, 50)
    tracker.update(5, None)
    tracker.close()
    assert terminal.getvalue() == ""


def test_a_real_wait_is_quiet_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    waiter = RealWaiter(target=progress.Console(stream))
    started = time.monotonic()
    waiter.sleep_until(started + 0.05, "for the scroll TTL to run out")
    assert time.monotonic() - started >= 0.05
    assert stream.getvalue() == ""


def test_a_real_wait_counts_down_on_a_terminal() -> None:
    terminal = FakeTerminal()
    waiter = RealWaiter(target=progress.Console(terminal))
    waiter.sleep_until(time.monotonic() + 1.3, "for the scroll TTL to run out")
    text = terminal.getvalue()
    assert "waiting 2s for the scroll TTL to run out" in text
    assert "waiting 1s for the scroll TTL to run out" in text
    assert text.endswith("\r")  # the countdown line is cleared afterwards


@pytest.fixture(scope="module")
def walkable() -> Iterator[tuple[SuiteContext, Endpoint]]:
    with EmbeddedMock(MockConfig(records=3_000)) as mock:
        tenant = mock.tenants[0]
        options = RunOptions(target=mock.base_url, api_key=tenant.api_key, api_secret=tenant.api_secret)
        with open_context(options) as ctx:
            yield ctx, ctx.spec.endpoint("/connections")


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTerminal]:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.setattr(progress, "MIN_RECORDS", 1_000)
    terminal = FakeTerminal()
    console = progress.Console(terminal)
    progress.install(console)
    yield terminal
    progress.uninstall(console)


def test_walks_show_records_so_far_out_of_count(
    installed: FakeTerminal, walkable: tuple[SuiteContext, Endpoint]
) -> None:
    ctx, endpoint = walkable
    pages = sum(1 for _ in offset_pages(ctx, endpoint, 1000))
    chunks = sum(1 for _ in scroll_chunks(ctx, endpoint, 1000))
    text = installed.getvalue()
    assert pages >= 3 and chunks >= 3
    assert "/connections offset: 2,000/3,000 records (67%)" in text
    assert "/connections scroll: 3,000/3,000 records (100%)" in text
    assert text.endswith("\r")  # each walk clears its line when it ends


def test_walks_are_silent_when_stderr_is_not_a_terminal(walkable: tuple[SuiteContext, Endpoint]) -> None:
    ctx, endpoint = walkable
    stream = io.StringIO()
    console = progress.Console(stream)
    progress.install(console)
    try:
        for _ in offset_pages(ctx, endpoint, 500):
            pass
    finally:
        progress.uninstall(console)
    assert stream.getvalue() == ""


def test_work_going_on_at_once_shares_the_line() -> None:
    terminal, clock = FakeTerminal(), FakeClock()
    console = progress.Console(terminal)
    offset = progress.Tracker("/connections offset", console, min_total=1, delay=0, clock=clock)
    scroll = progress.Tracker("/connections scroll", console, min_total=1, delay=0, clock=clock)
    offset.update(1000, 4000)
    scroll.update(2000, 4000)
    line = "/connections offset: 1,000/4,000 records (25%); /connections scroll: 2,000/4,000 records (50%)"
    assert line in terminal.getvalue()
    offset.close()
    assert terminal.getvalue().rstrip(" ").endswith("\r  /connections scroll: 2,000/4,000 records (50%)")


def test_a_short_real_wait_shows_no_countdown() -> None:
    terminal = FakeTerminal()
    RealWaiter(target=progress.Console(terminal)).sleep_until(time.monotonic() + 0.2, "briefly")
    assert terminal.getvalue() == ""
