"""Simulated collectors: enrolled with an install token, selected by groups, searched.

What a collector runs follows LogScale's rules as the sandbox simplifies them: a manual
assignment (the token's configuration at enrolment, or `assignLogCollector(s)...`) wins;
otherwise it runs the configurations of every group whose filter selects it, groups in creation
order. Its wanted version is its own, else that of the first selecting group with one. Every
simulated collector is live and active. Unenrolling removes the collector.

Group membership is computed in Python (the filter language is not SQL), so a search loads the
fleet once per request: about 70 ms per page for 5,000 collectors and two groups (2 shared cores).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from logscale_fleet.sandbox.db import Database, Migration
from logscale_fleet.sandbox.errors import SandboxInvalidArgument, SandboxNotFound
from logscale_fleet.sandbox.services.common import check_page, clean_name, now_iso
from logscale_fleet.sandbox.services.configurations.state import (
    Configuration,
    ConfigurationState,
)
from logscale_fleet.sandbox.services.groups.filter import FilterSubject
from logscale_fleet.sandbox.services.groups.state import Group, GroupState, check_version
from logscale_fleet.sandbox.services.install_tokens.state import InstallTokenState
from logscale_fleet.sandbox.services.installers.state import VERSIONS

__all__ = [
    "OPERATING_SYSTEMS",
    "Collector",
    "CollectorState",
    "FleetEntry",
    "SearchSettings",
]

# --os values -> what LogCollector.system shows.
OPERATING_SYSTEMS = {"linux": "Linux", "windows": "Windows", "macos": "macOS"}
_OS_FILTER = {"Linux": "Linux", "Windows": "Windows", "MacOS": "macOS"}
MAX_ENROL = 100_000
DEFAULT_LOST_DAYS = 14

Assignment = Literal["Manual", "Group"]


@dataclass(frozen=True)
class Collector:
    id: str
    machine_id: str
    hostname: str
    system: str
    version: str
    ip_address: str
    config_id: str | None
    wanted_version: str | None
    time_of_update: str | None
    status: str
    errors: tuple[str, ...]
    last_activity: str
    ingest_last_24h: int
    labels: Mapping[str, str]
    debug_level: str | None
    debug_url: str | None
    debug_repository: str | None
    seq: int

    def subject(self) -> FilterSubject:
        return FilterSubject(
            hostname=self.hostname,
            os=self.system,
            version=self.version,
            ip=self.ip_address,
            machine_id=self.machine_id,
            labels=self.labels,
        )


@dataclass(frozen=True)
class FleetEntry:
    """A collector as searchFleet shows it: with its groups and what it runs."""

    collector: Collector
    groups: tuple[Group, ...]
    configurations: tuple[tuple[Configuration, Assignment, Group | None], ...]
    manual: Configuration | None
    wanted_version: str | None


@dataclass
class SearchSettings:
    """When searchFleet answers SearchFleetInProgress first (POST /_sandbox/settings)."""

    # In-progress answers before the result for every search (0: only large fleets get some).
    in_progress_polls: int = 0
    # Fleets larger than this get `large_fleet_polls` in-progress answers first.
    large_fleet: int = 1000
    large_fleet_polls: int = 1

    def polls_for(self, fleet_size: int) -> int:
        if self.in_progress_polls:
            return self.in_progress_polls
        return self.large_fleet_polls if fleet_size > self.large_fleet else 0


@dataclass(frozen=True)
class SearchFilters:
    search: str | None = None
    config_id: str | None = None
    group_ids: tuple[str, ...] = ()
    status: str | None = None
    version: str | None = None
    needs_update: bool | None = None
    os: str | None = None
    live: bool | None = None
    inactive: bool | None = None
    sort_by: str | None = None
    descending: bool = False
    extra: Mapping[str, object] = field(default_factory=dict)


MIGRATIONS: tuple[Migration, ...] = (
    """CREATE TABLE IF NOT EXISTS collectors (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        machine_id TEXT NOT NULL UNIQUE,
        hostname TEXT NOT NULL,
        system TEXT NOT NULL,
        version TEXT NOT NULL,
        ip_address TEXT NOT NULL,
        config_id TEXT,
        wanted_version TEXT,
        time_of_update TEXT,
        status TEXT NOT NULL DEFAULT 'OK',
        errors TEXT NOT NULL DEFAULT '[]',
        last_activity TEXT NOT NULL,
        ingest_last_24h INTEGER NOT NULL DEFAULT 0,
        labels TEXT NOT NULL DEFAULT '{}',
        debug_level TEXT,
        debug_url TEXT,
        debug_repository TEXT
    )""",
)


def _collector(row: sqlite3.Row) -> Collector:
    return Collector(
        id=row["id"],
        machine_id=row["machine_id"],
        hostname=row["hostname"],
        system=row["system"],
        version=row["version"],
        ip_address=row["ip_address"],
        config_id=row["config_id"],
        wanted_version=row["wanted_version"],
        time_of_update=row["time_of_update"],
        status=row["status"],
        errors=tuple(json.loads(row["errors"])),
        last_activity=row["last_activity"],
        ingest_last_24h=row["ingest_last_24h"],
        labels=json.loads(row["labels"]),
        debug_level=row["debug_level"],
        debug_url=row["debug_url"],
        debug_repository=row["debug_repository"],
        seq=row["seq"],
    )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in version.split("."))


class CollectorState:
    """Enrolled (simulated) collectors; a new or reset sandbox has none."""

    name = "collectors"
    migrations: Sequence[Migration] = MIGRATIONS

    def __init__(
        self,
        db: Database,
        configurations: ConfigurationState,
        install_tokens: InstallTokenState,
        groups: GroupState,
    ) -> None:
        self._db = db
        self._configurations = configurations
        self._install_tokens = install_tokens
        self._groups = groups
        self.settings = SearchSettings()

    def seed(self, tx: sqlite3.Connection) -> None:
        """No seeded collectors."""

    def clear(self, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM collectors")
        tx.execute("DELETE FROM meta WHERE key = 'lost_collector_days'")
        self.settings = SearchSettings()

    # -- enrolment (the control endpoint, the CLI, the pytest fixture) ------------------------

    def enroll(
        self,
        token: str,
        hostname: str,
        *,
        os: str = "linux",
        version: str = VERSIONS[0],
        labels: Mapping[str, str] | None = None,
        count: int = 1,
    ) -> list[Collector]:
        """Enrol `count` collectors with the install token `token` (hostnames get -1 ... -N
        when count > 1). Each gets the token's configuration as its manual assignment."""
        hostname = clean_name(hostname)
        system = OPERATING_SYSTEMS.get(os.lower()) if isinstance(os, str) else None
        if system is None:
            raise SandboxInvalidArgument(f"os must be one of {', '.join(OPERATING_SYSTEMS)}")
        if not version or any(ch.isspace() for ch in version):
            raise SandboxInvalidArgument("version must be a collector version such as 1.9.1")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ENROL:
            raise SandboxInvalidArgument(f"count must be a whole number from 1 to {MAX_ENROL}")
        checked_labels = dict(labels or {})
        for key, value in checked_labels.items():
            if not isinstance(key, str) or not key or not isinstance(value, str):
                raise SandboxInvalidArgument("labels must map non-empty names to strings")
        found = self._install_tokens.get(token)
        if found is None:
            # Never echo the value: a near-miss token is still a secret.
            raise SandboxNotFound("no fleet installation token matches the given token")
        width = len(str(count))
        names = (
            [hostname] if count == 1 else [f"{hostname}-{i:0{width}d}" for i in range(1, count + 1)]
        )
        seen = now_iso()
        with self._db.write() as tx:
            start = int(tx.execute("SELECT coalesce(max(seq), 0) FROM collectors").fetchone()[0])
            rows = [
                (
                    secrets.token_hex(16),
                    secrets.token_hex(16),
                    name,
                    system,
                    version,
                    _ip(start + index + 1),
                    found.config_id,
                    seen,
                    json.dumps(checked_labels, sort_keys=True),
                )
                for index, name in enumerate(names)
            ]
            tx.executemany(
                "INSERT INTO collectors (id, machine_id, hostname, system, version, ip_address, "
                "config_id, last_activity, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            created = tx.execute(
                "SELECT * FROM collectors WHERE seq > ? ORDER BY seq", (start,)
            ).fetchall()
        return [_collector(row) for row in created]

    # -- the fleet as LogScale shows it --------------------------------------------------------

    def _entries(
        self, tx: sqlite3.Connection, groups: list[Group] | None = None
    ) -> list[FleetEntry]:
        groups = self._groups.all_in(tx) if groups is None else groups
        selecting = [(g, p) for g in groups if (p := g.predicate()) is not None]
        rows = tx.execute("SELECT * FROM collectors ORDER BY seq").fetchall()
        collectors = [_collector(row) for row in rows]
        manual = self._configurations.by_ids(tx, {c.config_id for c in collectors if c.config_id})
        entries = []
        for collector in collectors:
            subject = collector.subject()
            member = tuple(g for g, predicate in selecting if predicate(subject))
            assigned = manual.get(collector.config_id) if collector.config_id else None
            runs: tuple[tuple[Configuration, Assignment, Group | None], ...]
            if assigned is not None:
                runs = ((assigned, "Manual", None),)
            else:
                runs = tuple((c, "Group", g) for g in member for c in g.configurations)
            wanted = collector.wanted_version or next(
                (g.wanted_version for g in member if g.wanted_version), None
            )
            entries.append(FleetEntry(collector, member, runs, assigned, wanted))
        return entries

    def group_counts(self, tx: sqlite3.Connection, groups: list[Group]) -> dict[str, int]:
        return _counts(groups, self._entries(tx, groups))

    def _fleet(self) -> tuple[list[FleetEntry], dict[str, int]]:
        """Every entry and the collectors per group, from one snapshot."""
        with self._db.read() as tx:
            groups = self._groups.all_in(tx)
            entries = self._entries(tx, groups)
        return entries, _counts(groups, entries)

    def fleet_size(self) -> int:
        with self._db.read() as tx:
            return int(tx.execute("SELECT count(*) FROM collectors").fetchone()[0])

    def search(
        self, filters: SearchFilters, skip: int | None, limit: int | None
    ) -> tuple[int, list[FleetEntry], dict[str, int]]:
        """(total, page, collectors per group id) for searchFleet."""
        offset, count = check_page(skip, limit)
        entries, counts = self._fleet()
        found = [e for e in entries if _matches(e, filters)]
        sort = _SORTS.get(filters.sort_by or "Hostname", _SORTS["Hostname"])
        found.sort(key=lambda e: (sort(e), e.collector.hostname.casefold(), e.collector.seq))
        if filters.descending:
            found.reverse()
        end = None if count < 0 else offset + count
        return len(found), found[offset:end], counts

    def details(self, machine_id: str) -> tuple[FleetEntry | None, dict[str, int]]:
        entries, counts = self._fleet()
        return next((e for e in entries if e.collector.machine_id == machine_id), None), counts

    # -- changes -----------------------------------------------------------------------------

    def _require_configuration(self, tx: sqlite3.Connection, config_id: str | None) -> None:
        if config_id is not None and not self._configurations.exists(tx, config_id):
            raise SandboxNotFound(f"no log collector configuration with id {config_id!r}")

    def _existing(self, tx: sqlite3.Connection, ids: Sequence[str]) -> list[Collector]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        # Only placeholders are interpolated; the ids travel as parameters.
        query = f"SELECT * FROM collectors WHERE id IN ({marks}) ORDER BY seq"  # noqa: S608
        return [_collector(row) for row in tx.execute(query, wanted)]

    def assign(self, ids: Sequence[str], config_id: str | None) -> list[Collector]:
        """Set the manual configuration of the known collectors among `ids` (None clears it)."""
        with self._db.write() as tx:
            self._require_configuration(tx, config_id)
            found = self._existing(tx, ids)
            tx.executemany(
                "UPDATE collectors SET config_id = ? WHERE id = ?",
                [(config_id, c.id) for c in found],
            )
            return self._existing(tx, [c.id for c in found])

    def assign_one(self, collector_id: str, config_id: str | None) -> bool:
        if not self.assign([collector_id], config_id):
            raise SandboxNotFound(f"no enrolled log collector with id {collector_id!r}")
        return True

    def unenroll(self, ids: Sequence[str]) -> list[Collector]:
        with self._db.write() as tx:
            found = self._existing(tx, ids)
            tx.executemany("DELETE FROM collectors WHERE id = ?", [(c.id,) for c in found])
            return found

    def _update_one(self, collector_id: str, assignments: str, values: tuple[object, ...]) -> bool:
        with self._db.write() as tx:
            if not self._existing(tx, [collector_id]):
                raise SandboxNotFound(f"no enrolled log collector with id {collector_id!r}")
            # `assignments` is one of this module's constants, never client input.
            tx.execute(f"UPDATE collectors SET {assignments} WHERE id = ?", (*values, collector_id))  # noqa: S608
            return True

    def set_wanted_version(
        self, collector_id: str, version: str | None, time_of_update: str | None
    ) -> bool:
        return self._update_one(
            collector_id,
            "wanted_version = ?, time_of_update = ?",
            (check_version(version), time_of_update),
        )

    def enable_debug_logging(
        self, collector_id: str, level: str, url: str | None, repository: str | None
    ) -> bool:
        # The ingest token is not kept: nothing the sandbox answers may show it.
        return self._update_one(
            collector_id,
            "debug_level = ?, debug_url = ?, debug_repository = ?",
            (level, url, repository),
        )

    def disable_debug_logging(self, collector_id: str) -> bool:
        return self._update_one(
            collector_id,
            "debug_level = ?, debug_url = ?, debug_repository = ?",
            (None, None, None),
        )

    def lost_days(self) -> int:
        with self._db.read() as tx:
            row = tx.execute("SELECT value FROM meta WHERE key = 'lost_collector_days'").fetchone()
        return DEFAULT_LOST_DAYS if row is None else int(row["value"])

    def set_lost_days(self, days: int | None) -> bool:
        if days is not None and days < 1:
            raise SandboxInvalidArgument(f"days must be 1 or more, got {days}")
        with self._db.write() as tx:
            if days is None:
                tx.execute("DELETE FROM meta WHERE key = 'lost_collector_days'")
            else:
                tx.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('lost_collector_days', ?)", (str(days),)
                )
        return True


