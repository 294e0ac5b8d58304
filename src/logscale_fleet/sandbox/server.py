"""Serve the sandbox over HTTP with uvicorn: `serve` blocks (the CLI), `ThreadedSandbox` runs in a
background thread (tests, the pytest plugin).

Both bind the listening socket themselves before uvicorn starts, so the real port (for port 0) is
known at once and the URL can be printed before the first request arrives; connections made in
between wait in the socket's backlog.

Public API:

    serve(*, host="127.0.0.1", port=8080, db=":memory:", token, faults=(), seed=0,
          max_body_bytes=DEFAULT_MAX_BODY_BYTES, on_ready=None, certfile=None, keyfile=None,
          limits=ServerLimits())
        -> None   (certfile + keyfile: serve HTTPS; limits: connections, read deadline ...)
    ThreadedSandbox(*, db=":memory:", token=None, faults=(), seed=0, host="127.0.0.1", port=0,
                    certfile=None, keyfile=None,
                    max_body_bytes=DEFAULT_MAX_BODY_BYTES, limits=ServerLimits())
        .start(timeout=10.0) -> ThreadedSandbox   (also `with ThreadedSandbox() as sandbox:`)
        .stop(timeout=5.0) -> None
        .url  .graphql_url  .port  .token  .store  .faults
        .reset()  .set_faults(rules, *, seed=None)  .clear_faults()  .fault_counts()
    generate_token() -> str
    bind_socket(host, port) -> socket.socket
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

import uvicorn

from logscale_fleet.sandbox.app import DEFAULT_MAX_BODY_BYTES, SandboxApp, generate_token
from logscale_fleet.sandbox.faults import ConnectionDropped, FaultInjector, FaultRule
from logscale_fleet.sandbox.limits import ServerLimits, guarded_protocol
from logscale_fleet.sandbox.store import MEMORY, SandboxStore

__all__ = ["ServerLimits", "ThreadedSandbox", "bind_socket", "generate_token", "serve"]

# Connections waiting to be accepted; as many as a burst of the clients the limits admit.
BACKLOG = 1024


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; raises OSError (address in use, unknown host ...)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _url(sock: socket.socket, tls: bool = False) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if tls else 'http'}://{host}:{port}"


class _DropFilter(logging.Filter):
    """A deliberately dropped connection is a fault we injected, not an application error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


_DROP_FILTER = _DropFilter()


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the owner decides how the server stops."""

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        pass

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # uvicorn >= 0.29
        yield


def _server(
    app: SandboxApp,
    *,
    log_level: str,
    configure_logging: bool,
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    limits: ServerLimits,
) -> _Server:
    logging.getLogger("uvicorn.error").addFilter(_DROP_FILTER)
    kwargs: dict[str, object] = {} if configure_logging else {"log_config": None}
    if certfile is not None:
        # HTTPS, for testing clients' TLS settings (a CA made with trustme, say).
        kwargs["ssl_certfile"] = str(certfile)
        kwargs["ssl_keyfile"] = None if keyfile is None else str(keyfile)
    kwargs.update(limits.uvicorn_options())
    config = uvicorn.Config(
        app,
        # h11 with a read deadline and a connection limit (see limits.py).
        http=guarded_protocol(limits),
        ws="none",
        lifespan="off",
        loop="asyncio",
        # The access log shows request lines only, never headers; it is still noise here.
        access_log=False,
        log_level=log_level,
        server_header=False,
        timeout_graceful_shutdown=2,
        **kwargs,  # type: ignore[arg-type]
    )
    return _Server(config)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    db: str | Path = MEMORY,
    token: str,
    faults: Iterable[FaultRule] = (),
    seed: int = 0,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    on_ready: Callable[[str], None] | None = None,
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    limits: ServerLimits | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then return normally.

    `on_ready(url)` runs once the socket listens, before serving starts. Raises OSError when the
    address cannot be bound and `SandboxStateError` when `db` is unusable.
    """
    store = SandboxStore(db)
    try:
        app = SandboxApp(
            store, token, faults=FaultInjector(faults, seed=seed), max_body_bytes=max_body_bytes
        )
        sock = bind_socket(host, port)
        try:
            server = _server(
                app,
                log_level="warning",
                configure_logging=True,
                certfile=certfile,
                keyfile=keyfile,
                limits=limits or ServerLimits(),
            )
            if on_ready is not None:
                on_ready(_url(sock, tls=certfile is not None))
            asyncio.run(_serve_until_signal(server, sock))
        finally:
            sock.close()
    finally:
        store.close()


