"""In-process mode: the app through httpx.ASGITransport on a persistent state file."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import httpx
import pytest

from logscale_fleet import FleetClient
from logscale_fleet.errors import ConfigurationError, TimeoutError
from logscale_fleet.sandbox.embedded import (
    DB_ENV_VAR,
    EMBEDDED_BASE_URL,
    default_db_path,
    open_embedded,
)
from logscale_fleet.sandbox.faults import FaultRule
from logscale_graphql import Client


async def test_create_and_find_again_after_reopening(tmp_path: Path) -> None:
    db = tmp_path / "state" / "sandbox.sqlite3"

    first = open_embedded(db)
    async with Client(first.graphql_url, first.http_client()) as client:
        created = await client.create_fleet_install_token(name="laptop")
    first.close()
    second = open_embedded(db)
    async with Client(second.graphql_url, second.http_client()) as client:
        found = await client.fleet_installation_token(
            token=created.create_fleet_install_token.token
        )
    second.close()

    token = created.create_fleet_install_token
    assert db.is_file()
    assert found.fleet_installation_token is not None
    assert found.fleet_installation_token.name == "laptop"
    assert EMBEDDED_BASE_URL in token.installation_commands.linux_command
    assert first.token != second.token


async def test_the_embedded_app_still_checks_the_token() -> None:
    sandbox = open_embedded(":memory:")
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=sandbox.base_url) as http:
        response = await http.get("/api/v1/status")

    assert response.status_code == 401
    assert sandbox.token not in repr(sandbox)


async def test_dropped_connection_in_process_is_a_remote_protocol_error() -> None:
    sandbox = open_embedded(":memory:")
    sandbox.app.faults.set([FaultRule("drop")])

    async with sandbox.http_client() as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/graphql", json={"query": "{ __typename }"})


def test_default_path_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "logscale-fleet" / "sandbox.sqlite3"

    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "logscale-fleet" / "sandbox.sqlite3"
    assert default_db_path() == expected

    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "chosen.db"))
    assert default_db_path() == tmp_path / "chosen.db"


def test_open_without_argument_uses_the_default_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "env.sqlite3"))

    sandbox = open_embedded()
    sandbox.close()

    assert sandbox.db_path == tmp_path / "env.sqlite3"
    assert sandbox.db_path.is_file()


def test_unusable_state_file_is_a_configuration_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"\x00garbage" * 200)

    with pytest.raises(ConfigurationError, match=DB_ENV_VAR):
        open_embedded(bogus)


def test_uncreatable_directory_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    with pytest.raises(ConfigurationError, match="cannot create the sandbox state directory"):
        open_embedded(blocker / "sub" / "sandbox.sqlite3")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_default_state_directory_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    older = tmp_path / "logscale-fleet"
    older.mkdir(mode=0o755)
    older.chmod(0o755)  # as the first release left it, whatever the umask

    open_embedded().close()

    assert stat.S_IMODE(older.stat().st_mode) == 0o700
    assert stat.S_IMODE((older / "sandbox.sqlite3").stat().st_mode) == 0o600


async def test_the_deadline_holds_while_another_process_holds_the_state_file(
    tmp_path: Path,
) -> None:
    # The first release ran SQLite on the event loop: the call waited out the 10 s busy
    # timeout with the loop blocked, then failed with "database is locked", deadline or not.
    path = tmp_path / "sandbox.sqlite3"
    open_embedded(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what a second CLI run in the middle of a write holds
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        for _ in range(1_000):
            await asyncio.sleep(0.01)
            ticks += 1

    try:
        async with FleetClient.sandbox(path, timeout=0.25, max_retries=0) as fleet:
            ticker = asyncio.create_task(tick())
            with pytest.raises(TimeoutError):
                await fleet.install_tokens.create("blocked")
            ticker.cancel()
            writer.rollback()
            # Once the file is free the same client works again.
            created = await fleet.install_tokens.create("after")
    finally:
        writer.close()

    assert created.name == "after"
    assert ticks > 0  # the event loop kept running while the call waited
