"""The long chaos run: thousands of creates and ensures against a faulting sandbox.

    uv run python -m bench.chaos [--creates 2500] [--ensure-names 250] [--ensures-per-name 10]
                                 [--concurrency 20] [--seed 1]

The same runner as tests/reliability/test_chaos.py (which CI runs at 500 calls); prints the
figures and exits 1 if anything was lost, duplicated or left unexplained.
"""

from __future__ import annotations

import argparse
import asyncio

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.reliability.chaos import run_chaos


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--creates", type=int, default=2500)
    parser.add_argument("--ensure-names", type=int, default=250)
    parser.add_argument("--ensures-per-name", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with ThreadedSandbox() as sandbox:
        report = asyncio.run(
            run_chaos(
                sandbox,
                ensure_names=args.ensure_names,
                ensures_per_name=args.ensures_per_name,
                creates=args.creates,
                concurrency=args.concurrency,
                seed=args.seed,
            )
        )
    print(report.format())
    bad = report.undocumented or report.ensure_duplicates or report.unexplained_orphans
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
