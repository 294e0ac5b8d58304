"""Applying a plan: phases in dependency order, bounded concurrency within a phase.

The plan's order is the phase order (`plan.ordered`): creates and updates of what others
reference first, deletes last and in reverse. A phase runs with at most `concurrency` changes
in flight; the next phase starts only when the previous one has finished, so a token never
references a configuration that is not there yet.

A failure stops the run at the end of its phase: changes already in flight finish, nothing new
starts, and `ApplyError.result` says exactly what was done, what failed and what never started.
Rerunning the same declaration converges: the next plan starts from what is on the server.

A create whose answer was lost (a read timeout, a dropped connection, a 5xx) may have landed:
before it is reported failed the resource is looked up by name (`_core.ambiguous`, the one
place that rule lives; `install_tokens.ensure` is a one-item plan through this engine).

Progress is a callback (`on_change`), called on the event loop for every change that starts,
finishes or fails; the library never prints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from logscale_fleet._core.ambiguous import Landed, create_or_find
from logscale_fleet.errors import InvalidInputError, LogScaleError
from logscale_fleet.reconcile import registry
from logscale_fleet.reconcile.adapter import Adapter
from logscale_fleet.reconcile.plan import ACTIONS, Change, InSync, Plan, mask

if TYPE_CHECKING:
    from logscale_fleet.reconcile.adapter import Fleet

DEFAULT_CONCURRENCY = 16
DEFAULT_MAX_DELETES = 10
MAX_CONCURRENCY = 256

Status = Literal["started", "done", "failed"]


@dataclass(frozen=True)
class ChangeEvent:
    """What `on_change` receives. `finished` counts the changes done or failed so far."""

    change: Change
    status: Status
    finished: int
    total: int
    error: BaseException | None = None


@dataclass(frozen=True)
class Applied:
    change: Change
    target: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        document = self.change.to_dict()
        document["target"] = mask(self.target) if self.target else None
        return document


@dataclass(frozen=True)
class Failed:
    change: Change
    error: BaseException

    def to_dict(self) -> dict[str, Any]:
        return {**self.change.to_dict(), "error": str(self.error)}


@dataclass
class ApplyResult:
    """What a run did. Filled in as the run goes: pass your own to `apply(result=...)` to
    keep it when the run is cancelled."""

    source: str | None = None
    done: list[Applied] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    # Cancelled while in flight: the change may or may not have happened.
    interrupted: list[Change] = field(default_factory=list)
    not_started: list[Change] = field(default_factory=list)
    unchanged: list[InSync] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.interrupted or self.not_started)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {
            action: sum(1 for a in self.done if a.change.action == action) for action in ACTIONS
        }
        counts["unchanged"] = len(self.unchanged)
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "ok": self.ok,
            "changes": [applied.to_dict() for applied in self.done],
            "failed": [failed.to_dict() for failed in self.failed],
            "interrupted": [change.to_dict() for change in self.interrupted],
            "notStarted": [change.to_dict() for change in self.not_started],
            "unchanged": [item.to_dict() for item in self.unchanged],
            "summary": self.summary(),
        }


class ApplyError(LogScaleError):
    """A change failed; `result` says what was done before (the cause is the first error)."""

    def __init__(self, result: ApplyResult) -> None:
        self.result = result
        first = result.failed[0]
        made = len(result.done)
        total = made + len(result.failed) + len(result.not_started) + len(result.interrupted)
        super().__init__(
            f"{first.change.action} {first.change.label} failed ({first.error}); "
            f"made {made} of {total} changes"
        )


OnChange = Callable[[ChangeEvent], None]


async def apply_plan(
    fleet: Fleet,
    plan: Plan,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_change: OnChange | None = None,
    max_deletes: int = DEFAULT_MAX_DELETES,
    ambiguous_wait: float = 0.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    result: ApplyResult | None = None,
) -> ApplyResult:
    """Make the plan's changes; raises ApplyError (with the result) if one fails."""
    _check_limit("concurrency", concurrency, 1, MAX_CONCURRENCY)
    _check_limit("max_deletes", max_deletes, 0, None)
    deletes = plan.count("delete")
    if deletes > max_deletes:
        raise InvalidInputError(
            "max_deletes",
            f"the plan deletes {deletes} resources, more than max_deletes={max_deletes}; "
            "raise max_deletes to allow it",
        )
    run = _Run(fleet, plan, concurrency, on_change, ambiguous_wait, sleep, result)
    await run.all_phases()
    if run.result.failed:
        raise ApplyError(run.result) from run.result.failed[0].error
    return run.result


