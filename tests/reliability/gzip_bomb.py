"""A 2 MB gzip body that inflates to 2 GiB of zeros, and hostile-server behaviours sending it.

Built from one repeated deflate block (each block ends with a full flush, so every block after
the first compresses to the same bytes): milliseconds instead of compressing 2 GiB. The trailer
is valid, so a client without a decoded-size cap would inflate all of it.
"""

from __future__ import annotations

import asyncio
import functools
import struct
import zlib

from tests.reliability.hostile_server import Behaviour, head

BLOCK = 1 << 20
BLOCKS = 2048
INFLATED = BLOCK * BLOCKS  # 2 GiB
# zlib.crc32 of INFLATED zero bytes (computed once; recomputing takes seconds).
CRC_OF_ZEROS = 0x4DBDF21C


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    zeros = bytes(BLOCK)
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush()[:-8]  # the last (empty) block, without the trailer for 2 MiB
    trailer = struct.pack("<II", CRC_OF_ZEROS, INFLATED & 0xFFFFFFFF)
    return first + repeated * (BLOCKS - 1) + end + trailer


def sends_bomb(*, chunked: bool, encoding: str = "gzip") -> Behaviour:
    """A 200 JSON answer whose body is the bomb, with a declared length or chunked."""

    async def behaviour(writer: asyncio.StreamWriter) -> None:
        body = gzip_bomb()
        framing = (
            "transfer-encoding: chunked\r\n" if chunked else f"content-length: {len(body)}\r\n"
        )
        writer.write(
            head("200 OK", "application/json", f"content-encoding: {encoding}\r\n{framing}")
        )
        step = 65536
        for start in range(0, len(body), step):
            piece = body[start : start + step]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
            await writer.drain()
        if chunked:
            writer.write(b"0\r\n\r\n")
        await writer.drain()

    return behaviour
