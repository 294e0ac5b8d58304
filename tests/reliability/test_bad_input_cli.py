"""Bad input on the command line: any name, id, URL, token file or --timeout.

Every run goes through `main([...])` in this process against the served sandbox (or a closed
loopback port) and must end with a documented exit code, exactly one error line for a failure,
no traceback and no "a bug in logscale-fleet" line. Where the right answer is known from the
input alone (the facade's own input rules decide validity), the test checks it is the answer.

No run can reach a host outside this machine: every URL that would be contacted is checked
first to point at loopback (the sandbox's port or a closed one) or at a `.invalid` name, which
never resolves. Every run has a short --timeout.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from logscale_fleet import ConfigurationError, InvalidInputError
from logscale_fleet._core.validation import check_id, check_name
from logscale_fleet.cli.options import positive_float
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_fleet.settings import normalize_url
from tests.cli.conftest import Run
from tests.reliability.conftest import (
    BOUNDED,
    assert_clean_outcome,
    closed_port,
)
from tests.reliability.strategies import ODD_HOSTS, ODD_PORTS, secret_core, urls

TIMEOUT = ("--timeout", "5")
# Names a person might type, and anything at all (NUL, lone surrogates from undecodable argv
# bytes, right-to-left marks, 300 characters ...).
names = st.one_of(
    st.sampled_from(
        [
            "web  servers",  # inner runs of spaces are kept as they are
            "x" * 255,
            "x" * 256,
            "\u540d\u524d \u00e9t\u00e9",
            "a\u200bb",  # zero-width space: a format character
            "-rf",
            "default",
            "\u202eevil",  # right-to-left override
        ]
    ),
    st.text(alphabet=string.ascii_letters + string.digits + "-_. ", max_size=40),
    st.text(max_size=300),
)


def valid(rule: Callable[[Any, str], str], value: str, argument: str) -> bool:
    """Whether the facade's input rule accepts `value`: the CLI must agree."""
    try:
        rule(value, argument)
    except InvalidInputError:
        return False
    return True


# -- names ------------------------------------------------------------------------------------


@settings(BOUNDED, max_examples=30)
@given(name=names)
def test_any_name_creates_that_token_or_exits_2(
    cli: Run, served: ThreadedSandbox, name: str
) -> None:
    served.reset()
    # `--` so names starting with "-" reach the input rules instead of argparse;
    # --allow-duplicate: the name "default" exists and is a fine name to test.
    result = cli(*TIMEOUT, "-o", "json", "tokens", "create", "--allow-duplicate", "--", name)
    assert_clean_outcome(result, {0, 2})
    if valid(check_name, name, "name"):
        assert result.code == 0, result.err
        # The name survives the CLI, JSON, HTTP and the server's storage unchanged.
        assert result.json()["name"] == name
        assert [t.name for t in served.store.install_tokens.all()] == ["default", name]
    else:
        assert result.code == 2
        assert "invalid name: " in result.err
        assert [t.name for t in served.store.install_tokens.all()] == ["default"]


@settings(BOUNDED, max_examples=30)
@given(name=names, command=st.sampled_from(["ensure", "show", "rename", "install-command"]))
def test_any_name_in_other_commands(
    cli: Run, served: ThreadedSandbox, name: str, command: str
) -> None:
    served.reset()
    argv = {
        "ensure": ("tokens", "ensure", "--", name),
        "show": ("tokens", "show", "--by-name", "--", name),
        "rename": ("tokens", "rename", "--by-name", "default", "--", name),
        "install-command": ("tokens", "install-command", "--os", "linux", "--by-name", "--", name),
    }[command]
    result = cli(*TIMEOUT, *argv)
    assert_clean_outcome(result, {0, 2, 4})
    if not valid(check_name, name, "name"):
        assert result.code == 2
    elif command in ("ensure", "rename"):
        assert result.code == 0, result.err
    else:
        # Looked up by name: only the seeded "default" exists.
        assert result.code == (0 if name == "default" else 4), result.err


@settings(BOUNDED, max_examples=25)
@given(name=names)
def test_bad_names_fail_before_any_connection(
    cli: Run, isolated: Path, no_retry_waits: None, name: str
) -> None:
    # Nothing listens on the port: a valid name gets as far as connecting (exit 5), an invalid
    # one must be refused first (exit 2).
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli(
        *("--url", url, "--token", "t0123456789abcdef", "--timeout", "0.5"),
        *("tokens", "create", "--", name),
    )
    assert_clean_outcome(result, {2, 5})
    assert result.code == (5 if valid(check_name, name, "name") else 2)


# -- ids and token values ---------------------------------------------------------------------

ids = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + "-_=.", max_size=40),
    st.text(max_size=60),
    st.text(alphabet=string.ascii_letters, min_size=1025, max_size=1100),
)