def _check_limit(name: str, value: Any, low: int, high: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidInputError(name, f"must be a whole number of at least {low}")
    if high is not None and value > high:
        raise InvalidInputError(name, f"must be at most {high}")


def phases(changes: Iterable[Change]) -> list[list[Change]]:
    """Consecutive runs of the plan's order that may run together: same phase, same direction
    (writes or deletes)."""
    groups: list[list[Change]] = []
    key: tuple[bool, int] | None = None
    order = registry.phases()
    for change in changes:
        this = (change.action == "delete", order[change.kind])
        if this != key:
            groups.append([])
            key = this
        groups[-1].append(change)
    return groups


class _Run:
    def __init__(
        self,
        fleet: Fleet,
        plan: Plan,
        concurrency: int,
        on_change: OnChange | None,
        ambiguous_wait: float,
        sleep: Callable[[float], Awaitable[None]],
        result: ApplyResult | None,
    ) -> None:
        self.fleet = fleet
        self.plan = plan
        self.concurrency = concurrency
        self.on_change = on_change
        self.ambiguous_wait = ambiguous_wait
        self.sleep = sleep
        self.result = result if result is not None else ApplyResult()
        self.result.source = plan.source
        self.result.unchanged = list(plan.unchanged)
        self.created: dict[tuple[str, str], str] = {}
        self.finished = 0
        self.total = len(plan.changes)

    async def all_phases(self) -> None:
        groups = phases(self.plan.changes)
        for index, group in enumerate(groups):
            try:
                await self._phase(group)
            except BaseException:  # cancelled: the later phases never start either
                for later in groups[index + 1 :]:
                    self.result.not_started.extend(later)
                raise
            if self.result.failed:
                for later in groups[index + 1 :]:
                    self.result.not_started.extend(later)
                return

    async def _phase(self, changes: list[Change]) -> None:
        queue = list(reversed(changes))
        in_flight: set[int] = set()

        async def worker() -> None:
            while queue and not self.result.failed:
                change = queue.pop()
                in_flight.add(id(change))
                await self._one(change)
                # Not in a `finally`: a change cancelled mid-call stays "in flight" (unknown).
                in_flight.discard(id(change))

        workers = [
            asyncio.ensure_future(worker()) for _ in range(min(self.concurrency, len(changes)))
        ]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            # Cancelled (Ctrl-C, a caller's timeout): stop the workers, then say what is unknown.
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            self.result.interrupted.extend(c for c in changes if id(c) in in_flight)
            self.result.not_started.extend(reversed(queue))
            raise
        self.result.not_started.extend(reversed(queue))

    async def _one(self, change: Change) -> None:
        adapter = registry.by_kind(change.kind)
        self._tell(change, "started")
        try:
            target = await self._make(adapter, change)
        except (LogScaleError, ValueError) as error:
            # Bugs (other exceptions) and cancellation propagate; API failures are reported.
            self.result.failed.append(Failed(change, error))
            self.finished += 1
            self._tell(change, "failed", error)
            return
        if change.action == "create" and target is not None:
            self.created[(change.kind, change.name)] = target
        self.result.done.append(Applied(change, target))
        self.finished += 1
        self._tell(change, "done")

    async def _make(self, adapter: Adapter, change: Change) -> str | None:
        if change.action != "create":  # only a create can make a duplicate when resent
            return await adapter.apply(self.fleet, change, self.created)
        outcome: str | None | Landed[Change | InSync] = await create_or_find(
            lambda: adapter.apply(self.fleet, change, self.created),
            lambda: adapter.landed(self.fleet, change),
            wait=self.ambiguous_wait,
            sleep=self.sleep,
        )
        if not isinstance(outcome, Landed):
            return outcome
        if isinstance(outcome.found, Change):  # it landed, but not quite as declared
            return await adapter.apply(self.fleet, outcome.found, self.created)
        return outcome.found.target

    def _tell(self, change: Change, status: Status, error: BaseException | None = None) -> None:
        if self.on_change is not None:
            self.on_change(ChangeEvent(change, status, self.finished, self.total, error))
