"""Fleet as code: declare the desired state, plan the difference, apply it.

    from logscale_fleet.reconcile import Declaration

    declaration = Declaration.load("fleet.yaml")
    async with FleetClient() as fleet:
        plan = await fleet.plan(declaration, prune=True)
        print(plan.to_dict())                  # plain data; a dry run is printing it
        result = await fleet.apply(plan, on_change=print)

Layers: `declaration` (load and check the whole file), `plan` (plain data), `planner` (read the
server, diff), `apply` (phases, bounded concurrency), and one adapter per resource kind
(`tokens`; see `adapter.py` for adding one).
"""

from logscale_fleet.reconcile.apply import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_DELETES,
    Applied,
    ApplyError,
    ApplyResult,
    ChangeEvent,
    Failed,
)
from logscale_fleet.reconcile.declaration import Declaration
from logscale_fleet.reconcile.plan import Change, FieldChange, InSync, Plan
from logscale_fleet.reconcile.problems import DeclarationError
from logscale_fleet.reconcile.tokens import ChangeRefused, DeclaredToken

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_DELETES",
    "Applied",
    "ApplyError",
    "ApplyResult",
    "Change",
    "ChangeEvent",
    "ChangeRefused",
    "Declaration",
    "DeclarationError",
    "DeclaredToken",
    "Failed",
    "FieldChange",
    "InSync",
    "Plan",
]
