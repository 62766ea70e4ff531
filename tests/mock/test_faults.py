"""The fault registry: named, documented, tied to real property ids, and refused when unknown."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest

from conformance.cli import main
from conformance.errors import ConfigError
from conformance.mock.app import respond
from conformance.mock.clock import VirtualClock
from conformance.mock.faults import REGISTRY, fault
from conformance.mock.seams import FAULTS, Seams, seams_for
from conformance.mock.state import MockConfig, MockState
from conformance.properties import CATALOGUE

CATALOGUE_IDS = {prop.id for prop in CATALOGUE}


def test_there_are_at_least_20_faults_and_each_name_is_registered_once() -> None:
    assert len(REGISTRY) >= 20
    assert set(REGISTRY) == set(FAULTS)
    assert all(REGISTRY[name].name == name for name in REGISTRY)


def test_a_second_fault_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unique name"):
        fault("auth.wrong_secret")(REGISTRY["secret_prefix_match"].apply)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_fault_is_documented_and_violates_only_catalogue_ids(name: str) -> None:
    entry = REGISTRY[name]
    assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name)
    assert entry.summary and entry.violates
    assert len(set(entry.violates)) == len(entry.violates)
    assert set(entry.violates) <= CATALOGUE_IDS, set(entry.violates) - CATALOGUE_IDS


def test_every_property_is_registered_as_the_catcher_of_some_fault() -> None:
    registered = {prop for entry in REGISTRY.values() for prop in entry.violates}
    assert CATALOGUE_IDS - registered == set()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_fault_changes_the_seams(name: str) -> None:
    assert seams_for(frozenset({name})) != Seams()


def test_no_fault_means_the_correct_seams() -> None:
    assert seams_for(frozenset()) == Seams()


def test_an_unknown_fault_name_is_a_config_error_with_a_hint() -> None:
    with pytest.raises(
        ConfigError, match=r"unknown fault 'secret_prefix' \(did you mean 'secret_prefix_match'"
    ):
        MockConfig(faults=frozenset({"secret_prefix"}))


def test_a_fault_changes_what_the_mock_answers() -> None:
    faithful = MockState(MockConfig(records=400), VirtualClock())
    faulty = MockState(MockConfig(records=400, faults=frozenset({"secret_case_insensitive"})), VirtualClock())
    alpha = faithful.registry.get("alpha")
    query = f"api_key={alpha.api_key}&api_secret={alpha.api_secret.upper()}&limit=1".encode()
    assert respond(faithful, "/v2/users", "GET", query).status_code == 401
    assert respond(faulty, "/v2/users", "GET", query).status_code == 200


def test_faults_compose_when_several_are_given() -> None:
    seams = seams_for(frozenset({"scroll_token_unbound", "scroll_ttl_not_renewed"}))
    assert seams == replace(Seams(), bind_tokens=False, renew_ttl=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["mock", "--port", "0", "--fault", "no_such_fault"],
        ["mock", "--port", "0", "--fault", "secret_prefix_match", "--fault", "no_such_fault"],
        ["run", "--mock-fault", "no_such_fault"],
        ["matrix", "--fault", "no_such_fault"],
    ],
)
def test_an_unknown_fault_on_the_command_line_is_one_line_and_exit_2(
    one_line_exit_2: Callable[[list[str]], str], argv: list[str]
) -> None:
    assert "unknown fault 'no_such_fault'" in one_line_exit_2(argv)


def test_the_faults_command_lists_every_fault_with_what_it_violates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["faults"]) == 0
    out = capsys.readouterr().out
    for entry in REGISTRY.values():
        assert f"{entry.name}\n    {entry.summary}\n    violates: {', '.join(entry.violates)}\n" in out


def test_the_faults_command_writes_a_markdown_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faults", "--markdown"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| `")]
    assert len(rows) == len(REGISTRY)
    assert json.dumps(sorted(REGISTRY)) == json.dumps([row.split("`")[1] for row in rows])


def test_the_mock_command_serves_the_faults_it_is_given() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    argv = ["mock", "--port", str(port), "--records", "500", "--fault", "find_by_id_refuses_valid"]
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().rstrip("\n") for _ in range(6)]
        exports = dict(line.removeprefix("export ").split("=", 1) for line in lines[:5])
        assert "FAULTS: find_by_id_refuses_valid" in lines[5]
        auth = {"api_key": exports["C4W_API_KEY"], "api_secret": exports["C4W_API_SECRET"]}
        users = httpx.get(exports["C4W_BASE_URL"] + "/users", params={**auth, "limit": 1})
        assert users.status_code == 200
        user_id = users.json()["data"][0]["id"]
        found = httpx.get(exports["C4W_BASE_URL"] + "/users/findById", params={**auth, "id": user_id})
        assert found.status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
