"""Which server: the in-process sandbox when nothing is configured, or when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run


def test_no_url_uses_the_sandbox_and_says_so(cli: Run, sandbox_state: Path) -> None:
    created = cli("tokens", "create", "my-token")
    assert created.code == 0, created.err
    assert created.err == (
        "logscale-fleet: no LogScale URL configured (--url, LOGSCALE_URL): using the local "
        f"sandbox (state: {sandbox_state})\n"
    )
    assert sandbox_state.is_file()
    # The state persists between runs, as a user trying the README expects.
    listed = cli("-o", "json", "tokens", "list")
    assert [t["name"] for t in listed.json()] == ["default", "my-token"]
    assert "local sandbox" in listed.err  # said on stderr, never inside the JSON


def test_sandbox_flag_overrides_the_environment(
    cli: Run, server: ThreadedSandbox, sandbox_state: Path
) -> None:
    result = cli("--sandbox", "-o", "json", "tokens", "create", "local-only")
    assert result.code == 0
    assert "using the local sandbox, not a LogScale" in result.err
    served = cli("-o", "json", "tokens", "list").json()
    assert "local-only" not in {t["name"] for t in served}


def test_sandbox_refuses_connection_options(cli: Run) -> None:
    result = cli("--sandbox", "--url", "https://x.example", "--insecure", "tokens", "list")
    assert result.code == 2
    assert "--sandbox talks to no server; drop --url, --insecure" in result.err


def test_humio_address_counts_as_a_configured_url(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOGSCALE_URL")
    monkeypatch.setenv("HUMIO_ADDRESS", server.url)
    result = cli("tokens", "list")
    assert result.code == 0
    assert "sandbox" not in result.err
