"""Seeded synthetic records, generated lazily from their position.

A record is a pure function of (seed, tenant, endpoint, position), so a collection of a million
records costs nothing until it is read, and two runs with the same seed serve the same bytes.
Records come in groups of ``PER_MINUTE`` sharing one timestamp; inside a group they are sorted by
``id``, so every collection is ordered by (timestamp, id) with real ties for the id to break (A11).
Inserted records are more positions of the same generator, starting at the next fresh minute, so
they sort after everything that existed (the suite's A10 snapshot check needs that).
"""

from __future__ import annotations

import bisect
import calendar
import hashlib
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Record = dict[str, Any]

PER_MINUTE = 4
ENDPOINTS = ("users", "visits", "connections", "auth_error_logs", "auth_results")
# records per endpoint as a divisor of the --records value N
_DIVISOR = {"connections": 1, "visits": 2, "users": 10, "auth_error_logs": 8, "auth_results": 5}
# minutes between two groups, and where each endpoint's timeline starts
_STRIDE = {"users": 7, "visits": 1, "connections": 1, "auth_error_logs": 3, "auth_results": 2}
_EPOCH = {
    "users": calendar.timegm((2022, 1, 1, 0, 0, 0)),
    **dict.fromkeys(("visits", "connections", "auth_error_logs", "auth_results"), 1704067200),
}
_HOTSPOTS = 16

_FIRST = ("Anna", "Luca", "Marta", "Paolo", "Giulia", "Marco", "Sara", "Davide", "Elena", "Nicola")
_LAST = ("Rossi", "Bianchi", "Ferrari", "Russo", "Romano", "Gallo", "Costa", "Greco", "Conti", "Marino")
_REASONS = ("invalid_credentials", "expired_voucher", "mac_blocked", "session_limit", "timeout")
_METHODS = ("social", "sms", "email", "voucher", "radius")


