"""The install-token adapter: check the `tokens:` section, read the server, diff, make changes.

Tokens are matched by name (LogScale gives them no other id; the value is a secret). A token
references at most one collector configuration, by `config_id` or `config_name` (resolved
against the server's configurations at plan time, or against the configurations the same run
creates: their id is known only when applying, after the configurations' phase). `--prune`
deletes tokens the file does not name, except the organisation's default install token:
LogScale hands it to collectors that enrol without one.

Every client call is one small function at the bottom, so a rename of the facade's methods is a
change in one place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from logscale_fleet._core import validation as _validate
from logscale_fleet.errors import InvalidInputError, LogScaleError
from logscale_fleet.reconcile.adapter import Created, PlanPart, planned_creates
from logscale_fleet.reconcile.plan import Change, FieldChange, InSync
from logscale_fleet.reconcile.problems import checked_text, mapping_item, quoted, unique_items

if TYPE_CHECKING:
    from logscale_fleet.reconcile.adapter import Fleet

KIND = "install_token"
CONFIGURATION_KIND = "configuration"
# The id of a configuration this run creates; `apply` finds the real one in `created`.
PENDING = ""
ITEM_KEYS = ("name", "config_id", "config_name")


@dataclass(frozen=True)
class DeclaredToken:
    item: int  # 1-based position in the section, for messages
    name: str
    config_id: str | None = None
    config_name: str | None = None


@dataclass(frozen=True)
class Configuration:
    id: str
    name: str

    def document(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class ExistingToken:
    name: str
    token: str
    config: Configuration | None

    def __repr__(self) -> str:
        return f"ExistingToken(name={self.name!r}, token='***', config={self.config!r})"


@dataclass(frozen=True)
class TokenState:
    tokens: list[ExistingToken]
    configurations: list[Configuration]
    default: ExistingToken | None = None


class ChangeRefused(LogScaleError):
    """The server answered, but did not make the change (a delete answered false)."""


class TokenAdapter:
    section = "tokens"
    kind = KIND
    phase = 1

    # -- the file ---------------------------------------------------------------------------

    def check(self, items: Sequence[Any], problems: list[str]) -> list[DeclaredToken]:
        return unique_items(items, _check_item, problems)

    # -- planning ---------------------------------------------------------------------------

    async def read(
        self, fleet: Fleet, declared: Sequence[DeclaredToken], *, prune: bool
    ) -> TokenState:
        wants_configs = any(t.config_id is not None or t.config_name is not None for t in declared)

        async def nothing() -> Any:
            return None

        tokens, configurations, default = await asyncio.gather(
            _list_tokens(fleet),
            _list_configurations(fleet) if wants_configs else nothing(),
            _default_token(fleet) if prune else nothing(),
        )
        return state_of(tokens, configurations or (), default)

    def diff(
        self,
        declared: Sequence[DeclaredToken],
        state: TokenState,
        *,
        prune: bool,
        problems: list[str],
    ) -> PlanPart:
        part = PlanPart()
        wanted = resolve_configurations(declared, state.configurations, problems)
        by_name: dict[str, list[ExistingToken]] = {}
        for token in state.tokens:
            by_name.setdefault(token.name, []).append(token)
        for item, name, config in wanted:
            matches = by_name.get(name, [])
            if len(matches) > 1:
                problems.append(
                    f"item {item}: name: {len(matches)} install tokens on the server are named "
                    f"{quoted(name)}; delete or rename the extras (`tokens list`) and apply again"
                )
                continue
            if not matches:
                part.changes.append(_create(item, name, config))
                continue
            current = matches[0]
            if _config_id(current.config) == _config_id(config):
                part.unchanged.append(InSync(KIND, name, current.token))
            else:
                part.changes.append(_update(item, current, config))
        if prune:
            names = {name for _, name, _ in wanted}
            protected = state.default.token if state.default is not None else None
            if state.default is not None and state.default.name not in names:
                part.notes.append(
                    f"--prune keeps the default install token {quoted(state.default.name)} "
                    "(`tokens delete` removes it)"
                )
            for token in state.tokens:
                if token.name not in names and token.token != protected:
                    part.changes.append(
                        Change(
                            "delete",
                            KIND,
                            token.name,
                            (FieldChange("configuration", _doc(token.config), None),),
                            target=token.token,
                        )
                    )
        return part

    # -- applying ---------------------------------------------------------------------------

    async def apply(self, fleet: Fleet, change: Change, created: Created) -> str | None:
        config_id = change.desired.get("config_id")
        if config_id == PENDING:
            config_id = _created_configuration(change, created)
        if change.action == "create":
            return await _create_token(fleet, change.name, config_id)
        assert change.target is not None
        if change.action == "update":
            await _assign(fleet, change.target, config_id)
        elif not await _delete(fleet, change.target):
            raise ChangeRefused(f"the server did not delete {change.label} (it answered false)")
        return change.target

    async def landed(self, fleet: Fleet, change: Change) -> Change | InSync | None:
        matches = [t for t in await _list_tokens(fleet) if t.name == change.name]
        if len(matches) > 1:
            raise InvalidInputError(
                "name",
                f"{len(matches)} install tokens are now named {quoted(change.name)}; "
                "rename or delete the extras",
            )
        if not matches:
            return None
        current = _existing(matches[0])
        if _config_id(current.config) == change.desired.get("config_id"):
            return InSync(KIND, current.name, current.token)
        wanted = change.desired.get("config_id")
        after = change.fields[0].after if change.fields else None
        config = Configuration(wanted, (after or {}).get("name", wanted)) if wanted else None
        if wanted == PENDING:
            config = Configuration(PENDING, str(change.desired.get("config_name")))
        return _update(change.item, current, config)


TOKENS = TokenAdapter()


def state_of(tokens: Sequence[Any], configurations: Sequence[Any], default: Any) -> TokenState:
    """What `diff` compares against, from the client's answers."""
    return TokenState(
        [_existing(t) for t in tokens],
        [Configuration(c.id, c.name) for c in configurations],
        _existing(default) if default is not None else None,
    )


