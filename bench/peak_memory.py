"""Peak resident memory of this process, as the kernel counts it for its address space.

ru_maxrss is no use for a child: Linux carries the parent's peak over fork and exec, so a
small child of a big benchmark process reports the parent's size. VmHWM belongs to the
address space exec created, so it is the child's own.

    python -m bench.peak_memory logscale-fleet ARGS...   the CLI, then "VmHWM <KiB>" on stderr
"""

from __future__ import annotations

import sys
from pathlib import Path


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def report() -> None:
    print(f"VmHWM {peak_kib()}", file=sys.stderr, flush=True)


def main() -> None:
    from logscale_fleet.cli.main import main as cli_main

    code = cli_main(sys.argv[2:])
    report()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
