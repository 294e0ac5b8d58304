"""Plain http to a host other than this machine warns that the API token travels in clear text:
as a logged warning from the facade, and visibly on stderr from the CLI.

No traffic leaves the machine: the facade tests only build settings and clients, and the CLI
tests point at `.invalid` names (RFC 6761: they never resolve), so the run ends in a connection
failure (exit 5) right after the warning.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logscale_fleet import FleetClient
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_fleet.settings import resolve_settings
from tests.cli.conftest import Run
from tests.reliability.conftest import BOUNDED, ERROR_LINE, closed_port

TOKEN = "api-token-0123456789abcdef"
CLEAR_TEXT = "uses plain http to a non-loopback host: the API token travels in clear text"
REMOTE = "http://logscale.example.invalid"


def clear_text_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    warnings = [
        r for r in caplog.records if r.name == "logscale_fleet" and r.levelname == "WARNING"
    ]
    return [r.getMessage() for r in warnings if "clear text" in r.getMessage()]


# -- the facade -------------------------------------------------------------------------------

LOOPBACK = ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "api.localhost", "[::1]"]
REMOTE_HOSTS = [
    "logscale.example.invalid",
    "192.0.2.10",  # TEST-NET-1: documentation only
    "[2001:db8::1]",  # documentation only
    "10.0.0.1",
    "0.0.0.0",  # noqa: S104 - a host name in a URL, nothing binds here
    "localhost.example.invalid",
    "127.0.0.1.example.invalid",
]


@pytest.mark.parametrize(
    ("host", "warns"), [(h, False) for h in LOOPBACK] + [(h, True) for h in REMOTE_HOSTS]
)
def test_plain_http_warns_exactly_for_hosts_off_this_machine(
    caplog: pytest.LogCaptureFixture, host: str, warns: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="logscale_fleet"):
        resolve_settings(f"http://{host}:8080/prefix", TOKEN, env={})
        resolve_settings(f"https://{host}:8080/prefix", TOKEN, env={})  # never warns
    expected = [f"http://{host}:8080/prefix/graphql {CLEAR_TEXT}"] if warns else []
    assert clear_text_warnings(caplog) == expected
    assert TOKEN not in caplog.text


@settings(BOUNDED, max_examples=100)
@given(label=st.text(min_size=1, max_size=20).filter(lambda text: "/" not in text))
def test_any_name_off_this_machine_warns(caplog: pytest.LogCaptureFixture, label: str) -> None:
    caplog.clear()
    try:
        resolve_settings(f"http://{label}.invalid", TOKEN, env={})
    except Exception:  # refused names are the URL tests' business
        return
    assert len(clear_text_warnings(caplog)) == 1


def test_the_warning_comes_once_per_client_and_names_no_secret(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_URL", REMOTE)
    monkeypatch.setenv("LOGSCALE_TOKEN", TOKEN)
    with caplog.at_level(logging.DEBUG):
        client = FleetClient()  # building it warns; nothing is sent
    assert clear_text_warnings(caplog) == [f"{REMOTE}/graphql {CLEAR_TEXT}"]
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(client)


async def test_the_sandbox_in_process_does_not_warn(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # Its "http" never leaves the process.
    with caplog.at_level(logging.WARNING, logger="logscale_fleet"):
        async with FleetClient.sandbox(tmp_path / "state.sqlite3") as fleet:
            assert await fleet.install_tokens.list()
    assert clear_text_warnings(caplog) == []


# -- the CLI ----------------------------------------------------------------------------------


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CLEAR_TEXT in line]


@pytest.mark.parametrize(
    "configure",
    ["options", "LOGSCALE_URL", "HUMIO_ADDRESS", "token-file", "json-output", "verbose"],
)
def test_the_cli_warns_on_stderr(
    cli: Run,
    isolated: Path,
    no_retry_waits: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    configure: str,
) -> None:
    argv: list[str] = ["--timeout", "0.5"]
    if configure == "options":
        argv += ["--url", REMOTE, "--token", TOKEN]
    elif configure in ("LOGSCALE_URL", "HUMIO_ADDRESS"):
        monkeypatch.setenv(configure, REMOTE)
        monkeypatch.setenv("LOGSCALE_TOKEN", TOKEN)
    elif configure == "token-file":
        (tmp_path / "token").write_text(TOKEN)
        argv += ["--url", REMOTE, "--token-file", str(tmp_path / "token")]
    else:
        argv += ["--url", REMOTE, "--token", TOKEN]
        argv += ["-o", "json"] if configure == "json-output" else ["--verbose"]
    result = cli(*argv, "tokens", "list")

    assert result.code == 5  # the name does not resolve: nothing was sent anywhere
    lines = result.err.splitlines()
    warning = warning_lines(result.err)
    assert len(warning) == 1, result.err
    if configure != "verbose":
        assert warning[0] == f"logscale-fleet: warning: {REMOTE}/graphql {CLEAR_TEXT}"
    errors = [i for i, line in enumerate(lines) if ERROR_LINE.match(line)]
    assert len(errors) == 1
    assert lines.index(warning[0]) < errors[0]  # said before the failure, not lost in it
    assert "could not connect" in lines[errors[0]]
    if "-o" in argv or "--output" in argv:
        assert result.json()["error"]["exitCode"] == 5  # the one document: the error
    else:
        assert result.out == ""
    assert TOKEN not in result.err


@pytest.mark.parametrize("where", ["https-remote", "closed-loopback-port"])
def test_the_cli_does_not_warn_otherwise(
    cli: Run, isolated: Path, no_retry_waits: None, where: str
) -> None:
    url = {
        "https-remote": "https://logscale.example.invalid",
        "closed-loopback-port": f"http://127.0.0.1:{closed_port()}",
    }[where]
    result = cli("--url", url, "--token", TOKEN, "--timeout", "0.5", "tokens", "list")
    assert result.code == 5
    assert warning_lines(result.err) == []


def test_the_cli_does_not_warn_for_a_loopback_server_or_the_sandbox(
    cli: Run, served: ThreadedSandbox
) -> None:
    assert served.url.startswith("http://127.0.0.1:")
    served_run = cli("tokens", "list")
    assert served_run.code == 0
    assert warning_lines(served_run.err) == []
    in_process = cli("--sandbox", "tokens", "list")
    assert in_process.code == 0
    assert warning_lines(in_process.err) == []
