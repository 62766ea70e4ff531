"""Synthetic data: shapes, ids, order with ties, laziness, inserts, users index."""

from __future__ import annotations

import re
import time
from collections import Counter

from conformance.mock.data import PER_MINUTE, Dataset, endpoint_sizes

HEX32 = re.compile(r"[0-9a-f]{32}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z")
ORDER_KEY = {
    "users": "created",
    "visits": "startAt",
    "connections": "start",
    "auth_error_logs": "timestamp",
    "auth_results": "timestamp",
}
FIELDS = {
    "users": {
        "id",
        "firstName",
        "lastName",
        "email",
        "username",
        "personalId",
        "gender",
        "birthDate",
        "deleted",
        "created",
    },
    "visits": {"id", "userId", "hotspotId", "startAt", "endAt"},
    "connections": {
        "id",
        "userId",
        "mac",
        "hotspotId",
        "start",
        "stop",
        "sessionTime",
        "bytesDown",
        "bytesUp",
    },
    "auth_error_logs": {"id", "mac", "hotspotId", "timestamp", "reason"},
    "auth_results": {"id", "mac", "hotspotId", "timestamp", "result", "method"},
}


def test_sizes_follow_records() -> None:
    assert endpoint_sizes(25_000) == {
        "users": 2_500,
        "visits": 12_500,
        "connections": 25_000,
        "auth_error_logs": 3_125,
        "auth_results": 5_000,
    }
    assert set(endpoint_sizes(0).values()) == {1}


def test_record_shapes_and_types() -> None:
    ds = Dataset(0, 2_000, ["alpha", "beta"])
    user_ids = {u["id"] for u in ds.collection("alpha", "users").slice(0, 200)}
    for endpoint, fields in FIELDS.items():
        for record in ds.collection("alpha", endpoint).slice(0, 50):
            assert set(record) == fields
            assert HEX32.fullmatch(record["id"])
            assert STAMP.fullmatch(record[ORDER_KEY[endpoint]])
            if "userId" in record:
                assert record["userId"] in user_ids
            if "mac" in record:
                assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", record["mac"])
    user = ds.collection("alpha", "users").record_at(0)
    assert isinstance(user["deleted"], bool) and user["gender"] in ("M", "F")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", user["birthDate"])
    conn = ds.collection("alpha", "connections").record_at(0)
    assert all(isinstance(conn[k], int) for k in ("sessionTime", "bytesDown", "bytesUp"))


def test_A11_records_ordered_by_time_then_id_with_ties() -> None:
    ds = Dataset(3, 5_000, ["alpha"])
    for endpoint, key in ORDER_KEY.items():
        records = ds.collection("alpha", endpoint).slice(0, 400)
        keys = [(r[key], r["id"]) for r in records]
        assert keys == sorted(keys)
        assert max(Counter(r[key] for r in records).values()) == PER_MINUTE  # ties exist


def test_ids_are_unique_and_differ_between_tenants_and_seeds() -> None:
    ds = Dataset(0, 4_000, ["alpha", "beta"])
    alpha = {r["id"] for e in FIELDS for r in ds.collection("alpha", e).slice(0, 4_000)}
    beta = {r["id"] for e in FIELDS for r in ds.collection("beta", e).slice(0, 4_000)}
    assert len(alpha) == sum(min(4_000, n) for n in endpoint_sizes(4_000).values())
    assert not alpha & beta
    assert Dataset(1, 4_000, ["alpha"]).collection("alpha", "users").id_at(0) not in alpha


def test_same_seed_same_records() -> None:
    one = Dataset(7, 1_000, ["alpha"]).collection("alpha", "connections").slice(100, 110)
    two = Dataset(7, 1_000, ["alpha"]).collection("alpha", "connections").slice(100, 110)
    assert one == two


def test_a_million_records_cost_nothing_up_front_and_slice_anywhere() -> None:
    started = time.perf_counter()
    ds = Dataset(0, 1_000_000, ["alpha", "beta"])
    connections = ds.collection("alpha", "connections")
    assert time.perf_counter() - started < 0.1
    assert len(connections) == 1_000_000
    tail = connections.slice(999_990, 1_000_100)
    assert len(tail) == 10
    assert tail[-1] == connections.record_at(999_999)
    assert connections.slice(500_000, 500_003) == [connections.record_at(p) for p in range(500_000, 500_003)]


def test_insert_appends_newer_records_after_all_existing_ones() -> None:
    ds = Dataset(0, 1_001, ["alpha", "beta"])  # 1,001: the last minute is partly filled
    connections = ds.collection("alpha", "connections")
    last = connections.record_at(len(connections) - 1)
    ds.insert("alpha", "connections", 5)
    assert len(connections) == 1_006 and len(ds.collection("beta", "connections")) == 1_001
    new = connections.slice(1_001, 1_006)
    assert all(r["start"] > last["start"] for r in new)
    keys = [(r["start"], r["id"]) for r in [last, *new]]
    assert keys == sorted(keys)
    ds.reset()
    assert len(connections) == 1_001


def test_deleted_filter_and_find_by_id() -> None:
    ds = Dataset(0, 20_000, ["alpha", "beta"])
    index = ds.users("alpha")
    deleted, live = index.filtered(True), index.filtered(False)
    assert len(deleted) + len(live) == 2_000
    assert 100 < len(deleted) < 320  # ~10%
    assert all(u["deleted"] for u in deleted.slice(0, 50))
    assert not any(u["deleted"] for u in live.slice(0, 50))
    user = ds.collection("alpha", "users").record_at(123)
    assert index.find(user["id"]) == user
    assert ds.users("beta").find(user["id"]) is None
    ds.insert("alpha", "users", 3)
    added = ds.collection("alpha", "users").record_at(2_002)
    assert index.find(added["id"]) == added
    assert len(index.filtered(True)) + len(index.filtered(False)) == 2_003
