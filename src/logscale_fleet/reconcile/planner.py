"""Making a plan: read the server for every kind the declaration states (in parallel), diff."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from logscale_fleet.reconcile import registry
from logscale_fleet.reconcile.adapter import PlanPart, planned_creates
from logscale_fleet.reconcile.declaration import Declaration
from logscale_fleet.reconcile.plan import Change, Plan, ordered
from logscale_fleet.reconcile.problems import DeclarationError

if TYPE_CHECKING:
    from logscale_fleet.reconcile.adapter import Fleet


async def make_plan(fleet: Fleet, declaration: Declaration, *, prune: bool = False) -> Plan:
    """The changes that make the server match `declaration`. With `prune`, resources of a
    declared kind that the file does not name are deleted (kinds the file does not mention are
    left alone). A problem only the server reveals (an unknown config_name, a name two server
    tokens share) is a DeclarationError, as a problem in the file is."""
    if not isinstance(declaration, Declaration):
        raise TypeError("plan() takes a Declaration (Declaration.load(path))")
    adapters = [a for a in registry.ADAPTERS if a.section in declaration.sections]
    states: list[Any] = await asyncio.gather(
        *(a.read(fleet, declaration.sections[a.section], prune=prune) for a in adapters)
    )
    problems: list[str] = []
    whole = PlanPart()
    planned: dict[tuple[str, str], Change] = {}
    reset = planned_creates.set(planned)
    try:
        # In phase order, so a kind sees the creates planned for what it may reference.
        for adapter, state in sorted(zip(adapters, states, strict=True), key=lambda p: p[0].phase):
            part = adapter.diff(
                declaration.sections[adapter.section], state, prune=prune, problems=problems
            )
            planned.update({(c.kind, c.name): c for c in part.changes if c.action == "create"})
            whole.changes += part.changes
            whole.unchanged += part.unchanged
            whole.notes += part.notes
    finally:
        planned_creates.reset(reset)
    if problems:
        raise DeclarationError(declaration.source, problems)
    return Plan(
        ordered(whole.changes, registry.phases()),
        tuple(whole.unchanged),
        tuple(whole.notes),
        declaration.source,
        prune,
    )
