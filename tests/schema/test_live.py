"""`schema pull` and `schema check --against` against a live server (the served sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logscale_fleet.cli.main import main
from logscale_fleet.sandbox.app import SANDBOX_VERSION
from logscale_fleet.sandbox.server import ThreadedSandbox


def body(sdl: str) -> str:
    """The slice without its header comment lines."""
    return "".join(line for line in sdl.splitlines(keepends=True) if not line.startswith("#"))


def test_pull_from_a_live_server_reproduces_the_slice_and_names_the_version(
    logscale_sandbox: ThreadedSandbox, project_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            *("--url", logscale_sandbox.url, "--token", logscale_sandbox.token),
            *("schema", "pull", "--project", str(project_root)),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"# Source: {logscale_sandbox.url} (sha256 " in out
    assert "# LogScale version: 1.204.0-sandbox" in out
    assert body(out) == body((project_root / "schema.graphql").read_text())


def test_pull_takes_url_and_token_after_the_subcommand(
    logscale_sandbox: ThreadedSandbox, project_root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "slice.graphql"
    code = main(
        [
            *("schema", "pull", "--url", logscale_sandbox.url, "--token", logscale_sandbox.token),
            *("--project", str(project_root), "--out", str(out)),
        ]
    )
    assert code == 0
    assert body(out.read_text()) == body((project_root / "schema.graphql").read_text())


def test_pull_needs_a_source(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "pull", "--project", str(project_root)]) == 2
    assert "--from" in capsys.readouterr().err


def test_pull_with_a_wrong_token_is_an_authentication_failure(
    logscale_sandbox: ThreadedSandbox, project_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            *("schema", "pull", "--url", logscale_sandbox.url, "--token", "wrong-token-value"),
            *("--project", str(project_root)),
        ]
    )
    assert code == 3
    assert "wrong-token-value" not in capsys.readouterr().err


def test_check_against_a_live_server(
    logscale_sandbox: ThreadedSandbox, project_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            *("--token", logscale_sandbox.token, "schema", "check", "--skip-generated"),
            *("--against", logscale_sandbox.url, "--format", "json"),
            *("--project", str(project_root)),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    (target,) = report["targets"]
    assert target["location"] == logscale_sandbox.url
    assert target["version"] == SANDBOX_VERSION  # asked from the server's status endpoint
    assert target["compatibility"] == {"breaking": [], "dangerous": []}
