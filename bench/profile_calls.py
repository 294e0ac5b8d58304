"""Where FleetClient's per-call time goes, compared with the bare generated client (httpx).

    uv run python -m bench.profile_calls [--calls 2000] [--rounds 5] [--concurrency 50]
    uv run python -m bench.profile_calls --cprofile [--calls 2000] [--concurrency 50] [--top 25]

Default mode, layers: the generated client is given FleetClient's pieces one at a time and each
step is timed like bench/percall.py (same fixed-response server, interleaved rounds, medians),
so the difference between two rows is what that layer costs, without a profiler's distortion:

  generated client, auth header on the AsyncClient      (what `logscale_graphql.Client` users do)
  + FleetClient's headers passed per request            (Authorization, User-Agent)
  + FleetClient's AsyncClient (response-size cap hook and capped stream, TLS context, limits)
  + the total deadline per attempt (logscale_fleet.client._within)
  FleetClient.create_install_token                       (+ input checks, retry loop, logging)

--cprofile: both ends of that ladder under cProfile; own time per call summed by package, and
the functions whose own time differs most.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench.common import child_server, fmt_ratio, machine_lines, run_main, table
from bench.percall import TIMEOUT, Call, Run, run, set_sniffio
from logscale_fleet import FleetClient
from logscale_fleet._core.executor import _within
from logscale_fleet._core.http import httpx_timeout
from logscale_graphql import Client

Close = Callable[[], Awaitable[None]]


async def ladder(base_url: str) -> tuple[dict[str, Call], list[Close]]:
    fleet = FleetClient(base_url, "bench")
    # The facade's own pieces, reused as they are (read-only access to private attributes).
    headers = fleet._executor.headers
    url = fleet.url
    total = fleet.settings.timeouts.total
    auth = {"Authorization": dict(headers.items())["Authorization"]}

    plain = Client(url, httpx.AsyncClient(timeout=TIMEOUT, headers=auth))
    plain_headers = Client(url, httpx.AsyncClient(timeout=httpx_timeout(fleet.settings.timeouts)))
    fleets_http = Client(url, fleet._executor.http_client)

    async def with_deadline() -> Any:
        return await _within(
            total, fleets_http.create_fleet_install_token(name="x", headers=headers)
        )

    calls: dict[str, Call] = {
        "generated, auth on the AsyncClient": lambda: plain.create_fleet_install_token(name="x"),
        "+ headers per request": lambda: plain_headers.create_fleet_install_token(
            name="x", headers=headers
        ),
        "+ FleetClient's AsyncClient (size-cap hook)": lambda: (
            fleets_http.create_fleet_install_token(name="x", headers=headers)
        ),
        "+ total deadline per attempt": with_deadline,
        "FleetClient.create_install_token": lambda: fleet.install_tokens.create("x"),
    }
    closes: list[Close] = [plain.http_client.aclose, plain_headers.http_client.aclose, fleet.aclose]
    return calls, closes


async def layers(base_url: str, calls: int, rounds: int, concurrency: int) -> dict[str, Run]:
    chosen, closes = await ladder(base_url)
    runs: dict[str, list[Run]] = {name: [] for name in chosen}
    try:
        for call in chosen.values():
            await run(call, min(calls, 200), concurrency, None)
        names = list(chosen)
        for round_no in range(rounds):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                runs[name].append(await run(chosen[name], calls, concurrency, None))
    finally:
        for close in closes:
            await close()
    return {name: sorted(r, key=lambda x: x.wall)[len(r) // 2] for name, r in runs.items()}


def print_layers(results: dict[str, Run], calls: int, concurrency: int) -> None:
    base = next(iter(results.values())).wall
    rows = []
    previous: Run | None = None
    for name, r in results.items():
        step = "" if previous is None else f"{(r.wall - previous.wall) / calls * 1e6:+,.0f}"
        rows.append(
            [
                name,
                f"{r.wall / calls * 1e6:,.0f}",
                step,
                f"{r.client_cpu / calls * 1e6:,.0f}",
                fmt_ratio(r.wall / base),
                f"{r.client_cpu / r.wall:.2f} / {r.others_cpu / r.wall:.2f}",
            ]
        )
        previous = r
    print(f"\nconcurrency {concurrency}, {calls} calls per round, median round\n")
    header = ["layer", "µs/call", "step µs", "client CPU µs/call", "vs first", "load self/others"]
    print("\n".join(table(header, rows)))


# -- no network ------------------------------------------------------------------------------


async def stub_overhead(calls: int, rounds: int) -> dict[str, float]:
    """Client CPU µs per call of the Python above the socket, no network: a stub http_client
    that answers at once, and httpx over a MockTransport (plain, and with FleetClient's
    response-size cap hook). No socket, loop wait or server blurs these; best round."""
    from bench.fixed_server import BODY
    from bench.percall import _Recorder
    from logscale_fleet._core.http import _cap_response_size

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=BODY, headers={"content-type": "application/json"})

    def mock_client(hook: bool) -> httpx.AsyncClient:
        hooks: dict[str, list[Callable[..., Any]]] = {"response": [_cap_response_size]}
        return httpx.AsyncClient(
            transport=httpx.MockTransport(answer), event_hooks=hooks if hook else None
        )

    recorders = [_Recorder(BODY), _Recorder(BODY)]
    url = "http://127.0.0.1:9"  # loopback, so no plain-http warning; never contacted
    generated = Client(f"{url}/graphql", recorders[0])
    fleet = FleetClient(url, "bench", http_client=recorders[1])
    generated_mock = Client(f"{url}/graphql", mock_client(hook=False))
    generated_mock_hook = Client(f"{url}/graphql", mock_client(hook=True))
    fleet_mock_hook = FleetClient(url, "bench", http_client=mock_client(hook=True))
    chosen: dict[str, Call] = {
        "generated client, stub http_client": lambda: generated.create_fleet_install_token(
            name="x"
        ),
        "FleetClient, stub http_client": lambda: fleet.install_tokens.create("x"),
        "generated client, httpx MockTransport": lambda: generated_mock.create_fleet_install_token(
            name="x"
        ),
        "generated client, httpx MockTransport + size-cap hook": lambda: (
            generated_mock_hook.create_fleet_install_token(name="x")
        ),
        "generated client, httpx MockTransport + size-cap hook + headers per request": lambda: (
            generated_mock_hook.create_fleet_install_token(
                name="x", headers=fleet._executor.headers
            )
        ),
        "FleetClient, httpx MockTransport + size-cap hook": lambda: (
            fleet_mock_hook.install_tokens.create("x")
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in chosen}
    try:
        for round_no in range(rounds + 1):
            for name, call in chosen.items():
                for recorder in recorders:
                    recorder.requests.clear()  # the stub keeps requests; do not let them pile up
                measured = await run(call, calls, 1, None)
                if round_no:  # round 0 warms up
                    times[name].append(measured.client_cpu / calls * 1e6)
    finally:
        await generated_mock.http_client.aclose()
        await generated_mock_hook.http_client.aclose()
        await fleet_mock_hook.aclose()
    return {name: min(values) for name, values in times.items()}


# -- cProfile ---------------------------------------------------------------------------------

PACKAGES = (
    ("logscale_fleet", "/logscale_fleet/"),
    ("logscale_graphql (generated)", "/logscale_graphql/"),
    ("httpx", "/httpx/"),
    ("httpcore", "/httpcore/"),
    ("h11", "/h11/"),
    ("anyio / sniffio", "/anyio/"),
    ("anyio / sniffio", "/sniffio/"),
    ("pydantic", "/pydantic"),
    ("asyncio", "/asyncio/"),
    ("json", "/json/"),
    ("ssl / socket / selectors", "/ssl.py"),
    ("ssl / socket / selectors", "/socket.py"),
    ("ssl / socket / selectors", "/selectors.py"),
)


def package_of(filename: str) -> str:
    for name, marker in PACKAGES:
        if marker in filename:
            return name
    if filename == "~":
        return "builtins (C)"
    return "other"


def profile(call: Call, calls: int, concurrency: int) -> pstats.Stats:
    profiler = cProfile.Profile()

    async def measured() -> None:
        profiler.enable()
        try:
            await run(call, calls, concurrency, None)
        finally:
            profiler.disable()

    asyncio.get_event_loop().run_until_complete(measured())
    return pstats.Stats(profiler)


def own_time(stats: pstats.Stats) -> dict[tuple[str, int, str], float]:
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    return {key: value[2] for key, value in raw.items()}


def cprofile_report(base_url: str, calls: int, concurrency: int, top: int) -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        chosen, closes = loop.run_until_complete(ladder(base_url))
        generated_call = chosen["generated, auth on the AsyncClient"]
        fleet_call = chosen["FleetClient.create_install_token"]
        for call in (generated_call, fleet_call):
            loop.run_until_complete(run(call, 200, concurrency, None))
        profiles = {
            "generated": own_time(profile(generated_call, calls, concurrency)),
            "FleetClient": own_time(profile(fleet_call, calls, concurrency)),
        }
        for close in closes:
            loop.run_until_complete(close())
    finally:
        loop.close()
    per_call = 1e6 / calls
    by_package: dict[str, dict[str, float]] = {}
    for label, times in profiles.items():
        for (filename, _, _), seconds in times.items():
            package = package_of(filename)
            by_package.setdefault(package, {}).setdefault(label, 0.0)
            by_package[package][label] += seconds
    rows = [
        [
            package,
            f"{spent.get('generated', 0) * per_call:,.0f}",
            f"{spent.get('FleetClient', 0) * per_call:,.0f}",
            f"{(spent.get('FleetClient', 0) - spent.get('generated', 0)) * per_call:+,.0f}",
        ]
        for package, spent in sorted(
            by_package.items(), key=lambda item: -max(item[1].values(), default=0)
        )
    ]
    totals = [sum(times.values()) * per_call for times in profiles.values()]
    rows.append(["**total**", *(f"{t:,.0f}" for t in totals), f"{totals[1] - totals[0]:+,.0f}"])
    print(f"\ncProfile, concurrency {concurrency}, {calls} calls: own time, µs per call\n")
    print("\n".join(table(["package", "generated", "FleetClient", "difference"], rows)))

    keys = set(profiles["generated"]) | set(profiles["FleetClient"])
    diffs = sorted(
        keys,
        key=lambda k: -abs(profiles["FleetClient"].get(k, 0) - profiles["generated"].get(k, 0)),
    )[:top]
    rows = [
        [
            f"`{pstats.func_std_string(key)}`",  # type: ignore[attr-defined]
            f"{profiles['generated'].get(key, 0) * per_call:,.1f}",
            f"{profiles['FleetClient'].get(key, 0) * per_call:,.1f}",
        ]
        for key in diffs
    ]
    print(f"\nThe {top} functions whose own time differs most (µs per call)\n")
    print("\n".join(table(["function", "generated", "FleetClient"], rows)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--cprofile", action="store_true", help="profile instead of layering")
    parser.add_argument("--top", type=int, default=25, help="functions listed with --cprofile")
    parser.add_argument(
        "--sniffio",
        action="store_true",
        help="make `import sniffio` succeed (see bench/percall.py): takes httpcore's failed "
        "import per lock out of every row",
    )
    args = parser.parse_args()
    set_sniffio(args.sniffio)
    print("\n".join(machine_lines()))
    with child_server("bench.fixed_server") as server:
        base_url = f"http://127.0.0.1:{int(server.first_line)}"
        if args.cprofile:
            cprofile_report(base_url, args.calls, args.concurrency, args.top)
        else:
            results = asyncio.run(layers(base_url, args.calls, args.rounds, args.concurrency))
            print_layers(results, args.calls, args.concurrency)
    if not args.cprofile:
        stub = asyncio.run(stub_overhead(args.calls * 5, args.rounds))
        print("\nWithout the network, client CPU µs per call, best round:\n")
        print("\n".join(table(["client", "µs/call"], [[k, f"{v:.1f}"] for k, v in stub.items()])))


if __name__ == "__main__":
    run_main(main)
