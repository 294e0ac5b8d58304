"""The sandbox's SQLite database: one connection, its lock, migrations and seeding per service.

One connection shared by every thread behind one lock: the sandbox serves one event loop (uvicorn
or the caller's, in-process) plus the test thread that resets it, so a lock is simpler than a pool
and makes each operation atomic (200 concurrent creates give 200 distinct rows).

Requests on a file never touch SQLite on the event-loop thread: `run()` hands the work to this
database's worker thread and awaits it (an in-memory database runs it inline: see `run`). A
commit (and the checkpoint fsync WAL does now and then) therefore never stalls the loop, and a
caller whose deadline passes while another process holds the file's write lock stops waiting at
once; the abandoned work finishes, or times out, on the worker.

Files: WAL with `synchronous=NORMAL` (a commit writes the log without fsync; a power cut may lose
the last commits, never corrupt the file, which is the right trade for an emulator). The file is
created 0600 and a state directory this module creates 0700: they hold install tokens, JWTs and
the JWT signing key. SQLite gives the `-wal` and `-shm` files the database file's mode.

First open is atomic: migrations and seeding run in one `BEGIN IMMEDIATE` transaction, and an
opener that finds the work done by a concurrent one (after waiting for its lock) does nothing.
A service's tables carry a version in `meta` (`schema:<service>`); each service lists its
migrations, applied in order, so a state file written by an older version is upgraded in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from logscale_fleet.sandbox.errors import SandboxStateError

__all__ = ["BUSY_TIMEOUT", "MEMORY", "STATE_FORMAT", "Database", "Migration", "Service"]

MEMORY = ":memory:"
# Bumped only when the file can no longer be upgraded in place; an older file is refused with a
# clear message rather than misread. Table changes are per-service migrations instead.
STATE_FORMAT = "1"
# Seconds to wait for another process's write lock (a second CLI run, say) before failing.
BUSY_TIMEOUT = 10.0
# Files written before per-service versions kept one 'seeded' flag for these services.
_LEGACY_SEEDED = ("configurations", "install_tokens")

T = TypeVar("T")
# A step of a service's schema: SQL text, or a function for what SQL alone cannot do (backfill
# a column computed in Python).
Migration = str | Callable[[sqlite3.Connection], None]


class Service(Protocol):
    """What the database needs from a resource service's state (see services/*/state.py)."""

    name: str
    migrations: Sequence[Migration]

    def seed(self, tx: sqlite3.Connection) -> None:
        """Insert the seed rows (first open, and after `clear` on reset)."""

    def clear(self, tx: sqlite3.Connection) -> None:
        """Delete every row the service owns (reset); keys meant to survive stay."""