def endpoint_sizes(records: int) -> dict[str, int]:
    """How many base records each endpoint holds for ``--records`` N (at least one each)."""
    return {name: max(1, records // _DIVISOR[name]) for name in ENDPOINTS}


@lru_cache(maxsize=32768)
def _group(seed: int, tenant: str, endpoint: str, minute: int) -> tuple[bytes, ...]:
    """The digests of one minute's records, sorted by id (the first 16 bytes, as hex)."""
    digests = (
        hashlib.sha512(f"{seed}:{tenant}:{endpoint}:{minute}:{slot}".encode()).digest()
        for slot in range(PER_MINUTE)
    )
    return tuple(sorted(digests, key=lambda d: d[:16]))


def _stamp(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _mac(d: bytes) -> str:
    return ":".join(f"{b:02x}" for b in d)


def _u32(d: bytes) -> int:
    return int.from_bytes(d[:4], "big")


def is_deleted(digest: bytes) -> bool:
    return digest[27] < 26  # ~10% of users


class Collection:
    """One tenant's records of one endpoint: ``len()``, ``slice()``, ``insert()``."""

    def __init__(self, seed: int, tenant: str, endpoint: str, size: int, users: Collection | None) -> None:
        self.seed, self.tenant, self.endpoint, self.base_size = seed, tenant, endpoint, size
        self._users = users  # userId references point into the same tenant's users
        self._inserted = 0
        # inserted records start on a fresh minute, strictly after every base record
        self._insert_origin = -(-size // PER_MINUTE) * PER_MINUTE
        self._stride = _STRIDE[endpoint]
        self._epoch = _EPOCH[endpoint]
        self._hotspots = [
            hashlib.sha256(f"{seed}:{tenant}:hotspot:{k}".encode()).hexdigest()[:32] for k in range(_HOTSPOTS)
        ]
        self._build: Callable[[bytes, int], Record] = getattr(self, f"_make_{endpoint}")

    def __len__(self) -> int:
        return self.base_size + self._inserted

    def insert(self, n: int) -> None:
        if n < 0:
            raise ValueError("cannot insert a negative number of records")
        self._inserted += n

    def reset(self) -> None:
        self._inserted = 0

    def digest_at(self, position: int) -> tuple[bytes, int]:
        """The digest of the record at ``position`` and its minute number."""
        v = position if position < self.base_size else self._insert_origin + position - self.base_size
        minute, slot = divmod(v, PER_MINUTE)
        return _group(self.seed, self.tenant, self.endpoint, minute)[slot], minute

    def id_at(self, position: int) -> str:
        return self.digest_at(position)[0][:16].hex()

    def record_at(self, position: int) -> Record:
        digest, minute = self.digest_at(position)
        return self._build(digest, self._epoch + minute * self._stride * 60)

    def slice(self, start: int, stop: int) -> list[Record]:
        """Records at positions ``start`` to ``stop`` (exclusive), clamped to the collection."""
        stop = min(stop, len(self))
        return [self.record_at(p) for p in range(max(start, 0), stop)]

    def _user_id(self, d: bytes) -> str:
        assert self._users is not None
        return self._users.id_at(_u32(d) % self._users.base_size)

    def _hotspot(self, d: bytes) -> str:
        return self._hotspots[d[0] % _HOTSPOTS]

    def _make_users(self, d: bytes, at: int) -> Record:
        first, last = _FIRST[d[16] % len(_FIRST)], _LAST[d[17] % len(_LAST)]
        username = f"{first.lower()}.{last.lower()}{d[18]}"
        return {
            "id": d[:16].hex(),
            "firstName": first,
            "lastName": last,
            "email": f"{username}@example.com",
            "username": username,
            "personalId": f"{_u32(d[19:23]) % 10**8:08d}",
            "gender": "M" if d[23] & 1 else "F",
            "birthDate": f"{1950 + d[24] % 55}-{1 + d[25] % 12:02d}-{1 + d[26] % 28:02d}",
            "deleted": is_deleted(d),
            "created": _stamp(at),
        }

    def _make_visits(self, d: bytes, at: int) -> Record:
        return {
            "id": d[:16].hex(),
            "userId": self._user_id(d[16:20]),
            "hotspotId": self._hotspot(d[20:]),
            "startAt": _stamp(at),
            "endAt": _stamp(at + (5 + d[21] % 240) * 60),
        }

    def _make_connections(self, d: bytes, at: int) -> Record:
        minutes = 1 + d[22] % 180
        return {
            "id": d[:16].hex(),
            "userId": self._user_id(d[16:20]),
            "mac": _mac(d[24:30]),
            "hotspotId": self._hotspot(d[20:]),
            "start": _stamp(at),
            "stop": _stamp(at + minutes * 60),
            "sessionTime": minutes * 60,
            "bytesDown": _u32(d[30:34]) % 2_000_000_000,
            "bytesUp": _u32(d[34:38]) % 500_000_000,
        }

    def _make_auth_error_logs(self, d: bytes, at: int) -> Record:
        return {
            "id": d[:16].hex(),
            "mac": _mac(d[24:30]),
            "hotspotId": self._hotspot(d[20:]),
            "timestamp": _stamp(at),
            "reason": _REASONS[d[16] % len(_REASONS)],
        }

    def _make_auth_results(self, d: bytes, at: int) -> Record:
        return {
            "id": d[:16].hex(),
            "mac": _mac(d[24:30]),
            "hotspotId": self._hotspot(d[20:]),
            "timestamp": _stamp(at),
            "result": "reject" if d[16] < 40 else "accept",
            "method": _METHODS[d[17] % len(_METHODS)],
        }


class UserIndex:
    """Positions of deleted/live users and an id lookup, built on first use and grown on insert."""

    def __init__(self, users: Collection) -> None:
        self._users = users
        self._lock = threading.Lock()
        self._scanned = 0
        self._by_id: dict[str, int] = {}
        self._positions: dict[bool, list[int]] = {True: [], False: []}

    def _scan(self) -> None:
        with self._lock:
            for p in range(self._scanned, len(self._users)):
                digest, _ = self._users.digest_at(p)
                self._by_id[digest[:16].hex()] = p
                self._positions[is_deleted(digest)].append(p)
            self._scanned = max(self._scanned, len(self._users))

    def find(self, user_id: str) -> Record | None:
        self._scan()
        p = self._by_id.get(user_id)
        # after a reset, positions past the current end are gone (and come back identical)
        return self._users.record_at(p) if p is not None and p < len(self._users) else None

    def filtered(self, deleted: bool) -> FilteredView:
        self._scan()
        return FilteredView(self._users, self._positions[deleted])


class FilteredView:
    """The users with one ``deleted`` value, as a collection (``len()`` and ``slice()``)."""

    def __init__(self, users: Collection, positions: list[int]) -> None:
        self._users = users
        self._positions = positions[: bisect.bisect_left(positions, len(users))]

    def __len__(self) -> int:
        return len(self._positions)

    def slice(self, start: int, stop: int) -> list[Record]:
        return [self._users.record_at(p) for p in self._positions[max(start, 0) : max(stop, 0)]]


class Dataset:
    """Every tenant's collections; ``insert`` is the in-process admin hook."""

    def __init__(self, seed: int, records: int, tenant_names: list[str]) -> None:
        sizes = endpoint_sizes(records)
        self._collections: dict[tuple[str, str], Collection] = {}
        self._user_index: dict[str, UserIndex] = {}
        for tenant in tenant_names:
            users = Collection(seed, tenant, "users", sizes["users"], None)
            self._collections[tenant, "users"] = users
            self._user_index[tenant] = UserIndex(users)
            for name in ENDPOINTS[1:]:
                self._collections[tenant, name] = Collection(seed, tenant, name, sizes[name], users)

    def collection(self, tenant: str, endpoint: str) -> Collection:
        return self._collections[tenant, endpoint]

    def users(self, tenant: str) -> UserIndex:
        return self._user_index[tenant]

    def insert(self, tenant: str, endpoint: str, n: int) -> None:
        name = endpoint.strip("/").removeprefix("troubleshooting/")
        if (tenant, name) not in self._collections:
            raise KeyError(f"no collection {endpoint!r} for tenant {tenant!r}")
        self._collections[tenant, name].insert(n)

    def reset(self) -> None:
        for collection in self._collections.values():
            collection.reset()
