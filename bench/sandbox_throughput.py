"""Sandbox throughput: install-token creates per second through FleetClient.

    uv run python -m bench.sandbox_throughput [--creates 1000] [--rounds 3]
                                              [--concurrency 1 50]

Three ways to reach the sandbox, each with fleet.install_tokens.create:

  separate process   `serve()` (uvicorn, h11, SQLite in memory) in its own process: the fair
                     figure, client and server do not share a GIL (bench/sandbox_server.py)
  ThreadedSandbox    the same server on a thread of this process, as the test suites use it:
                     client and server share one GIL and one core
  in-process         FleetClient.sandbox(":memory:"): no sockets, httpx's ASGI transport

Over HTTP, both wire paths (httpx, the default, and http_backend="aiohttp") are measured.
Rounds interleave the variants; the median round is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.common import (
    ChildServer,
    Section,
    child_server,
    machine_lines,
    run_main,
    system_busy_seconds,
    table,
)
from bench.percall import run
from logscale_fleet import FleetClient, TransportError
from logscale_fleet.sandbox.server import ThreadedSandbox


@dataclass(frozen=True)
class Target:
    name: str
    make: Callable[[], FleetClient]
    server: ChildServer | None  # for its CPU load


@dataclass(frozen=True)
class Throughput:
    per_second: float
    server_load: float | None
    others_load: float
    failed: int  # creates that raised TransportError, over all rounds and warm-ups


class Counted:
    """A create call that counts TransportError instead of ending the benchmark.

    uvicorn closes a connection after 5 s idle (its keep-alive timeout), which happens to every
    pooled connection of one client while the other variants run. A create sent on such a
    connection just as the server closes it fails ambiguously, and FleetClient rightly does not
    resend a mutation then. That is a real outcome, so it is counted and reported, not hidden.
    """

    def __init__(self, fleet: FleetClient) -> None:
        self.fleet = fleet
        self.failed = 0

    async def __call__(self) -> object:
        try:
            return await self.fleet.install_tokens.create("bench")
        except TransportError:
            self.failed += 1
            return None


async def measure_concurrency(
    targets: list[Target], creates: int, concurrency: int, rounds: int
) -> dict[str, Throughput]:
    clients = {target.name: target.make() for target in targets}
    runs: dict[str, list[tuple[float, float | None, float]]] = {t.name: [] for t in targets}
    calls: dict[str, Counted] = {}
    try:
        calls = {name: Counted(fleet) for name, fleet in clients.items()}
        for call in calls.values():  # connections, imports, SQLite pages
            await run(call, min(creates, 50), concurrency, None)
        for round_no in range(rounds):
            shift = round_no % len(targets)
            for target in targets[shift:] + targets[:shift]:
                # Reopen the connections the server closed while the others ran (untimed).
                await run(calls[target.name], min(creates, 2 * concurrency), concurrency, None)
                server_before = target.server.cpu_seconds() if target.server else 0.0
                system_before = system_busy_seconds()
                measured = await run(calls[target.name], creates, concurrency, None)
                server_cpu = target.server.cpu_seconds() - server_before if target.server else 0.0
                busy = system_busy_seconds() - system_before - measured.client_cpu - server_cpu
                runs[target.name].append(
                    (
                        measured.wall,
                        server_cpu / measured.wall if target.server else None,
                        max(0.0, busy) / measured.wall,
                    )
                )
    finally:
        for fleet in clients.values():
            await fleet.aclose()
    results = {}
    for name, measured_runs in runs.items():
        wall, server_load, others = sorted(measured_runs)[len(measured_runs) // 2]
        results[name] = Throughput(creates / wall, server_load, others, calls[name].failed)
    return results


def measure(
    *,
    creates: int,
    rounds: int,
    concurrencies: list[int],
    progress: Callable[[str], None] | None = None,
) -> Section:
    token = secrets.token_hex(24)  # urlsafe ones can start with "-", an option to argparse
    results: dict[str, dict[int, Throughput]] = {}
    with (
        child_server("bench.sandbox_server", token) as separate,
        ThreadedSandbox() as threaded,
    ):
        targets = [
            Target(
                "separate process, httpx", lambda: FleetClient(separate.first_line, token), separate
            ),
            Target(
                'separate process, http_backend="aiohttp"',
                lambda: FleetClient(separate.first_line, token, http_backend="aiohttp"),
                separate,
            ),
            Target(
                "ThreadedSandbox (same process), httpx",
                lambda: FleetClient(threaded.url, threaded.token),
                None,
            ),
            Target(
                "in-process `FleetClient.sandbox(':memory:')`",
                lambda: FleetClient.sandbox(":memory:"),
                None,
            ),
        ]
        for concurrency in concurrencies:
            measured = asyncio.run(measure_concurrency(targets, creates, concurrency, rounds))
            for name, throughput in measured.items():
                results.setdefault(name, {})[concurrency] = throughput
            if progress:
                progress(f"sandbox: concurrency {concurrency} done")
    out = Section("Sandbox throughput: creates per second")
    header = [
        "server, client",
        *(f"c={c} creates/s" for c in concurrencies),
        "load server / others",
        "failed creates",
    ]
    rows = []
    for name, by_concurrency in results.items():
        loads = " · ".join(
            f"{'-' if t.server_load is None else f'{t.server_load:.2f}'} / {t.others_load:.2f}"
            for t in by_concurrency.values()
        )
        failed = " · ".join(str(t.failed) for t in by_concurrency.values())
        rows.append(
            [name, *(f"{t.per_second:,.0f}" for t in by_concurrency.values()), loads, failed]
        )
    out.lines += [
        f"{creates:,} creates per round, {rounds} rounds, median round; load is CPU over wall "
        "(1.00 = one core) per concurrency, for the served process and for everything else "
        "on the machine. Failed creates: TransportError on a connection the server closed "
        "for idleness as the create went out (not resent: a mutation), per concurrency.",
        "",
        *table(header, rows),
        "",
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--creates", type=int, default=1000, help="creates per round (1000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 50])
    args = parser.parse_args()
    started = time.perf_counter()
    section = measure(creates=args.creates, rounds=args.rounds, concurrencies=args.concurrency)
    print("\n".join(machine_lines()), "", section.markdown(), sep="\n")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    run_main(main)
