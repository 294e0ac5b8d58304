"""Exit codes and error lines: one class of failure each, against the sandbox or scripted HTTP."""

from __future__ import annotations

import socket

import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import errors
from logscale_fleet.cli import exit_codes, token_commands
from logscale_fleet.cli.exit_codes import NotFound, UsageError, exit_code_for
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run

SCRIPTED_URL = "https://logscale.example.com"


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("logscale-fleet: error:")]
    assert len(lines) == 1, stderr
    return lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (errors.AuthenticationError("x", status_code=401), 3),
        (errors.PermissionDeniedError("x", status_code=403), 3),
        (errors.NotFoundError("x", status_code=404), 4),
        (NotFound("x"), 4),
        (errors.TransportError("x", request_sent=False), 5),
        (errors.TimeoutError("x", request_sent=True), 5),
        (errors.InvalidInputError("name", "x"), 2),
        (errors.ConfigurationError("x"), 2),
        (UsageError("x"), 2),
        (errors.RateLimitError("x", status_code=429), 1),
        (errors.ServerError("x", status_code=503), 1),
        (errors.APIStatusError("x", status_code=418), 1),
        (errors.GraphQLError([errors.GraphQLErrorDetail("x")]), 1),
        (errors.InvalidResponseError("x"), 1),
        (errors.ConflictError("x", current_version=4), 6),
        (RuntimeError("bug"), 1),
        (KeyboardInterrupt(), 130),
    ],
)
def test_exit_code_mapping(exc: BaseException, code: int) -> None:
    assert exit_code_for(exc) == code


def test_exit_codes_are_documented_in_help(cli: Run) -> None:
    result = cli("--help")
    assert result.code == 0
    assert exit_codes.EXIT_CODES_HELP in result.out


def test_wrong_api_token_exits_3(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_TOKEN", "not-the-sandbox-token")
    result = cli("tokens", "list")
    assert result.code == 3
    line = error_line(result.err)
    assert "HTTP 401" in line
    assert "LOGSCALE_TOKEN" in line
    assert "not-the-sandbox-token" not in result.err
    assert "Traceback" not in result.err


def test_permission_denied_exits_3(
    cli: Run, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_URL", SCRIPTED_URL)
    monkeypatch.setenv("LOGSCALE_TOKEN", "api-token-0123456789")
    httpx_mock.add_response(status_code=403, text="forbidden")
    result = cli("tokens", "create", "web")
    assert result.code == 3
    assert "ChangeFleetManagement" in error_line(result.err)


def test_a_url_that_is_not_logscale_exits_4(
    cli: Run, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_URL", SCRIPTED_URL)
    monkeypatch.setenv("LOGSCALE_TOKEN", "api-token-0123456789")
    httpx_mock.add_response(status_code=404, text="no such page")
    result = cli("tokens", "create", "web")
    assert result.code == 4
    assert "check the URL" in error_line(result.err)


@pytest.mark.parametrize(
    "argv",
    [
        ("tokens", "show", "no-such-token-value"),
        ("tokens", "rename", "no-such-token-value", "new"),
        ("tokens", "assign", "no-such-token-value", "--none"),
        ("tokens", "delete", "--yes", "no-such-token-value"),
        ("tokens", "install-command", "no-such-token-value", "--os", "linux"),
        ("tokens", "show", "--by-name", "nobody"),
        ("configs", "show", "no-such-config"),
    ],
)
def test_unknown_token_or_configuration_exits_4(
    cli: Run, server: ThreadedSandbox, argv: tuple[str, ...]
) -> None:
    result = cli(*argv)
    assert result.code == 4
    line = error_line(result.err)
    assert "no-such-token-value" not in line  # token values are secrets, even wrong ones
    assert "`tokens list`" in line or "`configs list`" in line


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("tokens", "create", " "), "invalid name: must not be empty or only whitespace"),
        (("tokens", "create", "x" * 256), "invalid name: must be at most 255 characters"),
        (("tokens", "create", "web", "--config-id", ""), "invalid config_id: must not be empty"),
        (("tokens", "rename", "--by-name", "default", "a\tb"), "must not contain control"),
        (("tokens", "list", "--limit", "0"), "must be 1 or more"),
        (("--timeout", "-1", "tokens", "list"), "must be a positive number of seconds"),
        (("tokens", "frobnicate"), "invalid choice: 'frobnicate'"),
        (("--output", "xml", "tokens", "list"), "invalid choice: 'xml'"),
    ],
)
def test_invalid_input_exits_2(
    cli: Run, server: ThreadedSandbox, argv: tuple[str, ...], expected: str
) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert expected in result.err


