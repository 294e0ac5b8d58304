"""`sandbox serve` creates per second at concurrency 50 vs a minimal ariadne + uvicorn app.

    uv run --group bench python -m bench.sandbox_limit [--creates 1000] [--rounds 3]

Three servers, each in its own process: the minimal app (bench/minimal_server.py: the same
schema, one resolver, no state: the limit), the sandbox in memory, and the sandbox with
`--db FILE` (SQLite in WAL mode on disk). One raw aiohttp client sends the same
CreateFleetInstallToken document the library sends, 50 in flight, to each in turn (rounds
interleaved, order rotating, one warm-up round); the median round is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

from bench.apply_throughput import record_requests
from bench.common import Section, child_server, fmt_ratio, machine_lines, median, run_main, table

CONCURRENCY = 50
TARGET_MEMORY = 0.8
TARGET_FILE = 0.7


async def creates_per_second(
    session: aiohttp.ClientSession, url: str, query: str, creates: int
) -> float:
    remaining = creates

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            body = {
                "query": query,
                "operationName": "CreateFleetInstallToken",
                "variables": {"name": f"host-{remaining}", "configId": None},
            }
            async with session.post(url, json=body) as response:
                document = await response.json()
                assert document["data"]["createFleetInstallToken"]["name"].startswith("host-")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return creates / (time.perf_counter() - started)


async def measure_all(
    urls: dict[str, str], token: str, creates: int, rounds: int
) -> dict[str, float]:
    query = (await record_requests()).create_query
    runs: dict[str, list[float]] = {name: [] for name in urls}
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
        names = list(urls)
        for round_no in range(rounds + 1):  # round 0 warms up
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                rate = await creates_per_second(session, f"{urls[name]}/graphql", query, creates)
                if round_no:
                    runs[name].append(rate)
    return {name: median(rates) for name, rates in runs.items()}


MINIMAL = "minimal ariadne + uvicorn app (the limit)"
MEMORY = "`sandbox serve` (in memory)"
FILE = "`sandbox serve --db FILE`"


def measure(*, creates: int, rounds: int, progress: Callable[[str], None] | None = None) -> Section:
    token = secrets.token_hex(24)  # urlsafe ones can start with "-", an option to argparse
    with tempfile.TemporaryDirectory(prefix="logscale-fleet-bench-") as tmp:
        db = str(Path(tmp) / "sandbox.sqlite3")
        with (
            child_server("bench.minimal_server") as minimal,
            child_server("bench.sandbox_server", token) as memory,
            child_server("bench.sandbox_server", token, "--db", db) as file,
        ):
            urls = {MINIMAL: minimal.first_line, MEMORY: memory.first_line, FILE: file.first_line}
            rates = asyncio.run(measure_all(urls, token, creates, rounds))
    if progress:
        progress("sandbox limit: done")
    out = Section(
        f"Sandbox vs a minimal ariadne + uvicorn app, creates per second, c={CONCURRENCY}"
    )
    rows = [
        [name, f"{rate:,.0f}", fmt_ratio(rate / rates[MINIMAL])] for name, rate in rates.items()
    ]
    out.lines += [
        f"Raw aiohttp client, {CONCURRENCY} in flight, {creates:,} creates per round, median of "
        f"{rounds} rounds after a warm-up; each server in its own process.",
        "",
        *table(["server", "creates/s", "vs minimal"], rows),
        "",
    ]
    for name, target in ((MEMORY, TARGET_MEMORY), (FILE, TARGET_FILE)):
        ratio = rates[name] / rates[MINIMAL]
        out.targets.append(
            (
                f"{name} >= {target}x the minimal ariadne + uvicorn app at c={CONCURRENCY}",
                ratio >= target,
                f"{rates[name]:,.0f} vs {rates[MINIMAL]:,.0f} creates/s = {fmt_ratio(ratio)}",
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--creates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    section = measure(creates=args.creates, rounds=args.rounds)
    print("\n".join(machine_lines()), "", section.markdown(), sep="\n")


if __name__ == "__main__":
    run_main(main)
