"""Names on the command line -> ids: configurations and groups, each by id or exact name.

The API takes ids; people type names. A name that matches nothing is NotFound (exit 4), one
that matches several groups (LogScale does not make group names unique) is a usage error that
lists their ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from logscale_fleet.cli.exit_codes import NotFound, UsageError
from logscale_fleet.cli.output import shown_input

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient
    from logscale_graphql.fragments import GroupFields


async def configuration_ids(fleet: FleetClient, given: Sequence[str]) -> list[str]:
    """The id of each configuration named (by id or name), in order."""
    if not given:
        return []
    known = await fleet.configurations.list()
    by_id = {c.id: c.id for c in known}
    by_name: dict[str, list[str]] = {}
    for configuration in known:
        by_name.setdefault(configuration.name, []).append(configuration.id)
    found: list[str] = []
    for value in given:
        if value in by_id:
            found.append(value)
        elif len(by_name.get(value, ())) == 1:
            found.append(by_name[value][0])
        elif value in by_name:
            raise UsageError(
                f"several configurations are named {shown_input(value)}; give one of their "
                f"ids: {', '.join(by_name[value])}"
            )
        else:
            raise NotFound(
                f"no configuration has the name or id {shown_input(value)} "
                "(`configs list` shows them)"
            )
    return found


async def group(fleet: FleetClient, given: str) -> GroupFields:
    """The group with this id, else the one group with this exact name."""
    groups = await fleet.groups.list()
    for found in groups:
        if found.id == given:
            return found
    named = [g for g in groups if g.name == given]
    if len(named) == 1:
        return named[0]
    if named:
        raise UsageError(
            f"several groups are named {shown_input(given)}; give one of their ids: "
            + ", ".join(g.id for g in named)
        )
    raise NotFound(f"no group has the name or id {shown_input(given)} (`groups list` shows them)")
