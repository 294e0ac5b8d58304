"""Run one call against the gzip bomb in a fresh process and print the RSS it cost, as JSON.

`python -m tests.reliability.decoded_cap_probe BACKEND chunked|declared` (from the repo root).
A separate process, so the peak RSS it reports belongs to this one call and nothing else.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys

from logscale_fleet import FleetClient, LogScaleError
from tests.reliability.gzip_bomb import gzip_bomb, sends_bomb
from tests.reliability.hostile_server import hostile_server


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


async def probe(url: str, backend: str) -> dict[str, object]:
    async with FleetClient(url, "t", timeout=20, max_retries=0, http_backend=backend) as fleet:  # type: ignore[arg-type]
        before = peak_rss_bytes()
        try:
            await fleet.install_tokens.list()
            outcome: dict[str, object] = {"error": None}
        except LogScaleError as exc:
            outcome = {"error": type(exc).__name__, "message": str(exc)}
        outcome["rss_growth"] = peak_rss_bytes() - before
        return outcome


def main() -> None:
    backend, framing = sys.argv[1], sys.argv[2]
    gzip_bomb()  # built before the baseline is taken
    with hostile_server(sends_bomb(chunked=framing == "chunked")) as url:
        print(json.dumps(asyncio.run(probe(url, backend))))


if __name__ == "__main__":
    main()
