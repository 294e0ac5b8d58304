"""The state file: atomic first opens, private modes, in-place upgrades, no wait on readers."""

from __future__ import annotations

import multiprocessing
import sqlite3
import stat
from pathlib import Path

import pytest

from logscale_fleet.sandbox import db as db_module
from logscale_fleet.sandbox.seed import SEED_CONFIGURATIONS
from logscale_fleet.sandbox.store import SandboxStore
from tests.sandbox import _opener

OPENERS = 100


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
def test_parallel_first_opens_of_a_new_file_all_succeed_and_seed_once(tmp_path: Path) -> None:
    # Processes, not threads: the collision needs separate SQLite connections racing in
    # parallel (the first release failed 7 of 100 this way; 100 threads never did). fork starts
    # 100 in about a second, spawn and forkserver take 5-15 s; the children touch no state of
    # the parent's threads, only a file of their own.
    path = tmp_path / "sandbox.sqlite3"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(OPENERS, timeout=60)
    results = context.Queue()
    children = [
        context.Process(target=_opener.open_at_once, args=(str(path), barrier, results))
        for _ in range(OPENERS)
    ]
    for child in children:
        child.start()
    try:
        outcomes = [results.get(timeout=120) for _ in children]
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()

    assert [o for o in outcomes if o] == []
    store = SandboxStore(path)
    try:
        assert [t.name for t in store.install_tokens.all()] == ["default"]
        assert len(store.configurations.all()) == len(SEED_CONFIGURATIONS)
    finally:
        store.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "fchmod"), reason="POSIX file modes")
def test_a_new_state_file_and_its_new_directories_are_private(tmp_path: Path) -> None:
    path = tmp_path / "made" / "here" / "sandbox.sqlite3"

    store = SandboxStore(path)
    store.install_tokens.create("writes-the-wal")
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    modes = {p.name: _mode(p) for p in (path.parent.parent, path.parent, path, wal, shm)}
    store.close()

    assert modes == {
        "made": 0o700,
        "here": 0o700,
        "sandbox.sqlite3": 0o600,
        "sandbox.sqlite3-wal": 0o600,
        "sandbox.sqlite3-shm": 0o600,
    }


@pytest.mark.skipif(not hasattr(__import__("os"), "fchmod"), reason="POSIX file modes")
def test_a_world_readable_file_from_an_older_version_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.sqlite3"
    SandboxStore(path).close()
    path.chmod(0o644)

    SandboxStore(path).close()

    assert _mode(path) == 0o600


# The tables as the first release wrote them: one 'seeded' flag, no per-service versions, no
# casefolded sort keys.
_RELEASE_1 = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE configurations (id TEXT PRIMARY KEY, name TEXT NOT NULL, yaml TEXT, draft TEXT,"
    " version INTEGER NOT NULL, modified_at TEXT NOT NULL, draft_modified_at TEXT,"
    " modified_by TEXT NOT NULL, instances INTEGER NOT NULL, description TEXT,"
    " is_test_running INTEGER NOT NULL)",
    "CREATE TABLE install_tokens (seq INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL"
    " UNIQUE, jwt TEXT NOT NULL, name TEXT NOT NULL, config_id TEXT, is_default INTEGER NOT NULL"
    " DEFAULT 0, created_at TEXT NOT NULL)",
    "INSERT INTO meta VALUES ('format', '1'), ('jwt_secret', '00'), ('seeded', '1')",
    "INSERT INTO configurations VALUES ('c1', 'Zeta', NULL, NULL, 1, '2025-01-01T00:00:00.000Z',"
    " NULL, 'Ops@Example.com', 0, NULL, 0)",
    "INSERT INTO install_tokens (token, jwt, name, config_id, is_default, created_at) VALUES"
    " ('tok1', 'j1', 'Ärger', NULL, 1, 'x'), ('tok2', 'j2', 'apple', 'c1', 0, 'x')",
]


def test_a_file_from_the_first_release_is_upgraded_in_place_not_seeded_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as raw:
        for statement in _RELEASE_1:
            raw.execute(statement)
    raw.close()

    store = SandboxStore(path)
    try:
        _, by_name = store.install_tokens.search(sort_by="Name")
        _, by_config = store.install_tokens.search(sort_by="ConfigName", order_by="DESC")
        configs = store.configurations.all()
    finally:
        store.close()

    assert [t.name for t in by_name] == ["apple", "Ärger"]
    assert [t.name for t in by_config] == ["apple", "Ärger"]
    assert [c.id for c in configs] == ["c1"]


def test_opening_an_up_to_date_file_does_not_wait_for_another_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sandbox.sqlite3"
    SandboxStore(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    # No patience at all: an opener that asked for the write lock would fail at once.
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT", 0.0)
    try:
        store = SandboxStore(path)
        names = [t.name for t in store.install_tokens.all()]
        store.close()
    finally:
        writer.rollback()
        writer.close()

    assert names == ["default"]
