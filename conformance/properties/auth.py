"""Authentication properties: valid credentials work, every other kind is refused, nothing leaks."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance import envelope
from conformance.context import NO_CREDENTIALS, SuiteContext
from conformance.credentials import Credentials, Mutation, mutate
from conformance.exchange import Exchange
from conformance.generation import check_examples
from conformance.properties.base import Observed, expect_rejection
from conformance.redaction import Sensitive
from conformance.spec import Endpoint
from conformance.traversal import continue_scroll, offset_pages, scroll_chunks, start_scroll
from conformance.verdicts import NotApplicable, Violation

HEX = "0123456789abcdef"

# Near misses first: these are the comparisons real servers get wrong (prefix, case, length).
NEAR_MISSES: list[Mutation] = [
    ("replace_char", 0, "0"),
    ("replace_char", 15, "f"),
    ("replace_char", -1, "a"),
    ("truncate", -1, ""),
    ("truncate", 16, ""),
    ("extend", 0, "0"),
    ("upper", 0, ""),
    ("swap_case_first_letter", 0, ""),
    ("random", 0, "0" * 32),
]

mutations = st.one_of(
    st.tuples(st.just("replace_char"), st.integers(0, 63), st.sampled_from(HEX + "XZ_")),
    st.tuples(st.just("truncate"), st.integers(1, 63), st.just("")),
    st.tuples(st.just("extend"), st.just(0), st.text(HEX + "_-", min_size=1, max_size=4)),
    st.tuples(st.just("random"), st.just(0), st.text(HEX, min_size=32, max_size=32)),
    st.tuples(st.just("upper"), st.just(0), st.just("")),
)


def _applicable(value: Sensitive, mutation: Mutation) -> Sensitive | None:
    kind, number, text = mutation
    if kind == "truncate" and number == -1:
        mutation = (kind, len(value.actual) - 1, text)
    if kind == "replace_char" and number == -1:
        mutation = (kind, len(value.actual) - 1, text)
    try:
        mutated = mutate(value, mutation)
    except ValueError:
        return None
    return mutated if mutated.actual != value.actual and mutated.actual else None


def valid_accepted(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    exchanges = [ctx.control(endpoint)]
    if ctx.other is not None:
        exchanges.append(ctx.call(endpoint, [(ctx.profile.pagination.limit_param, 1)], ctx.other))
    for exchange in exchanges:
        if not envelope.is_success(exchange, ctx.profile):
            raise Violation(
                f"valid credentials were refused with {exchange.status}",
                [exchange],
                expected="200 with the success envelope (A1)",
            )
    return {"status": exchanges[0].status, "tenants_checked": len(exchanges)}


def missing_credentials(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    p = ctx.primary
    empty = Sensitive("", "")
    cases = [
        Credentials("no key", None, p.secret),
        Credentials("no secret", p.key, None),
        NO_CREDENTIALS,
        Credentials("empty key", empty, p.secret),
        Credentials("empty secret", p.key, empty),
        Credentials("empty key and secret", empty, empty),
    ]
    status = ctx.profile.auth.missing_status
    for creds in cases:
        expect_rejection(
            ctx, _limited(ctx, endpoint, creds), status, f"missing_credentials ({creds.label})", "A3, F14"
        )
    return {"cases": len(cases)}


def _limited(ctx: SuiteContext, endpoint: Endpoint, creds: Credentials) -> Exchange:
    return ctx.call(endpoint, [(ctx.profile.pagination.limit_param, 1)], creds)


def _wrong(ctx: SuiteContext, endpoint: Endpoint, part: str) -> Observed:
    ctx.require_control(endpoint)
    status = ctx.profile.auth.wrong_status
    original = ctx.primary.secret if part == "secret" else ctx.primary.key
    assert original is not None
    tried: list[str] = []

    def check(mutation: Mutation) -> None:
        mutated = _applicable(original, mutation)
        if mutated is None:
            return
        if part == "key" and mutated.actual.strip() == original.actual:
            return  # whitespace around a key is an open question (F4): wrong_key judges it apart
        creds = (
            ctx.primary.with_secret(mutated, f"wrong secret {mutation[0]}")
            if part == "secret"
            else ctx.primary.with_key(mutated, f"wrong key {mutation[0]}")
        )
        tried.append(mutation[0])
        expect_rejection(ctx, _limited(ctx, endpoint, creds), status, f"wrong_{part} ({mutation[0]})", "A3")

    explicit = list(NEAR_MISSES)
    check_examples(
        check,
        explicit,
        mutations,
        max_examples=ctx.max_examples,
        seed_value=ctx.seed_for("auth", part, endpoint.path),
    )
    return {"mutations_tried": len(tried), "kinds": sorted(set(tried))}


def wrong_secret(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    return _wrong(ctx, endpoint, "secret")


def wrong_key(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    observed = _wrong(ctx, endpoint, "key")
    key = ctx.primary.key
    assert key is not None
    spaced = _limited(
        ctx, endpoint, ctx.primary.with_key(Sensitive(key.actual + " ", key.shown + "%20"), "key+space")
    )
    ctx.observe("auth.key_with_trailing_space_status", spaced.status)
    observed["key_with_trailing_space_status"] = spaced.status
    policy = ctx.profile.auth.key_trailing_space
    if policy == "refused":
        expect_rejection(ctx, spaced, ctx.profile.auth.wrong_status, "wrong_key (trailing space)", "F4, A3")
    elif policy == "accepted" and not envelope.is_success(spaced, ctx.profile):
        raise Violation(
            f"a key with a trailing space got {spaced.status}",
            [spaced],
            expected="accepted: the profile says keys are trimmed (F4)",
        )
    return observed


def cross_tenant(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    other = ctx.require_other()
    p = ctx.primary
    status = ctx.profile.auth.cross_tenant_status
    for creds in (
        Credentials("key A, secret B", p.key, other.secret),
        Credentials("key B, secret A", other.key, p.secret),
    ):
        expect_rejection(ctx, _limited(ctx, endpoint, creds), status, f"cross_tenant ({creds.label})", "A3")
    return {"cases": 2}


ISOLATION_SAMPLE = 5000


def _sample_ids(ctx: SuiteContext, endpoint: Endpoint, creds: Credentials) -> set[str]:
    pag = endpoint.pagination
    assert pag is not None
    id_field = ctx.profile.envelope.id_field
    ids: set[str] = set()
    if pag.offset:
        pages = offset_pages(ctx, endpoint, ctx.max_limit(endpoint), creds, stop=ISOLATION_SAMPLE)
    else:
        pages = scroll_chunks(ctx, endpoint, ctx.profile.scroll.cap, creds, max_records=ISOLATION_SAMPLE)
    for page in pages:
        ids.update(str(record.get(id_field)) for record in page.records)
    return ids


def tenant_isolation(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    other = ctx.require_other()
    if endpoint.pagination is None:
        return _isolation_by_lookup(ctx, endpoint, other)
    mine = _sample_ids(ctx, endpoint, ctx.primary)
    theirs = _sample_ids(ctx, endpoint, other)
    shared = mine & theirs
    if shared:
        sample = sorted(shared)[:5]
        raise Violation(
            f"{len(shared)} record id(s) are returned to both tenants, e.g. {', '.join(sample)}",
            expected="disjoint record sets per tenant (A13, F2: the key identifies a tenant)",
        )
    return {"ids_compared": [len(mine), len(theirs)]}


def _isolation_by_lookup(ctx: SuiteContext, endpoint: Endpoint, other: Credentials) -> Observed:
    users = ctx.spec.endpoint("/users")
    page = next(offset_pages(ctx, users, 1, other))
    if not page.records:
        return {"message": "the second tenant has no user to look up"}
    foreign_id = str(page.records[0].get(ctx.profile.envelope.id_field))
    exchange = ctx.client.get(endpoint.path, [*ctx.auth_params(ctx.primary), ("id", foreign_id)])
    if envelope.carries_records(exchange, ctx.profile):
        raise Violation(
            "a user of the second tenant is returned to the first tenant's credentials",
            [exchange],
            expected="a 404 without the record (tenant isolation)",
        )
    return {"foreign_lookup_status": exchange.status}


def scroll_token_binding(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    auth = ctx.profile.auth
    page = start_scroll(ctx, endpoint, 2)
    if page.token is None:
        return {"message": "no records, so no token to misuse"}
    token = page.token
    secret = ctx.primary.secret
    assert secret is not None
    wrong = _applicable(secret, ("replace_char", -1, "a"))
    attempts: list[tuple[Credentials, int, str]] = [
        (NO_CREDENTIALS, auth.missing_status, "A13, A3"),
        (ctx.primary.with_secret(wrong, "wrong secret"), auth.wrong_status, "A13, A3"),
    ]
    if ctx.other is not None:
        attempts.append((ctx.other, auth.scroll_foreign_status, "A13, A8"))
    for creds, status, rule in attempts:
        exchange = continue_scroll(ctx, endpoint, token, creds)
        expect_rejection(ctx, exchange, status, f"scroll_token_binding ({creds.label})", rule)
    owner = continue_scroll(ctx, endpoint, token)
    ctx.observe("scroll.owner_token_usable_after_foreign_attempts", owner.status)
    observed: Observed = {"attempts": len(attempts), "owner_continues_with": owner.status}
    if ctx.other is None:
        observed["message"] = "checked without and with bad credentials; no second tenant to try"
    return observed


def no_leak(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    control = ctx.control(endpoint)
    known_ids = {
        str(record.get(ctx.profile.envelope.id_field))
        for record in (envelope.records(control, ctx.profile) or [])
    }
    p = ctx.primary
    assert p.secret is not None and p.key is not None
    cases = [
        NO_CREDENTIALS,
        Credentials("no secret", p.key, None),
        p.with_secret(_applicable(p.secret, ("truncate", -1, "")), "truncated secret"),
        p.with_secret(_applicable(p.secret, ("replace_char", 0, "0")), "near-miss secret"),
        p.with_key(_applicable(p.key, ("replace_char", 0, "0")), "near-miss key"),
    ]
    if ctx.other is not None:
        cases.append(Credentials("cross tenant", p.key, ctx.other.secret))
    for creds in cases:
        exchange = _limited(ctx, endpoint, creds)
        if exchange.status < 400:
            continue  # accepted: wrong_secret / wrong_key report that
        text = exchange.body.decode("utf-8", errors="replace")
        if ctx.redactor.contains_secret(text):
            raise Violation(
                f"the rejection ({creds.label}) echoes a credential",
                [exchange],
                expected="no echo of the key or secret (F2: the secret must never be public)",
            )
        leaked = [record_id for record_id in known_ids if record_id and record_id in text]
        if envelope.carries_records(exchange, ctx.profile) or leaked:
            raise Violation(
                f"the rejection ({creds.label}) carries records",
                [exchange],
                expected="an error envelope with no records (A2)",
            )
    return {"rejections_checked": len(cases)}


def renewed_secret(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    """A14: once a secret is renewed, the old one is refused and the new one works.

    On the embedded mock the suite renews the second tenant's secret itself; against a URL it
    needs the secret that was renewed away (``C4W_OLD_API_SECRET``): renewing is not a GET.
    """
    ctx.require_control(endpoint)
    status = ctx.profile.auth.wrong_status
    if ctx.old_secret is not None:
        expect_rejection(
            ctx, _limited(ctx, endpoint, ctx.old_secret), status, "renewed-away secret", "A14, A3"
        )
        return {"checked": "the secret given as C4W_OLD_API_SECRET"}
    if ctx.mock is None or ctx.other is None:
        raise NotApplicable("needs the secret renewed away (C4W_OLD_API_SECRET), or the embedded mock")
    old = ctx.other
    new_value = ctx.mock.renew_other_secret()
    ctx.redactor.add(new_value, "$C4W_OTHER_API_SECRET")
    assert old.key is not None and old.secret is not None
    renewed = Credentials.from_env_names(
        old.label, old.key.actual, new_value, "C4W_OTHER_API_KEY", "C4W_OTHER_API_SECRET"
    )
    ctx.other = renewed  # later properties use the tenant's current secret
    expect_rejection(
        ctx,
        _limited(ctx, endpoint, old.with_secret(old.secret, "old secret")),
        status,
        "renewed-away secret",
        "A14, A3",
    )
    accepted = _limited(ctx, endpoint, renewed)
    if not envelope.is_success(accepted, ctx.profile):
        raise Violation(
            f"the renewed secret was refused with {accepted.status}",
            [accepted],
            expected="the new secret works at once (A14, F2)",
        )
    return {"checked": "renewed the second tenant's secret on the embedded mock"}