def test_invalid_input_is_rejected_before_any_request(
    cli: Run, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_URL", SCRIPTED_URL)
    monkeypatch.setenv("LOGSCALE_TOKEN", "api-token-0123456789")
    assert cli("tokens", "create", "").code == 2
    assert httpx_mock.get_requests() == []


def test_connection_refused_exits_5(cli: Run) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli("--url", url, "--token", "api-token-0123456789", "tokens", "list")
    assert result.code == 5
    line = error_line(result.err)
    assert "could not connect" in line
    assert "--url" in line


def test_timeout_exits_5(cli: Run, server: ThreadedSandbox) -> None:
    server.set_faults(["latency,seconds=2,operation=FleetInstallationTokens"])
    result = cli("--timeout", "0.2", "tokens", "list")
    assert result.code == 5
    assert "timed out" in error_line(result.err)
    assert "--timeout" in error_line(result.err)


def test_graphql_error_exits_1(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("tokens", "create", "web", "--config-id", "no-such-config")
    assert result.code == 1
    assert "no log collector configuration with id 'no-such-config'" in error_line(result.err)
    assert result.out == ""


def test_server_error_exits_1(cli: Run, server: ThreadedSandbox) -> None:
    server.set_faults(["503,operation=CreateFleetInstallToken"])
    result = cli("tokens", "create", "web")
    assert result.code == 1
    assert "HTTP 503" in error_line(result.err)


def test_an_answer_that_is_not_graphql_exits_1(
    cli: Run, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_URL", SCRIPTED_URL)
    monkeypatch.setenv("LOGSCALE_TOKEN", "api-token-0123456789")
    httpx_mock.add_response(text="<html>Sign in</html>", headers={"content-type": "text/html"})
    result = cli("tokens", "create", "web")
    assert result.code == 1
    assert "not a GraphQL response" in error_line(result.err)


def test_api_token_without_url_is_a_configuration_error(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGSCALE_TOKEN", "api-token-0123456789")
    result = cli("tokens", "list")
    assert result.code == 2
    assert "no LogScale URL" in error_line(result.err)


def test_bad_url_exits_2(cli: Run) -> None:
    result = cli("--url", "ftp://example.com", "--token", "t0123456789", "tokens", "list")
    assert result.code == 2
    assert "must start with https://" in error_line(result.err)


def test_missing_token_file_exits_2(cli: Run) -> None:
    result = cli("--url", "https://x.example", "--token-file", "/nonexistent/t", "tokens", "list")
    assert result.code == 2
    assert "does not exist" in error_line(result.err)


def test_ctrl_c_exits_130_without_traceback(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def interrupted(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(token_commands, "run_list", interrupted)
    result = cli("tokens", "list")
    assert result.code == 130
    assert "interrupted" in result.err
    assert "Traceback" not in result.err


def test_a_bug_is_one_line_and_a_traceback_only_with_verbose(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(token_commands, "run_list", broken)
    quiet = cli("tokens", "list")
    assert quiet.code == 1
    assert "unexpected RuntimeError: boom" in error_line(quiet.err)
    assert "Traceback" not in quiet.err
    verbose = cli("--verbose", "tokens", "list")
    assert verbose.code == 1
    assert "Traceback" in verbose.err
    assert "RuntimeError: boom" in verbose.err


def test_insecure_warns_on_stderr(
    cli: Run, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpx_mock.add_response(json={"data": {"fleetInstallationTokens": []}})
    result = cli("--url", SCRIPTED_URL, "--token", "t0123456789", "--insecure", "tokens", "list")
    assert result.code == 0
    assert "logscale-fleet: warning: TLS certificate verification is off" in result.err
