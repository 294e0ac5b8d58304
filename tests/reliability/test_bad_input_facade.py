"""Bad configuration input to the facade: URLs, API tokens and token files.

Names and ids have their property tests in tests/unit/test_facade.py. Here: any text given as a
URL or token, and any file given as a token file, ends as a usable setting or a
`ConfigurationError` that never repeats the token, and never as another exception.

It found four facade bugs, now fixed: non-ASCII tokens, URLs httpx refuses, unusable paths, and
token files with a byte-order mark.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from logscale_fleet import ConfigurationError
from logscale_fleet.settings import normalize_url, resolve_settings
from tests.reliability.conftest import BOUNDED, rejected_by_http_layer
from tests.reliability.strategies import any_token, any_url, secret_core

SAFE_URL = "https://logscale.example.invalid"

# -- URLs -------------------------------------------------------------------------------------


@settings(BOUNDED, max_examples=300)
@given(url=any_url)
def test_any_text_is_a_graphql_url_or_a_configuration_error(url: str) -> None:
    try:
        normalized = normalize_url(url)
    except ConfigurationError as error:
        assert str(error).startswith("url ")  # names the input it rejects
        return
    parts = urlsplit(normalized)
    assert parts.scheme in ("http", "https")
    assert parts.hostname
    assert parts.path.endswith("/graphql")
    assert (parts.query, parts.fragment, parts.username, parts.password) == ("", "", None, None)
    assert normalize_url(normalized) == normalized  # normalizing is idempotent


@settings(BOUNDED, max_examples=300)
@given(url=any_url)
def test_an_accepted_url_can_be_sent(url: str) -> None:
    try:
        normalized = normalize_url(url)
    except ConfigurationError:
        return
    assert rejected_by_http_layer(normalized, "t0123456789abcdef") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://a\x00b.invalid",
        "http://logscale.example.invalid/\x7f",
        "http://\u2603.invalid",
        "http://xn--a.invalid",
        "http://[::1]x",
    ],
    ids=["nul-in-host", "del-in-path", "invalid-idna", "bad-punycode", "port-after-ipv6"],
)
def test_urls_httpx_refuses_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        resolve_settings(url, "t0123456789abcdef", env={})


# -- API tokens -------------------------------------------------------------------------------


@settings(BOUNDED, max_examples=300)
@given(url=st.one_of(st.just(SAFE_URL), any_url), token=any_token)
def test_settings_are_valid_or_a_configuration_error_without_the_token(
    url: str, token: tuple[str, str, str]
) -> None:
    prefix, core, suffix = token
    # A URL that happens to contain the token's text may show it as the URL; that is no leak.
    assume(core.casefold() not in url.casefold())
    value = prefix + core + suffix
    try:
        resolved = resolve_settings(url, value, env={}, warn_insecure=False)
    except ConfigurationError as error:
        assert core not in str(error)
        assert core not in repr(error)
        return
    assert resolved.token == value.strip()
    assert core not in repr(resolved)
    assert core not in repr(resolved.token)


@settings(BOUNDED, max_examples=200)
@given(token=any_token)
def test_an_accepted_token_can_be_sent(token: tuple[str, str, str]) -> None:
    try:
        resolved = resolve_settings(SAFE_URL, "".join(token), env={})
    except ConfigurationError:
        return
    assert rejected_by_http_layer(resolved.graphql_url, resolved.token) is None


# -- token files ------------------------------------------------------------------------------


@settings(BOUNDED, max_examples=200)
@given(
    prefix=st.binary(max_size=12),
    core=secret_core,
    suffix=st.one_of(st.binary(max_size=12), st.sampled_from([b"\n", b"\r\n", b" \n\n", b"\t"])),
)
def test_any_token_file_gives_its_token_or_a_configuration_error_without_it(
    tmp_path_factory: pytest.TempPathFactory, prefix: bytes, core: str, suffix: bytes
) -> None:
    token_file = tmp_path_factory.mktemp("token") / "token"
    content = prefix + core.encode() + suffix
    token_file.write_bytes(content)
    try:
        resolved = resolve_settings(SAFE_URL, token_file=token_file, env={})
    except ConfigurationError as error:
        assert core not in str(error)
        assert str(token_file) in str(error)  # names the file it could not use
        return
    assert resolved.token == content.decode("utf-8").strip()


HUGE = 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (b"", False),
        (b" \n\t\r\n", False),
        (b"\x00" * 64, False),
        (bytes(range(256)), False),  # binary: not UTF-8
        ("t0123456789abcdef".encode("utf-16"), False),
        (b"Bearer t0123456789abcdef\n", False),  # a pasted header, not a token
        (b"t0123456789abcdef\nsecond-line\n", False),
        (b"t" * HUGE + b"\x00", False),
        (b"t0123456789abcdef\r\n", True),
    ],
    ids=[
        "empty",
        "whitespace",
        "nul-bytes",
        "binary",
        "utf-16",
        "bearer-prefix",
        "two-lines",
        "huge-with-nul",
        "crlf",
    ],
)
def test_unusable_token_files_are_configuration_errors(
    tmp_path: Path, content: bytes, accepted: bool
) -> None:
    token_file = tmp_path / "token"
    token_file.write_bytes(content)
    started = time.monotonic()
    if accepted:
        resolved = resolve_settings(SAFE_URL, token_file=token_file, env={})
        assert resolved.token == content.decode().strip()
        return
    with pytest.raises(ConfigurationError, match="token") as caught:
        resolve_settings(SAFE_URL, token_file=token_file, env={})
    assert time.monotonic() - started < 5  # a huge file is read once, not scanned repeatedly
    assert "t0123456789abcdef" not in str(caught.value)
    assert len(str(caught.value)) < 500  # the content is not quoted back


def test_a_huge_token_file_is_not_truncated(tmp_path: Path) -> None:
    # 2 MiB of token characters: either refused or taken whole; never silently cut, which
    # would turn a wrong file into a confusing 401.
    token_file = tmp_path / "token"
    token_file.write_bytes(b"t" * HUGE)
    try:
        resolved = resolve_settings(SAFE_URL, token_file=token_file, env={})
    except ConfigurationError as error:
        assert "t" * 64 not in str(error)
    else:
        assert len(resolved.token) == HUGE


def _symlink_loop(folder: Path) -> Path:
    link = folder / "loop"
    link.symlink_to(link)
    return link


def _dangling(folder: Path) -> Path:
    link = folder / "dangling"
    link.symlink_to(folder / "nowhere")
    return link


@pytest.mark.parametrize(
    ("make", "rule"),
    [
        (lambda folder: folder / "missing", "does not exist"),
        (lambda folder: folder, "is a folder"),
        (_dangling, "does not exist"),
        (_symlink_loop, "cannot open token file"),
        (lambda folder: folder / ("x" * 300), "cannot open token file"),  # ENAMETOOLONG
        (lambda folder: folder / "missing" / "token", "does not exist"),
    ],
    ids=["missing", "folder", "dangling-link", "link-loop", "name-too-long", "missing-parent"],
)
def test_token_file_paths_that_cannot_be_read(
    tmp_path: Path, make: Callable[[Path], Path], rule: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(ConfigurationError, match=rule):
        resolve_settings(SAFE_URL, token_file=path, env={})
    with pytest.raises(ConfigurationError, match=rule):
        resolve_settings(env={"LOGSCALE_URL": SAFE_URL, "LOGSCALE_TOKEN_FILE": str(path)})


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_an_unreadable_token_file(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("t0123456789abcdef")
    token_file.chmod(0)
    with pytest.raises(ConfigurationError, match="not readable"):
        resolve_settings(SAFE_URL, token_file=token_file, env={})


NO_SUCH_USER = "~logscale-fleet-no-such-user/token"


@pytest.mark.parametrize(
    "option",
    [
        {"token_file": NO_SUCH_USER},
        {"token_file": "token\x00file"},
        {"token": "t0123456789abcdef", "ca_cert": NO_SUCH_USER},
        {"token": "t0123456789abcdef", "ca_cert": "x" * 5000},
    ],
    ids=["token-file-unknown-user", "token-file-nul", "ca-unknown-user", "ca-name-too-long"],
)
def test_unusable_paths_are_configuration_errors(option: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        resolve_settings(SAFE_URL, env={}, **option)  # type: ignore[arg-type]