class Database:
    """The connection, its lock and its worker thread. Open with `Database(path)`."""

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._closed = False
        self._jobs: queue.SimpleQueue[tuple[Callable[[], object], Future[object]] | None] = (
            queue.SimpleQueue()
        )
        self._worker: threading.Thread | None = None
        # Not `_lock`: that one is held for the length of a query, on the worker.
        self._worker_lock = threading.Lock()
        if self.path != MEMORY:
            _create_private(Path(self.path))
        try:
            # isolation_level=None: transactions are this module's explicit BEGIN/COMMIT.
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, timeout=BUSY_TIMEOUT, isolation_level=None
            )
            self._db.row_factory = sqlite3.Row
            if self.path != MEMORY:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise SandboxStateError(f"cannot use {self.path} as sandbox state: {exc}") from None

    # -- opening ----------------------------------------------------------------------------

    def prepare(self, services: Sequence[Service]) -> None:
        """Migrate and seed what is not yet; atomic against concurrent openers of the file."""
        try:
            if not self._needs_work(services):
                return
            with self.write() as tx:
                self._check_format(tx)
                for service in services:
                    self._migrate(tx, service)
                for service in services:
                    if not self._seeded(tx, service.name):
                        service.seed(tx)
                        tx.execute(
                            "INSERT OR REPLACE INTO meta VALUES (?, '1')",
                            (f"seeded:{service.name}",),
                        )
        except sqlite3.DatabaseError as exc:
            raise SandboxStateError(f"cannot use {self.path} as sandbox state: {exc}") from None

    def _needs_work(self, services: Sequence[Service]) -> bool:
        # A plain read: opening an up-to-date file must not wait for another process's writes.
        with self.read() as tx:
            try:
                meta = {str(r["key"]): str(r["value"]) for r in tx.execute("SELECT * FROM meta")}
            except sqlite3.OperationalError:  # no meta table: a new file
                return True
        self._refuse_other_format(meta.get("format"))
        return meta.get("format") is None or any(
            int(meta.get(f"schema:{s.name}", "0")) < len(s.migrations)
            or not _seeded_in(meta, s.name)
            for s in services
        )

    def _check_format(self, tx: sqlite3.Connection) -> None:
        tx.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        found = meta_value(tx, "format")
        self._refuse_other_format(found)
        if found is None:
            tx.execute("INSERT INTO meta VALUES ('format', ?)", (STATE_FORMAT,))

    def _refuse_other_format(self, found: str | None) -> None:
        if found is not None and found != STATE_FORMAT:
            raise SandboxStateError(
                f"{self.path} holds sandbox state format {found}, this version reads format "
                f"{STATE_FORMAT}; delete the file or point the sandbox at another one"
            )

    @staticmethod
    def _migrate(tx: sqlite3.Connection, service: Service) -> None:
        key = f"schema:{service.name}"
        version = int(meta_value(tx, key) or "0")
        for step in service.migrations[version:]:
            if isinstance(step, str):
                tx.execute(step)
            else:
                step(tx)
        if version < len(service.migrations):
            tx.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, len(service.migrations)))

    @staticmethod
    def _seeded(tx: sqlite3.Connection, name: str) -> bool:
        meta = {str(r["key"]): str(r["value"]) for r in tx.execute("SELECT * FROM meta")}
        return _seeded_in(meta, name)

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: takes the file's write lock at once (no upgrade deadlocks)."""
        with self._transaction("BEGIN IMMEDIATE") as tx:
            yield tx

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several SELECTs."""
        with self._transaction("BEGIN") as tx:
            yield tx

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise SandboxStateError(f"the sandbox state {self.path} is closed")
            self._db.execute(begin)
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            else:
                self._db.commit()

    # -- off the event loop -----------------------------------------------------------------

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on the worker thread; cancelling the await abandons it, never the loop."""
        if self.path == MEMORY:
            # No file: nothing another process can lock and nothing to fsync, and each query
            # takes microseconds, less than the hand-off to a thread (~30% of an in-process
            # create). Only this process's other threads contend, for as long as one query.
            return work()
        future: Future[T] = Future()
        self._jobs.put((work, future))  # type: ignore[arg-type]
        self._ensure_worker()
        return await asyncio.wrap_future(future)

    def _ensure_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None:
                # A daemon: work abandoned on a locked file must not keep a CLI from exiting.
                self._worker = threading.Thread(
                    target=self._work, name=f"logscale-sandbox-db-{id(self):x}", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            work, future = job
            if not future.set_running_or_notify_cancel():
                continue  # the caller gave up before it started
            try:
                future.set_result(work())
            except BaseException as exc:  # handed to the awaiting caller
                future.set_exception(exc)

    def close(self) -> None:
        """Close the file; safe to call twice. Never waits for abandoned work to finish."""
        self._jobs.put(None)
        # A moment for a job in progress; not the busy timeout of one stuck on a locked file.
        if self._lock.acquire(timeout=1.0):
            try:
                self._closed = True
                self._db.close()
            finally:
                self._lock.release()
        else:
            # The worker is stuck on another process's write lock; later work is refused, and the
            # connection goes with the process.
            self._closed = True


def meta_value(tx: sqlite3.Connection, key: str) -> str | None:
    row = tx.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row["value"])


def _seeded_in(meta: dict[str, str], name: str) -> bool:
    return f"seeded:{name}" in meta or (name in _LEGACY_SEEDED and "seeded" in meta)


def _create_private(path: Path) -> None:
    """Create missing directories 0700 and the file 0600; tighten an existing file to 0600."""
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise SandboxStateError(
                f"cannot create the sandbox state directory {directory}: {exc.strerror}"
            ) from None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise SandboxStateError(f"cannot use {path} as sandbox state: {exc.strerror}") from None
    try:
        if os.name == "posix" and os.fstat(fd).st_mode & 0o077:
            # A file written by an older version (0644); someone else's file stays as it is.
            with contextlib.suppress(PermissionError):
                os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
