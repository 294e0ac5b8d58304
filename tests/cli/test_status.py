"""`logscale-fleet status` against the served sandbox: ok, wrong token, unreachable."""

from __future__ import annotations

import socket

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_ok(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("status", "-o", "json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["target"] == {
        "sandbox": False,
        "profile": None,
        "url": server.url,
        "urlFrom": "LOGSCALE_URL",
        "tokenFrom": "LOGSCALE_TOKEN",
    }
    assert report["reachable"] is True
    assert report["serverVersion"] == "1.204.0-sandbox"
    assert report["authenticated"] is True
    assert report["fleetManagement"] is True
    assert report["roundTripMs"] >= 0
    assert report["error"] is None
    assert result.err == ""


def test_ok_as_text(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("status")
    assert result.code == 0
    fields = dict(line.split(":  ", 1) for line in result.out.splitlines())
    assert fields["points at"].strip() == "LOGSCALE_URL (token: LOGSCALE_TOKEN)"
    assert fields["authenticated"].strip() == "yes"
    assert server.token not in result.out


def test_wrong_token(cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGSCALE_TOKEN", "wrong-token-value-123")
    result = cli("status", "-o", "json")
    assert result.code == 3
    report = result.json()
    assert report["reachable"] is True
    assert report["authenticated"] is False
    assert report["fleetManagement"] is None
    assert report["error"]["type"] == "AuthenticationError"
    assert report["exitCode"] == 3
    assert "wrong-token-value-123" not in result.out + result.err
    assert result.err.startswith("logscale-fleet: error: ")


def test_unreachable(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGSCALE_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("LOGSCALE_TOKEN", "some-token-value-123")
    result = cli("status", "-o", "json", "--timeout", "5")
    assert result.code == 5
    report = result.json()
    assert (report["reachable"], report["serverVersion"], report["authenticated"]) == (
        False,
        None,
        None,
    )
    assert report["error"]["type"] == "TransportError"
    text = cli("status")
    assert text.code == 5
    assert "reachable:         no" in text.out


def test_in_process_sandbox(cli: Run) -> None:
    result = cli("--sandbox", "status", "-o", "yaml")
    assert result.code == 0
    assert "sandbox: true" in result.out
    assert "fleetManagement: true" in result.out


def test_flags_are_named_as_flags(cli: Run, logscale_sandbox: ThreadedSandbox) -> None:
    result = cli(
        "status", "-o", "json", "--url", logscale_sandbox.url, "--token", logscale_sandbox.token
    )
    assert result.code == 0, result.err
    target = result.json()["target"]
    assert (target["urlFrom"], target["tokenFrom"]) == ("--url", "--token")
