"""Time of the schema tooling: codegen, `schema check`, `schema pull --from`.

    uv run python -m bench.tooling [--repeat 5]

In-process library calls (what the CLI runs, minus its start-up), each repeated; medians:

  codegen                 ariadne-codegen on a temporary copy of the inputs (a child process,
                          as `logscale_fleet.schema.freshness.regenerate` runs it)
  schema check            `check_project` against the slice, with and without the generated/
                          freshness check (which is one codegen run plus a file comparison)
  schema check --against  the same against the full reference schema
  schema pull --from      `pull_from_sdl` on the full reference schema (read + prune + print)

The rows that need the reference schema (../shared/reference/) are skipped when it is absent.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import (
    PROJECT_DIR,
    REFERENCE_SCHEMA,
    Section,
    fmt_ratio,
    machine_lines,
    median,
    run_main,
    table,
)


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def codegen() -> None:
    from logscale_fleet.schema.freshness import regenerate

    with tempfile.TemporaryDirectory(prefix="logscale-fleet-bench-codegen-") as tmp:
        regenerate(PROJECT_DIR, Path(tmp))


def check(*, against: Path | None, include_generated: bool) -> Callable[[], object]:
    from logscale_fleet.schema.check import SchemaSource, check_project

    def action() -> object:
        source = SchemaSource.from_file(against) if against is not None else None
        report = check_project(PROJECT_DIR, against=source, include_generated=include_generated)
        # The verdict is reported, not enforced: a stale generated/ in a work tree still
        # times the same work.
        return "passed" if report.ok else "failed: " + "; ".join(report.failures)

    return action


def cli(arguments: list[str]) -> Callable[[], object]:
    command = [str(Path(sys.executable).with_name("logscale-fleet")), *arguments]

    def action() -> object:
        result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            command, cwd=PROJECT_DIR, capture_output=True, timeout=300, check=False
        )
        return "passed" if result.returncode == 0 else f"failed (exit {result.returncode})"

    return action


def pull() -> None:
    from logscale_fleet.schema.pull import pull_from_sdl, slice_root_fields

    sdl = REFERENCE_SCHEMA.read_text(encoding="utf-8")
    pull_from_sdl(
        sdl, source_name=REFERENCE_SCHEMA.name, root_fields=slice_root_fields(PROJECT_DIR)
    )


def bare_graphql_core() -> int:
    """The limit for `schema check --against`: build the schema, validate our documents."""
    from graphql import build_schema, parse, validate

    schema = build_schema(REFERENCE_SCHEMA.read_text(encoding="utf-8"))
    errors = 0
    for path in sorted((PROJECT_DIR / "queries").glob("*.graphql")):
        errors += len(validate(schema, parse(path.read_text(encoding="utf-8"))))
    return errors


def check_vs_bare(repeat: int) -> tuple[float, float]:
    """Median seconds of `schema check --against` (no generated/ check) and of the bare
    graphql-core work, interleaved so both see the same machine load."""
    ours = check(against=REFERENCE_SCHEMA, include_generated=False)
    ours()
    bare_graphql_core()
    times: tuple[list[float], list[float]] = ([], [])
    for round_no in range(repeat):
        pair = (ours, bare_graphql_core) if round_no % 2 == 0 else (bare_graphql_core, ours)
        for action in pair:
            started = time.perf_counter()
            action()
            times[0 if action is ours else 1].append(time.perf_counter() - started)
    return median(times[0]), median(times[1])


def measure(*, repeat: int, progress: Callable[[str], None] | None = None) -> Section:
    have_reference = REFERENCE_SCHEMA.is_file()
    tasks: list[tuple[str, Callable[[], object] | None]] = [
        ("codegen (`ariadne-codegen --config codegen.toml`, temp copy)", codegen),
        (
            "`schema check`, slice, without generated/ check",
            check(against=None, include_generated=False),
        ),
        (
            "`schema check`, slice, with generated/ check",
            check(against=None, include_generated=True),
        ),
        (
            "`schema check --against` full reference, without generated/ check",
            check(against=REFERENCE_SCHEMA, include_generated=False) if have_reference else None,
        ),
        (
            "`schema check --against` full reference, with generated/ check",
            check(against=REFERENCE_SCHEMA, include_generated=True) if have_reference else None,
        ),
        ("`schema pull --from` full reference", pull if have_reference else None),
        (
            "CLI `logscale-fleet schema check` (fresh process, what CI runs)",
            cli(["schema", "check"]),
        ),
        (
            "CLI `logscale-fleet schema check --against` full reference (fresh process)",
            cli(["schema", "check", "--against", str(REFERENCE_SCHEMA)])
            if have_reference
            else None,
        ),
    ]
    rows = []
    for name, action in tasks:
        if action is None:
            rows.append([name, "", "", "", "skipped: ../shared/reference absent"])
            continue
        verdict = action()  # also the warm-up: imports, file cache
        times = timed(action, repeat)
        rows.append(
            [
                name,
                f"{median(times):.3f}",
                f"{min(times):.3f}",
                f"{max(times):.3f}",
                verdict if isinstance(verdict, str) else "",
            ]
        )
        if progress:
            progress(f"tooling: {name} done")
    out = Section("Tooling: codegen and schema checks")
    size = ""
    limit = ""
    if have_reference:
        size = (
            f" The full reference schema is {REFERENCE_SCHEMA.stat().st_size / 1e6:.1f} MB of SDL."
        )
        ours, bare = check_vs_bare(max(repeat, 3))
        limit = (
            f"`schema check --against` the full reference vs bare graphql-core (build_schema + "
            f"validate every queries/ document), interleaved, median of {max(repeat, 3)}: "
            f"{ours:.3f} vs {bare:.3f} s = {fmt_ratio(ours / bare)} (no target; issue 18 "
            "measured 1.1x)."
        )
    out.lines += [
        f"In-process library calls (no CLI start-up), median of {repeat} after one warm-up.{size}",
        "",
        *table(["task", "median s", "min s", "max s", "result"], rows, align="lrrrl"),
        "",
        *([limit, ""] if limit else []),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per task (5)")
    args = parser.parse_args()
    print("\n".join(machine_lines()), "", measure(repeat=args.repeat).markdown(), sep="\n")


if __name__ == "__main__":
    run_main(main)