def _counts(groups: list[Group], entries: list[FleetEntry]) -> dict[str, int]:
    counts = {g.id: 0 for g in groups}
    for entry in entries:
        for group in entry.groups:
            counts[group.id] += 1
    return counts


def _ip(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _matches(entry: FleetEntry, f: SearchFilters) -> bool:
    c = entry.collector
    if f.search:
        needle = f.search.casefold()
        if not any(needle in text.casefold() for text in (c.hostname, c.machine_id, c.ip_address)):
            return False
    if f.config_id is not None and all(cfg.id != f.config_id for cfg, _, _ in entry.configurations):
        return False
    if f.group_ids and not {g.id for g in entry.groups} & set(f.group_ids):
        return False
    if f.status is not None and c.status != f.status:
        return False
    if f.os is not None and c.system != _OS_FILTER.get(f.os, "Unknown"):
        return False
    if f.version is not None and c.version != f.version:
        return False
    if f.needs_update is not None:
        needs = entry.wanted_version is not None and entry.wanted_version != c.version
        if needs != f.needs_update:
            return False
    # Every simulated collector is live and active.
    return f.live is not False and f.inactive is not True


_SORTS: dict[str, Callable[[FleetEntry], Any]] = {
    "Hostname": lambda e: e.collector.hostname.casefold(),
    "System": lambda e: e.collector.system.casefold(),
    "Version": lambda e: _version_key(e.collector.version),
    "LastActivity": lambda e: e.collector.last_activity,
    "ConfigName": lambda e: e.manual.name.casefold() if e.manual else "",
    "Ingest": lambda e: e.collector.ingest_last_24h,
}
