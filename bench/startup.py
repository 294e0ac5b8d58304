"""Start-up wall time of the CLI and of `import logscale_fleet`, against httpx and pydantic.

    uv run python -m bench.startup [--repeat 15] [--mode as-is compiled] [--importtime]

Every command runs as a fresh process, commands interleaved, `--repeat` times after one warm-up
run each; medians reported. Three modes, alternating round by round:

  as-is     the environment as it is. Where PYTHONDONTWRITEBYTECODE=1 is set (this workplace
            sets it) and the project is an editable install, src/ and generated/ have no
            .pyc files and every start compiles them in memory again.
  compiled  the same after `python -m compileall src generated`, i.e. what a normal install
            gives (pip compiles on install; Python writes .pyc on first import when allowed).
            The __pycache__ folders this creates are removed again at the end.
  installed the wheel installed with `[sandbox]` into a fresh venv (`uv build`, `uv venv`,
            `uv pip install --compile-bytecode`): what a user gets from `uv tool install`. It
            matters: this project's dev tools (import-linter) pull in rich, and with click, rich
            and pygments installed `import httpx` also imports httpx's own CLI (~150 ms here),
            which inflates the baseline of the other two modes.

The floor row (bench/startup_floor.py) is what any typed async httpx client pays for one
request: asyncio, httpx's request machinery and pydantic's BaseModel, which `import httpx,
pydantic` does not load.

`--importtime` also prints the slowest imports (python -X importtime) of `import logscale_fleet;
logscale_fleet.FleetClient` and of `logscale-fleet --help`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench.common import (
    PROJECT_DIR,
    Section,
    child_server,
    fmt_ratio,
    machine_lines,
    median,
    met,
    run_main,
    table,
)

PYTHON = sys.executable
CLI = str(Path(sys.executable).with_name("logscale-fleet"))
FLOOR_SCRIPT = str(PROJECT_DIR / "bench" / "startup_floor.py")
HTTPX = 'python -c "import httpx"'
HTTPX_PYDANTIC = 'python -c "import httpx, pydantic"'
FLOOR = "floor: one httpx request + a pydantic model (startup_floor.py)"
IMPORT = 'python -c "import logscale_fleet"'
IMPORT_CLIENT = 'python -c "import logscale_fleet; logscale_fleet.FleetClient"'
HELP = "logscale-fleet --help"
TOKENS_LIST = "logscale-fleet tokens list (http:// server)"


def commands(python: str = PYTHON, cli: str = CLI) -> dict[str, list[str]]:
    """The commands timed, for one environment's interpreter and console script."""
    return {
        "python -c pass": [python, "-c", "pass"],
        HTTPX: [python, "-c", "import httpx"],
        HTTPX_PYDANTIC: [python, "-c", "import httpx, pydantic"],
        FLOOR: [python, FLOOR_SCRIPT],
        IMPORT: [python, "-c", "import logscale_fleet"],
        IMPORT_CLIENT: [python, "-c", "import logscale_fleet; logscale_fleet.FleetClient"],
        HELP: [cli, "--help"],
        "logscale-fleet --sandbox tokens create x": [
            cli,
            "--sandbox",
            "tokens",
            "create",
            "x",
            "--allow-duplicate",  # every run creates one more "x"
        ],
        # Against the sandbox served over plain http:// in its own process (LOGSCALE_URL), so
        # the row is the CLI's own start-up plus one small request, as against a LogScale.
        TOKENS_LIST: [cli, "tokens", "list"],
    }


COMMANDS = commands()
MODES = ("as-is", "compiled", "installed")
SOURCE_DIRS = ("src", "generated")
COMMAND_TIMEOUT = 60.0


def time_command(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - fixed commands above
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.decode()[-500:]}")
    return elapsed


def pycache_dirs() -> set[Path]:
    return {p for d in SOURCE_DIRS for p in (PROJECT_DIR / d).rglob("__pycache__")}