async def _serve_until_signal(server: _Server, sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()

    def request_exit(*_: object) -> None:
        # A second signal stops waiting for open requests.
        if server.should_exit:
            server.force_exit = True
        server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, request_exit)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            signal.signal(sig, request_exit)
    try:
        await server.serve(sockets=[sock])
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


class ThreadedSandbox:
    """The sandbox served on a background thread; a context manager that stops it on exit.

    Control calls (`reset`, `set_faults` ...) act on the shared state directly, not over HTTP.
    The thread is a daemon, so a forgotten `stop()` cannot keep the interpreter alive.
    """

    def __init__(
        self,
        *,
        db: str | Path = MEMORY,
        token: str | None = None,
        faults: Iterable[FaultRule] = (),
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        certfile: str | Path | None = None,
        keyfile: str | Path | None = None,
        limits: ServerLimits | None = None,
    ) -> None:
        self.token = token or generate_token()
        self.limits = limits or ServerLimits()
        self._certfile = certfile
        self._keyfile = keyfile
        self.store = SandboxStore(db)
        self.faults = FaultInjector(faults, seed=seed)
        self.app = SandboxApp(
            self.store, self.token, faults=self.faults, max_body_bytes=max_body_bytes
        )
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._url: str | None = None
        self._failure: BaseException | None = None

    def __repr__(self) -> str:
        return f"ThreadedSandbox(url={self._url!r}, db={self.store.path!r}, token=***)"

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321 (what LOGSCALE_URL would hold)."""
        if self._url is None:
            raise RuntimeError("the sandbox is not running; call start() or use it as `with`")
        return self._url

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def start(self, timeout: float = 10.0) -> ThreadedSandbox:
        if self._thread is not None:
            raise RuntimeError("a ThreadedSandbox starts once; create a new one")
        self._socket = bind_socket(self._host, self._port)
        self._server = _server(
            self.app,
            log_level="warning",
            configure_logging=False,
            certfile=self._certfile,
            keyfile=self._keyfile,
            limits=self.limits,
        )
        self._thread = threading.Thread(
            target=self._run, name=f"logscale-sandbox-{_url(self._socket)}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start") from self._failure
            time.sleep(0.005)
        self._url = _url(self._socket, tls=self._certfile is not None)
        return self

    def _run(self) -> None:
        assert self._server is not None
        assert self._socket is not None
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # reported by start()
            self._failure = exc

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and close the state; safe to call twice."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._url = None
        self.store.close()

    def __enter__(self) -> ThreadedSandbox:
        return self.start() if self._thread is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self, settle: float = 10.0) -> None:
        """Back to the seeded tokens and configurations (fault rules are kept).

        Waits up to `settle` seconds for requests still being handled (a delayed create a
        client gave up on) so they cannot land after the reset, in the next test.
        """
        self.wait_idle(settle)
        self.store.reset()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no request is being handled; False if some still are after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.app.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.app.in_flight

    def set_faults(self, rules: Iterable[FaultRule | str], *, seed: int | None = None) -> None:
        """Replace the fault rules; strings use the CLI syntax, e.g. "503,times=1"."""
        self.faults.set([FaultRule.parse(r) if isinstance(r, str) else r for r in rules], seed=seed)

    def clear_faults(self) -> None:
        self.faults.clear()

    def fault_counts(self) -> dict[str, object]:
        """What GET /_sandbox/faults returns: rules, injected counts per kind, total, requests."""
        return self.faults.snapshot()
