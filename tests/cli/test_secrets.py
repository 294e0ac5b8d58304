"""Secrets (API token, install token values, JWTs) never reach stderr, verbose logs included."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, Run, create


def assert_absent(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text
        assert secret[:12] not in text  # not even a recognisable part of it


def test_verbose_logs_show_the_work_but_no_secrets(cli: Run, server: ThreadedSandbox) -> None:
    result = cli(
        "--verbose", "-o", "json", "tokens", "create", "web", "--config-id", DOCS_CONFIG_ID
    )
    assert result.code == 0
    token = result.json()
    assert "CreateFleetInstallToken -> HTTP 200" in result.err  # the facade's debug log
    assert "HTTP Request: POST" in result.err  # httpx's
    assert_absent(result.err, server.token, token["token"], token["jwtToken"])

    for argv in (
        ("tokens", "list", "--show-secrets"),
        ("tokens", "show", token["token"], "--show-secrets"),
        ("tokens", "ensure", "web", "--config-id", DOCS_CONFIG_ID),
        ("tokens", "install-command", token["token"], "--os", "linux"),
        ("tokens", "rename", token["token"], "web-2"),
    ):
        result = cli("--verbose", *argv)
        assert result.code == 0, result.err
        assert "DEBUG" in result.err
        assert_absent(result.err, server.token, token["token"], token["jwtToken"])


def test_api_token_from_the_command_line_is_never_echoed(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOGSCALE_TOKEN")
    ok = cli("--verbose", "--token", server.token, "tokens", "list")
    assert ok.code == 0
    assert_absent(ok.err + ok.out, server.token)
    wrong = "wrong-api-token-1234567890"
    failed = cli("--verbose", "--token", wrong, "tokens", "list")
    assert failed.code == 3
    assert "Traceback" in failed.err  # --verbose shows it, redacted
    assert_absent(failed.err, wrong)


def test_api_token_from_a_file_is_never_echoed(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LOGSCALE_TOKEN")
    token_file = tmp_path / "token"
    token_file.write_text(server.token + "\n", encoding="utf-8")
    result = cli("--verbose", "--token-file", str(token_file), "tokens", "list")
    assert result.code == 0
    assert_absent(result.err, server.token)


def test_errors_about_a_token_do_not_show_its_value(cli: Run, server: ThreadedSandbox) -> None:
    token = create(cli, "web")
    server.set_faults(["503,operation=DeleteFleetInstallToken"])
    result = cli("--verbose", "tokens", "delete", "--yes", token["token"])
    assert result.code == 1
    assert_absent(result.err, token["token"], token["jwtToken"], server.token)
    missing = "fleet-token-that-does-not-exist-0123"
    result = cli("--verbose", "tokens", "show", missing)
    assert result.code == 4
    assert_absent(result.err, missing)
