"""Run every benchmark part and print one Markdown report (machine, targets, tables).

    uv run --group bench python -m bench [--quick] [--out FILE]
        [--parts percall startup tooling sandbox sandbox-limit apply listing]

Parts and what they cost on a 2-core machine with the defaults (about 20 minutes in all):
  percall   FleetClient vs generated client vs raw httpx/aiohttp vs gql: 2,000 calls x 5 rounds,
            sequential and at concurrency 50 (most of the time)
  startup   fresh-process start-up, 15 runs per command: as-is, compiled, installed wheel
  tooling   codegen, schema check (slice, full reference), schema pull
  sandbox   creates per second against the sandbox, concurrency 1 and 50
  sandbox-limit  `sandbox serve` (memory, --db FILE) vs a minimal ariadne + uvicorn app, c=50
  apply     fleet.apply of 200 and 1,000 new tokens vs raw aiohttp at 16 in flight, 20 ms
            latency (about 2 minutes)
  listing   10,000 tokens listed by the CLI and the library vs one raw request + json.loads,
            0 and 20 ms latency, time and peak memory (about 2 minutes)
--quick divides the counts so the whole run takes a few minutes (for checking the harness; the
figures are noisier). Servers listen on 127.0.0.1 with a free port and are stopped at the end,
also on Ctrl-C or SIGTERM. Each part can also be run alone: `python -m bench.<part> --help`.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import (
    apply_throughput,
    listing,
    percall,
    sandbox_limit,
    sandbox_throughput,
    startup,
    tooling,
)
from bench.common import Section, machine_lines, met, run_main, table

PARTS = ("percall", "startup", "tooling", "sandbox", "sandbox-limit", "apply", "listing")


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_parts(parts: list[str], quick: bool) -> list[Section]:
    scale = 5 if quick else 1
    runners: dict[str, Callable[[], Section]] = {
        "percall": lambda: percall.measure(
            calls=2000 // scale,
            rounds=3 if quick else 5,
            concurrencies=[1, 50],
            progress=progress,
        ),
        "startup": lambda: startup.measure(repeat=15 // scale, modes=startup.MODES)[0],
        "tooling": lambda: tooling.measure(repeat=5 // scale, progress=progress),
        "sandbox": lambda: sandbox_throughput.measure(
            creates=1000 // scale, rounds=3, concurrencies=[1, 50], progress=progress
        ),
        "sandbox-limit": lambda: sandbox_limit.measure(
            creates=1000 // scale, rounds=3, progress=progress
        ),
        "listing": lambda: listing.measure(
            tokens=2000 if quick else 10_000,
            rounds=2 if quick else 5,
            latencies=[0.0, 0.02],
            progress=progress,
        ),
        "apply": lambda: apply_throughput.measure(
            sizes=[40, 200] if quick else [200, 1000], rounds=2 if quick else 3, progress=progress
        ),
    }
    sections = []
    for part in parts:
        started = time.perf_counter()
        progress(f"{part}: starting")
        try:
            section = runners[part]()
        except Exception as exc:  # one broken part must not throw away the others' results
            traceback.print_exc()
            section = Section(f"{part}: failed", [f"`{type(exc).__name__}: {exc}`", ""])
        sections.append(section)
        # Shown as soon as it is done, so an interrupted run keeps what it measured.
        progress(f"{part}: {time.perf_counter() - started:.0f} s\n{section.markdown()}")
    return sections


def report(sections: list[Section], elapsed: float, quick: bool) -> str:
    targets = [
        [target, met(ok), numbers]
        for section in sections
        for target, ok, numbers in section.targets
    ]
    lines = [
        "## Benchmark results",
        "",
        *machine_lines(),
        f"- whole run: {elapsed / 60:.1f} min{' (--quick: reduced counts)' if quick else ''}",
        "",
    ]
    if targets:
        lines += ["### Targets", "", *table(["target", "verdict", "numbers"], targets, "lll"), ""]
    lines += [section.markdown() for section in sections]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        metavar="PART",
        help=f"which parts, in order (default: all of {', '.join(PARTS)})",
    )
    parser.add_argument("--quick", action="store_true", help="reduced counts, a few minutes")
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="also write the Markdown report here"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    text = report(run_parts(args.parts, args.quick), time.perf_counter() - started, args.quick)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    run_main(main)
