"""Serving the mock over real HTTP: in a background thread for the suite, in the foreground for the CLI.

The socket is bound before uvicorn starts, so a busy port is our one-line ``ConfigError`` and not
uvicorn's ``sys.exit(1)``, and port 0 gives an ephemeral port we know before the first request.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from conformance.errors import ConfigError
from conformance.mock.app import create_app, state_of
from conformance.mock.clock import Clock, MonotonicClock, VirtualClock
from conformance.mock.state import MockConfig, MockState
from conformance.mock.tenants import Tenant

_START_TIMEOUT = 10.0


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: any free port), or a one-line ConfigError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _name, address = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _server(app: Starlette) -> uvicorn.Server:
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
    )
    return uvicorn.Server(config)


def serve(config: MockConfig, sock: socket.socket) -> None:
    """Serve on an already bound socket until interrupted, on real (monotonic) time."""
    _server(create_app(config, MonotonicClock())).run(sockets=[sock])


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/v2" if ":" in host else f"http://{host}:{port}/v2"


class EmbeddedMock:
    """A real HTTP mock on loopback for the duration of a ``with`` block.

    ``clock`` is a ``VirtualClock`` unless given, so TTL checks ``advance()`` it instead of waiting.
    """

    def __init__(
        self,
        config: MockConfig | None = None,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.config = config or MockConfig()
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.app = create_app(self.config, self.clock)
        self.state: MockState = state_of(self.app)
        self._host, self._port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    @property
    def tenants(self) -> list[Tenant]:
        return self.state.tenants

    def __enter__(self) -> EmbeddedMock:
        sock = bind_socket(self._host, self._port)
        self.base_url = base_url(sock)
        server = self._server = _server(self.app)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="c4w-mock", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the embedded mock did not start")
            time.sleep(0.005)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
