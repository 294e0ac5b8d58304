"""A child process's work for test_db: open a state file at the same moment as its siblings.

Its own module, importing only the store: a picklable target that pulls in nothing else.
"""

from __future__ import annotations

from multiprocessing.synchronize import Barrier
from queue import Queue

from logscale_fleet.sandbox.store import SandboxStore


def open_at_once(path: str, barrier: Barrier, results: Queue[str]) -> None:
    barrier.wait()
    try:
        SandboxStore(path).close()
    except Exception as exc:  # reported to the parent, which asserts on it
        results.put(repr(exc))
    else:
        results.put("")
