"""No secret in anything a failing CLI run shows, with --verbose and every logger at DEBUG.

tests/cli/test_secrets.py checks stderr for successful commands and a few failures;
tests/unit/test_secrets.py checks the facade against scripted HTTP. This runs the CLI's
failure classes against the served sandbox, whose faults produce them over real HTTP (401,
404, not found, GraphQL errors, 429, 5xx, HTML pages, dropped connections, timeouts,
connection refused, invalid input), with `-v` and the root logger at DEBUG, so records from
every library (httpx, httpcore, asyncio, the sandbox and uvicorn in this same process) are
captured unredacted as they are emitted. It then searches stderr, stdout, the log, and the
text, repr, traceback and attributes of every exception `main()` reported, for the API token,
every wrong API token tried, and every install token value and JWT the sandbox holds or held.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Result, Run
from tests.reliability.conftest import closed_port

# The module, not the `main` function that `logscale_fleet.cli` re-exports under that name.
cli_main = importlib.import_module("logscale_fleet.cli.main")

WRONG_ARGUMENT_TOKEN = "wrong-argument-token-0123456789abcdef"
WRONG_ENV_TOKEN = "wrong-environment-token-0123456789abcdef"
WRONG_FILE_TOKEN = "wrong-file-token-0123456789abcdef"


@dataclass
class Secrets:
    """Everything that must never be shown, collected as the test goes."""

    values: set[str] = field(default_factory=set)

    def add_sandbox(self, sandbox: ThreadedSandbox) -> None:
        self.values.add(sandbox.token)
        for token in sandbox.store.install_tokens.all():
            self.values.update((token.token, token.jwt))

    def needles(self) -> set[str]:
        """Each secret, and parts of it long enough to recognise (masking shows 4 characters).

        For a JWT its signature: every JWT here starts with the same header.
        """
        found: set[str] = set()
        for value in self.values:
            found.add(value)
            if value.startswith("eyJ"):
                found.add(value.rsplit(".", 1)[-1])
            else:
                found.update((value[:16], value[-16:]))
        return found


def exception_texts(error: BaseException) -> list[str]:
    """What a user, a log or an error reporter could see of an exception and its chain.

    The chain is followed as tracebacks and error reporters follow it: `__cause__`, else an
    unsuppressed `__context__` (`raise ... from None` hides the original on purpose).
    """
    shown: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        shown += [str(current), repr(current), repr(current.args)]
        shown.append("".join(traceback.format_exception(current)))
        shown += [repr(value) for value in vars(current).values()]
        if current.__cause__ is not None:
            current = current.__cause__
        elif not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    return shown


# A failure case sets the scene (sandbox state, faults, environment, files) and returns the
# arguments to run with --verbose and the exit code they must give.
Outcome = tuple[tuple[str, ...], int]
Case = Callable[[ThreadedSandbox, Path, pytest.MonkeyPatch], Outcome]


def _token(sandbox: ThreadedSandbox, name: str) -> str:
    return sandbox.store.install_tokens.create(name).token


def wrong_token_argument(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("--token", WRONG_ARGUMENT_TOKEN, "tokens", "list"), 3


def wrong_token_environment(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    mp.setenv("LOGSCALE_TOKEN", WRONG_ENV_TOKEN)
    return ("tokens", "create", "web"), 3


def wrong_token_file(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    mp.delenv("LOGSCALE_TOKEN")
    (tmp / "token").write_text(WRONG_FILE_TOKEN + "\n")
    return ("--token-file", str(tmp / "token"), "tokens", "show", _token(sb, "web")), 3


def not_logscale(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("--url", f"{sb.url}/not-logscale", "tokens", "show", _token(sb, "web")), 4


def unknown_token_value(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    # A real token with one character changed: close enough that careless masking shows it.
    real = _token(sb, "web")
    return ("tokens", "show", real[:-1] + ("A" if real[-1] != "A" else "B")), 4


def unknown_name(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    _token(sb, "web")
    return ("tokens", "delete", "--yes", "--by-name", "web", "nobody"), 4


def graphql_error(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("tokens", "assign", _token(sb, "web"), "--config-id", "no-such-config"), 1


def graphql_error_echoing(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    # A careless server repeating the API token and the token the call carries.
    token = sb.store.install_tokens.create("web")
    message = f"denied for Bearer {sb.token} on {token.token} jwt {token.jwt}"
    sb.set_faults([f"graphql,operation=UpdateFleetInstallTokenName,message={message}"])
    return ("tokens", "rename", token.token, "renamed"), 1


def rate_limited(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    _token(sb, "web")
    sb.set_faults(["429,retry_after=0"])
    return ("tokens", "list", "--show-secrets"), 1


def server_error_on_delete(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    sb.set_faults(["503,operation=DeleteFleetInstallToken"])
    return ("tokens", "delete", "--yes", _token(sb, "web")), 1


def html_page(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    sb.set_faults(["html,status=502"])
    return ("tokens", "install-command", _token(sb, "web"), "--os", "linux"), 1


def lost_create(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    # The token is created, the answer carrying it is lost: a secret only the server knows.
    sb.set_faults(["drop,operation=CreateFleetInstallToken,after=true"])
    return ("tokens", "create", "web"), 5


def lost_ensure(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    # The create waits a second before it runs; ensure looks the name up twice after timing
    # out, gives up, and the token lands afterwards.
    sb.set_faults(["latency,seconds=1,operation=CreateFleetInstallToken"])
    return ("--timeout", "0.2", "tokens", "ensure", "web"), 5


def ambiguous_name(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    _token(sb, "twin")
    _token(sb, "twin")
    return ("tokens", "ensure", "twin"), 2


def timed_out(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    sb.set_faults(["latency,seconds=0.6,operation=FleetInstallationToken"])
    return ("--timeout", "0.2", "tokens", "show", "--show-secrets", _token(sb, "web")), 5


def timed_out_create(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    sb.set_faults(["latency,seconds=0.6,operation=CreateFleetInstallToken,after=true"])
    return ("--timeout", "0.2", "tokens", "create", "web"), 5


def refused(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("--url", f"http://127.0.0.1:{closed_port()}", "tokens", "show", _token(sb, "web")), 5


def bad_name(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("tokens", "rename", _token(sb, "web"), "bad\x00name"), 2


def bad_token_value(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("tokens", "show", _token(sb, "web") + " trailing"), 2


def bad_declaration(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    real = sb.store.install_tokens.create("web")
    (tmp / "tokens.yaml").write_text(f"- name: {real.token}\n  config_id: {real.jwt}\n- name: ''\n")
    return ("tokens", "apply", str(tmp / "tokens.yaml"), "--dry-run"), 2


def unconfirmed_delete(sb: ThreadedSandbox, tmp: Path, mp: pytest.MonkeyPatch) -> Outcome:
    return ("tokens", "delete", _token(sb, "web")), 2


CASES: dict[str, Case] = {
    "401-argument": wrong_token_argument,
    "401-environment": wrong_token_environment,
    "401-file": wrong_token_file,
    "404-not-logscale": not_logscale,
    "not-found-value": unknown_token_value,
    "not-found-name": unknown_name,
    "graphql-error": graphql_error,
    "graphql-error-echoing-secrets": graphql_error_echoing,
    "429": rate_limited,
    "503": server_error_on_delete,
    "html-502": html_page,
    "dropped-create": lost_create,
    "ensure-timeout": lost_ensure,
    "ensure-ambiguous-name": ambiguous_name,
    "timeout": timed_out,
    "timeout-after-create": timed_out_create,
    "connection-refused": refused,
    "invalid-name": bad_name,
    "invalid-token-value": bad_token_value,
    "invalid-declaration": bad_declaration,
    "delete-without-yes": unconfirmed_delete,
}


@pytest.fixture
def reported(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every exception `main()` turns into an error line."""
    caught: list[BaseException] = []
    original = cli_main._report

    def recording(exc: Exception, *, verbose: bool, json_output: bool) -> int:
        caught.append(exc)
        code: int = original(exc, verbose=verbose, json_output=json_output)
        return code

    monkeypatch.setattr(cli_main, "_report", recording)
    return caught


