"""The real `logscale-fleet` console script in a subprocess, as people and pipelines run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from logscale_fleet import __version__
from logscale_fleet.sandbox.server import ThreadedSandbox

SCRIPT = Path(sys.executable).parent / "logscale-fleet"
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "logscale_fleet.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOGSCALE_", "HUMIO_")) and k not in ("XDG_DATA_HOME", "CI")
    }
    env.update(extra)
    return env


def run(
    *argv: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and CLI
        [*COMMAND, *argv],
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def served_env(logscale_sandbox: ThreadedSandbox) -> dict[str, str]:
    return clean_env(LOGSCALE_URL=logscale_sandbox.url, LOGSCALE_TOKEN=logscale_sandbox.token)


def test_readme_quick_start_works_on_a_fresh_machine(tmp_path: Path) -> None:
    env = clean_env(HOME=str(tmp_path))  # no configuration, no sandbox state yet
    # The README's command, as written there.
    created = run("--sandbox", "tokens", "create", "my-token", env=env)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("name:             my-token\ntoken:            ")
    assert "using the local sandbox" in created.stderr
    state = tmp_path / ".local" / "share" / "logscale-fleet" / "sandbox.sqlite3"
    assert state.is_file()
    listed = run("--sandbox", "--output", "json", "tokens", "list", env=env)
    assert [t["name"] for t in json.loads(listed.stdout)] == ["default", "my-token"]


def test_a_script_with_nothing_configured_fails_instead_of_using_the_sandbox(
    tmp_path: Path,
) -> None:
    env = clean_env(HOME=str(tmp_path))
    result = run("tokens", "ensure", "web", env=env)  # stdin /dev/null, stdout a pipe
    assert result.returncode == 2
    assert "--sandbox" in result.stderr
    assert "LOGSCALE_URL" in result.stderr
    assert not (tmp_path / ".local").exists()


def test_json_round_trip_against_the_served_sandbox(served_env: dict[str, str]) -> None:
    created = run("-o", "json", "tokens", "create", "web", "--config-id", "123456", env=served_env)
    assert created.returncode == 0, created.stderr
    assert created.stderr == ""  # a real server: nothing to say
    token = json.loads(created.stdout)
    command = run("tokens", "install-command", token["token"], "--os", "linux", env=served_env)
    assert command.stdout == token["installationCommands"]["linuxCommand"] + "\n"

    refused = run("tokens", "delete", token["token"], env=served_env)  # stdin: /dev/null
    assert refused.returncode == 2
    assert "refusing to delete without --yes" in refused.stderr
    deleted = run("tokens", "delete", "--yes", token["token"], env=served_env)
    assert deleted.returncode == 0
    missing = run("tokens", "show", token["token"], env=served_env)
    assert missing.returncode == 4


def test_piped_apply_shows_no_progress(served_env: dict[str, str], tmp_path: Path) -> None:
    declaration = tmp_path / "tokens.yaml"
    declaration.write_text(
        "tokens:\n" + "".join(f"  - name: host-{i}\n" for i in range(5)), encoding="utf-8"
    )
    result = run("tokens", "apply", str(declaration), env=served_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # stderr is a pipe here: no progress, nothing extra
    assert "Apply complete: 5 created" in result.stdout


def test_exit_code_and_error_line_from_the_real_process(served_env: dict[str, str]) -> None:
    wrong = {**served_env, "LOGSCALE_TOKEN": "wrong-token-0123456789"}
    result = run("tokens", "list", env=wrong)
    assert result.returncode == 3
    assert result.stderr.startswith("logscale-fleet: error: ")
    assert len(result.stderr.splitlines()) == 1
    assert "wrong-token-0123456789" not in result.stderr


def test_version_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "logscale_fleet.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"logscale-fleet {__version__}\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pty")
def test_apply_on_a_terminal_shows_progress(served_env: dict[str, str], tmp_path: Path) -> None:
    import pty

    declaration = tmp_path / "tokens.yaml"
    declaration.write_text("- name: a\n- name: b\n- name: c\n", encoding="utf-8")
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [*COMMAND, "tokens", "apply", str(declaration)],
            env=served_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=60,
            check=False,
        )
        os.close(terminal)
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the terminal side is closed and drained
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(controller)
    assert done.returncode == 0
    assert b"[1/3] created install token " in drawn
    assert b"[3/3] created install token " in drawn
    assert b"[" not in done.stdout.split(b"\n", 1)[0]  # stdout carries only the report


@pytest.mark.parametrize("output", ["table", "json"])
def test_a_reader_that_goes_away_ends_it_quietly_with_141(tmp_path: Path, output: str) -> None:
    """`tokens list | head -1`: like git and gh, 141 (128 + SIGPIPE) and nothing on stderr."""
    env = clean_env(HOME=str(tmp_path), LOGSCALE_FLEET_SANDBOX_DB=str(tmp_path / "s.sqlite3"))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: no race
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [*COMMAND, "--sandbox", "-o", output, "tokens", "list"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == "logscale-fleet: using the local sandbox, not a LogScale " + (
        f"(state: {tmp_path / 's.sqlite3'})\n"
    )