def resolve_configurations(
    declared: Sequence[DeclaredToken],
    configurations: Sequence[Configuration],
    problems: list[str],
) -> list[tuple[int, str, Configuration | None]]:
    """(item, name, configuration) per declared token; every unknown reference is a problem."""
    by_id = {c.id: c for c in configurations}
    by_name: dict[str, list[Configuration]] = {}
    for configuration in configurations:
        by_name.setdefault(configuration.name, []).append(configuration)
    resolved: list[tuple[int, str, Configuration | None]] = []
    for token in declared:
        config: Configuration | None = None
        where = f"item {token.item}"
        if token.config_id is not None:
            config = by_id.get(token.config_id)
            if config is None:
                problems.append(
                    f"{where}: config_id: no configuration has the id {quoted(token.config_id)} "
                    "(`configs list` shows them)"
                )
        elif token.config_name is not None:
            matches = by_name.get(token.config_name, [])
            if len(matches) == 1:
                config = matches[0]
            elif not matches and (CONFIGURATION_KIND, token.config_name) in planned_creates.get():
                config = Configuration(PENDING, token.config_name)
            elif not matches:
                known = sorted(by_name)
                shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
                problems.append(
                    f"{where}: config_name: no configuration is named "
                    f"{quoted(token.config_name)} (known: {shown or 'none'})"
                )
            else:
                ids = ", ".join(c.id for c in matches)
                problems.append(
                    f"{where}: config_name: {len(matches)} configurations are named "
                    f"{quoted(token.config_name)} ({ids}); use config_id"
                )
        resolved.append((token.item, token.name, config))
    return resolved


def _create(item: int, name: str, config: Configuration | None) -> Change:
    return Change(
        "create",
        KIND,
        name,
        (FieldChange("configuration", None, _doc(config)),),
        _desired(config),
        item=item,
    )


def _desired(config: Configuration | None) -> dict[str, str | None]:
    desired: dict[str, str | None] = {"config_id": _config_id(config)}
    if config is not None and config.id == PENDING:
        desired["config_name"] = config.name
    return desired


def _created_configuration(change: Change, created: Created) -> str:
    name = change.desired.get("config_name")
    found = created.get((CONFIGURATION_KIND, str(name)))
    if found is None:
        # The configurations' phase runs first and a failure stops the run there; reaching
        # this means the declared configuration was not created.
        raise ChangeRefused(
            f"{change.label} needs configuration {quoted(name)}, which this run did not create"
        )
    return found


def _update(item: int | None, current: ExistingToken, config: Configuration | None) -> Change:
    return Change(
        "update",
        KIND,
        current.name,
        (FieldChange("configuration", _doc(current.config), _doc(config)),),
        _desired(config),
        target=current.token,
        item=item,
    )


def _doc(config: Configuration | None) -> dict[str, str | None] | None:
    if config is None:
        return None
    # A configuration this run creates has no id yet.
    return {"id": config.id or None, "name": config.name}


def _config_id(config: Configuration | None) -> str | None:
    return config.id if config is not None else None


def _existing(token: Any) -> ExistingToken:
    assigned = token.assigned_configuration
    config = Configuration(assigned.id, assigned.name) if assigned is not None else None
    return ExistingToken(token.name, token.token, config)


def _check_item(
    index: int, item: Any, problems: list[str]
) -> tuple[str | None, DeclaredToken | None]:
    """(the item's name if valid, the token if the whole item is valid)."""
    where = f"item {index}"
    found = len(problems)
    if not mapping_item(where, item, ITEM_KEYS, problems):
        return None, None
    name = None
    if "name" not in item:
        problems.append(f"{where}: name: is required")
    else:
        name = checked_text(where, "name", item["name"], _validate.check_name, problems)
    config_id = config_name = None
    if item.get("config_id") is not None:
        config_id = checked_text(
            where, "config_id", item["config_id"], _validate.check_id, problems
        )
    if item.get("config_name") is not None:
        config_name = checked_text(
            where, "config_name", item["config_name"], _validate.check_name, problems
        )
    if item.get("config_id") is not None and item.get("config_name") is not None:
        problems.append(f"{where}: give config_id or config_name, not both")
    if len(problems) > found or name is None:
        return name, None
    return name, DeclaredToken(index, name, config_id, config_name)


# -- the client calls (one function each: the facade's names live here only) -----------------


async def _list_tokens(fleet: Fleet) -> list[Any]:
    return list(await fleet.install_tokens.list())


async def _list_configurations(fleet: Fleet) -> list[Any]:
    return list(await fleet.configurations.list())


async def _default_token(fleet: Fleet) -> Any:
    return await fleet.install_tokens.default()


async def _create_token(fleet: Fleet, name: str, config_id: str | None) -> str:
    created = await fleet.install_tokens.create(name, config_id=config_id)
    return str(created.token)


async def _assign(fleet: Fleet, token: str, config_id: str | None) -> None:
    await fleet.install_tokens.assign_configuration(token, config_id)


async def _delete(fleet: Fleet, token: str) -> bool:
    return bool(await fleet.install_tokens.delete(token))
