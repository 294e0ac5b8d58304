"""Collector configurations: the tables, their migrations, and the rules of every operation.

Sorting and paging run in SQL. `name_key` and `modified_by_key` hold the casefolded texts the
sorts compare (SQLite's NOCASE folds ASCII only), so a write that sets `name` or `modified_by`
must set the key too.

What the sandbox does with writes (the README's sandbox section repeats it):

- `createLogCollectorConfiguration(name, draft)` makes version 0: no published YAML, the draft
  as given. Names are unique (exact match), so `--by-name` and declarations can rely on them.
- `publishLogCollectorConfiguration(id, yaml, currentVersion)` publishes `yaml` (or the draft
  when `yaml` is omitted) as version currentVersion + 1, records who and when, keeps every
  version in `configuration_versions`, and clears the draft. A `currentVersion` that is not the
  configuration's version is refused with `StaleVersionError` (its message and `extensions` say
  the version, who and when), so nobody overwrites a change they have not seen.
- The published YAML and the draft, and their timestamps (`modifiedAt`, `draftModifiedAt`), are
  kept apart; `yamlCharactersCount` counts the published YAML's characters.
- Text is stored as given (LogScale does not parse it on publish either); the merged view
  reports YAML that does not parse as a problem. Text over `MAX_YAML_CHARACTERS` is refused.
- Tests: start (not while one runs; at least one collector), add, remove (only while one runs),
  stop (answers with the collectors that were in the test).
- `deleteLogCollectorConfiguration(configId, versionId)` needs the current version (as publish
  does) and is refused while an install token is assigned to the configuration: collectors
  enrolled with such a token would silently lose their configuration. Reassign the tokens first
  (`tokens assign`); a running test ends with the deletion.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from logscale_fleet._core.yaml_check import MAX_YAML_CHARACTERS
from logscale_fleet.sandbox._random import random_token
from logscale_fleet.sandbox.db import Database, Migration
from logscale_fleet.sandbox.errors import SandboxError, SandboxInvalidArgument, SandboxNotFound
from logscale_fleet.sandbox.services.common import (
    Order,
    check_page,
    clean_name,
    direction,
    now_iso,
)

__all__ = [
    "SANDBOX_USER",
    "ConfigSort",
    "Configuration",
    "ConfigurationInUseError",
    "ConfigurationState",
    "ConfigurationTest",
    "StaleVersionError",
]

# Who `modifiedBy` names for changes made through the sandbox: it has one API token, no users.
SANDBOX_USER = "sandbox-user@localhost"

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
    # Every published version, kept apart from the draft; and the collectors of running tests.
    """CREATE TABLE IF NOT EXISTS configuration_versions (
        config_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        yaml TEXT,
        published_at TEXT NOT NULL,
        published_by TEXT NOT NULL,
        PRIMARY KEY (config_id, version)
    )""",
    """CREATE TABLE IF NOT EXISTS configuration_tests (
        config_id TEXT NOT NULL,
        collector_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (config_id, collector_id)
    )""",
)

# Each sort's key; ties fall back to name then id, and DESC reverses the whole order.
_SORT_KEYS: dict[str, str] = {
    "ModifiedBy": "modified_by_key",
    "Instances": "instances",
    "Size": "coalesce(length(yaml), 0)",
    "LastModified": "modified_at",
}


class StaleVersionError(SandboxError):
    """A publish or delete against a version that has moved on."""

    def __init__(self, operation: str, sent: int, current: Configuration) -> None:
        super().__init__(
            f"{operation}: currentVersion {sent} is stale: configuration {current.id!r} is at "
            f"version {current.version} (modified by {current.modified_by} at "
            f"{current.modified_at}); read it again and retry"
        )
        # graphql-core copies an original error's `extensions` into the GraphQL error.
        self.extensions = {
            "code": "VERSION_CONFLICT",
            "currentVersion": current.version,
            "modifiedBy": current.modified_by,
            "modifiedAt": current.modified_at,
        }


class ConfigurationInUseError(SandboxError):
    """A configuration that install tokens still point at cannot be deleted."""


@dataclass(frozen=True)
class ConfigurationTest:
    config_id: str
    collector_ids: tuple[str, ...]


def _check_text(value: str | None, argument: str) -> str | None:
    if value is not None and len(value) > MAX_YAML_CHARACTERS:
        raise SandboxInvalidArgument(
            f"{argument} is {len(value):,} characters; the limit is {MAX_YAML_CHARACTERS:,}"
        )
    return value


def _check_collectors(collector_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(collector_ids))  # keeps the order, drops repeats
    if not ids:
        raise SandboxInvalidArgument("collectorIds must name at least one collector")
    if any(not c.strip() for c in ids):
        raise SandboxInvalidArgument("collectorIds must not contain an empty id")
    return ids


class ConfigurationState:
    """Configurations in the database; `seed` rows are what a new or reset sandbox holds."""

    name = "configurations"
    migrations: Sequence[Migration] = MIGRATIONS

    def __init__(
        self, db: Database, seed: Iterable[Configuration] = (), user: str = SANDBOX_USER
    ) -> None:
        self._db = db
        self._seed = tuple(seed)
        self._user = user

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
        tx.executemany(
            "INSERT INTO configuration_versions VALUES (?, ?, ?, ?, ?)",
            [(c.id, c.version, c.yaml, c.modified_at, c.modified_by) for c in self._seed],
        )

    def clear(self, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM configuration_tests")
        tx.execute("DELETE FROM configuration_versions")
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

    # -- writes -----------------------------------------------------------------------------

    def _one(self, tx: sqlite3.Connection, config_id: str) -> Configuration:
        found = self.by_ids(tx, [config_id]).get(config_id)
        if found is None:
            raise SandboxNotFound(f"no log collector configuration with id {config_id!r}")
        return found

    @staticmethod
    def _unique_name(tx: sqlite3.Connection, name: str, except_id: str | None = None) -> None:
        row = tx.execute(
            "SELECT id FROM configurations WHERE name = ? AND id IS NOT ?", (name, except_id)
        ).fetchone()
        if row is not None:
            raise SandboxInvalidArgument(
                f"a log collector configuration named {name!r} already exists (id {row['id']!r})"
            )

    @staticmethod
    def _collectors(tx: sqlite3.Connection, config_id: str) -> tuple[str, ...]:
        rows = tx.execute(
            "SELECT collector_id FROM configuration_tests WHERE config_id = ? ORDER BY seq",
            (config_id,),
        )
        return tuple(row["collector_id"] for row in rows)

    def create(self, name: str, draft: str | None) -> Configuration:
        name = clean_name(name)
        draft = _check_text(draft, "draft")
        now = now_iso()
        with self._db.write() as tx:
            self._unique_name(tx, name)
            config_id = random_token(32)
            tx.execute(
                "INSERT INTO configurations (id, name, yaml, draft, version, modified_at, "
                "draft_modified_at, modified_by, instances, description, is_test_running, "
                "name_key, modified_by_key) VALUES (?, ?, NULL, ?, 0, ?, ?, ?, 0, NULL, 0, ?, ?)",
                (
                    config_id,
                    name,
                    draft,
                    now,
                    now if draft is not None else None,
                    self._user,
                    name.casefold(),
                    self._user.casefold(),
                ),
            )
            return self._one(tx, config_id)

    def update_draft(self, config_id: str, draft: str | None) -> Configuration:
        draft = _check_text(draft, "draft")
        with self._db.write() as tx:
            self._one(tx, config_id)
            tx.execute(
                "UPDATE configurations SET draft = ?, draft_modified_at = ? WHERE id = ?",
                (draft, None if draft is None else now_iso(), config_id),
            )
            return self._one(tx, config_id)

    def publish(self, config_id: str, yaml: str | None, current_version: int) -> Configuration:
        yaml = _check_text(yaml, "yaml")
        with self._db.write() as tx:
            current = self._one(tx, config_id)
            if current.version != current_version:
                raise StaleVersionError(
                    "publishLogCollectorConfiguration", current_version, current
                )
            text = yaml if yaml is not None else current.draft
            if text is None:
                raise SandboxInvalidArgument(
                    "nothing to publish: no yaml was given and the configuration has no draft"
                )
            version = current.version + 1
            now = now_iso()
            tx.execute(
                "UPDATE configurations SET yaml = ?, version = ?, modified_at = ?, "
                "modified_by = ?, modified_by_key = ?, draft = NULL, draft_modified_at = NULL "
                "WHERE id = ?",
                (text, version, now, self._user, self._user.casefold(), config_id),
            )
            tx.execute(
                "INSERT INTO configuration_versions VALUES (?, ?, ?, ?, ?)",
                (config_id, version, text, now, self._user),
            )
            return self._one(tx, config_id)

    def rename(self, config_id: str, name: str) -> Configuration:
        name = clean_name(name)
        with self._db.write() as tx:
            self._one(tx, config_id)
            self._unique_name(tx, name, except_id=config_id)
            tx.execute(
                "UPDATE configurations SET name = ?, name_key = ? WHERE id = ?",
                (name, name.casefold(), config_id),
            )
            return self._one(tx, config_id)

    def describe(self, config_id: str, description: str | None) -> Configuration:
        with self._db.write() as tx:
            self._one(tx, config_id)
            tx.execute(
                "UPDATE configurations SET description = ? WHERE id = ?", (description, config_id)
            )
            return self._one(tx, config_id)

    def delete(self, config_id: str, version: int) -> bool:
        with self._db.write() as tx:
            current = self._one(tx, config_id)
            if current.version != version:
                raise StaleVersionError("deleteLogCollectorConfiguration", version, current)
            # The one rule that looks at another service's table: tokens pointing here.
            (tokens,) = tx.execute(
                "SELECT COUNT(*) FROM install_tokens WHERE config_id = ?", (config_id,)
            ).fetchone()
            if tokens:
                raise ConfigurationInUseError(
                    f"configuration {config_id!r} is assigned to {tokens} install token(s); "
                    "assign them another configuration (or none) before deleting it"
                )
            tx.execute("DELETE FROM configuration_tests WHERE config_id = ?", (config_id,))
            tx.execute("DELETE FROM configuration_versions WHERE config_id = ?", (config_id,))
            tx.execute("DELETE FROM configurations WHERE id = ?", (config_id,))
            return True

    def versions(self, config_id: str) -> list[tuple[int, str | None]]:
        """(version, yaml) of every published version, oldest first (for tests and audits)."""
        with self._db.read() as tx:
            rows = tx.execute(
                "SELECT version, yaml FROM configuration_versions WHERE config_id = ? "
                "ORDER BY version",
                (config_id,),
            ).fetchall()
        return [(row["version"], row["yaml"]) for row in rows]

    # -- tests ------------------------------------------------------------------------------

    def start_test(self, config_id: str, collector_ids: Iterable[str]) -> ConfigurationTest:
        ids = _check_collectors(collector_ids)
        with self._db.write() as tx:
            if self._one(tx, config_id).is_test_running:
                raise SandboxInvalidArgument(
                    f"a test of configuration {config_id!r} is already running; add collectors "
                    "to it or stop it first"
                )
            tx.execute("UPDATE configurations SET is_test_running = 1 WHERE id = ?", (config_id,))
            self._add(tx, config_id, ids)
            return ConfigurationTest(config_id, self._collectors(tx, config_id))

    def add_to_test(self, config_id: str, collector_ids: Iterable[str]) -> ConfigurationTest:
        ids = _check_collectors(collector_ids)
        with self._db.write() as tx:
            self._running(tx, config_id)
            self._add(tx, config_id, ids)
            return ConfigurationTest(config_id, self._collectors(tx, config_id))

    def remove_from_test(self, config_id: str, collector_ids: Iterable[str]) -> ConfigurationTest:
        ids = _check_collectors(collector_ids)
        with self._db.write() as tx:
            self._running(tx, config_id)
            tx.executemany(
                "DELETE FROM configuration_tests WHERE config_id = ? AND collector_id = ?",
                [(config_id, c) for c in ids],
            )
            return ConfigurationTest(config_id, self._collectors(tx, config_id))

    def stop_test(self, config_id: str) -> ConfigurationTest:
        with self._db.write() as tx:
            self._running(tx, config_id)
            stopped = self._collectors(tx, config_id)
            tx.execute("DELETE FROM configuration_tests WHERE config_id = ?", (config_id,))
            tx.execute("UPDATE configurations SET is_test_running = 0 WHERE id = ?", (config_id,))
            return ConfigurationTest(config_id, stopped)

    def test_collectors(self, config_id: str) -> tuple[str, ...]:
        with self._db.read() as tx:
            return self._collectors(tx, config_id)

    def _running(self, tx: sqlite3.Connection, config_id: str) -> None:
        if not self._one(tx, config_id).is_test_running:
            raise SandboxInvalidArgument(
                f"no test of configuration {config_id!r} is running; start one first"
            )

    @staticmethod
    def _add(tx: sqlite3.Connection, config_id: str, ids: list[str]) -> None:
        (seq,) = tx.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM configuration_tests WHERE config_id = ?",
            (config_id,),
        ).fetchone()
        tx.executemany(
            "INSERT OR IGNORE INTO configuration_tests VALUES (?, ?, ?)",
            [(config_id, c, seq + n) for n, c in enumerate(ids, start=1)],
        )

    # -- the merged view (merge.py combines what this reads) --------------------------------

    def for_merge(self, config_ids: Iterable[str]) -> list[Configuration]:
        """The configurations to merge, in the order given (repeats dropped)."""
        ids = list(dict.fromkeys(config_ids))
        if not ids:
            raise SandboxInvalidArgument("configIds must name at least one configuration")
        with self._db.read() as tx:
            return [self._one(tx, c) for c in ids]


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
