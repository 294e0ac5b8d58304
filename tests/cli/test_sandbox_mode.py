"""Which server: the in-process sandbox when nothing is configured, or when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Result, Run


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A person at an interactive terminal outside CI, with a fresh home; the home."""
    monkeypatch.setattr("logscale_fleet.cli.session.is_terminal", lambda stream: True)
    monkeypatch.delenv("CI", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def test_no_url_on_a_terminal_uses_the_sandbox_and_says_so(
    cli: Run, sandbox_state: Path, terminal: Path
) -> None:
    created = cli("tokens", "create", "my-token")
    assert created.code == 0, created.err
    assert created.err == (
        "logscale-fleet: no LogScale URL configured (--url, LOGSCALE_URL) on an interactive "
        f"terminal: using the local sandbox (state: {sandbox_state}); --sandbox says so "
        "explicitly\n"
    )
    assert sandbox_state.is_file()
    # The state persists between runs, as a user trying the README expects.
    listed = cli("-o", "json", "tokens", "list")
    assert [t["name"] for t in listed.json()] == ["default", "my-token"]
    assert "local sandbox" in listed.err  # said on stderr, never inside the JSON


def _assert_refused(result: Result, reason: str, sandbox_state: Path) -> None:
    assert result.code == 2, result.err
    assert result.out == ""
    line = result.err.strip()
    assert line.startswith("logscale-fleet: error: no LogScale URL configured and " + reason)
    for named in ("--sandbox", "LOGSCALE_URL", "LOGSCALE_TOKEN", "LOGSCALE_TOKEN_FILE"):
        assert named in line
    assert not sandbox_state.exists()  # the sandbox was never opened


COMMANDS = [
    ("tokens", "ensure", "web"),
    ("tokens", "create", "web"),
    ("tokens", "list"),
    ("configs", "list"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_no_url_without_a_terminal_is_a_usage_error(
    cli: Run, sandbox_state: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    monkeypatch.delenv("CI", raising=False)
    # pytest's stdin and captured stderr are no terminals: this is a script.
    _assert_refused(cli(*argv), "this is not an interactive terminal", sandbox_state)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_no_url_under_ci_is_a_usage_error_even_on_a_terminal(
    cli: Run,
    sandbox_state: Path,
    terminal: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
) -> None:
    monkeypatch.setenv("CI", "true")
    _assert_refused(cli(*argv), "CI is set", sandbox_state)


def test_apply_prune_without_a_url_under_ci_deletes_nothing(
    cli: Run, sandbox_state: Path, terminal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "1")
    declaration = tmp_path / "tokens.yaml"
    declaration.write_text("tokens:\n  - name: web\n")
    _assert_refused(cli("tokens", "apply", str(declaration), "--prune"), "CI is set", sandbox_state)


def test_a_humioctl_configuration_is_never_replaced_by_the_sandbox(
    cli: Run, sandbox_state: Path, terminal: Path
) -> None:
    config = terminal / ".humio" / "config.yaml"
    config.parent.mkdir()
    config.write_text("address: https://logscale.example.com\n")
    result = cli("tokens", "ensure", "web")
    # humioctl's config names the LogScale meant; it lacks a token, so that is the error.
    assert result.code == 2, result.err
    assert "no API token" in result.err
    assert str(config) in result.err
    assert not sandbox_state.exists()  # the sandbox was never opened


def test_a_humioctl_configuration_naming_no_cluster_still_refuses_the_sandbox(
    cli: Run, sandbox_state: Path, terminal: Path
) -> None:
    config = terminal / ".humio" / "config.yaml"
    config.parent.mkdir()
    config.write_text("profiles: {}\n")
    config.chmod(0o600)
    result = cli("tokens", "ensure", "web")
    _assert_refused(result, "a humioctl configuration exists", sandbox_state)
    assert str(config) in result.err


def test_the_explicit_flag_works_without_a_terminal(cli: Run, sandbox_state: Path) -> None:
    created = cli("--sandbox", "-o", "json", "tokens", "create", "my-token")
    assert created.code == 0, created.err
    assert created.json()["name"] == "my-token"
    assert "using the local sandbox, not a LogScale" in created.err


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


def test_the_main_job_never_imports_pyyaml(tmp_path: Path) -> None:
    """The README's first command: the sandbox starts and serves tokens without YAML, which
    only configurations need (PyYAML's import was ~35 ms of it)."""
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import sys; from logscale_fleet.cli.main import main; "
        "code = main(['--sandbox', '-o', 'json', 'tokens', 'create', 'probe']); "
        "print(code, 'yaml' in sys.modules)"
    )
    env = {**os.environ, "LOGSCALE_FLEET_SANDBOX_DB": str(tmp_path / "state.sqlite3")}
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed argv
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    document, _, last = done.stdout.rstrip().rpartition("\n")
    assert json.loads(document)["name"] == "probe"
    assert last == "0 False"
