"""Proxy variables: a bad value is a ConfigurationError naming the variable on both wire paths,
both paths send through the same proxy (and honour NO_PROXY alike), and a plain-http proxy off
this machine that would see the API token in clear text is warned about."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest

from logscale_fleet import ConfigurationError, FleetClient, TransportError
from logscale_fleet._core.http import HttpBackend
from tests.reliability.conftest import closed_port
from tests.reliability.hostile_server import OK_BODY, head, hostile_server

TOKEN = "api-token-0123456789abcdef"
PROXY_PASSWORD = "proxy-password-0123456789"
TARGET = "http://logscale.example.invalid"  # RFC 6761: never resolves


async def call(fleet: FleetClient) -> object:
    return await fleet.install_tokens.list()


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture(params=["httpx", "aiohttp"])
def backend(request: pytest.FixtureRequest) -> HttpBackend:
    choice: HttpBackend = request.param
    return choice


BAD_VALUES = {
    "socks without socksio": "socks5://127.0.0.1:1080",
    "ftp": "ftp://proxy.example.invalid:21",
    "port out of range": "http://proxy.example.invalid:99999",
    "port not a number": "http://proxy.example.invalid:abc",
    "broken IPv6 literal": "http://[bad",
    "no host": "http://",
    "bad IDNA": "http://xn--.example",
    "port 0": "http://proxy.example.invalid:0",
    "space in the host": "http://proxy example.invalid:3128",
    "control character": "http://proxy\x1b[2J.example.invalid:3128",
}


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy"])
@pytest.mark.parametrize("value", list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_a_bad_proxy_variable_is_a_configuration_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, backend: HttpBackend, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        FleetClient("https://logscale.example.invalid", TOKEN, http_backend=backend)


def test_a_socks_proxy_is_refused_on_the_aiohttp_path_even_with_socksio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object())
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(
        ConfigurationError, match="ALL_PROXY names a SOCKS proxy, which the aiohttp"
    ):
        FleetClient(TARGET, TOKEN, http_backend="aiohttp")


async def answer_ok(writer: asyncio.StreamWriter) -> None:
    writer.write(
        head("200 OK", "application/json", f"content-length: {len(OK_BODY)}\r\n") + OK_BODY
    )
    await writer.drain()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
async def test_both_wire_paths_send_through_the_proxy_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, backend: HttpBackend, variable: str
) -> None:
    heads: list[bytes] = []
    with hostile_server(answer_ok, heads) as proxy:
        monkeypatch.setenv(variable, proxy)
        async with FleetClient(
            TARGET, TOKEN, timeout=5, max_retries=0, http_backend=backend
        ) as fleet:
            assert await call(fleet) is not None
    assert len(heads) == 1
    assert heads[0].startswith(f"POST {TARGET}/graphql HTTP/1.1".encode())


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "*", "other.example, 127.0.0.1"])
async def test_both_wire_paths_go_direct_for_no_proxy_hosts(
    monkeypatch: pytest.MonkeyPatch, backend: HttpBackend, no_proxy: str
) -> None:
    heads: list[bytes] = []
    with hostile_server(answer_ok, heads) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        url = f"http://127.0.0.1:{closed_port()}"
        async with FleetClient(url, TOKEN, timeout=2, max_retries=0, http_backend=backend) as fleet:
            with pytest.raises(TransportError, match="could not connect"):
                await call(fleet)
    assert heads == []


def clear_text_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "logscale_fleet" and r.levelname == "WARNING" and "clear" in r.getMessage()
    ]


@pytest.mark.parametrize(
    ("target", "proxy", "warns"),
    [
        (TARGET, f"http://user:{PROXY_PASSWORD}@proxy.example.invalid:3128", True),
        (TARGET, "proxy.example.invalid:3128", True),  # no scheme: an http proxy
        ("http://127.0.0.1:8080", "http://10.1.2.3:3128", True),
        (TARGET, "http://127.0.0.1:3128", False),  # a proxy on this machine
        (TARGET, "https://proxy.example.invalid:3128", False),  # TLS to the proxy
        ("https://logscale.example.invalid", "http://proxy.example.invalid:3128", False),  # CONNECT
    ],
)
def test_a_plain_http_proxy_off_this_machine_warns_of_clear_text(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    backend: HttpBackend,
    target: str,
    proxy: str,
    warns: bool,
) -> None:
    monkeypatch.setenv("ALL_PROXY", proxy)
    with caplog.at_level(logging.WARNING, logger="logscale_fleet"):
        FleetClient(target, TOKEN, http_backend=backend)
    warnings = clear_text_warnings(caplog)
    if target.startswith("http://") and not target.startswith("http://127."):
        # The plain-http target itself warns too (settings); only the proxy warning counts here.
        warnings = [w for w in warnings if "proxy" in w]
    assert len(warnings) == (1 if warns else 0), warnings
    if warns:
        assert "from ALL_PROXY" in warnings[0]
        assert "the API token travels in clear text to the proxy" in warnings[0]
    assert PROXY_PASSWORD not in caplog.text
