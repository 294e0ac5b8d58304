"""`tokens apply`: plan the changes that make the server match a declaration, then make them.

Planning is pure (`resolve_configurations`, `plan`: plain data in, plain data out) so its rules
are unit-tested without a server. `apply_declared` reads the server once (every token, and the
configurations when the file names any), plans, and unless --dry-run executes the plan in order:
creates, updates, then deletes (last, so a failure part-way never leaves fewer tokens than
declared).

Why not `ensure_install_token` per item: it lists every token on each call, which is quadratic
for a fleet-sized file; one listing plus targeted mutations gives the same result. A create that
fails ambiguously is safe here too: the next run finds the token by name and leaves it alone.

Tokens are matched by name. The default install token is never deleted by --prune (LogScale
hands it out to collectors that enrol without one); `tokens delete` can still remove it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from logscale_fleet.cli.declared import DeclarationError, DeclaredToken
from logscale_fleet.cli.exit_codes import CommandError
from logscale_fleet.cli.output import Output, mask, notice, render_table
from logscale_fleet.cli.terminal import Progress

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient

Action = Literal["create", "update", "delete", "unchanged"]
PAST = {"create": "created", "update": "updated", "delete": "deleted", "unchanged": "unchanged"}
ACTIONS: tuple[Action, ...] = ("create", "update", "delete", "unchanged")


@dataclass(frozen=True)
class Configuration:
    id: str
    name: str


@dataclass(frozen=True)
class ExistingToken:
    name: str
    token: str
    config: Configuration | None


@dataclass(frozen=True)
class DesiredToken:
    item: int
    name: str
    config: Configuration | None


@dataclass(frozen=True)
class Change:
    action: Action
    name: str
    token: str | None  # the existing token's value; for a create, the new one once made
    config: Configuration | None  # what the token has after the change
    previous_config: Configuration | None = None  # updates only

    def document(self) -> dict[str, Any]:
        """JSON shape: GraphQL-style camelCase keys, the token value masked."""
        return {
            "action": self.action,
            "name": self.name,
            "token": mask(self.token) if self.token else None,
            "configId": self.config.id if self.config else None,
            "configName": self.config.name if self.config else None,
            "previousConfigId": self.previous_config.id if self.previous_config else None,
            "previousConfigName": self.previous_config.name if self.previous_config else None,
        }


def resolve_configurations(
    source: str, declared: Sequence[DeclaredToken], configurations: Sequence[Configuration]
) -> list[DesiredToken]:
    """Turn config_id / config_name into configurations; every unknown one is a problem."""
    by_id = {c.id: c for c in configurations}
    by_name: dict[str, list[Configuration]] = {}
    for configuration in configurations:
        by_name.setdefault(configuration.name, []).append(configuration)
    problems: list[str] = []
    desired: list[DesiredToken] = []
    for token in declared:
        config: Configuration | None = None
        where = f"item {token.item}"
        if token.config_id is not None:
            config = by_id.get(token.config_id)
            if config is None:
                problems.append(
                    f"{where}: config_id: no configuration has the id {token.config_id!r} "
                    "(`configs list` shows them)"
                )
        elif token.config_name is not None:
            matches = by_name.get(token.config_name, [])
            if len(matches) == 1:
                config = matches[0]
            elif not matches:
                known = ", ".join(sorted(by_name)) or "none"
                problems.append(
                    f"{where}: config_name: no configuration is named {token.config_name!r} "
                    f"(known: {known})"
                )
            else:
                ids = ", ".join(c.id for c in matches)
                problems.append(
                    f"{where}: config_name: {len(matches)} configurations are named "
                    f"{token.config_name!r} ({ids}); use config_id"
                )
        desired.append(DesiredToken(token.item, token.name, config))
    if problems:
        raise DeclarationError(source, problems)
    return desired


def plan(
    source: str,
    desired: Sequence[DesiredToken],
    existing: Sequence[ExistingToken],
    *,
    prune: bool,
    protected: frozenset[str] = frozenset(),
) -> list[Change]:
    """The changes, declared order first, then deletions (with `prune`) in server order.

    `protected` token values are never deleted. A declared name that more than one server
    token has is a problem: which one to keep is not ours to guess.
    """
    by_name: dict[str, list[ExistingToken]] = {}
    for token in existing:
        by_name.setdefault(token.name, []).append(token)
    problems: list[str] = []
    changes: list[Change] = []
    for wanted in desired:
        matches = by_name.get(wanted.name, [])
        if len(matches) > 1:
            problems.append(
                f"item {wanted.item}: name: {len(matches)} install tokens on the server are named "
                f"{wanted.name!r}; delete or rename the extras (`tokens list`) and apply again"
            )
            continue
        if not matches:
            changes.append(Change("create", wanted.name, None, wanted.config))
            continue
        current = matches[0]
        if _config_id(current.config) == _config_id(wanted.config):
            changes.append(Change("unchanged", wanted.name, current.token, current.config))
        else:
            changes.append(
                Change("update", wanted.name, current.token, wanted.config, current.config)
            )
    if problems:
        raise DeclarationError(source, problems)
    if prune:
        declared_names = {wanted.name for wanted in desired}
        for token in existing:
            if token.name not in declared_names and token.token not in protected:
                changes.append(Change("delete", token.name, token.token, token.config))
    return changes


def _config_id(config: Configuration | None) -> str | None:
    return config.id if config is not None else None


def summary(changes: Sequence[Change]) -> dict[str, int]:
    return {action: sum(1 for c in changes if c.action == action) for action in ACTIONS}


# -- against the server -----------------------------------------------------------------------


async def apply_declared(
    fleet: FleetClient,
    source: str,
    declared: Sequence[DeclaredToken],
    *,
    dry_run: bool,
    prune: bool,
    out: Output,
) -> int:
    """Plan against the server and, unless `dry_run`, make the changes; report them."""
    configurations: list[Configuration] = []
    if any(t.config_id is not None or t.config_name is not None for t in declared):
        configurations = [Configuration(c.id, c.name) for c in await fleet.configurations.list()]
    desired = resolve_configurations(source, declared, configurations)
    existing = [_existing(t) for t in await fleet.install_tokens.list()]
    protected: frozenset[str] = frozenset()
    if prune:
        default = await fleet.install_tokens.default()
        if default is not None:
            protected = frozenset({default.token})
            if default.name not in {d.name for d in desired}:
                notice(
                    f"--prune keeps the default install token {default.name!r} "
                    "(`tokens delete` removes it)"
                )
    changes = plan(source, desired, existing, prune=prune, protected=protected)
    if not dry_run:
        changes = await execute(fleet, changes)
    report(out, source, changes, dry_run=dry_run)
    return 0


def _existing(token: Any) -> ExistingToken:
    assigned = token.assigned_configuration
    config = Configuration(assigned.id, assigned.name) if assigned is not None else None
    return ExistingToken(token.name, token.token, config)


async def execute(fleet: FleetClient, changes: Sequence[Change]) -> list[Change]:
    """Make the changes in order; returns them with new tokens' values filled in."""
    work = [c for c in changes if c.action != "unchanged"]
    done: list[Change] = []
    try:
        with Progress(len(work)) as progress:
            for change in work:
                progress.step(f"{change.action} {change.name}")
                done.append(await _execute_one(fleet, change))
    except BaseException:
        # The progress line is gone by now; say what did happen before the error line.
        if done:
            listed = ", ".join(f"{PAST[c.action]} {c.name}" for c in done)
            notice(f"made {len(done)} of {len(work)} changes before this failure: {listed}")
        raise
    made = iter(done)
    return [c if c.action == "unchanged" else next(made) for c in changes]


