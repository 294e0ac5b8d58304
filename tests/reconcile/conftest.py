from __future__ import annotations

import pytest

from logscale_fleet.reconcile import registry
from tests.reconcile.fakes import FakeAdapter


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeAdapter, FakeAdapter]:
    """Two fake kinds in the registry: `config` (phase 0) and `member` (phase 1)."""
    log: list[str] = []
    config = FakeAdapter("config", 0, "configs", log=log)
    member = FakeAdapter("member", 1, "members", log=log)
    monkeypatch.setattr(registry, "ADAPTERS", (config, member))
    return config, member