@contextmanager
def compiled_bytecode(pre_existing: set[Path]) -> Iterator[None]:
    """Compile src/ and generated/ into __pycache__; remove what we added on the way out."""
    subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [PYTHON, "-m", "compileall", "-q", *SOURCE_DIRS],
        cwd=PROJECT_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        remove_pycache(pre_existing)


def remove_pycache(keep: set[Path]) -> None:
    for path in pycache_dirs() - keep:
        shutil.rmtree(path, ignore_errors=True)


def measure(
    *, repeat: int, modes: Sequence[str], progress: Callable[[str], None] | None = None
) -> tuple[Section, dict[str, dict[str, float]]]:
    pre_existing = pycache_dirs()
    results: dict[str, dict[str, list[float]]] = {m: {c: [] for c in COMMANDS} for m in modes}
    token = secrets.token_hex(24)  # urlsafe ones can start with "-", an option to argparse
    with (
        tempfile.TemporaryDirectory(prefix="logscale-fleet-bench-") as tmp,
        child_server("bench.sandbox_server", token) as server,
    ):
        env = dict(os.environ, LOGSCALE_URL=server.first_line, LOGSCALE_TOKEN=token)
        env["LOGSCALE_FLEET_SANDBOX_DB"] = str(Path(tmp) / "sandbox.sqlite3")
        by_mode = {mode: COMMANDS for mode in modes}
        if "installed" in modes:
            if progress:
                progress("start-up: building and installing the wheel into a fresh venv")
            by_mode["installed"] = commands(*installed_venv(Path(tmp)))
        try:
            for round_no in range(repeat + 1):  # round 0 warms disk caches and the sandbox db
                for mode in modes if round_no % 2 == 0 else list(reversed(modes)):
                    with _mode(mode, pre_existing):
                        names = list(COMMANDS)
                        shift = round_no % len(names)
                        for name in names[shift:] + names[:shift]:
                            elapsed = time_command(by_mode[mode][name], env)
                            if round_no:
                                results[mode][name].append(elapsed)
                if progress:
                    progress(f"start-up: round {round_no}/{repeat} done")
        finally:
            remove_pycache(pre_existing)
    medians = {m: {c: median(v) * 1000 for c, v in by.items()} for m, by in results.items()}
    return section(medians, repeat, had_bytecode=bool(pre_existing)), medians


def installed_venv(tmp: Path) -> tuple[str, str]:
    """(python, console script) of a fresh venv holding the wheel with the sandbox extra."""
    uv = shutil.which("uv")
    if uv is None:
        raise RuntimeError("the installed mode needs uv on PATH (or pass --mode as-is compiled)")
    dist, venv = tmp / "dist", tmp / "venv"

    def run_uv(*arguments: str) -> None:
        subprocess.run(  # noqa: S603 - uv, fixed arguments
            [uv, *arguments], cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL, timeout=600
        )

    run_uv("build", "--wheel", "--out-dir", str(dist), "-q")
    run_uv("venv", "-q", "--python", PYTHON, str(venv))
    (wheel,) = dist.glob("*.whl")
    python = str(venv / "bin" / "python")
    run_uv("pip", "install", "-q", "--python", python, "--compile-bytecode", f"{wheel}[sandbox]")
    return python, str(venv / "bin" / "logscale-fleet")


@contextmanager
def _mode(mode: str, pre_existing: set[Path]) -> Iterator[None]:
    if mode == "compiled":
        with compiled_bytecode(pre_existing):
            yield
    else:
        yield


