"""One test per (property, endpoint); ``conformance.plugin`` parametrizes them."""

import pytest

from conformance.context import SuiteContext
from conformance.properties import evaluate
from conformance.suite.case import PropertyCase, conclude


def test_property(c4w_case: PropertyCase, c4w_context: SuiteContext, request: pytest.FixtureRequest) -> None:
    verdict = evaluate(c4w_case.prop, c4w_context, c4w_case.endpoint)
    conclude(request.node, verdict, c4w_context.observed)
