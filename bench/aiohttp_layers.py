"""Where the aiohttp path's per-call time goes: raw aiohttp, then one layer added per row.

    uv run python -m bench.aiohttp_layers [--calls 400] [--rounds 30] [--concurrency 50]

Against bench/fixed_server.py in its own process. Many short rounds, the rows interleaved and
rotating, medians: on a machine whose speed drifts (a shared VM) the paired short rounds keep
the differences between rows meaningful where long rounds do not. Each row adds one layer:

  raw                 aiohttp session.post + json.loads (bench/percall.py's limit)
  raw + model         ... + the generated pydantic model validated from the answer
  adapter + model     the same through logscale_fleet._core.aiohttp (size cap, error mapping)
  generated client    the generated Client's method over that adapter (body, headers, checks)
  FleetClient's generated client   the same through FleetClient's own adapter, with its
                      request headers (the debug-logging subclass only runs under DEBUG)
  executor.run        + the operation registry, the retry loop, error mapping (the attempt's
                      deadline is aiohttp's own total timer, set on the adapter's session)
  install_tokens.create   + the input checks: what users call
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bench.common import child_server, median, run_main, table
from bench.percall import record_request, run
from logscale_fleet import FleetClient
from logscale_fleet._core.aiohttp import AiohttpClient
from logscale_fleet.settings import Timeouts
from logscale_graphql.client import Client
from logscale_graphql.create_fleet_install_token import CreateFleetInstallToken


async def measure(calls: int, rounds: int, concurrency: int) -> list[str]:
    with child_server("bench.fixed_server") as server:
        base_url = f"http://127.0.0.1:{int(server.first_line)}"
        request = await record_request(base_url)
        url, body, headers = request.url, request.body, request.headers
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        adapter = AiohttpClient(timeouts=Timeouts.of(30), verify=False, max_connections=100)
        generated = Client(url, adapter)
        fleet = FleetClient(base_url, "bench", http_backend="aiohttp")
        executor = fleet._executor  # the layers are the point here
        try:

            async def raw() -> Any:
                async with session.post(url, data=body, headers=headers) as response:
                    response.raise_for_status()
                    return json.loads(await response.read())

            async def raw_model() -> Any:
                async with session.post(url, data=body, headers=headers) as response:
                    response.raise_for_status()
                    answer = json.loads(await response.read())
                return CreateFleetInstallToken.model_validate(answer["data"])

            async def adapter_model() -> Any:
                response = await adapter.post(url, content=body, headers=headers)
                return CreateFleetInstallToken.model_validate(json.loads(response.content)["data"])

            variants: dict[str, Callable[[], Awaitable[Any]]] = {
                "raw aiohttp POST + json.loads": raw,
                "+ the generated model": raw_model,
                "through the aiohttp adapter": adapter_model,
                "generated client over the adapter": lambda: generated.create_fleet_install_token(
                    name="x", headers=executor.headers
                ),
                "FleetClient's generated client": lambda: (
                    executor.client.create_fleet_install_token(name="x", headers=executor.headers)
                ),
                "+ executor.run": lambda: executor.run("CreateFleetInstallToken", name="x"),
                "+ install_tokens.create": lambda: fleet.install_tokens.create("x"),
            }
            micros: dict[str, list[float]] = {name: [] for name in variants}
            names = list(variants)
            for round_no in range(rounds + 1):  # round 0 warms up
                shift = round_no % len(names)
                for name in names[shift:] + names[:shift]:
                    result = await run(variants[name], calls, concurrency, None)
                    if round_no:
                        micros[name].append(result.wall / calls * 1e6)
        finally:
            await session.close()
            await adapter.aclose()
            await fleet.aclose()
    medians = {name: median(values) for name, values in micros.items()}
    base = medians[names[0]]
    rows, previous = [], base
    for name, value in medians.items():
        rows.append([name, f"{value:.1f}", f"{value - previous:+.1f}", f"{value / base:.2f}x"])
        previous = value
    return [
        f"aiohttp path per call, concurrency {concurrency}: median of {rounds} rounds of "
        f"{calls} calls, rows interleaved",
        "",
        *table(["layer", "µs per call", "vs row above", "vs raw"], rows),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=400, help="calls per round (400)")
    parser.add_argument("--rounds", type=int, default=30, help="rounds (30)")
    parser.add_argument("--concurrency", type=int, default=50, help="calls in flight (50)")
    args = parser.parse_args()
    print("\n".join(asyncio.run(measure(args.calls, args.rounds, args.concurrency))))


if __name__ == "__main__":
    run_main(main)
