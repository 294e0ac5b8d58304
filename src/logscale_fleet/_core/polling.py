"""The one way an answer that says "still computing" is waited for: ask again with the state
the server returned, with backoff, until it is done, a deadline passes, or a poll count runs out.

Both bounds hold whatever the server does: a server that answers "in progress" forever, or
answers at once forever, ends the wait with TimeoutError naming the operation, the polls made
and the seconds waited.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from logscale_fleet.errors import TimeoutError

R = TypeVar("R")

FIRST_DELAY = 0.2
MAX_DELAY = 2.0
MAX_POLLS = 200


@dataclass(frozen=True)
class Progress:
    """Where a long search stands, for a progress callback (the CLI renders it)."""

    operation: str
    polls: int
    elapsed: float
    total_results: int | None


@dataclass(frozen=True)
class Pending:
    """What `check` makes of an answer: the state to poll with, or None when it is final."""

    state: str | None
    total_results: int | None = None


async def poll(
    operation: str,
    send: Callable[[str | None], Awaitable[R]],
    check: Callable[[R], Pending],
    *,
    deadline: float,
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float] = time.monotonic,
    on_progress: Callable[[Progress], None] | None = None,
    first_state: str | None = None,
    max_polls: int | None = None,
) -> R:
    """`send(state)` until `check` calls an answer final; `deadline` is seconds from now."""
    if max_polls is None:
        max_polls = MAX_POLLS
    started = clock()
    answer = await send(first_state)
    pending = check(answer)
    polls = 0
    delay = FIRST_DELAY
    while pending.state is not None:
        elapsed = clock() - started
        remaining = deadline - elapsed
        if remaining <= 0 or polls >= max_polls:
            raise TimeoutError(
                f"{operation} was still in progress after {polls} polls and {elapsed:.1f} s "
                f"(the limit is {deadline:g} s and {max_polls} polls); try again, or wait longer",
                operation=operation,
                request_sent=True,
            )
        if on_progress is not None:
            on_progress(Progress(operation, polls, elapsed, pending.total_results))
        await sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY)
        polls += 1
        answer = await send(pending.state)
        pending = check(answer)
    return answer
