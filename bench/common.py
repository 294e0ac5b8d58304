"""What every benchmark part shares: machine facts, child servers, CPU accounting, tables."""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

PROJECT_DIR = Path(__file__).resolve().parent.parent
REFERENCE_SCHEMA = PROJECT_DIR.parent / "shared" / "reference" / "logscale-schema-2025-10.graphql"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Section:
    """One part's results: a Markdown block plus the figures the summary table needs."""

    title: str
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, bool, str]] = field(default_factory=list)  # (target, met, numbers)

    def markdown(self) -> str:
        return "\n".join([f"### {self.title}", "", *self.lines])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines() -> list[str]:
    cores = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = cores
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    bytecode = "PYTHONDONTWRITEBYTECODE=1" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "unset"
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {usable} usable cores (nproc; {cores} online), {cpu_model()}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"bytecode writing: {bytecode}",
        f"- load average at start (1/5/15 min): {load}",
    ]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc), 0.0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5); index 11 and 12 after the ")".
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def system_busy_seconds() -> float:
    """CPU time all processes together have used so far, summed over cores (Linux /proc/stat).

    Subtracting the client's and the server's own CPU time from its growth over a run leaves
    what everything else on the machine used meanwhile: on a shared 2-core machine that is the
    load that can make wall times wrong.
    """
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}x"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A Markdown table; `align` holds one character per column: l(eft) or r(ight)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = [":---" if a == "l" else "---:" for a in align]
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(marks) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def met(flag: bool) -> str:
    return "met" if flag else "**not met**"


@contextlib.contextmanager
def child_server(module: str, *args: str, ready_timeout: float = 30.0) -> Iterator[ChildServer]:
    """Run `python -m module args...` as a server that prints its URL or port as its first line.

    The child gets its own session so a Ctrl-C in the terminal reaches only us; we stop it
    (stdin closed, then SIGTERM, then SIGKILL) on the way out, whatever happened.
    """
    process = subprocess.Popen(  # noqa: S603 - our own modules, run with our interpreter
        [sys.executable, "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_DIR,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        # Wait a bounded time for the first line: a child that hangs must not hang us.
        readable, _, _ = select.select([process.stdout], [], [], ready_timeout)
        line = process.stdout.readline().strip() if readable else ""
        if not line:
            raise RuntimeError(f"{module} did not start (exit code {process.poll()})")
        yield ChildServer(process, line)
    finally:
        stop_process(process)


@dataclass
class ChildServer:
    process: subprocess.Popen[str]
    first_line: str

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)


def stop_process(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None and not process.stdin.closed:
        with contextlib.suppress(OSError):  # the child may be gone already
            process.stdin.close()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            process.wait(timeout=3)
            break
        except subprocess.TimeoutExpired:
            process.send_signal(sig)
    with contextlib.suppress(subprocess.TimeoutExpired):  # unkillable: give up, do not hang
        process.wait(timeout=5)


def run_main(main: Callable[[], None]) -> None:
    """Run a part's main: SIGTERM and Ctrl-C unwind through `finally` (servers stopped,
    temporary files removed) and end with a one-line message instead of a traceback."""
    exit_cleanly_on_sigterm()
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        raise SystemExit(130) from None


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so `finally` blocks stop the child servers."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
