"""What a served sandbox lets one client hold: connections, time to send a request, header size.

uvicorn bounds requests in flight (`limit_concurrency`, answered 503), idle keep-alive
connections (`timeout_keep_alive`) and the size of an incomplete header block
(`h11_max_incomplete_event_size`), but not how long a client may take to send a request: a
connection that sends nothing, or dribbles its headers or body a byte at a time, stays open
forever (the first release kept 3,000 of them). `guarded_protocol()` adds that bound and a
hard connection limit on top of uvicorn's h11 protocol:

- a request (headers and body) must arrive within `read_timeout` seconds of its first byte,
  or of the connection opening; otherwise the server answers 408 if it has not started a
  response, and closes the connection;
- beyond `max_connections` open connections a new one is closed at once, before it is read,
  so slow clients cannot take the process's file descriptors.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ServerLimits", "guarded_protocol"]


@dataclass(frozen=True)
class ServerLimits:
    """The bounds `sandbox serve` and `ThreadedSandbox` apply (defaults as documented)."""

    max_connections: int = 1_000
    # Requests being handled at once; more get HTTP 503 from uvicorn.
    max_requests: int = 1_000
    read_timeout: float = 10.0
    keep_alive: int = 5
    max_header_bytes: int = 16 * 1024

    def __post_init__(self) -> None:
        if self.max_connections < 1 or self.max_requests < 1:
            raise ValueError("connection and request limits must be at least 1")
        if self.read_timeout <= 0 or self.keep_alive < 0 or self.max_header_bytes < 1024:
            raise ValueError("read_timeout must be > 0, keep_alive >= 0, headers >= 1024 bytes")

    def uvicorn_options(self) -> dict[str, Any]:
        return {
            "limit_concurrency": self.max_requests,
            "timeout_keep_alive": self.keep_alive,
            "h11_max_incomplete_event_size": self.max_header_bytes,
        }


def _timeout_response() -> bytes:
    body = b"request not received in time\n"
    head = (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
    )
    return head + body


def guarded_protocol(limits: ServerLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a request read deadline and a connection limit."""

    class GuardedH11Protocol(H11Protocol):
        _read_deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                transport.abort()
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._read_deadline is None and self.conn.their_state is h11.IDLE:
                # The first bytes of a further request on a kept-alive connection.
                self._arm()
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE and self.conn.their_state is not (
                h11.SEND_BODY
            ):
                # Headers and body are in (DONE), or the connection is ending: no deadline.
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._read_deadline = self.loop.call_later(limits.read_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._read_deadline is not None:
                self._read_deadline.cancel()
                self._read_deadline = None

        def _too_slow(self) -> None:
            self._read_deadline = None
            if self.transport.is_closing():
                return
            if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                # No response begun on this cycle: the client may read why it was cut off.
                self.transport.write(_timeout_response())
            self.transport.close()

    return GuardedH11Protocol
