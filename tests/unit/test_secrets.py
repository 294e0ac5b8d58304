"""No API token, install token or JWT reaches logs, exception text, tracebacks or reprs.

Runs the failure cases of the facade with every logger at DEBUG, against a server that echoes
secrets wherever a careless one might, and searches everything a user could see.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import FleetClient, LogScaleError
from tests.payloads import INSTALL_JWT, INSTALL_TOKEN_VALUE, data, install_token
from tests.unit.conftest import API_TOKEN, RecordingFleetClient

SECRETS = (API_TOKEN, INSTALL_TOKEN_VALUE, INSTALL_JWT)
ECHO = f"Bearer {API_TOKEN} token={INSTALL_TOKEN_VALUE} jwt {INSTALL_JWT}"

Scenario = Callable[[HTTPXMock], None]


def missing_field(mock: HTTPXMock) -> None:
    broken = install_token()
    del broken["name"]
    mock.add_response(json=data(createFleetInstallToken=broken), is_reusable=True)


def wrong_type(mock: HTTPXMock) -> None:
    broken = install_token()
    broken["installationCommands"] = INSTALL_TOKEN_VALUE
    mock.add_response(json=data(createFleetInstallToken=broken), is_reusable=True)


SCENARIOS: dict[str, Scenario] = {
    "401 echoing the header": lambda m: m.add_response(
        status_code=401, text=ECHO, is_reusable=True
    ),
    "403": lambda m: m.add_response(status_code=403, text=ECHO, is_reusable=True),
    "404": lambda m: m.add_response(status_code=404, text=ECHO, is_reusable=True),
    "429": lambda m: m.add_response(status_code=429, text=ECHO, is_reusable=True),
    "500 html": lambda m: m.add_response(
        status_code=500, html=f"<html>{ECHO}</html>", is_reusable=True
    ),
    "502": lambda m: m.add_response(status_code=502, text=ECHO, is_reusable=True),
    "200 html": lambda m: m.add_response(html=f"<p>{ECHO}</p>", is_reusable=True),
    "invalid json": lambda m: m.add_response(text="{" + ECHO, is_reusable=True),
    "graphql error echoing": lambda m: m.add_response(
        json={"data": None, "errors": [{"message": ECHO, "extensions": {"token": "x"}}]},
        is_reusable=True,
    ),
    "graphql error with secrets in extensions": lambda m: m.add_response(
        json={
            "data": None,
            "errors": [{"message": "no", "extensions": {ECHO: ECHO, "deep": {"list": [ECHO]}}}],
        },
        is_reusable=True,
    ),
    "content type echoing": lambda m: m.add_response(
        text="<p>hello</p>", headers={"content-type": f"text/html; {ECHO}"}, is_reusable=True
    ),
    "request id echoing": lambda m: m.add_response(
        status_code=500, text="oops", headers={"x-request-id": ECHO}, is_reusable=True
    ),
    "missing field": missing_field,
    "wrong type": wrong_type,
    "connect refused": lambda m: m.add_exception(httpx.ConnectError("refused"), is_reusable=True),
    "read timeout": lambda m: m.add_exception(httpx.ReadTimeout("timed out"), is_reusable=True),
    "dropped": lambda m: m.add_exception(httpx.RemoteProtocolError("closed"), is_reusable=True),
}

CALLS: dict[str, Callable[[FleetClient], Awaitable[Any]]] = {
    "create": lambda f: f.install_tokens.create("web", config_id="cfg-0001"),
    "get": lambda f: f.install_tokens.get(INSTALL_TOKEN_VALUE),
    "rename": lambda f: f.install_tokens.rename(INSTALL_TOKEN_VALUE, "renamed"),
    "assign": lambda f: f.install_tokens.assign_configuration(INSTALL_TOKEN_VALUE, "cfg-0001"),
    "delete": lambda f: f.install_tokens.delete(INSTALL_TOKEN_VALUE),
    "ensure": lambda f: f.install_tokens.ensure("web"),
}


def visible_text(error: BaseException) -> str:
    shown = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for value in vars(error).values():
        shown.append(repr(value))
    return "\n".join(shown)


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_failures_leak_no_secret(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
    scenario: str,
) -> None:
    SCENARIOS[scenario](httpx_mock)
    seen: list[str] = [repr(fleet)]
    with caplog.at_level(logging.DEBUG):
        for call in CALLS.values():
            with pytest.raises(LogScaleError) as caught:
                await call(fleet)
            seen.append(visible_text(caught.value))
    seen.extend(record.getMessage() for record in caplog.records)
    seen.extend(caplog.text.splitlines())
    everything = "\n".join(seen)
    for secret in SECRETS:
        assert secret not in everything, f"{scenario}: a secret leaked"


async def test_debug_log_names_operation_status_duration_and_retries(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token()]))
    with caplog.at_level(logging.DEBUG, logger="logscale_fleet"):
        await fleet.install_tokens.list()
    messages = [r.getMessage() for r in caplog.records if r.name == "logscale_fleet"]
    assert any(m.startswith("FleetInstallationTokens -> HTTP 503 in ") for m in messages)
    assert any("ServerError; retry 1 of 2 in" in m for m in messages)
    assert any(m.startswith("FleetInstallationTokens -> HTTP 200 in ") for m in messages)
    assert all(API_TOKEN not in m and INSTALL_TOKEN_VALUE not in m for m in messages)


async def test_successful_results_do_not_show_secrets_in_reprs(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()))
    token = await fleet.install_tokens.create("web")
    for shown in (repr(token), str(token), f"{token}", repr([token])):
        for secret in SECRETS:
            assert secret not in shown
    assert token.token == INSTALL_TOKEN_VALUE


def _our_frames(error: BaseException) -> list[Any]:
    """Frames of this package and the generated one in the error and everything it chains."""
    frames: list[Any] = []
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if "logscale_fleet" in name or "logscale_graphql" in name:
                frames.append(tb.tb_frame)
            tb = tb.tb_next
        pending += [current.__cause__, current.__context__]
    return frames


@pytest.mark.parametrize(
    "fail",
    [
        lambda mock: mock.add_response(status_code=500, text="boom"),
        lambda mock: mock.add_exception(httpx.ReadTimeout("slow")),
        lambda mock: mock.add_response(json={"errors": [{"message": "no"}]}),
    ],
    ids=["5xx", "read-timeout", "graphql-error"],
)
async def test_a_locals_dump_of_a_failed_call_shows_no_api_token(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, fail: Scenario
) -> None:
    """What pytest -l or Sentry would print: every local of every frame of ours, by repr."""
    fail(httpx_mock)
    with pytest.raises(LogScaleError) as caught:
        await fleet.install_tokens.create("web", max_retries=0)
    frames = _our_frames(caught.value)
    names = {frame.f_code.co_name for frame in frames}
    # The call path is in the dump. The base client's `execute` builds the request and hands
    # over the transport's coroutine, so its frame (with the merged headers as an argument)
    # is gone before anything can fail, even when the transport raises mid-request.
    assert {"call", "create", "create_fleet_install_token"} <= names
    assert "execute" not in names
    for frame in frames:
        for local, value in frame.f_locals.items():
            shown = repr(value)
            assert API_TOKEN not in shown, f"{frame.f_code.co_name}() local {local!r} leaks it"


def test_the_header_holder_masks_authorization_in_its_repr() -> None:
    from logscale_fleet._core.executor import RequestHeaders

    held = RequestHeaders({"Authorization": f"Bearer {API_TOKEN}", "User-Agent": "x"})
    assert API_TOKEN not in repr(held)
    assert "'User-Agent': 'x'" in repr(held)
    assert dict(held.items())["Authorization"] == f"Bearer {API_TOKEN}"


INSTALL_TOKEN_CALLS: dict[str, Callable[[FleetClient], Awaitable[object]]] = {
    "get": lambda fleet: fleet.install_tokens.get(INSTALL_TOKEN_VALUE),
    "rename": lambda fleet: fleet.install_tokens.rename(INSTALL_TOKEN_VALUE, "new"),
    "assign": lambda fleet: fleet.install_tokens.assign_configuration(INSTALL_TOKEN_VALUE, None),
    "delete": lambda fleet: fleet.install_tokens.delete(INSTALL_TOKEN_VALUE),
}


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("call", INSTALL_TOKEN_CALLS, ids=str)
async def test_an_install_token_argument_is_masked_because_the_registry_says_so(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, call: str, status: int
) -> None:
    """A server echoing the bare value (no 'token=' or 'Bearer' around it for the generic
    patterns to catch): only the registry's secret_arguments can mask it."""
    echo = f"nothing matches {INSTALL_TOKEN_VALUE}"
    if status == 200:
        httpx_mock.add_response(json={"data": None, "errors": [{"message": echo}]})
    else:
        httpx_mock.add_response(status_code=500, text=echo)
    with pytest.raises(LogScaleError) as caught:
        await INSTALL_TOKEN_CALLS[call](fleet)
    assert "nothing matches ***" in str(caught.value)
    assert INSTALL_TOKEN_VALUE not in str(caught.value)
