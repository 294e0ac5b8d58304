"""The floor under `logscale-fleet tokens list`: what any typed async httpx client pays.

    python bench/startup_floor.py        (LOGSCALE_URL and LOGSCALE_TOKEN set)

One `httpx.AsyncClient` POST of a tokens query and one pydantic model validated from the answer:
asyncio, httpx's request machinery (httpcore, h11, anyio) and pydantic's BaseModel, none of which
`import httpx, pydantic` loads (pydantic imports BaseModel lazily). Standalone on purpose (no
`bench` or `logscale_fleet` import), so the start-up part can run it in an installed venv too.
"""

from __future__ import annotations

import asyncio
import os

import httpx
from pydantic import BaseModel

QUERY = '{"query": "{ fleetInstallationTokens { name token } }"}'


class Token(BaseModel):
    name: str
    token: str


async def main() -> int:
    url, token = os.environ["LOGSCALE_URL"], os.environ["LOGSCALE_TOKEN"]
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{url}/graphql",
            content=QUERY,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    response.raise_for_status()
    found = response.json()["data"]["fleetInstallationTokens"]
    return len([Token.model_validate(t) for t in found])


if __name__ == "__main__":
    print(asyncio.run(main()))
