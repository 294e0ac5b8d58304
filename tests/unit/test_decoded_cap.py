"""The httpx response hook inflates a compressed body in small steps, so even one large wire
chunk of a gzip bomb never becomes one huge decoded buffer before the cap stops it."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator

import httpx
import pytest

from logscale_fleet._core.http import _cap_response_size
from logscale_fleet._core.limits import ResponseTooLargeError
from tests.reliability.gzip_bomb import gzip_bomb

MiB = 1024 * 1024


class OneChunk(httpx.AsyncByteStream):
    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data


async def test_one_big_compressed_chunk_is_inflated_in_small_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("logscale_fleet._core.http.MAX_RESPONSE_BYTES", 8 * MiB)
    # 256 KiB of the bomb inflate to about 256 MiB if decoded in one step.
    response = httpx.Response(
        200, headers={"content-encoding": "gzip"}, stream=OneChunk(gzip_bomb()[: 256 * 1024])
    )
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            await _cap_response_size(response)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * MiB


async def test_a_body_under_the_cap_is_decoded_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    body = b'{"data": {}}' * 1000
    response = httpx.Response(
        200, headers={"content-encoding": "gzip"}, stream=OneChunk(gzip.compress(body))
    )
    await _cap_response_size(response)
    assert await response.aread() == body
