"""Fleet as code: `fleet.apply` of N new install tokens vs the fastest raw client, same run.

    uv run --group bench python -m bench.apply_throughput [--sizes 200 1000] [--rounds 3]

The sandbox is served by uvicorn in its own process (bench/sandbox_server.py) with a 20 ms
latency fault on every GraphQL request, standing in for a LogScale a few network hops away.
Per size and round, in turns:

  raw creates   a plain aiohttp script POSTs the same CreateFleetInstallToken document the
                client sends (recorded from it), 16 at a time: the limit for 16 in flight
  raw reads     the same script POSTs the reads a no-op plan sends (FleetInstallationTokens)
  apply         `fleet.apply(plan, concurrency=16)` of N creates (the plan made untimed first)
  no-op plan    `fleet.plan(declaration)` once all N exist: the rerun's cost (nothing to apply)

The server is reset before each timed phase that creates, so every variant sees the same
number of tokens. Medians of the rounds; ratios are engine / raw.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx

from bench.common import Section, child_server, fmt_ratio, machine_lines, median, run_main, table
from logscale_fleet import FleetClient, GraphQLError
from logscale_fleet.reconcile import Declaration

LATENCY = 0.02
CONCURRENCY = 16
TARGET_APPLY = 1.3
TARGET_NOOP = 1.5


@dataclass(frozen=True)
class Recorded:
    create_query: str
    list_body: bytes


async def record_requests() -> Recorded:
    """The exact documents FleetClient sends, captured without a server."""
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"data": None, "errors": [{"message": "recorded"}]})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with FleetClient("http://127.0.0.1:9", "bench-token", http_client=client) as fleet:
        for call in (fleet.install_tokens.create("x"), fleet.install_tokens.list()):
            with contextlib.suppress(GraphQLError):  # the answer is fake; the request is real
                await call
    await client.aclose()
    create, listing = sent
    return Recorded(create["query"], json.dumps(listing).encode())


async def control(session: aiohttp.ClientSession, base: str, path: str, body: Any = None) -> None:
    async with session.post(f"{base}/_sandbox/{path}", json=body) as response:
        response.raise_for_status()


async def raw_creates(
    session: aiohttp.ClientSession, url: str, query: str, names: list[str]
) -> float:
    queue = list(reversed(names))

    async def worker() -> None:
        while queue:
            name = queue.pop()
            body = {
                "query": query,
                "operationName": "CreateFleetInstallToken",
                "variables": {"name": name, "configId": None},
            }
            async with session.post(url, json=body) as response:
                document = json.loads(await response.read())
                assert document["data"]["createFleetInstallToken"]["name"] == name

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - started


async def raw_reads(session: aiohttp.ClientSession, url: str, body: bytes, expect: int) -> float:
    started = time.perf_counter()
    async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
        document = json.loads(await r.read())
    assert len(document["data"]["fleetInstallationTokens"]) == expect
    return time.perf_counter() - started


async def engine_apply(fleet: FleetClient, declaration: Declaration) -> tuple[float, float]:
    plan = await fleet.plan(declaration)
    started = time.perf_counter()
    result = await fleet.apply(plan, concurrency=CONCURRENCY)
    applied = time.perf_counter() - started
    assert result.ok
    assert result.summary()["create"] == len(declaration.tokens)
    started = time.perf_counter()
    again = await fleet.plan(declaration)
    noop = time.perf_counter() - started
    assert again.in_sync
    return applied, noop


async def measure_size(
    base: str, token: str, size: int, rounds: int, recorded: Recorded
) -> dict[str, float]:
    url = f"{base}/graphql"
    headers = {"Authorization": f"Bearer {token}"}
    times: dict[str, list[float]] = {
        "raw creates": [],
        "raw reads": [],
        "apply (aiohttp)": [],
        "no-op plan (aiohttp)": [],
        "apply (httpx)": [],
        "no-op plan (httpx)": [],
    }
    engine_names = [f"host-{i:05d}" for i in range(size)]
    declaration = Declaration.from_mapping({"tokens": [{"name": n} for n in engine_names]})
    async with aiohttp.ClientSession(headers=headers) as session:
        fleets = {
            "aiohttp": FleetClient(base, token, http_backend="aiohttp"),
            "httpx": FleetClient(base, token),
        }
        try:

            async def raw(keep: bool) -> None:
                await control(session, base, "reset")
                created = await raw_creates(session, url, recorded.create_query, engine_names)
                read = await raw_reads(session, url, recorded.list_body, size + 1)
                if keep:
                    times["raw creates"].append(created)
                    times["raw reads"].append(read)

            async def engine(backend: str, keep: bool) -> None:
                await control(session, base, "reset")
                applied, noop = await engine_apply(fleets[backend], declaration)
                if keep:
                    times[f"apply ({backend})"].append(applied)
                    times[f"no-op plan ({backend})"].append(noop)

            variants = ["raw", "aiohttp", "httpx"]
            for round_no in range(rounds + 1):  # round 0 warms up (connections, imports)
                shift = round_no % len(variants)
                for variant in variants[shift:] + variants[:shift]:
                    if variant == "raw":
                        await raw(keep=round_no > 0)
                    else:
                        await engine(variant, keep=round_no > 0)
        finally:
            for fleet in fleets.values():
                await fleet.aclose()
    return {name: median(values) for name, values in times.items()}


async def measure_all(sizes: list[int], rounds: int, progress: Callable[[str], None] | None) -> Any:
    token = secrets.token_hex(24)  # urlsafe ones can start with "-", an option to argparse
    recorded = await record_requests()
    results: dict[int, dict[str, float]] = {}
    with child_server("bench.sandbox_server", token) as server:
        base = server.first_line
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as s:
            rule = {"kind": "latency", "seconds": LATENCY}
            await control(s, base, "faults", {"rules": [rule]})
        for size in sizes:
            results[size] = await measure_size(base, token, size, rounds, recorded)
            if progress:
                progress(f"apply: {size} tokens done")
    return results


def measure(
    *, sizes: list[int], rounds: int, progress: Callable[[str], None] | None = None
) -> Section:
    results: dict[int, dict[str, float]] = asyncio.run(measure_all(sizes, rounds, progress))
    out = Section(f"Fleet as code: apply of new tokens, {LATENCY * 1000:.0f} ms latency")
    rows = []
    for size, figures in results.items():
        raw_create, raw_read = figures["raw creates"], figures["raw reads"]
        for backend in ("aiohttp", "httpx"):
            apply_s, noop_s = figures[f"apply ({backend})"], figures[f"no-op plan ({backend})"]
            rows.append(
                [
                    f"{size:,}",
                    backend,
                    f"{raw_create:.2f} s",
                    f"{apply_s:.2f} s",
                    fmt_ratio(apply_s / raw_create),
                    f"{raw_read * 1000:.0f} ms",
                    f"{noop_s * 1000:.0f} ms",
                    fmt_ratio(noop_s / raw_read),
                ]
            )
            label = f"{size:,} tokens, FleetClient http_backend={backend!r}"
            out.targets.append(
                (
                    f"apply <= {TARGET_APPLY}x raw aiohttp at 16 in flight, {label}",
                    apply_s / raw_create <= TARGET_APPLY,
                    f"{apply_s:.2f} s vs {raw_create:.2f} s ({fmt_ratio(apply_s / raw_create)})",
                )
            )
            out.targets.append(
                (
                    f"no-op rerun <= {TARGET_NOOP}x the raw reads, {label}",
                    noop_s / raw_read <= TARGET_NOOP,
                    f"{noop_s * 1000:.0f} ms vs {raw_read * 1000:.0f} ms "
                    f"({fmt_ratio(noop_s / raw_read)})",
                )
            )
    out.lines += [
        f"Sandbox in its own process, a {LATENCY * 1000:.0f} ms latency fault on every GraphQL "
        f"request; {CONCURRENCY} in flight; median of {rounds} rounds (after a warm-up round). "
        "The client's default backend is httpx; the CLI's apply sends through aiohttp when "
        "installed.",
        "",
        *table(
            [
                "tokens",
                "FleetClient backend",
                "raw creates",
                "apply",
                "apply / raw",
                "raw reads",
                "no-op plan",
                "no-op / raw",
            ],
            rows,
        ),
        "",
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    section = measure(sizes=args.sizes, rounds=args.rounds)
    print("\n".join(machine_lines()), "", section.markdown(), sep="\n")
    for target, ok, numbers in section.targets:
        print(f"- {target}: {'met' if ok else 'NOT MET'} ({numbers})")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    run_main(main)
