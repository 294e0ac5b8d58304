"""The rules of collector configurations, over the store's SQLite tables.

What the sandbox does (and the README's sandbox section repeats):

- `createLogCollectorConfiguration(name, draft)` makes version 0: no published YAML, the draft
  as given. Names are unique (exact match), so `--by-name` and declarations can rely on them.
- `publishLogCollectorConfiguration(id, yaml, currentVersion)` publishes `yaml` (or the draft
  when `yaml` is omitted) as version currentVersion + 1, records who and when, keeps every
  version in `configuration_versions`, and clears the draft. A `currentVersion` that is not the
  configuration's version is refused with `StaleVersionError` (the message and extensions say
  the version, who and when), so nobody overwrites a change they have not seen.
- The published YAML and the draft, and their timestamps (`modifiedAt`, `draftModifiedAt`), are
  kept apart; `yamlCharactersCount` counts the published YAML's characters.
- Text is stored as given (LogScale does not parse it on publish either); the merged view
  reports YAML that does not parse as a problem. Text over `MAX_YAML_CHARACTERS` is refused.
- Tests: start (not while one runs; at least one collector), add, remove (only while one runs),
  stop (returns the collectors that were in the test).
- `deleteLogCollectorConfiguration(configId, versionId)` needs the current version (as publish
  does) and is refused while an install token is assigned to the configuration: collectors
  enrolled with such a token would silently lose their configuration. Reassign the tokens first
  (`tokens assign`); a running test is stopped with the deletion.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from logscale_fleet._core.yaml_check import MAX_YAML_CHARACTERS
from logscale_fleet.sandbox.store import (
    Configuration,
    InvalidArgumentError,
    NotFoundError,
    SandboxError,
    SandboxStore,
    _now_iso,
    random_token,
)

__all__ = [
    "SANDBOX_USER",
    "ConfigurationInUseError",
    "ConfigurationService",
    "ConfigurationTest",
    "MergedConfiguration",
    "Problem",
    "StaleVersionError",
]

# Who `modifiedBy` names for changes made through the sandbox: it has one API token, no users.
SANDBOX_USER = "sandbox-user@localhost"


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


@dataclass(frozen=True)
class Problem:
    summary: str
    details: str | None
    path: str
    number: int


@dataclass(frozen=True)
class MergedConfiguration:
    content: str
    problems: tuple[Problem, ...]


def _check_text(value: str | None, argument: str) -> str | None:
    if value is not None and len(value) > MAX_YAML_CHARACTERS:
        raise InvalidArgumentError(
            f"{argument} is {len(value):,} characters; the limit is {MAX_YAML_CHARACTERS:,}"
        )
    return value


def _check_name(name: str) -> str:
    if not name.strip():
        raise InvalidArgumentError("name must not be empty or only whitespace")
    return name


def _check_collectors(collector_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(collector_ids))  # keeps the order, drops repeats
    if not ids:
        raise InvalidArgumentError("collectorIds must name at least one collector")
    if any(not c.strip() for c in ids):
        raise InvalidArgumentError("collectorIds must not contain an empty id")
    return ids


class ConfigurationService:
    """Configuration writes, tests and the merged view over one `SandboxStore`."""

    def __init__(self, store: SandboxStore, user: str = SANDBOX_USER) -> None:
        self._store = store
        self._user = user

    # -- plumbing ---------------------------------------------------------------------------

    def _one(self, db: sqlite3.Connection, config_id: str) -> Configuration:
        row = db.execute("SELECT * FROM configurations WHERE id = ?", (config_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no log collector configuration with id {config_id!r}")
        return self._store.configuration_row(row)

    @staticmethod
    def _unique_name(db: sqlite3.Connection, name: str, except_id: str | None = None) -> None:
        row = db.execute(
            "SELECT id FROM configurations WHERE name = ? AND id IS NOT ?", (name, except_id)
        ).fetchone()
        if row is not None:
            raise InvalidArgumentError(
                f"a log collector configuration named {name!r} already exists (id {row['id']!r})"
            )

    @staticmethod
    def _collectors(db: sqlite3.Connection, config_id: str) -> tuple[str, ...]:
        rows = db.execute(
            "SELECT collector_id FROM configuration_tests WHERE config_id = ? ORDER BY seq",
            (config_id,),
        )
        return tuple(row["collector_id"] for row in rows)

    # -- configurations ---------------------------------------------------------------------

    def create(self, name: str, draft: str | None) -> Configuration:
        name = _check_name(name)
        draft = _check_text(draft, "draft")
        now = _now_iso()
        with self._store.transaction() as db:
            self._unique_name(db, name)
            config_id = random_token(32)
            db.execute(
                "INSERT INTO configurations VALUES (?, ?, NULL, ?, 0, ?, ?, ?, 0, NULL, 0)",
                (config_id, name, draft, now, now if draft is not None else None, self._user),
            )
            return self._one(db, config_id)

    def update_draft(self, config_id: str, draft: str | None) -> Configuration:
        draft = _check_text(draft, "draft")
        with self._store.transaction() as db:
            self._one(db, config_id)
            db.execute(
                "UPDATE configurations SET draft = ?, draft_modified_at = ? WHERE id = ?",
                (draft, None if draft is None else _now_iso(), config_id),
            )
            return self._one(db, config_id)

    def publish(self, config_id: str, yaml: str | None, current_version: int) -> Configuration:
        yaml = _check_text(yaml, "yaml")
        with self._store.transaction() as db:
            current = self._one(db, config_id)
            if current.version != current_version:
                raise StaleVersionError(
                    "publishLogCollectorConfiguration", current_version, current
                )
            text = yaml if yaml is not None else current.draft
            if text is None:
                raise InvalidArgumentError(
                    "nothing to publish: no yaml was given and the configuration has no draft"
                )
            version = current.version + 1
            now = _now_iso()
            db.execute(
                "UPDATE configurations SET yaml = ?, version = ?, modified_at = ?, "
                "modified_by = ?, draft = NULL, draft_modified_at = NULL WHERE id = ?",
                (text, version, now, self._user, config_id),
            )
            db.execute(
                "INSERT INTO configuration_versions VALUES (?, ?, ?, ?, ?)",
                (config_id, version, text, now, self._user),
            )
            return self._one(db, config_id)

    def rename(self, config_id: str, name: str) -> Configuration:
        name = _check_name(name)
        with self._store.transaction() as db:
            self._one(db, config_id)
            self._unique_name(db, name, except_id=config_id)
            db.execute("UPDATE configurations SET name = ? WHERE id = ?", (name, config_id))
            return self._one(db, config_id)

    def describe(self, config_id: str, description: str | None) -> Configuration:
        with self._store.transaction() as db:
            self._one(db, config_id)
            db.execute(
                "UPDATE configurations SET description = ? WHERE id = ?", (description, config_id)
            )
            return self._one(db, config_id)

    def delete(self, config_id: str, version: int) -> bool:
        with self._store.transaction() as db:
            current = self._one(db, config_id)
            if current.version != version:
                raise StaleVersionError("deleteLogCollectorConfiguration", version, current)
            (tokens,) = db.execute(
                "SELECT COUNT(*) FROM install_tokens WHERE config_id = ?", (config_id,)
            ).fetchone()
            if tokens:
                raise ConfigurationInUseError(
                    f"configuration {config_id!r} is assigned to {tokens} install token(s); "
                    "assign them another configuration (or none) before deleting it"
                )
            for table, column in (
                ("configuration_tests", "config_id"),
                ("configuration_versions", "config_id"),
                ("configurations", "id"),
            ):
                # Table and column names are this module's constants, never client input.
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (config_id,))  # noqa: S608
            return True

    def versions(self, config_id: str) -> list[tuple[int, str | None]]:
        """(version, yaml) of every published version, oldest first (for tests and audits)."""
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT version, yaml FROM configuration_versions WHERE config_id = ? "
                "ORDER BY version",
                (config_id,),
            ).fetchall()
            return [(row["version"], row["yaml"]) for row in rows]

    # -- tests ------------------------------------------------------------------------------

    def start_test(self, config_id: str, collector_ids: Iterable[str]) -> ConfigurationTest:
        ids = _check_collectors(collector_ids)
        with self._store.transaction() as db:
            if self._one(db, config_id).is_test_running:
                raise InvalidArgumentError(
                    f"a test of configuration {config_id!r} is already running; add collectors "
                    "to it or stop it first"
                )
            db.execute("UPDATE configurations SET is_test_running = 1 WHERE id = ?", (config_id,))
            self._add(db, config_id, ids)
            return ConfigurationTest(config_id, self._collectors(db, config_id))

    def add_to_test(self, config_id: str, collector_ids: Iterable[str]) -> ConfigurationTest:
        ids = _check_collectors(collector_ids)
        with self._store.transaction() as db:
            self._running(db, config_id)
            self._add(db, config_id, ids)
            return ConfigurationTest(config_id, self._collectors(db, config_id))

    def remove_from_test(self, config_id: str, collector_ids: Iterable[str]) -> ConfigurationTest:
        ids = _check_collectors(collector_ids)
        with self._store.transaction() as db:
            self._running(db, config_id)
            db.executemany(
                "DELETE FROM configuration_tests WHERE config_id = ? AND collector_id = ?",
                [(config_id, c) for c in ids],
            )
            return ConfigurationTest(config_id, self._collectors(db, config_id))

    def stop_test(self, config_id: str) -> ConfigurationTest:
        with self._store.transaction() as db:
            self._running(db, config_id)
            stopped = self._collectors(db, config_id)
            db.execute("DELETE FROM configuration_tests WHERE config_id = ?", (config_id,))
            db.execute("UPDATE configurations SET is_test_running = 0 WHERE id = ?", (config_id,))
            return ConfigurationTest(config_id, stopped)

    def test_collectors(self, config_id: str) -> tuple[str, ...]:
        with self._store.transaction() as db:
            return self._collectors(db, config_id)

    def _running(self, db: sqlite3.Connection, config_id: str) -> None:
        if not self._one(db, config_id).is_test_running:
            raise InvalidArgumentError(
                f"no test of configuration {config_id!r} is running; start one first"
            )

    def _add(self, db: sqlite3.Connection, config_id: str, ids: list[str]) -> None:
        (seq,) = db.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM configuration_tests WHERE config_id = ?",
            (config_id,),
        ).fetchone()
        db.executemany(
            "INSERT OR IGNORE INTO configuration_tests VALUES (?, ?, ?)",
            [(config_id, c, seq + n) for n, c in enumerate(ids, start=1)],
        )

    # -- the merged view --------------------------------------------------------------------

    def merged(self, config_ids: Iterable[str]) -> MergedConfiguration:
        from logscale_fleet.sandbox.services.configurations.merge import merge

        ids = list(dict.fromkeys(config_ids))
        if not ids:
            raise InvalidArgumentError("configIds must name at least one configuration")
        with self._store.transaction() as db:
            configurations = [self._one(db, c) for c in ids]
        return merge(configurations)
