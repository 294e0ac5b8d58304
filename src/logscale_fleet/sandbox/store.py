"""The sandbox's state: install tokens and collector configurations in SQLite.

One connection shared by every thread behind one lock: the sandbox serves one event loop (uvicorn)
plus the test thread that resets it, so a lock is simpler than a connection pool and makes each
operation atomic (200 concurrent creates give 200 distinct rows). A file path survives restarts;
`":memory:"` is private to the store.

The store owns the semantics that do not depend on GraphQL (validation, sorting, paging), so the
resolvers only translate arguments and shapes. Errors are `SandboxError`s whose messages are safe
to show: they never contain a token value or a JWT.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, TypeVar

__all__ = [
    "DOCS_EXAMPLE_CONFIG_ID",
    "Configuration",
    "InstallToken",
    "InvalidArgumentError",
    "NotFoundError",
    "SandboxError",
    "SandboxStateError",
    "SandboxStore",
]

_TOKEN_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int) -> str:
    """Letters and digits only: a token starting with "-" would read as an option on a command
    line (`tokens delete -abc...`)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


MEMORY = ":memory:"
# Bumped when the tables change incompatibly; an older file is refused with a clear message
# rather than misread.
STATE_FORMAT = "1"

# LogScale's own documentation examples for createFleetInstallToken pass configId "123456"; a seeded
# configuration with that id lets them run unchanged against the sandbox.
DOCS_EXAMPLE_CONFIG_ID = "123456"

TokenSort = Literal["Name", "ConfigName"]
ConfigSort = Literal["Name", "ModifiedBy", "Instances", "Size", "LastModified"]
Order = Literal["ASC", "DESC"]

T = TypeVar("T")


class SandboxError(Exception):
    """A request the sandbox refuses; the message is shown to the client as a GraphQL error."""


class NotFoundError(SandboxError):
    """The token or configuration named does not exist."""


class InvalidArgumentError(SandboxError):
    """An argument breaks a rule (empty name, negative limit ...)."""


class SandboxStateError(Exception):
    """The state file cannot be used (not SQLite, written by an incompatible version ...)."""


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


