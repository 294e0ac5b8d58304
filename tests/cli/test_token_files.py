"""`--token-file` / LOGSCALE_TOKEN_FILE: only a small regular file, refused at once otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run

URL = ("--url", "https://logscale.example.invalid", "--timeout", "2")


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("logscale-fleet: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_dev_zero_is_refused(cli: Run) -> None:
    result = cli(*URL, "--token-file", "/dev/zero", "tokens", "list")
    assert result.code == 2
    assert "is a character device, not a regular file" in _one_error_line(result.err)


def test_a_fifo_is_refused_without_waiting_for_a_writer(cli: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "token.fifo"
    os.mkfifo(fifo)
    result = cli(*URL, "--token-file", str(fifo), "tokens", "list")
    assert result.code == 2
    assert "is a FIFO (named pipe), not a regular file" in _one_error_line(result.err)


def test_a_folder_is_refused(cli: Run, tmp_path: Path) -> None:
    result = cli(*URL, "--token-file", str(tmp_path), "tokens", "list")
    assert result.code == 2
    assert "is a folder" in _one_error_line(result.err)


def test_a_file_over_64_kib_is_refused_before_reading(cli: Run, tmp_path: Path) -> None:
    big = tmp_path / "token"
    with big.open("wb") as handle:  # sparse: 100 MB without writing them
        handle.truncate(100 * 1000 * 1000)
    result = cli(*URL, "--token-file", str(big), "tokens", "list")
    assert result.code == 2
    line = _one_error_line(result.err)
    assert "100,000,000 bytes, more than the 64 KiB accepted" in line


def test_the_environment_variable_gets_the_same_checks(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_URL", "https://logscale.example.invalid")
    monkeypatch.setenv("LOGSCALE_TOKEN_FILE", "/dev/zero")
    result = cli("tokens", "list")
    assert result.code == 2
    assert "character device" in _one_error_line(result.err)


def test_a_token_file_others_can_read_warns_like_ssh(
    cli: Run, served_env: ThreadedSandbox, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(served_env.token + "\n")
    token_file.chmod(0o644)
    result = cli("--token-file", str(token_file), "tokens", "list")
    assert result.code == 0, result.err
    assert "is accessible by others (mode 0644)" in result.err
    assert "chmod 600" in result.err
    assert served_env.token not in result.err

    token_file.chmod(0o600)
    quiet = cli("--token-file", str(token_file), "tokens", "list")
    assert quiet.code == 0, quiet.err
    assert "accessible by others" not in quiet.err


@pytest.fixture
def served_env(
    logscale_sandbox: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> ThreadedSandbox:
    monkeypatch.setenv("LOGSCALE_URL", logscale_sandbox.url)
    return logscale_sandbox
