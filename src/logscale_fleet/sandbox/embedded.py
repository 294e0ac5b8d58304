"""In-process sandbox for `logscale-fleet --sandbox` and the facade's sandbox factory.

The app runs inside the caller's process through `httpx.ASGITransport`: no server, no port, no
credentials. State persists in a SQLite file in the user's data directory so that
`--sandbox tokens create` followed by `--sandbox tokens list` shows the token. The API token is
random per process and never leaves it.

Public API:

    default_db_path() -> Path
        $LOGSCALE_FLEET_SANDBOX_DB, else $XDG_DATA_HOME/logscale-fleet/sandbox.sqlite3, else
        ~/.local/share/logscale-fleet/sandbox.sqlite3 (%LOCALAPPDATA%\\logscale-fleet\\... on
        Windows).
    open_embedded(db_path: str | Path | None = None) -> EmbeddedSandbox
        Raises logscale_fleet.errors.ConfigurationError when the sandbox extra is missing or
        the state file cannot be created or read.
    EmbeddedSandbox (frozen dataclass; repr masks the token)
        .app: SandboxApp        the ASGI app
        .token: str             the API token the app expects as `Authorization: Bearer ...`
        .base_url: str          EMBEDDED_BASE_URL, what LOGSCALE_URL would hold
        .graphql_url: str       base_url + "/graphql"
        .db_path: Path | None   the state file (None for ":memory:")
        .store: SandboxStore
        .transport() -> httpx.AsyncBaseTransport
        .http_client(**kwargs) -> httpx.AsyncClient   base_url, Bearer header, timeouts set;
                                                      kwargs are passed to httpx.AsyncClient
        .close() -> None        closes the state file

The base URL uses the reserved `.invalid` domain: installation commands built from it point
nowhere, which is the honest answer for tokens that exist only in a local emulator.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from logscale_fleet.errors import ConfigurationError
from logscale_fleet.sandbox import MISSING_EXTRA

if TYPE_CHECKING:
    from logscale_fleet.sandbox.app import SandboxApp
    from logscale_fleet.sandbox.store import SandboxStore

__all__ = [
    "DB_ENV_VAR",
    "EMBEDDED_BASE_URL",
    "EmbeddedSandbox",
    "default_db_path",
    "open_embedded",
]

DB_ENV_VAR = "LOGSCALE_FLEET_SANDBOX_DB"
EMBEDDED_BASE_URL = "http://sandbox.logscale-fleet.invalid"


def default_db_path() -> Path:
    """Where the in-process sandbox keeps its state unless told otherwise."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        # The XDG spec says to ignore a relative XDG_DATA_HOME.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "logscale-fleet" / "sandbox.sqlite3"


@dataclass(frozen=True)
class EmbeddedSandbox:
    """The in-process sandbox: an ASGI app plus what a client needs to talk to it."""

    app: SandboxApp
    token: str = field(repr=False)
    base_url: str
    db_path: Path | None
    store: SandboxStore = field(repr=False)

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def transport(self) -> httpx.AsyncBaseTransport:
        """An ASGI transport into the app, for callers that build their own AsyncClient."""
        return httpx.ASGITransport(app=self.app)

    def http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An AsyncClient wired to the app with the Bearer header; kwargs override defaults."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        options: dict[str, Any] = {
            "transport": self.transport(),
            "base_url": self.base_url,
            "timeout": httpx.Timeout(30.0, connect=10.0),
            **kwargs,
        }
        return httpx.AsyncClient(headers=headers, **options)

    def close(self) -> None:
        self.store.close()


def _make_private(directory: Path) -> None:
    """Tighten the default state directory if an older version made it 0755.

    Only this one: it is ours by name. A directory named through DB_ENV_VAR or a path argument
    may be shared (the current directory, say) and stays as it is.
    """
    with contextlib.suppress(OSError):
        if os.name == "posix" and directory.stat().st_mode & 0o077:
            directory.chmod(0o700)


def open_embedded(db_path: str | Path | None = None) -> EmbeddedSandbox:
    """Open (creating and seeding on first use) the in-process sandbox on `db_path`."""
    try:
        from logscale_fleet.sandbox.app import SandboxApp, generate_token
        from logscale_fleet.sandbox.errors import SandboxStateError
        from logscale_fleet.sandbox.store import MEMORY, SandboxStore
    except ImportError:
        raise ConfigurationError(MISSING_EXTRA) from None

    path: Path | None
    if db_path is None:
        path = default_db_path()
        _make_private(path.parent)
    elif str(db_path) == MEMORY:
        path = None
    else:
        path = Path(db_path).expanduser()
    try:
        # The store creates missing directories 0700 and the file 0600: they hold secrets.
        store = SandboxStore(path if path is not None else MEMORY)
    except SandboxStateError as exc:
        raise ConfigurationError(f"{exc}; set {DB_ENV_VAR} to use another file") from None
    token = generate_token()
    return EmbeddedSandbox(
        app=SandboxApp(store, token, public_url=EMBEDDED_BASE_URL),
        token=token,
        base_url=EMBEDDED_BASE_URL,
        db_path=path,
        store=store,
    )
