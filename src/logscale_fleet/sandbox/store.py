"""The sandbox's state: one `Database` and one state object per resource service.

`SandboxStore(path)` opens (creating, migrating and seeding on first use) the file, or a private
in-memory database for `":memory:"`. Services are reached by attribute
(`store.install_tokens.create(...)`, `store.configurations.search(...)`); `reset()` clears every
service, newest first, and seeds them again in order. A new resource service is one more
attribute and one more entry in `services` (see the package docstring).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from logscale_fleet.sandbox import seed
from logscale_fleet.sandbox.db import MEMORY, Database, Service
from logscale_fleet.sandbox.services.configurations.state import ConfigurationState
from logscale_fleet.sandbox.services.install_tokens.state import InstallTokenState

__all__ = ["MEMORY", "SandboxStore"]

T = TypeVar("T")


class SandboxStore:
    """Thread-safe SQLite state. Seeds itself on first open; `reset()` restores the seed."""

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.db = Database(path)
        self.path = self.db.path
        self.configurations = ConfigurationState(self.db, seed.SEED_CONFIGURATIONS)
        self.install_tokens = InstallTokenState(
            self.db, self.configurations, default_name=seed.DEFAULT_TOKEN_NAME
        )
        try:
            self.db.prepare(self.services)
        except BaseException:
            self.db.close()
            raise

    @property
    def services(self) -> Sequence[Service]:
        """In dependency order: a service may refer to the ones before it."""
        return (self.configurations, self.install_tokens)

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` off the event loop (see `Database.run`)."""
        return await self.db.run(work)

    def reset(self) -> None:
        """Back to the seeded state: every service's rows replaced, the signing key kept."""
        with self.db.write() as tx:
            for service in reversed(self.services):
                service.clear(tx)
            for service in self.services:
                service.seed(tx)

    def close(self) -> None:
        self.db.close()
