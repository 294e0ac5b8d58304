"""Install tokens: the table, its migrations and semantics (validation, sorting, paging in SQL).

A token's `token` value is its identity (LogScale's FleetInstallationToken has no id), and with
`jwt` a secret: errors never echo either. `name_key` holds the casefolded name the sorts compare.
The JWT signing key lives in `meta` and survives resets, so JWTs handed out earlier still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from logscale_fleet.sandbox._random import random_token
from logscale_fleet.sandbox.db import Database, Migration, meta_value
from logscale_fleet.sandbox.errors import SandboxNotFound
from logscale_fleet.sandbox.services.common import (
    Order,
    check_page,
    clean_name,
    direction,
    now_iso,
)
from logscale_fleet.sandbox.services.configurations.state import (
    Configuration,
    ConfigurationState,
)

__all__ = ["InstallToken", "InstallTokenState", "TokenSort", "make_jwt"]

TokenSort = Literal["Name", "ConfigName"]


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


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(secret: bytes, claims: dict[str, object]) -> str:
    """An HS256 JWT, so clients that decode `jwtToken` see the shape LogScale's has."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = _b64url(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def _add_name_key(tx: sqlite3.Connection) -> None:
    tx.execute("ALTER TABLE install_tokens ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    rows = tx.execute("SELECT seq, name FROM install_tokens").fetchall()
    tx.executemany(
        "UPDATE install_tokens SET name_key = ? WHERE seq = ?",
        [(r["name"].casefold(), r["seq"]) for r in rows],
    )


MIGRATIONS: tuple[Migration, ...] = (
    """CREATE TABLE IF NOT EXISTS install_tokens (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        token TEXT NOT NULL UNIQUE,
        jwt TEXT NOT NULL,
        name TEXT NOT NULL,
        config_id TEXT,
        is_default INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    _add_name_key,
    "CREATE INDEX IF NOT EXISTS install_tokens_by_name ON install_tokens (name_key, seq)",
)

_SELECT = "SELECT token, jwt, name, config_id, seq, is_default FROM install_tokens"


class InstallTokenState:
    """Install tokens in the database; a new or reset sandbox holds one default token."""

    name = "install_tokens"
    migrations: Sequence[Migration] = MIGRATIONS

    def __init__(
        self, db: Database, configurations: ConfigurationState, *, default_name: str
    ) -> None:
        self._db = db
        self._configurations = configurations
        self._default_name = default_name

    def seed(self, tx: sqlite3.Connection) -> None:
        tx.execute("INSERT OR IGNORE INTO meta VALUES ('jwt_secret', ?)", (secrets.token_hex(32),))
        self._insert(tx, self._default_name, None, is_default=True)

    def clear(self, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM install_tokens")

    # -- plumbing ---------------------------------------------------------------------------

    def _insert(
        self, tx: sqlite3.Connection, name: str, config_id: str | None, *, is_default: bool = False
    ) -> int:
        secret = bytes.fromhex(meta_value(tx, "jwt_secret") or "")
        issued_at = int(time.time())
        while True:
            token = random_token(32)
            jwt = make_jwt(
                secret,
                {"iss": "logscale-fleet-sandbox", "jti": uuid.uuid4().hex, "iat": issued_at},
            )
            try:
                cursor = tx.execute(
                    "INSERT INTO install_tokens (token, jwt, name, name_key, config_id, "
                    "is_default, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (token, jwt, name, name.casefold(), config_id, int(is_default), now_iso()),
                )
            except sqlite3.IntegrityError:  # pragma: no cover - a 192-bit collision
                continue
            return int(cursor.lastrowid or 0)

    def _records(self, tx: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[InstallToken]:
        configs = self._configurations.by_ids(tx, (r["config_id"] for r in rows if r["config_id"]))
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
            for row in rows
        ]

    def _where(self, tx: sqlite3.Connection, where: str, *args: object) -> list[InstallToken]:
        # `where` is one of this module's constants, never client input.
        rows = tx.execute(f"{_SELECT} {where} ORDER BY seq", args).fetchall()
        return self._records(tx, rows)

    def _one(self, tx: sqlite3.Connection, token: str) -> InstallToken:
        found = self._where(tx, "WHERE token = ?", token)
        if not found:
            # Never echo the value: a near-miss token is still a secret.
            raise SandboxNotFound("no fleet installation token matches the given token")
        return found[0]

    def _require_configuration(self, tx: sqlite3.Connection, config_id: str | None) -> None:
        if config_id is not None and not self._configurations.exists(tx, config_id):
            raise SandboxNotFound(f"no log collector configuration with id {config_id!r}")

    # -- operations -------------------------------------------------------------------------

    def create(self, name: str, config_id: str | None = None) -> InstallToken:
        name = clean_name(name)
        with self._db.write() as tx:
            self._require_configuration(tx, config_id)
            seq = self._insert(tx, name, config_id)
            return self._where(tx, "WHERE seq = ?", seq)[0]

    def rename(self, token: str, name: str) -> InstallToken:
        name = clean_name(name)
        with self._db.write() as tx:
            self._one(tx, token)
            tx.execute(
                "UPDATE install_tokens SET name = ?, name_key = ? WHERE token = ?",
                (name, name.casefold(), token),
            )
            return self._one(tx, token)

    def assign_configuration(self, token: str, config_id: str | None) -> InstallToken:
        with self._db.write() as tx:
            self._one(tx, token)
            self._require_configuration(tx, config_id)
            tx.execute(
                "UPDATE install_tokens SET config_id = ? WHERE token = ?", (config_id, token)
            )
            return self._one(tx, token)

    def delete(self, token: str) -> bool:
        with self._db.write() as tx:
            self._one(tx, token)
            tx.execute("DELETE FROM install_tokens WHERE token = ?", (token,))
            return True

    def get(self, token: str) -> InstallToken | None:
        with self._db.read() as tx:
            found = self._where(tx, "WHERE token = ?", token)
        return found[0] if found else None

    def all(self) -> list[InstallToken]:
        """Every token, oldest first (the default token included)."""
        with self._db.read() as tx:
            return self._where(tx, "")

    def default(self) -> InstallToken | None:
        """The seeded default token; None once it has been deleted."""
        with self._db.read() as tx:
            found = self._where(tx, "WHERE is_default = 1")
        return found[0] if found else None

    def search(
        self,
        *,
        skip: int | None = None,
        limit: int | None = None,
        sort_by: TokenSort | None = None,
        order_by: Order | None = None,
    ) -> tuple[int, list[InstallToken]]:
        """(total, page). Ties (equal names) keep creation order, so pages never overlap."""
        offset, count = check_page(skip, limit)
        way = direction(order_by)
        if sort_by == "ConfigName":
            # Unassigned tokens sort as an empty name: first ascending, last descending.
            query = (
                "SELECT t.token, t.jwt, t.name, t.config_id, t.seq, t.is_default "  # noqa: S608
                "FROM install_tokens t LEFT JOIN configurations c ON c.id = t.config_id "
                f"ORDER BY coalesce(c.name_key, '') {way}, t.seq {way} LIMIT ? OFFSET ?"
            )
        else:
            query = f"{_SELECT} ORDER BY name_key {way}, seq {way} LIMIT ? OFFSET ?"
        with self._db.read() as tx:
            total = int(tx.execute("SELECT count(*) FROM install_tokens").fetchone()[0])
            # `way` is "ASC" or "DESC", never client input.
            rows = tx.execute(query, (count, offset)).fetchall()
            return total, self._records(tx, rows)
