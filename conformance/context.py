"""Everything a property needs about one run: target, profile, spec, credentials, budgets.

Properties receive a ``SuiteContext``; it sends requests (through the one client), knows the
credentials and the profile's names, caches full reference traversals so that several
properties share one walk, and gathers what the target was observed to do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from conformance import envelope
from conformance.client import V2Client
from conformance.credentials import Credentials
from conformance.exchange import Exchange
from conformance.profile import Profile
from conformance.records import Listing
from conformance.redaction import ParamValue, Redactor
from conformance.spec import ApiSpec, Endpoint
from conformance.verdicts import Inconclusive, NotApplicable
from conformance.waiting import Waiter

NO_CREDENTIALS = Credentials("no credentials", None, None)


class MockControl(Protocol):
    """What the suite may do to an embedded mock it started itself (never to a live target)."""

    def insert_records(self, endpoint: str, count: int) -> None: ...

    def renew_other_secret(self) -> str:
        """Renew the second tenant's secret (A14) and return the new one."""
        ...


@dataclass
class SuiteContext:
    profile: Profile
    spec: ApiSpec
    client: V2Client
    primary: Credentials
    other: Credentials | None
    redactor: Redactor
    waiter: Waiter
    seed: int = 0
    max_examples: int = 25
    mock: MockControl | None = None
    old_secret: Credentials | None = None  # the primary's secret before a renewal (A14), if known
    record_window: int | None = None  # traversals cover the first N records only (--max-records)
    observed: dict[str, Any] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)
    _references: dict[tuple[str, str], Listing] = field(default_factory=dict)
    _user_ids: dict[str, str] = field(default_factory=dict)
    _control: dict[str, Exchange] = field(default_factory=dict)

    # -- requests -------------------------------------------------------------------------

    def auth_params(self, creds: Credentials) -> list[tuple[str, ParamValue]]:
        auth = self.profile.auth
        params: list[tuple[str, ParamValue]] = []
        if creds.key is not None:
            params.append((auth.key_param, creds.key))
        if creds.secret is not None:
            params.append((auth.secret_param, creds.secret))
        params.append((auth.version_param, self.profile.target.api_version))
        return params

    def call(
        self,
        endpoint: Endpoint,
        params: Sequence[tuple[str, ParamValue]] = (),
        creds: Credentials | None = None,
        *,
        idempotent: bool = True,
    ) -> Exchange:
        """GET ``endpoint`` with ``creds`` (default: the primary tenant's) and ``params``."""
        creds = self.primary if creds is None else creds
        query = self.auth_params(creds) + self.required_params(endpoint, creds) + list(params)
        return self.client.get(endpoint.path, query, idempotent=idempotent)

    def required_params(self, endpoint: Endpoint, creds: Credentials) -> list[tuple[str, ParamValue]]:
        """Parameters an operation cannot do without: ``findById`` needs a real user id.

        The id is one the tenant owns; with credentials that are not a tenant's (a rejection
        test) it is the primary tenant's, so only the credentials make the difference.
        """
        if endpoint.pagination is None and endpoint.path.endswith("findById"):
            owner = creds if creds in (self.primary, self.other) else self.primary
            return [("id", self.known_user_id(owner))]
        return []

    def known_user_id(self, creds: Credentials) -> str:
        if creds.label not in self._user_ids:
            users = self.spec.endpoint("/users")
            exchange = self.call(users, [(self.profile.pagination.limit_param, 1)], creds)
            items = envelope.records(exchange, self.profile)
            if not items:
                raise Inconclusive(
                    f"no user id to look up: /users answered {exchange.status} with no records"
                )
            self._user_ids[creds.label] = str(items[0].get(self.profile.envelope.id_field))
        return self._user_ids[creds.label]

    # -- shared knowledge -----------------------------------------------------------------

    def require_other(self) -> Credentials:
        if self.other is None:
            raise NotApplicable(
                "needs a second tenant's credentials (C4W_OTHER_API_KEY, C4W_OTHER_API_SECRET)"
            )
        return self.other

    def max_limit(self, endpoint: Endpoint) -> int:
        """The largest page a call without scrollId may return (A11 offset-only, A6 scroll-capable)."""
        pag = endpoint.pagination
        if pag is not None and pag.scroll:
            return self.profile.scroll.first_call_max_limit
        return self.profile.pagination.max_limit

    def seed_for(self, *parts: str) -> int:
        text = ":".join((str(self.seed), *parts))
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")

    def observe(self, key: str, value: Any) -> None:
        self.observed[key] = value

    def observe_status(self, kind: str, status: int) -> None:
        """Record the set of statuses seen for a kind of request (e.g. ``wrong_secret``)."""
        seen = self.observed.setdefault(f"status.{kind}", [])
        if status not in seen:
            seen.append(status)

    def control(self, endpoint: Endpoint) -> Exchange:
        """The control request: valid credentials on ``endpoint``. Cached per endpoint."""
        if endpoint.path not in self._control:
            self._control[endpoint.path] = self.call(endpoint, [(self.profile.pagination.limit_param, 1)])
        return self._control[endpoint.path]

    def require_control(self, endpoint: Endpoint) -> None:
        """Without accepted valid credentials, a rejection proves nothing: inconclusive."""
        exchange = self.control(endpoint)
        if not envelope.is_success(exchange, self.profile):
            raise Inconclusive(
                f"control failed: valid credentials got {exchange.status} on {endpoint.path} "
                "(auth.valid_accepted)"
            )

    def reference(
        self, endpoint: Endpoint, build: Callable[[], Listing], creds_label: str = "primary"
    ) -> Listing:
        """A full traversal shared by the properties that compare against it."""
        key = (endpoint.path, creds_label)
        if key not in self._references:
            self._references[key] = build()
        return self._references[key]

    def cached_reference(self, endpoint: Endpoint, creds_label: str = "primary") -> Listing | None:
        return self._references.get((endpoint.path, creds_label))

    def forget_reference(self, endpoint: Endpoint) -> None:
        """Drop ``endpoint``'s shared traversals: the data moved, the next use walks it afresh."""
        for key in [key for key in self._references if key[0] == endpoint.path]:
            del self._references[key]

    # -- budgets --------------------------------------------------------------------------

    def note_result_window(self, endpoint: Endpoint, window: int) -> None:
        """The target refused offsets past ``window`` on ``endpoint`` (A12 allows that)."""
        self.memo.setdefault("result_windows", {})[endpoint.path] = window
        self.observe(f"offset.result_window{endpoint.path}", window)

    def result_window(self, endpoint: Endpoint) -> int | None:
        """The result window the target was seen to enforce on ``endpoint``, if any."""
        windows: dict[str, int] = self.memo.get("result_windows", {})
        return windows.get(endpoint.path)

    def offset_span(self, endpoint: Endpoint, count: int) -> int:
        """How many of ``count`` records an offset traversal can reach: record and result windows."""
        span = self.window_size(count)
        window = self.result_window(endpoint)
        return span if window is None else min(span, window)

    def window_size(self, count: int) -> int:
        """How many of ``count`` records a traversal covers under the record window."""
        return count if self.record_window is None else min(count, self.record_window)

    def window_note(self, count: int | None) -> str | None:
        """What a verdict says when the record window cut the collection short, else None."""
        if self.record_window is None or count is None or count <= self.record_window:
            return None
        return f"checked on the first {self.record_window} of {count} records (--max-records)"
