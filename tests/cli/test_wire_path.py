"""Which HTTP backend a command sends through: aiohttp for bulk work (apply), else httpx."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet.cli import session
from logscale_fleet.client import FleetClient
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run, names


@pytest.fixture
def backends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    chosen: list[str] = []
    original = FleetClient.__init__

    def spy(self: FleetClient, *args: Any, **kwargs: Any) -> None:
        chosen.append(kwargs.get("http_backend", "httpx"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(FleetClient, "__init__", spy)
    return chosen


def test_apply_goes_through_aiohttp_single_calls_through_httpx(
    cli: Run, server: ThreadedSandbox, backends: list[str], tmp_path: Path
) -> None:
    fleet_file = tmp_path / "fleet.yaml"
    fleet_file.write_text("tokens:\n  - name: web\n", encoding="utf-8")
    assert cli("apply", str(fleet_file)).code == 0
    assert cli("-o", "json", "tokens", "list").code == 0
    assert cli("plan", str(fleet_file)).code == 0
    assert backends[0] == "aiohttp"
    assert backends[1:] == ["httpx", "httpx"]
    assert "web" in names(cli)


def test_bulk_backend_falls_back_to_httpx_without_aiohttp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert session.bulk_backend() == "aiohttp"  # the test environment has the extra
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert session.bulk_backend() == "httpx"