@settings(BOUNDED, max_examples=30)
@given(
    value=ids,
    command=st.sampled_from(["show", "delete", "install-command", "create", "assign", "configs"]),
)
def test_any_id_is_not_found_or_exits_2(
    cli: Run, served: ThreadedSandbox, value: str, command: str
) -> None:
    served.reset()
    argv, argument = {
        "show": (("tokens", "show", "--", value), "token"),
        "delete": (("tokens", "delete", "--yes", "--", value), "token"),
        "install-command": (("tokens", "install-command", "--os", "linux", "--", value), "token"),
        # `--config-id=VALUE`: values starting with "-" stay values.
        "create": (("tokens", "create", f"--config-id={value}", "web"), "config_id"),
        "assign": (
            ("tokens", "assign", "--by-name", "default", f"--config-id={value}"),
            "config_id",
        ),
        "configs": (("configs", "show", "--", value), "config_id"),
    }[command]
    result = cli(*TIMEOUT, *argv)
    assert_clean_outcome(result, {1, 2, 4})
    if not valid(check_id, value, argument):
        assert result.code == 2
        assert f"invalid {argument}: " in result.err
    elif command in ("create", "assign"):
        # An unknown configuration is the server's GraphQL error.
        assert result.code == 1, result.err
        assert "no log collector configuration" in result.err
    else:
        assert result.code == 4, result.err
    assert len(served.store.install_tokens.all()) == 1  # nothing created, nothing deleted


@settings(BOUNDED, max_examples=8)
@given(prefix=st.text(max_size=4), core=secret_core, suffix=st.text(max_size=4))
def test_token_values_given_as_arguments_are_never_echoed(
    cli: Run, served: ThreadedSandbox, prefix: str, core: str, suffix: str
) -> None:
    value = prefix + core + suffix
    for argv in (
        ("tokens", "show", "--", value),
        ("tokens", "delete", "--yes", "--", value),
        ("tokens", "rename", "--", value, "new-name"),
        ("tokens", "assign", "--none", "--", value),
    ):
        result = cli(*TIMEOUT, "--verbose", *argv)
        assert_clean_outcome(result, {2, 4}, verbose=True)
        assert core not in result.err + result.out


# -- URLs -------------------------------------------------------------------------------------


# Paths of characters URLs may carry as they are, so most examples get past the URL checks.
URL_PATHS = st.text(
    alphabet=string.ascii_letters + string.digits + "/-._~%!$&'()*+,;=:@", max_size=24
)


def _safe_to_contact(url: str, loopback_ports: set[int]) -> bool:
    """True when the CLI would contact nothing, loopback on one of our ports, or `.invalid`.

    Both urllib's and httpx's reading of the URL must agree it is safe: a URL they parse
    differently must not sneak a real host past this check.
    """
    try:
        normalized = normalize_url(url)
    except ConfigurationError:
        return True  # refused before any connection
    readings: list[tuple[str, int | None]] = []
    try:
        parts = urlsplit(normalized)
        readings.append((parts.hostname or "", parts.port))
        parsed = httpx.URL(normalized)
        readings.append((parsed.host, parsed.port))
    except Exception:  # httpx refuses it: the request fails before connecting
        return True
    for host, port in readings:
        if host.endswith(".invalid"):
            continue
        # Named explicitly rather than by the facade's own loopback test, which is under test.
        if host in ("127.0.0.1", "localhost", "::1") and port in loopback_ports:
            continue
        return False
    return True


@settings(BOUNDED, max_examples=45)
@given(data=st.data())
def test_any_url_is_refused_or_fails_cleanly(
    cli: Run, served: ThreadedSandbox, data: st.DataObject
) -> None:
    closed = closed_port()
    ports = st.one_of(st.sampled_from([f":{served.port}", f":{closed}"]), ODD_PORTS)
    hosts = st.one_of(
        st.sampled_from(ODD_HOSTS),
        st.text(max_size=12).map("{}.invalid".format),
    )
    # Most examples should get as far as connecting: to the sandbox (plain http, and a TLS
    # handshake against its plain-http port), to a closed port, or to names that do not resolve.
    plausible = st.builds(
        "{}://{}:{}{}".format,
        st.sampled_from(["http", "https", "HTTP"]),
        st.one_of(
            st.sampled_from(["127.0.0.1", "localhost", "[::1]", "logscale.example.invalid"]),
            st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=8).map(
                "{}.invalid".format
            ),
        ),
        st.sampled_from([served.port, closed]),
        st.one_of(st.just(""), URL_PATHS.map("/{}".format)),
    )
    at_the_sandbox = URL_PATHS.map(f"http://127.0.0.1:{served.port}/{{}}".format)
    url = data.draw(
        st.one_of(st.text(max_size=60), urls(hosts, ports), plausible, plausible, at_the_sandbox),
        label="url",
    )
    assume(_safe_to_contact(url, {served.port, closed}))
    result = cli("--url", url, "--timeout", "0.5", "tokens", "list")
    assert_clean_outcome(result, {0, 2, 4, 5})
    assert result.code == expected_exit(url, served.port), result.err


