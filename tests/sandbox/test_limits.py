"""The served sandbox bounds slow clients: they are closed, and normal requests still succeed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from logscale_fleet.sandbox.server import ServerLimits, ThreadedSandbox

SLOW_CLIENTS = 200
# The server's read deadline in these tests; the sockets wait up to this long for it.
READ_TIMEOUT = 0.5
SOCKET_WAIT = 15.0
QUERY = {"query": "{ defaultFleetInstallationToken { name } }"}


@pytest.fixture
def limited() -> Iterator[ThreadedSandbox]:
    with ThreadedSandbox(limits=ServerLimits(read_timeout=READ_TIMEOUT)) as sandbox:
        yield sandbox


def _connect(sandbox: ThreadedSandbox, first_bytes: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", sandbox.port), timeout=SOCKET_WAIT)
    if first_bytes:
        sock.sendall(first_bytes)
    return sock


def _answer_then_close(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; raises socket.timeout if it never does."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def _one_response(sock: socket.socket) -> bytes:
    """One whole response with a Content-Length, read off a kept-alive connection."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(4096)
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(4096)
    return head + b"\r\n\r\n" + body


def _normal_request(sandbox: ThreadedSandbox) -> httpx.Response:
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    return httpx.post(sandbox.graphql_url, json=QUERY, headers=headers, timeout=SOCKET_WAIT)


def test_slow_clients_are_closed_and_a_normal_request_still_succeeds(
    limited: ThreadedSandbox,
) -> None:
    # Three kinds of slow: silent after connecting, headers never finished, body never sent.
    starts = [
        b"",
        b"POST /graphql HTTP/1.1\r\nHost: sandbox\r\nX-Slow: ",
        b"POST /graphql HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 100\r\n\r\n{",
    ]
    with ExitStack() as stack:
        slow = [
            stack.enter_context(_connect(limited, starts[i % len(starts)]))
            for i in range(SLOW_CLIENTS)
        ]

        normal = _normal_request(limited)
        answers = [_answer_then_close(sock) for sock in slow]

    assert normal.status_code == 200
    assert normal.json()["data"]["defaultFleetInstallationToken"]["name"] == "default"
    # Each was closed by the server (recv saw EOF, no socket timeout); those that had not
    # been answered got a 408 first.
    timed_out = [a for a in answers if a.startswith(b"HTTP/1.1 408 ")]
    assert len(answers) == SLOW_CLIENTS
    assert len(timed_out) >= SLOW_CLIENTS * 2 // 3


def test_a_kept_alive_connection_that_dribbles_its_next_request_is_closed(
    limited: ThreadedSandbox,
) -> None:
    body = b'{"query": "{ defaultFleetInstallationToken { name } }"}'
    request = (
        b"POST /graphql HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer "
        + limited.token.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    with _connect(limited, request) as sock:
        first = _one_response(sock)
        sock.sendall(b"POST /graphql HTTP/1.1\r\n")  # and nothing more
        rest = _answer_then_close(sock)

    assert first.startswith(b"HTTP/1.1 200 ")
    assert rest.startswith(b"HTTP/1.1 408 ")


def test_connections_beyond_the_limit_are_closed_at_once() -> None:
    limits = ServerLimits(max_connections=10, read_timeout=30.0)
    with ThreadedSandbox(limits=limits) as sandbox, ExitStack() as stack:
        held = [stack.enter_context(_connect(sandbox, b"")) for _ in range(10)]
        extra = stack.enter_context(_connect(sandbox, b""))

        # Closed without an answer, long before the 30 s read deadline.
        assert _answer_then_close(extra) == b""
        for sock in held:
            sock.close()
        # Slots free again: a normal request gets through.
        assert _normal_request(sandbox).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [{"max_connections": 0}, {"max_requests": 0}, {"read_timeout": 0}, {"max_header_bytes": 10}],
)
def test_nonsense_limits_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        ServerLimits(**kwargs)  # type: ignore[arg-type]