def test_no_failure_shows_a_secret(
    cli: Run,
    served: ThreadedSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    reported: list[BaseException],
) -> None:
    secrets = Secrets({WRONG_ARGUMENT_TOKEN, WRONG_ENV_TOKEN, WRONG_FILE_TOKEN})
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records
    shown: dict[str, list[str]] = {}
    for name, case in CASES.items():
        served.reset()
        served.clear_faults()
        with monkeypatch.context() as scoped:
            argv, expected = case(served, tmp_path, scoped)
            secrets.add_sandbox(served)
            result: Result = cli("--verbose", *argv)
        served.clear_faults()
        served.wait_idle()  # a delayed create lands before the sandbox is searched
        secrets.add_sandbox(served)
        assert result.code == expected, (name, result.err[-2000:])
        assert "DEBUG" in result.err  # the verbose log was on
        shown[name] = [result.err, result.out]
    assert len(reported) == len(CASES)  # every failure reached main()'s one error path
    shown["exceptions"] = [text for error in reported for text in exception_texts(error)]
    shown["log"] = [caplog.text] + [record.getMessage() for record in caplog.records]
    assert any(r.levelno == logging.DEBUG and r.name.startswith("httpcore") for r in caplog.records)

    needles = secrets.needles()
    for where, texts in shown.items():
        everything = "\n".join(texts)
        leaked = sorted(needle for needle in needles if needle in everything)
        assert not leaked, f"{where}: {len(leaked)} secret(s) or parts of them shown"
