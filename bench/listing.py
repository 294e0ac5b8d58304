"""Listing 10,000 install tokens: the CLI and the library vs one raw request + `json.loads`.

    uv run python -m bench.listing [--tokens 10000] [--rounds 5] [--latency 0 0.02]

The sandbox serves N tokens from an SQLite file in its own process (bench/sandbox_server.py);
a latency fault on every GraphQL request stands in for a LogScale 20 ms away. Per latency and
round, variants interleaved (order rotating), one warm-up round, medians reported:

  fresh processes (wall time including start-up, and peak memory; bytecode cached in a
  temporary PYTHONPYCACHEPREFIX, as an installed package has it)
    raw        bench/list_client.py raw: one httpx POST of the FleetInstallationTokens document
               the library sends, then json.loads: the limit
    library    bench/list_client.py library: FleetClient(...).install_tokens.list()
    CLI        `logscale-fleet -o json tokens list` (one request, sorted locally; prints the JSON)
  in one warm process (no start-up: the request and decoding only)
    raw        the same POST + json.loads on a reused httpx.AsyncClient
    library    fleet.install_tokens.list() on a reused FleetClient
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import aiohttp
import httpx

from bench.apply_throughput import control, record_requests
from bench.common import (
    PROJECT_DIR,
    Section,
    child_server,
    fmt_ratio,
    machine_lines,
    median,
    run_main,
    table,
)
from logscale_fleet import FleetClient

TARGET = 1.5
TIMEOUT = 120.0


def run_process(argv: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident KiB (its "VmHWM" stderr line) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own commands
        argv, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + TIMEOUT
    while True:  # bounded: a hung child is killed, not waited for
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{argv} did not finish in {TIMEOUT:.0f} s")
        time.sleep(0.002)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {stderr[-500:]}")
    peaks = [line for line in stderr.splitlines() if line.startswith("VmHWM ")]
    return elapsed, int(peaks[-1].split()[1])


@contextlib.contextmanager
def seeded_server(token: str, tokens: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="logscale-fleet-bench-") as tmp:
        db = str(Path(tmp) / "sandbox.sqlite3")
        with child_server(
            "bench.sandbox_server", token, "--db", db, "--tokens", str(tokens), ready_timeout=300
        ) as server:
            yield server.first_line


async def set_latency(base: str, token: str, seconds: float) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        rules = [{"kind": "latency", "seconds": seconds}] if seconds else []
        await control(session, base, "faults", {"rules": rules})


async def warm(base: str, token: str, body: bytes, rounds: int, expect: int) -> dict[str, float]:
    import json

    times: dict[str, list[float]] = {"raw": [], "library": []}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    async with (
        httpx.AsyncClient(timeout=60) as client,
        FleetClient(base, token, timeout=60) as fleet,
    ):

        async def raw() -> int:
            response = await client.post(f"{base}/graphql", content=body, headers=headers)
            return len(json.loads(response.content)["data"]["fleetInstallationTokens"])

        async def library() -> int:
            return len(await fleet.install_tokens.list())

        variants = {"raw": raw, "library": library}
        names = list(variants)
        for round_no in range(rounds + 1):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                assert await variants[name]() == expect
                if round_no:
                    times[name].append(time.perf_counter() - started)
    return {name: median(values) for name, values in times.items()}


def measure(
    *,
    tokens: int,
    rounds: int,
    latencies: Sequence[float],
    progress: Callable[[str], None] | None = None,
) -> Section:
    token = secrets.token_hex(24)  # urlsafe ones can start with "-", an option to argparse
    expect = tokens + 1  # the seed's default token
    fresh: dict[float, dict[str, tuple[float, float]]] = {}
    in_process: dict[float, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="logscale-fleet-bench-") as tmp:
        body_file = Path(tmp) / "list.json"
        body_file.write_bytes(asyncio.run(record_requests()).list_body)
        with seeded_server(token, tokens) as base:
            env = dict(os.environ, LOGSCALE_URL=base, LOGSCALE_TOKEN=token)
            # Bytecode cached as an installed package has it (pip and uv compile on install),
            # in a directory of our own that the warm-up round fills: under
            # PYTHONDONTWRITEBYTECODE=1 (this workplace sets it) every start would compile
            # every module again, the raw client's httpx as much as this package.
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            commands = {
                "raw": [sys.executable, "-m", "bench.list_client", "raw", base, token],
                "library": [sys.executable, "-m", "bench.list_client", "library", base, token],
                "CLI": [
                    sys.executable,
                    "-m",
                    "bench.peak_memory",
                    "logscale-fleet",
                    "-o",
                    "json",
                    "tokens",
                    "list",
                ],
            }
            commands["raw"].append(str(body_file))
            commands["library"].append(str(body_file))
            for latency in latencies:
                asyncio.run(set_latency(base, token, latency))
                runs: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
                names = list(commands)
                for round_no in range(rounds + 1):
                    shift = round_no % len(names)
                    for name in names[shift:] + names[:shift]:
                        measured = run_process(commands[name], env)
                        if round_no:
                            runs[name].append(measured)
                fresh[latency] = {
                    name: (median([w for w, _ in r]), median([m for _, m in r]))
                    for name, r in runs.items()
                }
                in_process[latency] = asyncio.run(
                    warm(base, token, body_file.read_bytes(), rounds, expect)
                )
                if progress:
                    progress(f"listing: latency {latency * 1000:.0f} ms done")
    return section(tokens, rounds, fresh, in_process)


def section(
    tokens: int,
    rounds: int,
    fresh: dict[float, dict[str, tuple[float, float]]],
    in_process: dict[float, dict[str, float]],
) -> Section:
    out = Section(f"Listing {tokens:,} install tokens vs one raw request + json.loads")
    rows = []
    for latency, figures in fresh.items():
        raw_wall, raw_mem = figures["raw"]
        for name, (wall, mem) in figures.items():
            rows.append(
                [
                    f"{latency * 1000:.0f} ms",
                    f"fresh process: {name}",
                    f"{wall * 1000:,.0f}",
                    fmt_ratio(wall / raw_wall),
                    f"{mem / 1024:,.0f}",
                    fmt_ratio(mem / raw_mem),
                ]
            )
        warm_raw = in_process[latency]["raw"]
        for name, wall in in_process[latency].items():
            rows.append(
                [
                    f"{latency * 1000:.0f} ms",
                    f"warm process: {name}",
                    f"{wall * 1000:,.0f}",
                    fmt_ratio(wall / warm_raw),
                    "",
                    "",
                ]
            )
        label = f"{latency * 1000:.0f} ms latency"
        for name in ("CLI", "library"):
            wall, mem = figures[name]
            out.targets.append(
                (
                    f"{name} lists {tokens:,} tokens <= {TARGET}x one raw request ({label}, "
                    "fresh process)",
                    wall / raw_wall <= TARGET,
                    f"{wall * 1000:,.0f} vs {raw_wall * 1000:,.0f} ms = "
                    f"{fmt_ratio(wall / raw_wall)}",
                )
            )
            out.targets.append(
                (
                    f"{name} listing memory <= {TARGET}x the raw request's ({label})",
                    mem / raw_mem <= TARGET,
                    f"{mem / 1024:,.0f} vs {raw_mem / 1024:,.0f} MiB = {fmt_ratio(mem / raw_mem)}",
                )
            )
        lib = in_process[latency]["library"]
        out.targets.append(
            (
                f"library lists {tokens:,} tokens <= {TARGET}x one raw request ({label}, warm)",
                lib / warm_raw <= TARGET,
                f"{lib * 1000:,.0f} vs {warm_raw * 1000:,.0f} ms = {fmt_ratio(lib / warm_raw)}",
            )
        )
    out.lines += [
        f"Sandbox in its own process (SQLite file, {tokens:,} tokens); median of {rounds} "
        "rounds after a warm-up, variants interleaved. Fresh-process rows include start-up "
        "(Python, imports), with bytecode cached as an installed package has it "
        "(PYTHONPYCACHEPREFIX: a temporary directory the warm-up round fills); memory is "
        "the process's own peak RSS (VmHWM). The CLI runs as "
        "`python -m bench.peak_memory logscale-fleet ...`: the console script's code plus the "
        "memory report.",
        "",
        *table(["latency", "variant", "ms", "vs raw", "peak MiB", "vs raw"], rows),
        "",
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.02])
    args = parser.parse_args()
    section_ = measure(tokens=args.tokens, rounds=args.rounds, latencies=args.latency)
    print("\n".join(machine_lines()), "", section_.markdown(), sep="\n")


if __name__ == "__main__":
    run_main(main)
