"""A violation that follows an ambiguous scroll retry is not trusted: the property starts afresh."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from conformance.client import TransportTrouble
from conformance.context import SuiteContext
from conformance.drift import guarded
from conformance.options import RunOptions
from conformance.properties import by_id, evaluate
from conformance.session import open_context
from conformance.spec import Endpoint
from conformance.verdicts import Inconclusive, Outcome, Violation


@pytest.fixture(scope="module")
def ctx() -> Iterator[SuiteContext]:
    with open_context(RunOptions(mock_records=200, seed=1)) as context:
        yield context


def scripted(ctx: SuiteContext, *steps: str) -> tuple[list[str], Callable[[], dict[str, object]]]:
    """A check that plays ``steps``: "ambiguous-violation", "violation", "restartable", "trouble", "pass"."""
    queue, ran = list(steps), []

    def check() -> dict[str, object]:
        step = queue.pop(0)
        ran.append(step)
        if step == "ambiguous-violation":
            ctx.client._ambiguous_retry("a 503 on GET /visits")
            raise Violation("chunk size 7: the scroll yields 193 records, count says 200")
        if step == "violation":
            raise Violation("chunk size 7: a record returned twice")
        if step in ("restartable", "trouble"):
            raise ctx.client._trouble(
                "target answered 503 on GET /visits after 5 attempts", step == "restartable"
            )
        return {}

    return ran, check


def visits(ctx: SuiteContext) -> Endpoint:
    return ctx.spec.endpoint("/visits")


def test_a_violation_after_an_ambiguous_retry_is_checked_again_and_passes(ctx: SuiteContext) -> None:
    ran, check = scripted(ctx, "ambiguous-violation", "pass")
    observed = guarded("scroll.cap", ctx, visits(ctx), check)
    assert ran == ["ambiguous-violation", "pass"]
    assert (
        "restarted from scratch: a scroll call was retried after a 503 on GET /visits" in observed["message"]
    )


def test_a_violation_that_keeps_following_ambiguous_retries_is_inconclusive(ctx: SuiteContext) -> None:
    _, check = scripted(ctx, *["ambiguous-violation"] * 3)
    with pytest.raises(Inconclusive, match="the violation that followed is not trusted"):
        guarded("scroll.cap", ctx, visits(ctx), check)


def test_a_violation_on_a_clean_restart_is_a_failure(ctx: SuiteContext) -> None:
    ran, check = scripted(ctx, "ambiguous-violation", "violation")
    with pytest.raises(Violation, match="returned twice"):
        guarded("scroll.cap", ctx, visits(ctx), check)
    assert ran == ["ambiguous-violation", "violation"]


def test_a_violation_without_ambiguity_is_a_failure_at_once(ctx: SuiteContext) -> None:
    ran, check = scripted(ctx, "violation", "pass")
    with pytest.raises(Violation):
        guarded("scroll.cap", ctx, visits(ctx), check)
    assert ran == ["violation"]


def test_restartable_trouble_restarts_and_other_trouble_does_not(ctx: SuiteContext) -> None:
    ran, check = scripted(ctx, "restartable", "pass")
    assert "restarted from scratch after" in guarded("scroll.cap", ctx, visits(ctx), check)["message"]
    ran, check = scripted(ctx, "trouble", "pass")
    with pytest.raises(TransportTrouble):
        guarded("scroll.cap", ctx, visits(ctx), check)
    assert ran == ["trouble"]


def test_evaluate_turns_trouble_anywhere_into_inconclusive_with_the_reason(
    ctx: SuiteContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trouble outside check_examples (a reference walk, a TTL probe) is inconclusive too, not an error."""

    def troubled(*args: object, **kwargs: object) -> object:
        raise ctx.client._trouble("request budget of 10 spent (--max-requests)")

    monkeypatch.setattr(ctx.client, "get", troubled)
    ctx.forget_reference(ctx.spec.endpoint("/users"))
    verdict = evaluate(by_id("offset.count_consistent"), ctx, ctx.spec.endpoint("/users"))
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert verdict.message == "request budget of 10 spent (--max-requests)"


def test_trouble_in_the_shared_ttl_probe_is_inconclusive_for_each_endpoint(
    ctx: SuiteContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def troubled(*args: object, **kwargs: object) -> object:
        raise ctx.client._trouble("target answered 503 on GET /visits after 5 attempts")

    monkeypatch.setattr(ctx.client, "get", troubled)
    ctx.memo.pop("ttl_probe", None)
    for prop in ("scroll.alive_within_ttl", "scroll.expiry"):
        verdict = evaluate(by_id(prop), ctx, visits(ctx))
        assert verdict.outcome is Outcome.INCONCLUSIVE
        assert verdict.message == "target answered 503 on GET /visits after 5 attempts"
    ctx.memo.pop("ttl_probe", None)
