"""A deliberately broken HTTP server on 127.0.0.1 for the hostile-server tests.

Each behaviour is a coroutine that gets the connection once the request has been read.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[asyncio.StreamWriter], Awaitable[None]]

OK_BODY = b'{"data": {"fleetInstallationTokens": []}}'


def head(status: str, content_type: str, extra: str = "") -> bytes:
    return f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\n{extra}\r\n".encode()


async def slow_drip(writer: asyncio.StreamWriter) -> None:
    """Valid headers, then one byte every 0.2 s: never idle long enough for a read timeout."""
    writer.write(head("200 OK", "application/json", f"content-length: {len(OK_BODY)}\r\n"))
    for byte in OK_BODY:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def silent(writer: asyncio.StreamWriter) -> None:
    """Reads the request and never answers."""
    await asyncio.sleep(60)


async def truncated(writer: asyncio.StreamWriter) -> None:
    writer.write(head("200 OK", "application/json", "content-length: 1000\r\n") + OK_BODY[:10])
    await writer.drain()


async def endless(writer: asyncio.StreamWriter) -> None:
    """A chunked body that never ends, as fast as the client reads."""
    writer.write(head("200 OK", "application/json", "transfer-encoding: chunked\r\n"))
    chunk = b" " * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    for _ in range(100_000):  # bounded: 6 GiB at most, the client stops far earlier
        writer.write(frame)
        await writer.drain()


async def wrong_content_type(writer: asyncio.StreamWriter) -> None:
    body = b"<html><body>Welcome to nginx!</body></html>"
    writer.write(head("200 OK", "text/html", f"content-length: {len(body)}\r\n") + body)
    await writer.drain()


async def wrong_shape(writer: asyncio.StreamWriter) -> None:
    body = b'{"data": {"fleetInstallationTokens": {"not": "a list"}}}'
    writer.write(head("200 OK", "application/json", f"content-length: {len(body)}\r\n") + body)
    await writer.drain()


async def errors_without_message(writer: asyncio.StreamWriter) -> None:
    body = b'{"errors": [{"extensions": {"code": "X"}}, {}]}'
    writer.write(head("200 OK", "application/json", f"content-length: {len(body)}\r\n") + body)
    await writer.drain()


async def garbage_status_line(writer: asyncio.StreamWriter) -> None:
    writer.write(b"SPDY/9 what\r\n\r\n")
    await writer.drain()


def _content_length(request_head: bytes) -> int:
    for line in request_head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            return int(value.strip())
    return 0


@contextmanager
def hostile_server(behaviour: Behaviour, heads: list[bytes] | None = None) -> Iterator[str]:
    """Serve `behaviour` on 127.0.0.1 (port 0) in a thread; yields the base URL. Each request's
    head (request line and headers) is appended to `heads` when given."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    address: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_head = await reader.readuntil(b"\r\n\r\n")
            if heads is not None:
                heads.append(request_head)
            # Read the body too: closing a socket with unread input sends a reset, which can
            # destroy an answer the client has not read yet.
            await reader.readexactly(_content_length(request_head))
            await behaviour(writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def start() -> asyncio.base_events.Server:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        address.append(f"http://127.0.0.1:{port}")
        ready.set()
        return server

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(start())
        loop.run_forever()
        server.close()
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(5)
    try:
        yield address[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
