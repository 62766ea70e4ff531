"""The evidence items (v2-evidence.md) that verdicts rest on, in one sentence each."""

ITEMS: dict[str, str] = {
    "F1": "Base URL of the production API is https://api.cloud4wi.com/v2.",
    "F2": "Credentials are a pair: an API key (identifies a tenant) and a renewable API secret.",
    "F3": "Credentials travel in the query string: api_key, api_secret, plus api_version=v2.0.",
    "F4": "Keys, secrets and user ids are 32 lowercase hex characters.",
    "F5": "GET /users returns `count` (total matching records, independent of limit/offset) and `data`.",
    "F6": "GET /users/findById?id=... returns `data` as a single object.",
    "F7": "Most endpoints paginate with `limit` (max records per call) and `offset` "
    "(index of the first record).",
    "F8": "ScrollId pagination exists on /visits, /connections and /troubleshooting/*.",
    "F9": "Each ScrollId token value expires 2 minutes after it is issued.",
    "F10": "Each scroll iteration returns at most 9,999 records.",
    "F11": "/connections and /troubleshooting/* offer both methods; /visits is scroll only.",
    "F12": "When `scrollId` is sent, `offset` and `limit` are ignored.",
    "F13": "A connection is one RADIUS accounting session.",
    "F14": "Any request without an API key returns an error.",
    "A1": 'Success envelope: {"status": "success", "count": <total>, "data": [...]}.',
    "A2": 'Error envelope: {"status": "error", "code": <status>, "message": "..."}; no records in it.',
    "A3": "Missing, empty or wrong credentials, or a key with another tenant's secret: 401.",
    "A4": "The token travels as query parameter `scrollId` and comes back as top-level `scrollId`.",
    "A5": "A call without scrollId returns the offset page and a scrollId that continues after it.",
    "A6": "A call without scrollId on a scroll-capable endpoint clamps `limit` to 9,999.",
    "A7": "Every scroll call returns a new token with a fresh 2-minute life.",
    "A8": "Expired or unknown token: 404; malformed token: 400; neither returns records.",
    "A9": "The end of a scroll is an empty `data` array.",
    "A10": "A scroll sees a snapshot of the data as of its first call.",
    "A11": "Offset pages follow a stable total order; limit > 1,000 is clamped; bad limit/offset is a 400; "
    "offset >= count is 200 with empty data.",
    "A12": "offset + limit beyond 10,000 may be refused with a 400.",
    "A13": "A scroll token is bound to the tenant that started it.",
    "A14": "A renewed secret invalidates the previous one.",
    "A15": "`api_version` is accepted and optional.",
    "A16": "`limit` defaults to 100, `offset` to 0.",
    "A17": "Checks run in order: unknown path 404, credentials 401, parameters 400; non-GET is 405.",
}


def describe(rule: str) -> str:
    """``"A3, A13"`` -> ``"A3: ...; A13: ..."`` (unknown items are kept as they are)."""
    parts = [part.strip() for part in rule.split(",") if part.strip()]
    return " ".join(f"{part}: {ITEMS.get(part, '')}".strip() for part in parts)
