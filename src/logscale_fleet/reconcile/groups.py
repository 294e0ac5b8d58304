"""The collector-group adapter: check the `groups:` section, read the server, diff, change.

    groups:
      - name: prod-web
        filter: 'hostname = "web*" labels.env = prod'
        configurations: [linux-syslog]      # names, in order
        wanted_version: 1.9.1               # or omitted / null: no wanted version

An item is the group's whole desired state: an omitted `filter`, `configurations` or
`wanted_version` means none. Groups are matched by name (LogScale does not make group names
unique, so two server groups sharing a declared name is a problem to fix first). Configurations
are named and resolved against the server at plan time, or against the configurations the same
file declares (created in phase 0, before groups in phase 1; `apply` then uses the new ids).
`--prune` deletes groups the file does not name.

Every client call is one small function at the bottom, as in tokens.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from logscale_fleet._core import validation as _validate
from logscale_fleet.errors import InvalidInputError
from logscale_fleet.reconcile.adapter import Created, PlanPart, planned_creates
from logscale_fleet.reconcile.plan import Change, FieldChange, InSync
from logscale_fleet.reconcile.problems import checked_text, kind_of, mapping_item, quoted

if TYPE_CHECKING:
    from logscale_fleet.reconcile.adapter import Fleet

KIND = "group"
CONFIGURATION_KIND = "configuration"
# The id of a configuration this run creates; `apply` finds the real one in `created`.
PENDING = ""
ITEM_KEYS = ("name", "filter", "configurations", "wanted_version")
MAX_FILTER_LENGTH = 10_000


@dataclass(frozen=True)
class DeclaredGroup:
    item: int
    name: str
    filter: str | None = None
    configurations: tuple[str, ...] = ()
    wanted_version: str | None = None


@dataclass(frozen=True)
class ExistingGroup:
    id: str
    name: str
    filter: str | None
    configurations: tuple[tuple[str, str], ...]  # (id, name), in order
    wanted_version: str | None


@dataclass(frozen=True)
class GroupState:
    groups: list[ExistingGroup]
    configurations: list[tuple[str, str]]  # (id, name)


class GroupAdapter:
    section = "groups"
    kind = KIND
    phase = 1

    # -- the file ---------------------------------------------------------------------------

    def check(self, items: Sequence[Any], problems: list[str]) -> list[DeclaredGroup]:
        declared: list[DeclaredGroup] = []
        first_item: dict[str, int] = {}
        for index, item in enumerate(items, start=1):
            name, group = _check_item(index, item, problems)
            if name is not None and name in first_item:
                problems.append(
                    f"item {index}: name: {quoted(name)} is already declared by item "
                    f"{first_item[name]} (names must be unique)"
                )
                continue
            if name is not None:
                first_item[name] = index
            if group is not None:
                declared.append(group)
        return declared

    # -- planning ---------------------------------------------------------------------------

    async def read(
        self, fleet: Fleet, declared: Sequence[DeclaredGroup], *, prune: bool
    ) -> GroupState:
        groups, configurations = await asyncio.gather(
            _list_groups(fleet), _list_configurations(fleet)
        )
        return GroupState([_existing(g) for g in groups], [(c.id, c.name) for c in configurations])

    def diff(
        self,
        declared: Sequence[DeclaredGroup],
        state: GroupState,
        *,
        prune: bool,
        problems: list[str],
    ) -> PlanPart:
        part = PlanPart()
        by_config_name: dict[str, list[str]] = {}
        for config_id, config_name in state.configurations:
            by_config_name.setdefault(config_name, []).append(config_id)
        by_name: dict[str, list[ExistingGroup]] = {}
        for group in state.groups:
            by_name.setdefault(group.name, []).append(group)
        for wanted in declared:
            refs = _resolve(wanted, by_config_name, problems)
            if refs is None:
                continue
            matches = by_name.get(wanted.name, [])
            if len(matches) > 1:
                problems.append(
                    f"item {wanted.item}: name: {len(matches)} groups on the server are named "
                    f"{quoted(wanted.name)}; delete or rename the extras (`groups list`) and "
                    "apply again"
                )
                continue
            desired = {
                "filter": wanted.filter,
                "config_refs": refs,
                "wanted_version": wanted.wanted_version,
            }
            if not matches:
                fields = (
                    FieldChange("filter", None, wanted.filter),
                    FieldChange("configurations", None, list(wanted.configurations)),
                    FieldChange("wanted_version", None, wanted.wanted_version),
                )
                part.changes.append(
                    Change("create", KIND, wanted.name, fields, desired, item=wanted.item)
                )
                continue
            current = matches[0]
            changed = _differences(current, wanted, [config_id for config_id, _ in refs])
            if not changed:
                part.unchanged.append(InSync(KIND, current.name, current.id))
            else:
                part.changes.append(
                    Change(
                        "update",
                        KIND,
                        current.name,
                        changed,
                        desired,
                        target=current.id,
                        item=wanted.item,
                    )
                )
        if prune:
            names = {g.name for g in declared}
            for group in state.groups:
                if group.name not in names:
                    part.changes.append(
                        Change(
                            "delete",
                            KIND,
                            group.name,
                            (FieldChange("filter", group.filter, None),),
                            target=group.id,
                        )
                    )
        return part

    # -- applying ---------------------------------------------------------------------------

    async def apply(self, fleet: Fleet, change: Change, created: Created) -> str | None:
        desired = change.desired
        if change.action == "create":
            config_ids = _config_ids(change, created)
            group_id = await _create(fleet, change.name, desired["filter"], config_ids)
            if desired["wanted_version"] is not None:
                await _set_wanted_version(fleet, group_id, desired["wanted_version"])
            return group_id
        assert change.target is not None
        if change.action == "delete":
            if not await _delete(fleet, change.target):
                raise InvalidInputError(
                    "group", f"the server did not delete {change.label} (it answered false)"
                )
            return change.target
        changed = {f.field for f in change.fields}
        if "filter" in changed:
            await _set_filter(fleet, change.target, desired["filter"])
        if "configurations" in changed:
            await _set_configurations(fleet, change.target, _config_ids(change, created))
        if "wanted_version" in changed:
            await _set_wanted_version(fleet, change.target, desired["wanted_version"])
        return change.target

    async def landed(self, fleet: Fleet, change: Change) -> Change | InSync | None:
        matches = [_existing(g) for g in await _list_groups(fleet) if g.name == change.name]
        if len(matches) > 1:
            raise InvalidInputError(
                "name",
                f"{len(matches)} groups are now named {quoted(change.name)}; rename or delete "
                "the extras",
            )
        if not matches:
            return None
        current = matches[0]
        wanted = DeclaredGroup(
            change.item or 0,
            change.name,
            change.desired["filter"],
            tuple(change.fields[1].after),
            change.desired["wanted_version"],
        )
        # A create's references were resolved (the configurations' phase ran first), so the
        # PENDING ones can only differ: the update then sends the created ids.
        changed = _differences(
            current, wanted, [config_id for config_id, _ in change.desired["config_refs"]]
        )
        if not changed:
            return InSync(KIND, current.name, current.id)
        return Change("update", KIND, current.name, changed, change.desired, target=current.id)


GROUPS = GroupAdapter()


def _differences(
    current: ExistingGroup, wanted: DeclaredGroup, config_ids: list[str]
) -> tuple[FieldChange, ...]:
    changed: list[FieldChange] = []
    if (current.filter or None) != wanted.filter:
        changed.append(FieldChange("filter", current.filter, wanted.filter))
    if [c[0] for c in current.configurations] != config_ids:
        changed.append(
            FieldChange(
                "configurations",
                [c[1] for c in current.configurations],
                list(wanted.configurations),
            )
        )
    if current.wanted_version != wanted.wanted_version:
        changed.append(FieldChange("wanted_version", current.wanted_version, wanted.wanted_version))
    return tuple(changed)


def _resolve(
    wanted: DeclaredGroup, by_name: dict[str, list[str]], problems: list[str]
) -> list[tuple[str, str]] | None:
    """(id, name) of each named configuration (id PENDING for one this run creates), or None
    with a problem recorded."""
    refs: list[tuple[str, str]] = []
    ok = True
    planned = planned_creates.get()
    for name in wanted.configurations:
        matches = by_name.get(name, [])
        if len(matches) == 1:
            refs.append((matches[0], name))
            continue
        if not matches and (CONFIGURATION_KIND, name) in planned:
            refs.append((PENDING, name))
            continue
        ok = False
        if not matches:
            known = sorted(by_name)
            shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
            problems.append(
                f"item {wanted.item}: configurations: no configuration is named {quoted(name)} "
                f"(known: {shown or 'none'})"
            )
        else:
            problems.append(
                f"item {wanted.item}: configurations: {len(matches)} configurations are named "
                f"{quoted(name)} ({', '.join(matches)})"
            )
    return refs if ok else None


def _config_ids(change: Change, created: Created) -> list[str]:
    """The configuration ids to send, with those this run created looked up by name."""
    ids: list[str] = []
    for config_id, name in change.desired["config_refs"]:
        if config_id != PENDING:
            ids.append(config_id)
            continue
        found = created.get((CONFIGURATION_KIND, name))
        if found is None:
            # The configurations' phase runs first and a failure stops the run there; reaching
            # this means the declared configuration was not created.
            raise InvalidInputError(
                "configurations",
                f"{change.label} needs configuration {quoted(name)}, which this run did not create",
            )
        ids.append(found)
    return ids


def _existing(group: Any) -> ExistingGroup:
    return ExistingGroup(
        group.id,
        group.name,
        group.filter_,
        tuple((c.id, c.name) for c in group.configurations),
        group.wanted_version,
    )


def _check_item(
    index: int, item: Any, problems: list[str]
) -> tuple[str | None, DeclaredGroup | None]:
    where = f"item {index}"
    found = len(problems)
    if not mapping_item(where, item, ITEM_KEYS, problems):
        return None, None
    name = None
    if "name" not in item:
        problems.append(f"{where}: name: is required")
    else:
        name = checked_text(where, "name", item["name"], _validate.check_name, problems)
    group_filter = None
    if item.get("filter") is not None:
        group_filter = checked_text(
            where,
            "filter",
            item["filter"],
            lambda v, k: _validate.check_optional_text(v, k, maximum=MAX_FILTER_LENGTH),
            problems,
        )
        if group_filter is not None and not group_filter.strip():
            group_filter = None
    version = None
    if item.get("wanted_version") is not None:
        version = checked_text(
            where, "wanted_version", item["wanted_version"], _validate.check_id, problems
        )
    configurations: list[str] = []
    given = item.get("configurations")
    if given is not None:
        if not isinstance(given, list):
            problems.append(
                f"{where}: configurations: must be a list of configuration names, not "
                f"{kind_of(given)}"
            )
        else:
            for position, value in enumerate(given, start=1):
                checked = checked_text(
                    where, f"configurations[{position}]", value, _validate.check_name, problems
                )
                if checked is not None:
                    if checked in configurations:
                        problems.append(
                            f"{where}: configurations: {quoted(checked)} is listed twice"
                        )
                    configurations.append(checked)
    if len(problems) > found or name is None:
        return name, None
    return name, DeclaredGroup(index, name, group_filter, tuple(configurations), version)


# -- the client calls (one function each: the facade's names live here only) -----------------


async def _list_groups(fleet: Fleet) -> list[Any]:
    return list(await fleet.groups.list())


async def _list_configurations(fleet: Fleet) -> list[Any]:
    return list(await fleet.configurations.list())


async def _create(fleet: Fleet, name: str, group_filter: str | None, config_ids: list[str]) -> str:
    created = await fleet.groups.create(name, group_filter, config_ids)
    return str(created.id)


async def _set_filter(fleet: Fleet, group_id: str, group_filter: str | None) -> None:
    await fleet.groups.set_filter(group_id, group_filter)


async def _set_configurations(fleet: Fleet, group_id: str, config_ids: list[str]) -> None:
    await fleet.groups.set_configurations(group_id, config_ids)


async def _set_wanted_version(fleet: Fleet, group_id: str, version: str | None) -> None:
    await fleet.groups.set_wanted_version(group_id, version)


async def _delete(fleet: Fleet, group_id: str) -> bool:
    return bool(await fleet.groups.delete(group_id))
