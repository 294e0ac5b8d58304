"""The 64 MiB answer cap counts decoded bytes: a 2 MB gzip body that inflates to 2 GiB fails
with InvalidResponseError on both wire paths, for a declared length and a chunked body, and the
call's peak RSS growth stays far below what inflating it would take."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.reliability.gzip_bomb import gzip_bomb

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024


def test_the_bomb_is_small_on_the_wire_and_huge_inflated() -> None:
    body = gzip_bomb()
    assert len(body) < 3 * MiB
    # Its first 64 KiB alone inflate to more than 32 MiB (the whole body: 2 GiB).
    assert len(zlib.decompressobj(31).decompress(body[:65536])) > 32 * MiB


@pytest.mark.parametrize("framing", ["declared", "chunked"])
@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
def test_a_gzip_bomb_stops_at_the_decoded_cap(backend: str, framing: str) -> None:
    probe = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.reliability.decoded_cap_probe", backend, framing],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    outcome = json.loads(probe.stdout.strip().splitlines()[-1])
    assert outcome["error"] == "InvalidResponseError", outcome
    assert "larger than 64 MiB" in outcome["message"]
    assert outcome["rss_growth"] < 200 * MiB, outcome
