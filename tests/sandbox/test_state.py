"""State: concurrent creates lose nothing, a file survives restarts, bad files fail clearly."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from logscale_fleet.sandbox.errors import SandboxInvalidArgument, SandboxStateError
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_fleet.sandbox.services.install_tokens.state import InstallToken
from logscale_fleet.sandbox.store import SandboxStore
from logscale_graphql import Client
from tests.sandbox.conftest import auth, http_client


async def test_200_concurrent_creates_give_200_distinct_tokens(client: Client) -> None:
    created = await asyncio.gather(
        *(client.create_fleet_install_token(name=f"host-{i:03d}") for i in range(200))
    )

    tokens = {c.create_fleet_install_token.token for c in created}
    listed = (await client.fleet_installation_tokens()).fleet_installation_tokens
    assert len(tokens) == 200
    assert tokens <= {t.token for t in listed}
    assert len(listed) == 201  # plus the default token


def test_store_is_safe_across_threads() -> None:
    store = SandboxStore()
    made: list[InstallToken] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        for i in range(25):
            token = store.install_tokens.create(f"t-{worker}-{i}")
            with lock:
                made.append(token)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len({t.token for t in made}) == 200
    assert len(store.install_tokens.all()) == 201


async def test_a_file_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"

    with ThreadedSandbox(db=db) as first:
        async with Client(first.graphql_url, http_client(headers=auth(first.token))) as client:
            created = await client.create_fleet_install_token(name="persisted")
            default = await client.default_fleet_installation_token()
    token = created.create_fleet_install_token.token

    with ThreadedSandbox(db=db) as second:
        async with Client(second.graphql_url, http_client(headers=auth(second.token))) as client:
            found = await client.fleet_installation_token(token=token)
            default_again = await client.default_fleet_installation_token()

    assert found.fleet_installation_token is not None
    assert found.fleet_installation_token.name == "persisted"
    assert found.fleet_installation_token.jwt_token == created.create_fleet_install_token.jwt_token
    assert default.default_fleet_installation_token is not None
    assert default_again.default_fleet_installation_token is not None
    assert (
        default_again.default_fleet_installation_token.token
        == default.default_fleet_installation_token.token
    )


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not a database\n" * 100)

    with pytest.raises(SandboxStateError, match=r"cannot use .*notes\.txt as sandbox state"):
        SandboxStore(bogus)


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    SandboxStore(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE meta SET value = '0' WHERE key = 'format'")

    with pytest.raises(SandboxStateError, match="format 0"):
        SandboxStore(db)


def test_reprs_hide_secrets() -> None:
    store = SandboxStore()
    token = store.install_tokens.create("secretive")

    assert token.token not in repr(token)
    assert token.jwt not in repr(token)


def test_store_rejects_negative_limit() -> None:
    with pytest.raises(SandboxInvalidArgument, match="limit must be 0 or more"):
        SandboxStore().configurations.search(limit=-1)


def test_pages_in_sql_cover_every_token_once_in_casefolded_order() -> None:
    store = SandboxStore()
    names = ["beta", "Alpha", "alpha", "ÄRGER", "zulu", "Beta", "alpha"]
    made = [store.install_tokens.create(name).token for name in names]

    def pages(order: str | None) -> list[str]:
        seen: list[str] = []
        for skip in range(0, 9, 3):
            total, page = store.install_tokens.search(
                skip=skip,
                limit=3,
                sort_by="Name",
                order_by=order,  # type: ignore[arg-type]
            )
            assert total == len(names) + 1
            seen += [t.token for t in page]
        return seen

    ascending, descending = pages("ASC"), pages("DESC")
    by_token = {t.token: t.name for t in store.install_tokens.all()}
    store.close()

    # casefold order, ties in creation order; "ärger" sorts after "alpha"/"beta"/"default".
    assert [by_token[t] for t in ascending] == [
        "Alpha",
        "alpha",
        "alpha",
        "beta",
        "Beta",
        "default",
        "zulu",
        "ÄRGER",
    ]
    assert descending == ascending[::-1]
    assert set(made) <= set(ascending)
