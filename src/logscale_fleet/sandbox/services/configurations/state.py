"""Collector configurations: the table, its migrations, and the read-only semantics of today.

Sorting and paging run in SQL. `name_key` and `modified_by_key` hold the casefolded texts the
sorts compare (SQLite's NOCASE folds ASCII only), so a write that sets `name` or `modified_by`
must set the key too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from logscale_fleet.sandbox.db import Database, Migration
from logscale_fleet.sandbox.services.common import Order, check_page, direction

__all__ = ["ConfigSort", "Configuration", "ConfigurationState"]

ConfigSort = Literal["Name", "ModifiedBy", "Instances", "Size", "LastModified"]


@dataclass(frozen=True)
class Configuration:
    """A LogCollectorConfiguration row."""

    id: str
    name: str
    yaml: str | None
    draft: str | None
    version: int
    modified_at: str
    draft_modified_at: str | None
    modified_by: str
    instances: int
    description: str | None
    is_test_running: bool

    @property
    def yaml_characters_count(self) -> int:
        return len(self.yaml or "")


def _add_sort_keys(tx: sqlite3.Connection) -> None:
    tx.execute("ALTER TABLE configurations ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    tx.execute("ALTER TABLE configurations ADD COLUMN modified_by_key TEXT NOT NULL DEFAULT ''")
    rows = tx.execute("SELECT id, name, modified_by FROM configurations").fetchall()
    tx.executemany(
        "UPDATE configurations SET name_key = ?, modified_by_key = ? WHERE id = ?",
        [(r["name"].casefold(), r["modified_by"].casefold(), r["id"]) for r in rows],
    )


MIGRATIONS: tuple[Migration, ...] = (
    """CREATE TABLE IF NOT EXISTS configurations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        yaml TEXT,
        draft TEXT,
        version INTEGER NOT NULL,
        modified_at TEXT NOT NULL,
        draft_modified_at TEXT,
        modified_by TEXT NOT NULL,
        instances INTEGER NOT NULL,
        description TEXT,
        is_test_running INTEGER NOT NULL
    )""",
    _add_sort_keys,
)

# Each sort's key; ties fall back to name then id, and DESC reverses the whole order.
_SORT_KEYS: dict[str, str] = {
    "ModifiedBy": "modified_by_key",
    "Instances": "instances",
    "Size": "coalesce(length(yaml), 0)",
    "LastModified": "modified_at",
}


class ConfigurationState:
    """Configurations in the database; `seed` rows are what a new or reset sandbox holds."""

    name = "configurations"
    migrations: Sequence[Migration] = MIGRATIONS

    def __init__(self, db: Database, seed: Iterable[Configuration] = ()) -> None:
        self._db = db
        self._seed = tuple(seed)

    def seed(self, tx: sqlite3.Connection) -> None:
        tx.executemany(
            "INSERT INTO configurations (id, name, yaml, draft, version, modified_at, "
            "draft_modified_at, modified_by, instances, description, is_test_running, "
            "name_key, modified_by_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.id,
                    c.name,
                    c.yaml,
                    c.draft,
                    c.version,
                    c.modified_at,
                    c.draft_modified_at,
                    c.modified_by,
                    c.instances,
                    c.description,
                    int(c.is_test_running),
                    c.name.casefold(),
                    c.modified_by.casefold(),
                )
                for c in self._seed
            ],
        )

    def clear(self, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM configurations")

    # -- for other services (inside their transaction) --------------------------------------

    @staticmethod
    def exists(tx: sqlite3.Connection, config_id: str) -> bool:
        row = tx.execute("SELECT 1 FROM configurations WHERE id = ?", (config_id,)).fetchone()
        return row is not None

    @staticmethod
    def by_ids(tx: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Configuration]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        # Only placeholders are interpolated; the ids travel as parameters.
        query = f"SELECT * FROM configurations WHERE id IN ({marks})"  # noqa: S608
        return {row["id"]: _configuration(row) for row in tx.execute(query, wanted)}

    # -- operations -------------------------------------------------------------------------

    def get(self, config_id: str) -> Configuration | None:
        with self._db.read() as tx:
            return self.by_ids(tx, [config_id]).get(config_id)

    def all(self) -> list[Configuration]:
        with self._db.read() as tx:
            rows = tx.execute("SELECT * FROM configurations ORDER BY name_key, id").fetchall()
        return [_configuration(row) for row in rows]

    def search(
        self,
        *,
        search_filter: str | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort_by: ConfigSort | None = None,
        order_by: Order | None = None,
    ) -> tuple[int, list[Configuration]]:
        """(total, page); `search_filter` is a case-insensitive substring of the name."""
        offset, count = check_page(skip, limit)
        where, params = (
            ("WHERE instr(name_key, ?) > 0", [search_filter.casefold()])
            if (search_filter)
            else ("", [])
        )
        way = direction(order_by)
        keys = [_SORT_KEYS[sort_by]] if sort_by in _SORT_KEYS else []
        order = ", ".join(f"{key} {way}" for key in [*keys, "name_key", "id"])
        with self._db.read() as tx:
            # `where` and `order` are built from this module's constants only.
            total = tx.execute(f"SELECT count(*) FROM configurations {where}", params)  # noqa: S608
            found = int(total.fetchone()[0])
            rows = tx.execute(
                f"SELECT * FROM configurations {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
                [*params, count, offset],
            ).fetchall()
        return found, [_configuration(row) for row in rows]


def _configuration(row: sqlite3.Row) -> Configuration:
    return Configuration(
        id=row["id"],
        name=row["name"],
        yaml=row["yaml"],
        draft=row["draft"],
        version=row["version"],
        modified_at=row["modified_at"],
        draft_modified_at=row["draft_modified_at"],
        modified_by=row["modified_by"],
        instances=row["instances"],
        description=row["description"],
        is_test_running=bool(row["is_test_running"]),
    )