@dataclass(frozen=True)
class InstallToken:
    """A FleetInstallationToken row. `token` and `jwt` are secrets, hence kept out of the repr."""

    token: str = field(repr=False)
    jwt: str = field(repr=False)
    name: str
    config_id: str | None
    seq: int
    is_default: bool
    configuration: Configuration | None = None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS configurations (
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
);
-- Every published version of a configuration, kept apart from its draft (see
-- sandbox/services/configurations/state.py).
CREATE TABLE IF NOT EXISTS configuration_versions (
    config_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    yaml TEXT,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (config_id, version)
);
CREATE TABLE IF NOT EXISTS configuration_tests (
    config_id TEXT NOT NULL,
    collector_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (config_id, collector_id)
);
CREATE TABLE IF NOT EXISTS install_tokens (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    jwt TEXT NOT NULL,
    name TEXT NOT NULL,
    config_id TEXT,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
"""

_LINUX_YAML = """\
dataDirectory: /var/lib/humio-log-collector
sources:
  var_log:
    type: file
    include: /var/log/*.log
    exclude: /var/log/*.gz
    sink: logscale
  journal:
    type: journald
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
    maxBatchSize: 16MB
"""

_WINDOWS_YAML = """\
dataDirectory: C:\\ProgramData\\LogScale Collector
sources:
  windows_events:
    type: wineventlog
    channels:
      - name: Application
      - name: Security
      - name: System
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
"""

_DOCS_YAML = """\
sources:
  var_log:
    type: file
    include: /var/log/syslog
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
"""

SEED_CONFIGURATIONS: tuple[Configuration, ...] = (
    Configuration(
        id="xK3mQ9vLpR2sT7wYbN4cF8hJ1dG6zA0e",
        name="linux-syslog",
        yaml=_LINUX_YAML,
        draft=None,
        version=3,
        modified_at="2025-09-18T08:12:44.512Z",
        draft_modified_at=None,
        modified_by="platform-team@example.com",
        instances=12,
        description="Collect /var/log and journald from Linux servers",
        is_test_running=False,
    ),
    Configuration(
        id="Hj7Kp2Qw9Er4Ty6Ui1Op3As5Df8Gh0Jk",
        name="windows-events",
        yaml=_WINDOWS_YAML,
        draft=_WINDOWS_YAML.replace("      - name: System\n", ""),
        version=1,
        modified_at="2025-08-02T14:03:10.000Z",
        draft_modified_at="2025-10-06T09:41:27.250Z",
        modified_by="secops@example.com",
        instances=4,
        description="Application, Security and System event logs from Windows hosts",
        is_test_running=False,
    ),
    Configuration(
        id=DOCS_EXAMPLE_CONFIG_ID,
        name="docs-example",
        yaml=_DOCS_YAML,
        draft=None,
        version=1,
        modified_at="2025-07-24T00:00:00.000Z",
        draft_modified_at=None,
        modified_by="sandbox",
        instances=0,
        description="The configId LogScale's documentation examples use, so they run unchanged",
        is_test_running=False,
    ),
)

DEFAULT_TOKEN_NAME = "default"  # noqa: S105 - a name, not a secret


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(secret: bytes, claims: dict[str, object]) -> str:
    """An HS256 JWT, so clients that decode `jwtToken` see the shape LogScale's has."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = _b64url(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def _now_iso() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _check_page(skip: int | None, limit: int | None) -> tuple[int, int | None]:
    if skip is not None and skip < 0:
        raise InvalidArgumentError(f"skip must be 0 or more, got {skip}")
    if limit is not None and limit < 0:
        raise InvalidArgumentError(f"limit must be 0 or more, got {limit}")
    return skip or 0, limit


def _page(items: list[T], skip: int, limit: int | None) -> list[T]:
    return items[skip:] if limit is None else items[skip : skip + limit]


def _clean_name(name: str) -> str:
    if not name.strip():
        raise InvalidArgumentError("name must not be empty or only whitespace")
    return name


class SandboxStore:
    """Thread-safe SQLite state. Seeds itself on first open; `reset()` restores the seed."""

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            # timeout: another process (a second CLI run) may hold the file's write lock briefly.
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10.0)
            self._db.row_factory = sqlite3.Row
            with self._transaction() as db:
                if self.path != MEMORY:
                    db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                self._check_format(db)
                if self._meta(db, "seeded") is None:
                    self._seed(db)
        except sqlite3.DatabaseError as exc:
            raise SandboxStateError(f"cannot use {self.path} as sandbox state: {exc}") from None

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            else:
                self._db.commit()

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def _check_format(self, db: sqlite3.Connection) -> None:
        found = self._meta(db, "format")
        if found is None:
            db.execute("INSERT INTO meta VALUES ('format', ?)", (STATE_FORMAT,))
            # Per-sandbox signing key for jwtToken; kept across resets and restarts so JWTs
            # handed out earlier still verify.
            db.execute("INSERT INTO meta VALUES ('jwt_secret', ?)", (secrets.token_hex(32),))
        elif found != STATE_FORMAT:
            raise SandboxStateError(
                f"{self.path} holds sandbox state format {found}, this version reads format "
                f"{STATE_FORMAT}; delete the file or point the sandbox at another one"
            )

    def _seed(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO configurations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                )
                for c in SEED_CONFIGURATIONS
            ],
        )
        db.executemany(
            "INSERT INTO configuration_versions VALUES (?, ?, ?, ?, ?)",
            [(c.id, c.version, c.yaml, c.modified_at, c.modified_by) for c in SEED_CONFIGURATIONS],
        )
        self._insert_token(db, DEFAULT_TOKEN_NAME, None, is_default=True)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('seeded', '1')")

    def _insert_token(
        self, db: sqlite3.Connection, name: str, config_id: str | None, *, is_default: bool = False
    ) -> int:
        secret = bytes.fromhex(self._meta(db, "jwt_secret") or "")
        issued_at = int(time.time())
        while True:
            token = random_token(32)
            jwt = make_jwt(
                secret,
                {"iss": "logscale-fleet-sandbox", "jti": uuid.uuid4().hex, "iat": issued_at},
            )
            try:
                cursor = db.execute(
                    "INSERT INTO install_tokens (token, jwt, name, config_id, is_default, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (token, jwt, name, config_id, int(is_default), _now_iso()),
                )
            except sqlite3.IntegrityError:  # pragma: no cover - a 192-bit collision
                continue
            return int(cursor.lastrowid or 0)

    @staticmethod
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

    def _tokens(self, db: sqlite3.Connection, where: str = "", *args: object) -> list[InstallToken]:
        rows = db.execute("SELECT * FROM configurations")
        configs = {row["id"]: self._configuration(row) for row in rows}
        # `where` is one of this module's constants, never client input.
        query = f"SELECT * FROM install_tokens {where} ORDER BY seq"  # noqa: S608
        return [
            InstallToken(
                token=row["token"],
                jwt=row["jwt"],
                name=row["name"],
                config_id=row["config_id"],
                seq=row["seq"],
                is_default=bool(row["is_default"]),
                configuration=configs.get(row["config_id"]),
            )
            for row in db.execute(query, args)
        ]

    def _one_token(self, db: sqlite3.Connection, token: str) -> InstallToken:
        found = self._tokens(db, "WHERE token = ?", token)
        if not found:
            # Never echo the value: a near-miss token is still a secret.
            raise NotFoundError("no fleet installation token matches the given token")
        return found[0]

    def _require_configuration(self, db: sqlite3.Connection, config_id: str | None) -> None:
        if config_id is None:
            return
        row = db.execute("SELECT 1 FROM configurations WHERE id = ?", (config_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no log collector configuration with id {config_id!r}")

    def _read(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return operation(self._db)

    # For the per-resource services (sandbox/services/): one lock and one transaction for all.
    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """The connection, locked, committed on success and rolled back on error."""
        return self._transaction()

    def configuration_row(self, row: sqlite3.Row) -> Configuration:
        return self._configuration(row)

    # -- install tokens ---------------------------------------------------------------------

    def create_token(self, name: str, config_id: str | None = None) -> InstallToken:
        name = _clean_name(name)
        with self._transaction() as db:
            self._require_configuration(db, config_id)
            seq = self._insert_token(db, name, config_id)
            return self._tokens(db, "WHERE seq = ?", seq)[0]

    def rename_token(self, token: str, name: str) -> InstallToken:
        name = _clean_name(name)
        with self._transaction() as db:
            self._one_token(db, token)
            db.execute("UPDATE install_tokens SET name = ? WHERE token = ?", (name, token))
            return self._one_token(db, token)

    def assign_configuration(self, token: str, config_id: str | None) -> InstallToken:
        with self._transaction() as db:
            self._one_token(db, token)
            self._require_configuration(db, config_id)
            db.execute(
                "UPDATE install_tokens SET config_id = ? WHERE token = ?", (config_id, token)
            )
            return self._one_token(db, token)

    def delete_token(self, token: str) -> bool:
        with self._transaction() as db:
            self._one_token(db, token)
            db.execute("DELETE FROM install_tokens WHERE token = ?", (token,))
            return True

    def get_token(self, token: str) -> InstallToken | None:
        found = self._read(lambda db: self._tokens(db, "WHERE token = ?", token))
        return found[0] if found else None

    def list_tokens(self) -> list[InstallToken]:
        """Every token, oldest first (the default token included)."""
        return self._read(self._tokens)

    def default_token(self) -> InstallToken | None:
        """The seeded default token; None once it has been deleted."""
        found = self._read(lambda db: self._tokens(db, "WHERE is_default = 1"))
        return found[0] if found else None

    def search_tokens(
        self,
        *,
        skip: int | None = None,
        limit: int | None = None,
        sort_by: TokenSort | None = None,
        order_by: Order | None = None,
    ) -> tuple[int, list[InstallToken]]:
        """(total, page). Ties (equal names) keep creation order, so pages never overlap."""
        start, count = _check_page(skip, limit)
        tokens = self.list_tokens()
        if sort_by == "ConfigName":
            # Unassigned tokens sort as an empty name: first ascending, last descending.
            tokens.sort(key=lambda t: (t.configuration.name if t.configuration else "").casefold())
        else:
            tokens.sort(key=lambda t: t.name.casefold())
        if order_by == "DESC":
            tokens.reverse()
        return len(tokens), _page(tokens, start, count)

    # -- configurations ---------------------------------------------------------------------

    def get_configuration(self, config_id: str) -> Configuration | None:
        row = self._read(
            lambda db: db.execute(
                "SELECT * FROM configurations WHERE id = ?", (config_id,)
            ).fetchone()
        )
        return None if row is None else self._configuration(row)

    def list_configurations(self) -> list[Configuration]:
        rows = self._read(lambda db: db.execute("SELECT * FROM configurations").fetchall())
        return [self._configuration(row) for row in rows]

    def search_configurations(
        self,
        *,
        search_filter: str | None = None,
        skip: int | None = None,
        limit: int | None = None,
        sort_by: ConfigSort | None = None,
        order_by: Order | None = None,
    ) -> tuple[int, list[Configuration]]:
        """(total, page); `search_filter` is a case-insensitive substring of the name."""
        start, count = _check_page(skip, limit)
        configs = self.list_configurations()
        if search_filter:
            needle = search_filter.casefold()
            configs = [c for c in configs if needle in c.name.casefold()]
        configs.sort(key=lambda c: (c.name.casefold(), c.id))
        keys: dict[str, Callable[[Configuration], str | int]] = {
            "ModifiedBy": lambda c: c.modified_by.casefold(),
            "Instances": lambda c: c.instances,
            "Size": lambda c: c.yaml_characters_count,
            "LastModified": lambda c: c.modified_at,
        }
        if sort_by in keys:
            configs.sort(key=keys[sort_by])
        if order_by == "DESC":
            configs.reverse()
        return len(configs), _page(configs, start, count)

    # -- lifecycle --------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seeded state: tokens and configurations replaced, signing key kept."""
        with self._transaction() as db:
            db.execute("DELETE FROM install_tokens")
            db.execute("DELETE FROM configurations")
            db.execute("DELETE FROM configuration_versions")
            db.execute("DELETE FROM configuration_tests")
            self._seed(db)

    def close(self) -> None:
        with self._lock:
            self._db.close()
