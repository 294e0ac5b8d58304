"""What the engine needs from each resource kind: one small adapter per kind.

`plan.py` and `apply.py` know nothing of install tokens, configurations or groups; a kind joins
the engine by providing an `Adapter` and a line in `registry.py`:

- `section` is its key in a declaration file, `kind` the name plans use, `phase` its place in
  the dependency order (what others reference has a lower phase: configurations 0, then tokens
  and groups 1).
- `check(items, problems)` validates the section's items, appending every problem (`item 3:
  name: ...`), and returns the valid items.
- `read(fleet, declared, prune)` fetches what `diff` needs from the server (in parallel where
  it can); `diff(declared, state, prune, problems)` is pure and returns the part of the plan.
- `apply(fleet, change, created)` makes one change and returns the resource's handle
  (`Change.target`); `created` maps `(kind, name)` to the handles made earlier in this run, so
  a resource can reference one created in an earlier phase.
- `landed(fleet, change)` is asked after a create failed ambiguously (the answer was lost, a
  timeout): the resource as it now is on the server (an `InSync`, or the `Change` that still
  makes it match), or None if the create did not land.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from logscale_fleet.reconcile.plan import Change, InSync

if TYPE_CHECKING:
    from logscale_fleet.resources.configurations import Configurations
    from logscale_fleet.resources.groups import Groups
    from logscale_fleet.resources.install_tokens import InstallTokens

Created = Mapping[tuple[str, str], str]

# While a plan is made: the creates planned so far by the adapters of earlier phases, keyed
# `(kind, name)`, so `diff` can accept a reference to something this run will create (a token's
# `config_name` naming a declared configuration); `apply` then finds its handle in `created`.
planned_creates: ContextVar[Mapping[tuple[str, str], Change]] = ContextVar(
    "planned_creates", default=MappingProxyType({})
)


class Fleet(Protocol):
    """What the engine needs of a client: its resources. `FleetClient` is one; the engine sits
    below the client (which offers `fleet.plan()` / `fleet.apply()`), so it names no client."""

    @property
    def install_tokens(self) -> InstallTokens: ...

    @property
    def configurations(self) -> Configurations: ...

    @property
    def groups(self) -> Groups: ...


@dataclass
class PlanPart:
    changes: list[Change] = field(default_factory=list)
    unchanged: list[InSync] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Adapter(Protocol):
    section: str
    kind: str
    phase: int

    def check(self, items: Sequence[Any], problems: list[str]) -> list[Any]: ...

    async def read(self, fleet: Fleet, declared: Sequence[Any], *, prune: bool) -> Any: ...

    def diff(
        self, declared: Sequence[Any], state: Any, *, prune: bool, problems: list[str]
    ) -> PlanPart: ...

    async def apply(self, fleet: Fleet, change: Change, created: Created) -> str | None: ...

    async def landed(self, fleet: Fleet, change: Change) -> Change | InSync | None: ...
