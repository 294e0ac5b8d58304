"""Fixtures for the CLI suite: `main([...])` in-process with captured output, the served sandbox.

Every test gets its own in-process sandbox state file (`LOGSCALE_FLEET_SANDBOX_DB`), so nothing
touches a developer's real one, and retry waits are skipped so failure cases stay fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet._core.retry import RetryPolicy
from logscale_fleet.cli.main import main
from logscale_fleet.sandbox.server import ThreadedSandbox


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def sandbox_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "sandbox.sqlite3"
    monkeypatch.setenv("LOGSCALE_FLEET_SANDBOX_DB", str(state))
    return state


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries still happen (and are counted by the facade's own tests); only the waits go."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, error, attempt, rng: 0.0)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `logscale-fleet ARGS...` in this process; returns exit code, stdout, stderr."""

    def run(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def server(logscale_sandbox: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch) -> ThreadedSandbox:
    """The served sandbox (real HTTP on 127.0.0.1), configured through the environment."""
    monkeypatch.setenv("LOGSCALE_URL", logscale_sandbox.url)
    monkeypatch.setenv("LOGSCALE_TOKEN", logscale_sandbox.token)
    return logscale_sandbox


LINUX_CONFIG_ID = "xK3mQ9vLpR2sT7wYbN4cF8hJ1dG6zA0e"
WINDOWS_CONFIG_ID = "Hj7Kp2Qw9Er4Ty6Ui1Op3As5Df8Gh0Jk"
DOCS_CONFIG_ID = "123456"


def create(cli: Run, name: str, *options: str) -> dict[str, Any]:
    """Create a token through the CLI; its full JSON document."""
    result = cli("--output", "json", "tokens", "create", name, *options)
    assert result.code == 0, result.err
    document: dict[str, Any] = result.json()
    return document


def names(cli: Run) -> list[str]:
    result = cli("--output", "json", "tokens", "list")
    assert result.code == 0, result.err
    return sorted(t["name"] for t in result.json())
