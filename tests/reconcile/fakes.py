"""A fake resource kind for engine tests: records calls, fails or blocks on demand."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from logscale_fleet.errors import LogScaleError
from logscale_fleet.reconcile.adapter import Created, PlanPart
from logscale_fleet.reconcile.plan import Change, InSync


@dataclass
class FakeAdapter:
    kind: str
    phase: int
    section: str = "fakes"
    calls: list[tuple[str, str]] = field(default_factory=list)
    fail: dict[str, BaseException] = field(default_factory=dict)
    landed_as: dict[str, Change | InSync | None] = field(default_factory=dict)
    landed_calls: list[str] = field(default_factory=list)
    # When set, every apply waits for it: tests count what is in flight without timing.
    gate: asyncio.Event | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    log: list[str] | None = None

    def check(self, items: Sequence[Any], problems: list[str]) -> list[Any]:
        return list(items)

    async def read(self, fleet: Any, declared: Sequence[Any], *, prune: bool) -> Any:
        return None

    def diff(
        self, declared: Sequence[Any], state: Any, *, prune: bool, problems: list[str]
    ) -> PlanPart:
        return PlanPart()

    async def apply(self, fleet: Any, change: Change, created: Created) -> str | None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                await self.gate.wait()
            else:
                await asyncio.sleep(0)
            self.calls.append((change.action, change.name))
            if self.log is not None:
                self.log.append(f"{change.action} {self.kind} {change.name}")
            error = self.fail.pop(change.name, None)
            if error is not None:
                raise error
            return change.target or f"id-{change.name}"
        finally:
            self.in_flight -= 1

    async def landed(self, fleet: Any, change: Change) -> Change | InSync | None:
        self.landed_calls.append(change.name)
        return self.landed_as.get(change.name)


class Boom(LogScaleError):
    pass


def change(action: str, kind: str, name: str, target: str | None = None) -> Change:
    return Change(action, kind, name, target=target)  # type: ignore[arg-type]
