"""The fault proxy itself: asyncio streams on loopback, the target reached through httpx.

It stands between the suite and a target (the embedded mock, a served mock, anything) so tests
and users can see how the suite behaves on a flaky network: no false failure, only GETs, the
rate limit kept. It records what it received (time, method, path; never the query, which
carries credentials) and refuses anything but GET with a 405, so nothing else reaches the target.
Written on asyncio streams rather than an ASGI server because a reset needs the raw socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import struct
import threading
import time
from types import TracebackType
from typing import TextIO
from urllib.parse import urlsplit

import httpx

from conformance.errors import ConfigError
from conformance.faultproxy.faults import Decide, Seen

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"}
)
REASONS = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
_MAX_HEAD = 64 * 1024


class FaultProxy:
    """The proxy, served from a background thread for the duration of a ``with`` block."""

    def __init__(
        self,
        upstream: str,
        decide: Decide | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        retry_after: float | None = 1.0,
        slow_seconds: float = 1.0,
        tls: ssl.SSLContext | None = None,
        upstream_verify: ssl.SSLContext | bool = True,
        log: TextIO | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"--upstream must be an http(s) URL, got {upstream!r}")
        self.upstream_origin = f"{parts.scheme}://{parts.netloc}"
        self.upstream_path = parts.path.rstrip("/")
        self.decide: Decide = decide or (lambda seen: None)
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.seen: list[Seen] = []
        self._host, self._port = host, port
        self._tls = tls
        self._upstream_verify = upstream_verify
        self._log = log
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.base_url = ""

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> FaultProxy:
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="c4w-fault-proxy", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._start(), loop).result(timeout=10)
        except OSError as exc:
            self.__exit__(None, None, None)
            raise ConfigError(f"cannot listen on {self._host}:{self._port}: {exc.strerror or exc}") from None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        loop.close()

    def serve_forever(self) -> None:
        """For the CLI, inside the ``with`` block: serve until interrupted (KeyboardInterrupt)."""
        while self._thread is not None and self._thread.is_alive():
            time.sleep(0.5)

    async def _start(self) -> None:
        self._client = httpx.AsyncClient(verify=self._upstream_verify, timeout=60.0, follow_redirects=False)
        self._server = await asyncio.start_server(self._connection, self._host, self._port, ssl=self._tls)
        host, port = self._server.sockets[0].getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        scheme = "https" if self._tls else "http"
        self.base_url = f"{scheme}://{shown}:{port}{self.upstream_path}"

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):  # open connections: end them before the loop closes
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
        if self._client is not None:
            await self._client.aclose()

    # -- requests -------------------------------------------------------------------------

    def methods(self) -> set[str]:
        with self._lock:
            return {seen.method for seen in self.seen}

    def arrivals(self) -> list[float]:
        with self._lock:
            return [seen.at for seen in self.seen]

    def faults(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._lock:
            for seen in self.seen:
                if seen.fault:
                    counts[seen.fault] = counts.get(seen.fault, 0) + 1
        return counts

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        try:
            while await self._exchange(reader, writer):
                pass
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError):
            pass  # the client went away, or sent something that is not HTTP: drop the connection
        except ValueError:
            pass  # a malformed request head (e.g. a content-length that is not a number)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection is to be closed."""
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > _MAX_HEAD:
            return False
        line, *header_lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        method, target, _version = [*line.split(" ", 2), "", ""][:3]
        headers = [_header(item) for item in header_lines if ":" in item]
        length = next((int(value) for name, value in headers if name.lower() == "content-length"), 0)
        if length:
            await reader.readexactly(length)
        keep_alive = not any(n.lower() == "connection" and v.lower() == "close" for n, v in headers)
        seen = self._record(method, target)
        try:
            return await self._answer(seen, target, headers, writer) and keep_alive
        finally:
            self._write_log(seen)

    async def _answer(
        self, seen: Seen, target: str, headers: list[tuple[str, str]], writer: asyncio.StreamWriter
    ) -> bool:
        if seen.method != "GET":
            seen.fault, seen.status = "refused", 405
            await self._reply(writer, 405, _error_body(405, "the fault proxy passes only GET"))
            return False
        fault = self.decide(seen)
        seen.fault = fault.kind if fault else ""
        if fault is not None and fault.status is not None:
            seen.status = fault.status
            await self._reply(
                writer, fault.status, _error_body(fault.status), self._fault_headers(fault.status)
            )
            return True
        if fault is not None and fault.kind == "reset":
            _reset(writer)
            return False
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(self.slow_seconds)
        status, response_headers, body = await self._forward(target, headers)
        if fault is not None and fault.kind == "reset_after":
            _reset(writer)
            return False
        seen.status = status
        await self._reply(writer, status, body, response_headers)
        return True

    def _record(self, method: str, target: str) -> Seen:
        with self._lock:
            seen = Seen(len(self.seen), time.monotonic(), method, target.split("?", 1)[0])
            self.seen.append(seen)
        return seen

    def _fault_headers(self, status: int) -> list[tuple[str, str]]:
        if status in (429, 503) and self.retry_after is not None:
            return [("retry-after", f"{self.retry_after:g}")]
        return []

    async def _forward(
        self, target: str, headers: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self._client is not None
        upstream_headers = [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP]
        request = self._client.build_request("GET", self.upstream_origin + target, headers=upstream_headers)
        try:
            response = await self._client.send(request, stream=True)
            try:
                body = b"".join([chunk async for chunk in response.aiter_raw()])
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            return 502, [], _error_body(502, f"upstream: {type(exc).__name__}")
        kept = [(n, v) for n, v in response.headers.multi_items() if n.lower() not in HOP_BY_HOP]
        return response.status_code, kept, body

    async def _reply(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        body: bytes,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        reason = REASONS.get(status, "Proxied")
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{n}: {v}" for n, v in headers or [])]
        if not any(n.lower() == "content-type" for n, _ in headers or []):
            lines.append("content-type: application/json")
        lines.append(f"content-length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()

    def _write_log(self, seen: Seen) -> None:
        if self._log is None:
            return
        entry = {"i": seen.index, "t": round(seen.at, 4), "method": seen.method, "path": seen.path}
        entry.update({"fault": seen.fault, "status": seen.status})
        self._log.write(json.dumps(entry) + "\n")
        self._log.flush()


def _error_body(status: int, message: str = "injected by the c4w-conformance fault proxy") -> bytes:
    return json.dumps({"status": "error", "code": status, "message": message}).encode()


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip(), value.strip()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with SO_LINGER 0: the peer sees a TCP reset, not an orderly end."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
