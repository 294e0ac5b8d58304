"""Configuration precedence, URL rules and token sources."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from logscale_fleet import ConfigurationError, FleetClient
from logscale_fleet.settings import Timeouts, normalize_url, resolve_settings

SECRET = "s3cr3t-api-token-value"


def test_arguments_win_over_the_environment() -> None:
    env = {"LOGSCALE_URL": "https://env.example.com", "LOGSCALE_TOKEN": "env-token"}
    settings = resolve_settings("https://arg.example.com", "arg-token", env=env)
    assert settings.graphql_url == "https://arg.example.com/graphql"
    assert settings.token == "arg-token"


def test_logscale_variables_win_over_humioctl_ones() -> None:
    env = {
        "LOGSCALE_URL": "https://logscale.example.com",
        "HUMIO_ADDRESS": "https://humio.example.com",
        "LOGSCALE_TOKEN": "logscale-token",
        "HUMIO_TOKEN": "humio-token",
    }
    settings = resolve_settings(env=env)
    assert settings.graphql_url == "https://logscale.example.com/graphql"
    assert settings.token == "logscale-token"


def test_humioctl_variables_are_a_fallback() -> None:
    settings = resolve_settings(
        env={"HUMIO_ADDRESS": "https://humio.example.com/", "HUMIO_TOKEN": "humio-token"}
    )
    assert settings.graphql_url == "https://humio.example.com/graphql"
    assert settings.token == "humio-token"


def test_missing_url_names_the_variables() -> None:
    with pytest.raises(ConfigurationError, match=r"LOGSCALE_URL.*HUMIO_ADDRESS"):
        resolve_settings(env={"LOGSCALE_TOKEN": "t"})


def test_missing_token_names_the_variables() -> None:
    with pytest.raises(ConfigurationError, match=r"LOGSCALE_TOKEN.*HUMIO_TOKEN"):
        resolve_settings(env={"LOGSCALE_URL": "https://x.example.com"})


def test_client_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGSCALE_URL", "https://env.example.com/logscale/")
    monkeypatch.setenv("LOGSCALE_TOKEN", SECRET)
    client = FleetClient()
    assert client.url == "https://env.example.com/logscale/graphql"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://cloud.humio.com", "https://cloud.humio.com/graphql"),
        ("https://cloud.humio.com/", "https://cloud.humio.com/graphql"),
        ("https://cloud.humio.com/graphql", "https://cloud.humio.com/graphql"),
        ("https://example.com/prefix/logscale", "https://example.com/prefix/logscale/graphql"),
        ("https://example.com/prefix/graphql/", "https://example.com/prefix/graphql"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/graphql"),
        ("  https://example.com:8443  ", "https://example.com:8443/graphql"),
        ("http://[::1]:8080", "http://[::1]:8080/graphql"),
    ],
)
def test_urls_are_normalized_to_the_graphql_endpoint(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("", "empty"),
        ("cloud.humio.com", "https:// or http://"),
        ("ftp://example.com", "https:// or http://"),
        ("https://", "no host"),
        ("https://user:pw@example.com", "credentials"),
        ("https://example.com/?token=x", "query string"),
        ("https://example.com:99999", "not a valid URL"),
    ],
)
def test_bad_urls_are_configuration_errors(given: str, rule: str) -> None:
    with pytest.raises(ConfigurationError, match=rule):
        normalize_url(given)


def test_token_file_is_read_and_stripped(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(SECRET + "\n")
    settings = resolve_settings("https://x.example.com", token_file=token_file, env={})
    assert settings.token == SECRET


def test_token_file_from_the_environment(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(SECRET)
    env = {"LOGSCALE_URL": "https://x.example.com", "LOGSCALE_TOKEN_FILE": str(token_file)}
    assert resolve_settings(env=env).token == SECRET


@pytest.mark.parametrize(
    ("content", "rule"),
    [("", "empty"), ("   \n", "empty"), ("two words", "spaces or control"), ("a\x00b", "control")],
)
def test_unusable_token_files_are_rejected(tmp_path: Path, content: str, rule: str) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(content)
    with pytest.raises(ConfigurationError, match=rule) as caught:
        resolve_settings("https://x.example.com", token_file=token_file, env={})
    assert content.strip() not in str(caught.value) or not content.strip()


def test_a_missing_token_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"token file .*nope.* does not exist"):
        resolve_settings("https://x.example.com", token_file=tmp_path / "nope", env={})


def test_a_missing_ca_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="CA certificate file"):
        resolve_settings("https://x.example.com", "t", ca_cert=tmp_path / "ca.pem", env={})


def test_an_invalid_ca_file_is_a_configuration_error(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="CA certificate"):
        FleetClient("https://x.example.com", "t", ca_cert=ca)


@pytest.mark.parametrize("retries", [-1, 11, 1.5, True])
def test_max_retries_must_be_a_small_whole_number(retries: object) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        resolve_settings("https://x.example.com", "t", max_retries=retries, env={})  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), "10", True])
def test_timeouts_must_be_positive_seconds(timeout: object) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        resolve_settings("https://x.example.com", "t", timeout=timeout, env={})  # type: ignore[arg-type]


def test_a_single_timeout_sets_every_phase_with_a_shorter_connect() -> None:
    assert Timeouts.of(60) == Timeouts(connect=10, read=60, write=60, pool=60)
    assert Timeouts.of(3) == Timeouts(connect=3, read=3, write=3, pool=3)


def test_plain_http_to_a_remote_host_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="logscale_fleet"):
        resolve_settings("http://logscale.example.com", SECRET, env={})
        resolve_settings("http://localhost:8080", SECRET, env={})
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "clear text" in warnings[0]
    assert SECRET not in warnings[0]


def test_reprs_do_not_show_the_token() -> None:
    settings = resolve_settings("https://x.example.com", SECRET, env={})
    client = FleetClient("https://x.example.com", SECRET)
    for shown in (repr(settings), str(settings), repr(client), repr(settings.token)):
        assert SECRET not in shown


def test_a_token_file_with_a_byte_order_mark_works(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_bytes(b"\xef\xbb\xbf" + SECRET.encode() + b"\r\n")
    assert resolve_settings("https://x.example.com", token_file=token_file, env={}).token == SECRET


@pytest.mark.parametrize(
    ("token", "rule"),
    [("t\u00f6ken-0123456789", "non-ASCII"), ("x" * 5000, "characters long")],
)
def test_tokens_http_cannot_carry_are_refused(token: str, rule: str) -> None:
    with pytest.raises(ConfigurationError, match=rule) as caught:
        resolve_settings("https://x.example.com", token, env={})
    assert token not in str(caught.value)


def test_redaction_spares_identifiers_that_merely_contain_token() -> None:
    from logscale_fleet._core.redaction import redact

    assert redact("File cli/token_commands.py, line 3") == "File cli/token_commands.py, line 3"
    assert redact("--token abcdefgh12345678") == "--token ***"
    assert redact('{"token": "abcdefgh12345678"}') == '{"token": "***"}'
