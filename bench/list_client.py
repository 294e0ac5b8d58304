"""One listing of every install token, as a fresh process, for bench/listing.py.

    python -m bench.list_client raw|library URL TOKEN BODY_FILE

raw       one httpx POST of the FleetInstallationTokens document the library sends (BODY_FILE)
          and `json.loads` of the answer: the limit
library   `FleetClient(URL, TOKEN).install_tokens.list()` (the same single request, typed)

Prints the count of tokens; its peak memory goes to stderr (bench/peak_memory.py).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bench.peak_memory import report


async def raw(url: str, token: str, body: bytes) -> int:
    import httpx

    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(
            f"{url}/graphql",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    return len(json.loads(response.content)["data"]["fleetInstallationTokens"])


async def library(url: str, token: str) -> int:
    from logscale_fleet import FleetClient

    async with FleetClient(url, token, timeout=60) as fleet:
        return len(await fleet.install_tokens.list())


def main() -> None:
    variant, url, token, body_file = sys.argv[1:5]
    if variant == "raw":
        count = asyncio.run(raw(url, token, Path(body_file).read_bytes()))
    else:
        count = asyncio.run(library(url, token))
    print(count)
    report()


if __name__ == "__main__":
    main()