def expected_exit(url: str, sandbox_port: int) -> int:
    """What `tokens list` against `url` must give, worked out from the URL alone."""
    try:
        normalized = normalize_url(url)
    except ConfigurationError:
        return 2  # refused before connecting
    parsed = httpx.URL(normalized)
    if parsed.host.endswith(".invalid") or parsed.port != sandbox_port or parsed.host == "::1":
        return 5  # does not resolve, nothing listens (the sandbox is on 127.0.0.1 only)
    if parsed.scheme == "https":
        return 5  # a TLS handshake with a plain-http server fails
    # The sandbox answers 404 for any path but its own (uvicorn decodes %-escapes first).
    return 0 if unquote(parsed.path).rstrip("/") == "/graphql" else 4


@pytest.mark.parametrize(
    "url", ["HTTP://\x08", "http://\u2603.invalid", "http://[::1]x"], ids=["bs", "idna", "port"]
)
def test_a_url_httpx_refuses_is_a_usage_error(
    cli: Run, isolated: Path, no_retry_waits: None, url: str
) -> None:
    result = cli("--url", url, "--token", "t0123456789abcdef", "--timeout", "0.5", "tokens", "list")
    assert_clean_outcome(result, {2})


# -- token files ------------------------------------------------------------------------------


@settings(BOUNDED, max_examples=40)
@given(
    prefix=st.one_of(st.just(b""), st.binary(max_size=8), st.sampled_from([b" ", b"\n", b"\xef"])),
    core=st.one_of(secret_core, st.just("<the sandbox token>")),
    suffix=st.one_of(st.just(b"\n"), st.binary(max_size=8), st.sampled_from([b"\r\n", b"\x00"])),
)
def test_any_token_file_content(
    cli: Run, served: ThreadedSandbox, tmp_path: Path, prefix: bytes, core: str, suffix: bytes
) -> None:
    secret = served.token if core == "<the sandbox token>" else core
    content = prefix + secret.encode() + suffix
    token_file = tmp_path / "token"
    token_file.write_bytes(content)
    result = cli(*TIMEOUT, "--token-file", str(token_file), "tokens", "list")
    # 0: the right token; 3: a well-formed wrong one (HTTP 401); 2: not a usable token.
    assert_clean_outcome(result, {0, 2, 3})
    assert secret not in result.err
    if content.strip() == served.token.encode():
        assert result.code == 0, result.err


def test_a_non_ascii_token_file_is_a_usage_error(
    cli: Run, served: ThreadedSandbox, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("t\u00f6ken-0123456789abcdef\n", encoding="utf-8")
    result = cli(*TIMEOUT, "--token-file", str(token_file), "tokens", "list")
    assert_clean_outcome(result, {2})


@pytest.mark.parametrize("option", ["--token-file", "--ca-cert"])
def test_a_path_under_an_unknown_users_home_is_a_usage_error(
    cli: Run, isolated: Path, option: str
) -> None:
    credentials = ("--token", "t0123456789abcdef") if option == "--ca-cert" else ()
    result = cli(
        *("--url", "https://logscale.example.invalid", *credentials),
        *(option, "~logscale-fleet-no-such-user/file", "tokens", "list"),
    )
    assert_clean_outcome(result, {2})


# -- --timeout --------------------------------------------------------------------------------

timeouts = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=1e-9, max_value=1e9).map(str),
    st.sampled_from(["0", "-0", "1e-300", "1e308", "1e400", "nan", "inf", "1_0", " 5 ", "0x10"]),
)


@settings(BOUNDED, max_examples=30)
@given(value=timeouts)
def test_any_timeout_value(cli: Run, served: ThreadedSandbox, value: str) -> None:
    # `--timeout=VALUE`: negative numbers stay values instead of looking like options.
    result = cli(f"--timeout={value}", "tokens", "list")
    assert_clean_outcome(result, {0, 2, 5})
    try:
        positive_float(value)
    except Exception:
        assert result.code == 2
        assert "--timeout" in result.err
    else:
        # A usable number: the listing (which always holds the default token), or, when the
        # limit was too short for a round trip, a timeout that says so. Which one a tiny limit
        # gives depends on the machine; the two tests below pin each outcome.
        if result.code == 0:
            assert "default" in result.out
        else:
            assert result.code == 5, result.err
            assert "timed out" in result.err or "took longer" in result.err, result.err


def test_a_timeout_too_short_for_any_round_trip_exits_5(cli: Run, served: ThreadedSandbox) -> None:
    result = cli("--timeout=1e-9", "tokens", "list")
    assert_clean_outcome(result, {5})
    assert "timed out" in result.err or "took longer" in result.err, result.err


def test_a_generous_timeout_lists_the_tokens(cli: Run, served: ThreadedSandbox) -> None:
    result = cli("--timeout=600", "tokens", "list")
    assert_clean_outcome(result, {0})
    assert "default" in result.out