def section(medians: dict[str, dict[str, float]], repeat: int, *, had_bytecode: bool) -> Section:
    out = Section("Start-up: fresh processes")
    modes = list(medians)
    rows = []
    for name in COMMANDS:
        row = [f"`{name}`"]
        for mode in modes:
            row.append(f"{medians[mode][name]:.0f}")
        for mode in modes:
            row.append(fmt_ratio(medians[mode][name] / medians[mode][HTTPX]))
        rows.append(row)
    header = ["command", *(f"ms, {m}" for m in modes), *(f"vs import httpx, {m}" for m in modes)]
    dont_write = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    out.lines += [
        f"Median of {repeat} runs per command, commands interleaved, bytecode modes alternating. "
        "*as-is*: this environment "
        f"(PYTHONDONTWRITEBYTECODE{'=1' if dont_write else ' unset'}; editable install; "
        f"{'some' if had_bytecode else 'no'} .pyc files for src/ and generated/). "
        "*compiled*: after `python -m compileall src generated`, as a normal install has. "
        "*installed*: the wheel with `[sandbox]` in a fresh venv, as `uv tool install` gives "
        "(no dev tools, so `import httpx` does not load rich).",
        "",
        *table(header, rows),
        "",
    ]
    for mode in modes:
        m = medians[mode]
        out.lines.append(
            f"- {mode}: `tokens list` is {m[TOKENS_LIST] / m[FLOOR]:.2f}x the floor "
            f"({m[TOKENS_LIST]:.0f} vs {m[FLOOR]:.0f} ms); the floor itself is "
            f"{m[FLOOR] / m[HTTPX_PYDANTIC]:.2f}x `import httpx, pydantic`"
        )
    out.lines.append("")
    for mode in modes:
        m = medians[mode]
        ratio = m[IMPORT] / m[HTTPX_PYDANTIC]
        out.targets.append(
            (
                f"`import logscale_fleet` <= 1.5x `import httpx, pydantic` ({mode})",
                ratio <= 1.5,
                f"{m[IMPORT]:.0f} vs {m[HTTPX_PYDANTIC]:.0f} ms = {ratio:.2f}x; "
                f"with FleetClient loaded {m[IMPORT_CLIENT] / m[HTTPX_PYDANTIC]:.2f}x",
            )
        )
        ratio = m[TOKENS_LIST] / m[HTTPX_PYDANTIC]
        out.targets.append(
            (
                f"`logscale-fleet tokens list` start-up <= 1.5x `import httpx, pydantic` ({mode})",
                ratio <= 1.5,
                f"{m[TOKENS_LIST]:.0f} vs {m[HTTPX_PYDANTIC]:.0f} ms = {ratio:.2f}x",
            )
        )
        ratio = m[HELP] / m[HTTPX]
        out.targets.append(
            (
                f"`logscale-fleet --help` <= 2x `import httpx` ({mode})",
                ratio <= 2.0,
                f"{m[HELP]:.0f} vs {m[HTTPX]:.0f} ms = {ratio:.2f}x",
            )
        )
    return out


def slowest_imports(argv: Sequence[str], count: int = 12) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the slowest imports, from python -X importtime."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    result = subprocess.run(  # noqa: S603 - fixed commands above
        argv, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, module = line.removeprefix("import time:").split("|")
        # Only top-level imports: nested ones are counted in their parent's cumulative time.
        if module.startswith(" ") and not module.startswith("  "):
            rows.append((int(cumulative), int(own), module.strip()))
    return sorted(rows, reverse=True)[:count]


def importtime_lines() -> list[str]:
    lines = []
    for name in (IMPORT_CLIENT, HELP, TOKENS_LIST):
        rows = [
            [f"`{module}`", f"{cumulative / 1000:.1f}", f"{own / 1000:.1f}"]
            for cumulative, own, module in slowest_imports(COMMANDS[name])
        ]
        lines += [
            f"Slowest top-level imports of `{name}` (python -X importtime, one run):",
            "",
            *table(["module", "cumulative ms", "own ms"], rows),
            "",
        ]
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeat", type=int, default=15, help="runs per command and mode (15)")
    parser.add_argument(
        "--mode", nargs="+", choices=MODES, default=list(MODES), help="modes (all three)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    parser.add_argument("--importtime", action="store_true", help="also list slowest imports")
    args = parser.parse_args()
    result, _ = measure(repeat=args.repeat, modes=args.mode)
    print("\n".join(machine_lines()), "", result.markdown(), sep="\n")
    print("\n".join(f"- {t}: {met(ok)} ({numbers})" for t, ok, numbers in result.targets))
    if args.importtime:
        print("", *importtime_lines(), sep="\n")


if __name__ == "__main__":
    run_main(main)
