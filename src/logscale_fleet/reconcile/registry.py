"""The resource kinds the engine manages; a new kind is one adapter and one line here."""

from __future__ import annotations

from logscale_fleet.reconcile.adapter import Adapter
from logscale_fleet.reconcile.configurations import CONFIGURATIONS
from logscale_fleet.reconcile.groups import GROUPS
from logscale_fleet.reconcile.tokens import TOKENS

# In phase order: what others reference comes first.
ADAPTERS: tuple[Adapter, ...] = (CONFIGURATIONS, TOKENS, GROUPS)

# Sections of the file format that are designed but whose adapters do not exist yet.
RESERVED: dict[str, str] = {}


def sections() -> list[str]:
    return [adapter.section for adapter in ADAPTERS]


def by_section(section: str) -> Adapter:
    return next(a for a in ADAPTERS if a.section == section)


def by_kind(kind: str) -> Adapter:
    for adapter in ADAPTERS:
        if adapter.kind == kind:
            return adapter
    raise KeyError(kind)


def phases() -> dict[str, int]:
    return {adapter.kind: adapter.phase for adapter in ADAPTERS}
