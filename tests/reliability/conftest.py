"""Fixtures and checks for the bad-input, secrets and clear-text suites in this folder.

Nothing here is autouse: the chaos run and the hostile-server tests beside them rely on real
retry waits, so each test below asks for what it needs.

Hypothesis runs derandomized and without its example database so CI sees the same examples on
every run; examples are few and every CLI run has a short `--timeout`, so nothing can hang.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings

from logscale_fleet._core.retry import RetryPolicy
from logscale_fleet.cli.main import main
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Result, Run

# Parent settings for every property test here; each adds its own `max_examples`.
BOUNDED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    # Fixtures (the served sandbox, capsys) are shared by a test's examples on purpose: each
    # example resets what it uses. Generated documents can be large by design.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# The error line `main()` prints, or argparse's (`logscale-fleet tokens create: error: ...`),
# which names the subcommand whose usage was wrong.
ERROR_LINE = re.compile(r"^logscale-fleet(?: [a-z-]+)*: error: ")
TRACEBACK = "Traceback (most recent call last)"
# What `exit_codes.describe` says about an exception nobody anticipated: always a bug.
BUG_MARKER = "a bug in logscale-fleet"


def assert_clean_outcome(result: Result, allowed: set[int], *, verbose: bool = False) -> None:
    """The CLI's contract for any input: a documented exit code, no traceback (unless
    --verbose asked for one), and for a failure exactly one error line (a message listing
    several problems continues on indented lines)."""
    assert result.code in allowed, result
    if not verbose:
        assert TRACEBACK not in result.err, result.err
    assert BUG_MARKER not in result.err, result.err
    error_lines = [line for line in result.err.splitlines() if ERROR_LINE.match(line)]
    if result.code == 0:
        assert error_lines == [], result.err
    else:
        assert len(error_lines) == 1, result.err


def rejected_by_http_layer(url: str, token: str) -> BaseException | None:
    """What httpx raises while building a request with these settings, if anything.

    httpx checks the URL and encodes headers (ASCII only) when a request is built, and decodes
    IDNA host labels when it sets the Host header: all before a byte is sent.
    """
    try:
        httpx.Request("POST", url, headers={"Authorization": f"Bearer {token}"})
    except Exception as exc:  # any failure here is what the facade would let escape
        return exc
    return None


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    """`logscale-fleet ARGS...` in this process; exit code, stdout, stderr."""

    def run(*argv: str) -> Result:
        capsys.readouterr()  # drop anything a previous example left behind
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries still happen; only their backoff waits go, so connection failures stay fast."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, error, attempt, rng: 0.0)


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway in-process sandbox state, should any run fall back to the sandbox."""
    state = tmp_path / "sandbox.sqlite3"
    monkeypatch.setenv("LOGSCALE_FLEET_SANDBOX_DB", str(state))
    return state


@pytest.fixture
def served(
    logscale_sandbox: ThreadedSandbox,
    monkeypatch: pytest.MonkeyPatch,
    isolated: Path,
    no_retry_waits: None,
) -> Iterator[ThreadedSandbox]:
    """The served sandbox (real HTTP on 127.0.0.1), configured through the environment as a
    user would, with retry waits skipped."""
    monkeypatch.setenv("LOGSCALE_URL", logscale_sandbox.url)
    monkeypatch.setenv("LOGSCALE_TOKEN", logscale_sandbox.token)
    yield logscale_sandbox
    logscale_sandbox.clear_faults()