async def _execute_one(fleet: FleetClient, change: Change) -> Change:
    config_id = _config_id(change.config)
    if change.action == "create":
        created = await fleet.install_tokens.create(change.name, config_id=config_id)
        return replace(change, token=created.token)
    assert change.token is not None
    if change.action == "update":
        await fleet.install_tokens.assign_configuration(change.token, config_id)
    elif change.action == "delete" and not await fleet.install_tokens.delete(change.token):
        raise CommandError(f"the server did not delete {change.name!r} (it answered false)")
    return change


def report(out: Output, source: str, changes: Sequence[Change], *, dry_run: bool) -> None:
    counts = summary(changes)
    if out.json:
        out.document(
            {
                "file": source,
                "dryRun": dry_run,
                "changes": [c.document() for c in changes],
                "summary": counts,
            }
        )
        return
    rows = [
        (
            change.action if dry_run else PAST[change.action],
            change.name,
            mask(change.token) if change.token else "-",
            _config_column(change),
        )
        for change in changes
    ]
    if rows:
        for line in render_table(("ACTION", "NAME", "TOKEN", "CONFIGURATION"), rows):
            out.line(line)
    if dry_run:
        totals = ", ".join(f"{counts[a]} to {a}" for a in ("create", "update", "delete"))
        out.line(f"plan: {totals}, {counts['unchanged']} unchanged (dry run: nothing changed)")
    else:
        totals = ", ".join(f"{PAST[a]} {counts[a]}" for a in ACTIONS)
        out.line(f"{source}: {totals}")


def _config_column(change: Change) -> str:
    name = change.config.name if change.config else "none"
    if change.action == "update":
        before = change.previous_config.name if change.previous_config else "none"
        return f"{before} -> {name}"
    return name
