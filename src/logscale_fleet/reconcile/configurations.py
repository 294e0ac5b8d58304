"""The collector-configuration adapter: `configurations: [{name, file, description}]`.

Configurations are matched by name. `file` is a YAML file, relative to the declaration (or to
the working directory for a declaration on stdin); it is read and checked (parses, a mapping,
within LogScale's size; a problem names the item, file, line and column) when the declaration
is loaded, so a bad file stops the run before anything is planned. A new configuration is
created and its YAML published as version 1; a changed one is published with the version read
at plan time as the guard (someone else's change in between fails that change with a
ConflictError instead of being overwritten). `description`, when given, is kept in step;
when left out it is not managed. `--prune` deletes undeclared configurations, after the tokens
that referenced them have been reassigned or deleted (deletes run in reverse phase order).

Every client call is one small function at the bottom, so a rename of the facade's methods is a
change in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logscale_fleet._core import validation
from logscale_fleet.errors import InvalidInputError, LogScaleError
from logscale_fleet.reconcile.adapter import Created, PlanPart
from logscale_fleet.reconcile.plan import Change, FieldChange, InSync
from logscale_fleet.reconcile.problems import (
    checked_text,
    kind_of,
    mapping_item,
    quoted,
    unique_items,
)

if TYPE_CHECKING:
    from logscale_fleet.reconcile.adapter import Fleet

KIND = "configuration"
ITEM_KEYS = ("name", "file", "description")

# The folder `file:` paths are relative to, set by `Declaration` while it checks a file.
declaration_dir: ContextVar[Path] = ContextVar("declaration_dir", default=Path())


@dataclass(frozen=True)
class DeclaredConfiguration:
    item: int  # 1-based position in the section, for messages
    name: str
    file: str
    yaml: str
    description: str | None = None
    manages_description: bool = False


@dataclass(frozen=True)
class ExistingConfiguration:
    id: str
    name: str
    yaml: str | None
    version: int
    description: str | None


class ConfigurationAdapter:
    section = "configurations"
    kind = KIND
    phase = 0

    # -- the file ---------------------------------------------------------------------------

    def check(self, items: Sequence[Any], problems: list[str]) -> list[DeclaredConfiguration]:
        return unique_items(items, _check_item, problems, where="configurations: ")

    # -- planning ---------------------------------------------------------------------------

    async def read(
        self, fleet: Fleet, declared: Sequence[DeclaredConfiguration], *, prune: bool
    ) -> list[ExistingConfiguration]:
        return [_existing(c) for c in await _list(fleet)]

    def diff(
        self,
        declared: Sequence[DeclaredConfiguration],
        state: list[ExistingConfiguration],
        *,
        prune: bool,
        problems: list[str],
    ) -> PlanPart:
        part = PlanPart()
        by_name: dict[str, list[ExistingConfiguration]] = {}
        for existing in state:
            by_name.setdefault(existing.name, []).append(existing)
        for wanted in declared:
            matches = by_name.get(wanted.name, [])
            if len(matches) > 1:
                problems.append(
                    f"configurations: item {wanted.item}: name: {len(matches)} configurations "
                    f"on the server are named {quoted(wanted.name)}; rename or delete the "
                    "extras (`configs list`) and apply again"
                )
                continue
            if not matches:
                part.changes.append(_create(wanted))
                continue
            change = _update(wanted, matches[0])
            if change is None:
                part.unchanged.append(InSync(KIND, wanted.name, matches[0].id))
            else:
                part.changes.append(change)
        if prune:
            names = {c.name for c in declared}
            for existing in state:
                if existing.name not in names:
                    part.changes.append(
                        Change(
                            "delete",
                            KIND,
                            existing.name,
                            (FieldChange("version", existing.version, None),),
                            {"expected_version": existing.version},
                            target=existing.id,
                        )
                    )
        return part

    # -- applying ---------------------------------------------------------------------------

    async def apply(self, fleet: Fleet, change: Change, created: Created) -> str | None:
        desired = change.desired
        if change.action == "create":
            return await _create_and_publish(
                fleet, change.name, desired["yaml"], desired.get("description")
            )
        assert change.target is not None
        if change.action == "delete":
            if not await _delete(fleet, change.target, desired["expected_version"]):
                raise ConfigurationRefused(
                    f"the server did not delete {change.label} (it answered false)"
                )
            return change.target
        if "yaml" in desired:
            await _publish(fleet, change.target, desired["yaml"], desired["expected_version"])
        if "description" in desired:
            await _describe(fleet, change.target, desired["description"])
        return change.target

    async def landed(self, fleet: Fleet, change: Change) -> Change | InSync | None:
        matches = [c for c in await _list(fleet) if c.name == change.name]
        if len(matches) > 1:
            raise InvalidInputError(
                "name",
                f"{len(matches)} configurations are now named {quoted(change.name)}; "
                "rename or delete the extras",
            )
        if not matches:
            return None
        current = _existing(matches[0])
        wanted = DeclaredConfiguration(
            change.item or 0,
            change.name,
            "",
            change.desired["yaml"],
            change.desired.get("description"),
            "description" in change.desired,
        )
        return _update(wanted, current) or InSync(KIND, current.name, current.id)


class ConfigurationRefused(LogScaleError):
    """The server answered, but did not make the change (a delete answered false)."""


CONFIGURATIONS = ConfigurationAdapter()


def _create(wanted: DeclaredConfiguration) -> Change:
    fields = [FieldChange("yaml", None, wanted.yaml)]
    desired: dict[str, Any] = {"yaml": wanted.yaml}
    if wanted.manages_description:
        fields.append(FieldChange("description", None, wanted.description))
        desired["description"] = wanted.description
    return Change("create", KIND, wanted.name, tuple(fields), desired, item=wanted.item)


def _update(wanted: DeclaredConfiguration, current: ExistingConfiguration) -> Change | None:
    fields: list[FieldChange] = []
    desired: dict[str, Any] = {"expected_version": current.version}
    if current.yaml != wanted.yaml:
        fields.append(FieldChange("yaml", current.yaml, wanted.yaml))
        desired["yaml"] = wanted.yaml
    if wanted.manages_description and current.description != wanted.description:
        fields.append(FieldChange("description", current.description, wanted.description))
        desired["description"] = wanted.description
    if not fields:
        return None
    return Change(
        "update", KIND, wanted.name, tuple(fields), desired, target=current.id, item=wanted.item
    )


def _existing(configuration: Any) -> ExistingConfiguration:
    return ExistingConfiguration(
        configuration.id,
        configuration.name,
        configuration.yaml,
        configuration.version,
        configuration.description,
    )


def _check_item(
    index: int, item: Any, problems: list[str]
) -> tuple[str | None, DeclaredConfiguration | None]:
    """(the item's name if valid, the configuration if the whole item is valid)."""
    where = f"configurations: item {index}"
    found = len(problems)
    if not mapping_item(where, item, ITEM_KEYS, problems, shape="a table with a name and a file"):
        return None, None
    name = _text(where, "name", item, problems, validation.check_name)
    file = _text(where, "file", item, problems, None)
    description = None
    if item.get("description") is not None:
        if isinstance(item["description"], str):
            description = item["description"]
        else:
            problems.append(
                f"{where}: description: must be text, not {kind_of(item['description'])}"
            )
    yaml = _read(where, file, problems) if file is not None else None
    if len(problems) > found or name is None or file is None or yaml is None:
        return name, None
    return name, DeclaredConfiguration(
        index, name, file, yaml, description, manages_description="description" in item
    )


def _text(where: str, key: str, item: dict[str, Any], problems: list[str], rule: Any) -> str | None:
    if item.get(key) is None:
        problems.append(f"{where}: {key}: is required")
        return None
    checked: str | None = checked_text(where, key, item[key], rule, problems)
    return checked


def _read(where: str, file: str, problems: list[str]) -> str | None:
    from logscale_fleet._core.yaml_check import MAX_YAML_CHARACTERS, find_yaml_problem
    from logscale_fleet.input_files import read_input_file

    path = Path(file).expanduser()
    if not path.is_absolute():
        path = declaration_dir.get() / path
    try:
        text = read_input_file(
            str(path),
            what="configuration file",
            limit=4 * MAX_YAML_CHARACTERS,  # UTF-8: at most 4 bytes a character
            error=lambda message: InvalidInputError("file", message),
        )
    except InvalidInputError as exc:
        problems.append(f"{where}: file: {exc.rule}")
        return None
    problem = find_yaml_problem(text)
    if problem is not None:
        problems.append(f"{where}: file: {file}: {problem}")
        return None
    return text


# -- the client calls (one function each: the facade's names live here only) -----------------


async def _list(fleet: Fleet) -> list[Any]:
    return list(await fleet.configurations.list())


async def _create_and_publish(fleet: Fleet, name: str, yaml: str, description: str | None) -> str:
    created = await fleet.configurations.create(name, yaml, description=description)
    await fleet.configurations.publish(created.id, yaml, expected_version=created.version)
    return str(created.id)


async def _publish(fleet: Fleet, config_id: str, yaml: str, expected_version: int) -> None:
    await fleet.configurations.publish(config_id, yaml, expected_version=expected_version)


async def _describe(fleet: Fleet, config_id: str, description: str | None) -> None:
    await fleet.configurations.describe(config_id, description)


async def _delete(fleet: Fleet, config_id: str, expected_version: int) -> bool:
    return bool(await fleet.configurations.delete(config_id, expected_version=expected_version))
