"""Collector groups: the tables, their migrations and semantics.

A group has a server-made id, a name (not unique, as in LogScale), a filter in the emulated
filter language (checked when set: see `filter.py`), an ordered list of configurations and a
wanted collector version (one of the installer catalogue's). Deleting a configuration a group
routes is not possible in the sandbox today (configurations are read-only), so no cascade.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from logscale_fleet.sandbox.db import Database, Migration
from logscale_fleet.sandbox.errors import SandboxInvalidArgument, SandboxNotFound
from logscale_fleet.sandbox.services.common import Order, check_page, clean_name, direction
from logscale_fleet.sandbox.services.configurations.state import (
    Configuration,
    ConfigurationState,
)
from logscale_fleet.sandbox.services.groups.filter import Filter, parse_filter
from logscale_fleet.sandbox.services.installers.state import VERSIONS

__all__ = ["Group", "GroupSort", "GroupState", "check_version"]

GroupSort = Literal["Filter", "WantedVersion", "Collectors", "Name"]


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    filter: str | None
    wanted_version: str | None
    seq: int
    configurations: tuple[Configuration, ...] = ()

    def predicate(self) -> Filter | None:
        """The filter as a predicate; None (selects nothing) when the group has no filter."""
        return parse_filter(self.filter) if self.filter else None


MIGRATIONS: tuple[Migration, ...] = (
    """CREATE TABLE IF NOT EXISTS collector_groups (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        filter TEXT,
        wanted_version TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS collector_group_configurations (
        group_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        config_id TEXT NOT NULL,
        PRIMARY KEY (group_id, position)
    )""",
)


def check_version(version: str | None) -> str | None:
    if version is not None and version not in VERSIONS:
        raise SandboxInvalidArgument(
            f"{version!r} is not an available collector version ({', '.join(VERSIONS)})"
        )
    return version


def _check_filter(text: str | None) -> str | None:
    if text is not None and text.strip():
        parse_filter(text)
        return text
    return None


class GroupState:
    """Groups in the database; a new or reset sandbox has none."""

    name = "groups"
    migrations: Sequence[Migration] = MIGRATIONS

    def __init__(self, db: Database, configurations: ConfigurationState) -> None:
        self._db = db
        self._configurations = configurations

    def seed(self, tx: sqlite3.Connection) -> None:
        """No seeded groups."""

    def clear(self, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM collector_group_configurations")
        tx.execute("DELETE FROM collector_groups")

    # -- plumbing ---------------------------------------------------------------------------

    def all_in(self, tx: sqlite3.Connection) -> list[Group]:
        """Every group, oldest first, with its configurations (inside a caller's transaction)."""
        rows = tx.execute("SELECT * FROM collector_groups ORDER BY seq").fetchall()
        links = tx.execute(
            "SELECT group_id, config_id FROM collector_group_configurations "
            "ORDER BY group_id, position"
        ).fetchall()
        configs = self._configurations.by_ids(tx, (link["config_id"] for link in links))
        by_group: dict[str, list[Configuration]] = {}
        for link in links:
            found = configs.get(link["config_id"])
            if found is not None:
                by_group.setdefault(link["group_id"], []).append(found)
        return [
            Group(
                id=row["id"],
                name=row["name"],
                filter=row["filter"],
                wanted_version=row["wanted_version"],
                seq=row["seq"],
                configurations=tuple(by_group.get(row["id"], ())),
            )
            for row in rows
        ]

    def _one(self, tx: sqlite3.Connection, group_id: str) -> Group:
        for group in self.all_in(tx):
            if group.id == group_id:
                return group
        raise SandboxNotFound(f"no log collector group with id {group_id!r}")

    def _set_configurations(
        self, tx: sqlite3.Connection, group_id: str, config_ids: Sequence[str]
    ) -> None:
        wanted = list(dict.fromkeys(config_ids))
        known = self._configurations.by_ids(tx, wanted)
        missing = [config_id for config_id in wanted if config_id not in known]
        if missing:
            raise SandboxNotFound(f"no log collector configuration with id {missing[0]!r}")
        tx.execute("DELETE FROM collector_group_configurations WHERE group_id = ?", (group_id,))
        tx.executemany(
            "INSERT INTO collector_group_configurations VALUES (?, ?, ?)",
            [(group_id, position, config_id) for position, config_id in enumerate(wanted)],
        )

    # -- operations -------------------------------------------------------------------------

    def create(self, name: str, filter_text: str | None, config_ids: Sequence[str] | None) -> Group:
        name = clean_name(name)
        filter_text = _check_filter(filter_text)
        group_id = uuid.uuid4().hex
        with self._db.write() as tx:
            tx.execute(
                "INSERT INTO collector_groups (id, name, name_key, filter) VALUES (?, ?, ?, ?)",
                (group_id, name, name.casefold(), filter_text),
            )
            self._set_configurations(tx, group_id, config_ids or ())
            return self._one(tx, group_id)

    def update(
        self,
        group_id: str,
        *,
        name: str | None = None,
        filter_text: str | None = None,
        config_ids: Sequence[str] | None = None,
        wanted_version: str | None = None,
        fields: Sequence[str],
    ) -> Group:
        """Set the named `fields` (name, filter, config_ids, wanted_version) of one group."""
        with self._db.write() as tx:
            self._one(tx, group_id)
            if "name" in fields:
                checked = clean_name(name or "")
                tx.execute(
                    "UPDATE collector_groups SET name = ?, name_key = ? WHERE id = ?",
                    (checked, checked.casefold(), group_id),
                )
            if "filter" in fields:
                tx.execute(
                    "UPDATE collector_groups SET filter = ? WHERE id = ?",
                    (_check_filter(filter_text), group_id),
                )
            if "config_ids" in fields:
                self._set_configurations(tx, group_id, config_ids or ())
            if "wanted_version" in fields:
                tx.execute(
                    "UPDATE collector_groups SET wanted_version = ? WHERE id = ?",
                    (check_version(wanted_version), group_id),
                )
            return self._one(tx, group_id)

    def delete(self, group_id: str) -> bool:
        with self._db.write() as tx:
            self._one(tx, group_id)
            tx.execute("DELETE FROM collector_group_configurations WHERE group_id = ?", (group_id,))
            tx.execute("DELETE FROM collector_groups WHERE id = ?", (group_id,))
            return True

    def search(
        self,
        counter: Callable[[sqlite3.Connection, list[Group]], dict[str, int]],
        *,
        search_filter: str | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort_by: GroupSort | None = None,
        order_by: Order | None = None,
    ) -> tuple[int, list[Group], dict[str, int]]:
        """(total, page, collectors per group id); `search_filter` is a case-insensitive
        substring of the name; `counter` counts each group's collectors."""
        offset, count = check_page(skip, limit)
        with self._db.read() as tx:
            groups = self.all_in(tx)
            counts = counter(tx, groups)
        wanted = (search_filter or "").casefold()
        found = [g for g in groups if wanted in g.name.casefold()]
        keys = {
            "Filter": lambda g: (g.filter or "").casefold(),
            "WantedVersion": lambda g: g.wanted_version or "",
            "Collectors": lambda g: counts.get(g.id, 0),
        }
        primary = keys.get(sort_by or "Name")
        found.sort(key=lambda g: (g.name.casefold(), g.seq))
        if primary is not None:
            found.sort(key=primary)
        if direction(order_by) == "DESC":
            found.reverse()
        end = None if count < 0 else offset + count
        return len(found), found[offset:end], counts
