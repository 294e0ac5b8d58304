"""Per-call cost of FleetClient.create_install_token against raw HTTP, on loopback.

    uv run python -m bench.percall [--calls 2000] [--concurrency 50] [--rounds 5]

One fixed-response server (bench/fixed_server.py) in its own process; variants interleaved in
rounds; medians of per-round wall time reported, with ratios against raw httpx and raw aiohttp
measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx

from logscale_fleet import FleetClient
from logscale_graphql import Client

QUERY = (
    "mutation CreateFleetInstallToken($name: String!) "
    "{ createFleetInstallToken(name: $name) { name token } }"
)
HEADERS = {"Authorization": "Bearer bench", "Content-Type": "application/json"}

Call = Callable[[], Awaitable[Any]]


async def run(call: Call, calls: int, concurrency: int) -> float:
    started = time.perf_counter()
    if concurrency == 1:
        for _ in range(calls):
            await call()
    else:
        remaining = calls

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await call()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def variants(url: str) -> dict[str, tuple[Call, Callable[[], Awaitable[None]]]]:
    body = json.dumps({"query": QUERY, "variables": {"name": "x"}}).encode()
    raw_httpx = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100))
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
    generated = Client(f"{url}/graphql", httpx.AsyncClient(timeout=30, headers=HEADERS))
    fleet = FleetClient(url, "bench")
    fleet_fast = FleetClient(url, "bench", http_backend="aiohttp")

    async def raw_httpx_call() -> Any:
        response = await raw_httpx.post(f"{url}/graphql", content=body, headers=HEADERS)
        return response.json()

    async def raw_aiohttp_call() -> Any:
        async with session.post(f"{url}/graphql", data=body, headers=HEADERS) as response:
            return json.loads(await response.read())

    return {
        "raw httpx": (raw_httpx_call, raw_httpx.aclose),
        "raw aiohttp": (raw_aiohttp_call, session.close),
        "generated client (httpx)": (
            lambda: generated.create_fleet_install_token(name="x"),
            generated.http_client.aclose,
        ),
        "FleetClient (httpx)": (lambda: fleet.create_install_token("x"), fleet.aclose),
        "FleetClient (aiohttp)": (lambda: fleet_fast.create_install_token("x"), fleet_fast.aclose),
    }


async def bench(url: str, calls: int, concurrency: int, rounds: int) -> dict[str, float]:
    chosen = await variants(url)
    timings: dict[str, list[float]] = {name: [] for name in chosen}
    for call, _ in chosen.values():  # warm up connections and caches
        await run(call, 50, min(concurrency, 10))
    for _ in range(rounds):
        for name, (call, _) in chosen.items():
            timings[name].append(await run(call, calls, concurrency))
    for _, close in chosen.values():
        await close()
    return {name: statistics.median(values) / calls * 1e6 for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 50])
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fixed_server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        for concurrency in args.concurrency:
            results = asyncio.run(bench(url, args.calls, concurrency, args.rounds))
            print(
                f"\nconcurrency {concurrency}: {args.calls} calls x {args.rounds} rounds, "
                "median µs/call"
            )
            for name, micros in results.items():
                print(
                    f"  {name:28} {micros:8.1f} µs   x{micros / results['raw httpx']:.2f} raw httpx"
                    f"   x{micros / results['raw aiohttp']:.2f} raw aiohttp"
                )
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
