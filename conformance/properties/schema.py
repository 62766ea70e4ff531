"""Schema properties: schemathesis generates requests from the OpenAPI document and judges answers.

Requests go through the suite's own client (GET only, polite, redacted evidence); schemathesis
supplies the generation and the checks. Its failure text embeds a curl line with the real
query, so only the failure titles are kept, and those are redacted too. A few explicit cases go
first on every run (a plain page; each parameter with a non-numeric and a negative value), so
a drift or a 5xx that any ordinary request shows is never left to the luck of generation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from hypothesis import strategies as st

from conformance.context import SuiteContext
from conformance.exchange import Exchange
from conformance.generation import check_examples
from conformance.properties.base import Observed
from conformance.redaction import ParamValue
from conformance.spec import Endpoint
from conformance.verdicts import Violation


def _schema(ctx: SuiteContext) -> Any:
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    if "schemathesis" not in ctx.memo:
        # An explicit config: never pick up a schemathesis.toml from the user's working directory.
        schema = schemathesis.openapi.from_path(str(ctx.spec.path), config=SchemathesisConfig())
        schema.config.update(base_url=ctx.client.base_url)
        ctx.memo["schemathesis"] = schema
    return ctx.memo["schemathesis"]


def _query(case: Any, ctx: SuiteContext) -> list[tuple[str, ParamValue]]:
    auth = ctx.profile.auth
    skip = {auth.key_param, auth.secret_param}
    params: list[tuple[str, ParamValue]] = []
    for name, value in (case.query or {}).items():
        if name in skip:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                item = "true" if item else "false"
            params.append((str(name), item if isinstance(item, str | int) else str(item)))
    return params


def _send(ctx: SuiteContext, endpoint: Endpoint, case: Any) -> tuple[Exchange, httpx.Response]:
    params = ctx.auth_params(ctx.primary) + _query(case, ctx)
    exchange = ctx.client.get(endpoint.path, params)
    # The request schemathesis sees carries no credentials: its reports quote it.
    request = httpx.Request("GET", ctx.client.base_url + endpoint.path)
    response = httpx.Response(
        exchange.status, headers=exchange.headers, content=exchange.body, request=request
    )
    response.elapsed = timedelta(seconds=exchange.elapsed)
    return exchange, response


ODD_VALUES = ("abc", "-1")


def _explicit(ctx: SuiteContext, endpoint: Endpoint, operation: Any, odd: bool) -> list[Any]:
    """A plain valid request, and (``odd``) each query parameter with each of ``ODD_VALUES``."""
    plain: dict[str, Any] = dict(ctx.required_params(endpoint, ctx.primary))
    if endpoint.pagination is not None:
        plain[ctx.profile.pagination.limit_param] = 2
    cases = [operation.Case(query=plain)]
    if odd:
        auth = ctx.profile.auth
        names = [p.name for p in operation.query if p.name not in (auth.key_param, auth.secret_param)]
        cases += [operation.Case(query={**plain, name: value}) for name in names for value in ODD_VALUES]
    return cases


def _run(ctx: SuiteContext, endpoint: Endpoint, modes: tuple[str, ...], checks: list[Any], key: str) -> int:
    from schemathesis import GenerationMode
    from schemathesis.core.failures import FailureGroup

    operation = _schema(ctx)[endpoint.path]["GET"]
    strategies = [operation.as_strategy(generation_mode=GenerationMode(mode)) for mode in modes]

    def check(case: Any) -> None:
        exchange, response = _send(ctx, endpoint, case)
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            raise Violation(
                f"{_describe(group.exceptions)} (status {exchange.status})",
                [exchange],
                expected="a response the OpenAPI document allows",
            ) from None

    return check_examples(
        check,
        _explicit(ctx, endpoint, operation, odd="negative" in modes),
        st.one_of(*strategies),
        max_examples=ctx.max_examples,
        seed_value=ctx.seed_for(key, endpoint.path),
    )


def response_conformance(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [status_code_conformance, response_schema_conformance, content_type_conformance]
    ran = _run(ctx, endpoint, ("positive",), checks, "schema.response")
    return {"requests": ran}


def no_server_errors(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    from schemathesis.checks import not_a_server_error

    ran = _run(ctx, endpoint, ("positive", "negative"), [not_a_server_error], "schema.5xx")
    return {"requests": ran}


def _describe(failures: Any) -> str:
    """Each failure's title and the first line of its detail (which field, which rule)."""
    parts = []
    for failure in failures:
        detail = next((line.strip() for line in str(failure.message or "").splitlines() if line.strip()), "")
        where = getattr(failure, "instance_path", None)
        if where:  # e.g. data/0/bytesDown: which field broke the schema
            detail = f"at {'/'.join(map(str, where))}: {detail}"
        parts.append(f"{failure.title} {detail[:240]}" if detail else str(failure.title))
    return "; ".join(sorted(set(parts)))
