"""FleetClient's operations: what they send, what they return, pagination, ensure, input rules."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpx import HTTPXMock

from logscale_fleet import (
    ConfigurationError,
    FleetClient,
    InvalidInputError,
    ServerError,
    TransportError,
    __version__,
)
from logscale_fleet._core.validation import MAX_NAME_LENGTH
from logscale_graphql.base_client import OPERATION_HEADER
from tests.payloads import CONFIGURATION, data, install_token
from tests.unit.conftest import API_TOKEN, RecordingFleetClient


def bodies(httpx_mock: HTTPXMock) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in httpx_mock.get_requests()]


async def test_requests_carry_auth_user_agent_and_operation(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()))
    token = await fleet.install_tokens.create("web", config_id="cfg-0001")
    request = httpx_mock.get_requests()[0]
    assert request.url == "https://logscale.example.com/graphql"
    assert request.headers["Authorization"] == f"Bearer {API_TOKEN}"
    assert request.headers["User-Agent"].startswith(f"logscale-fleet/{__version__} ")
    assert request.headers[OPERATION_HEADER] == "CreateFleetInstallToken"
    assert bodies(httpx_mock)[0]["variables"] == {"name": "web", "configId": "cfg-0001"}
    assert token.installation_commands.linux_command.startswith("curl")


async def test_create_without_config_sends_no_config_id(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token(configured=False)))
    token = await fleet.install_tokens.create("web")
    assert bodies(httpx_mock)[0]["variables"] == {"name": "web"}
    assert token.assigned_configuration is None


async def test_get_returns_none_for_an_unknown_token(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationToken=None))
    assert await fleet.install_tokens.get("unknown") is None
    assert bodies(httpx_mock)[0]["variables"] == {"token": "unknown"}


async def test_assign_none_unassigns_with_an_explicit_null(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json=data(updateFleetInstallTokenConfigId=install_token(configured=False))
    )
    token = await fleet.install_tokens.assign_configuration("tok", None)
    assert bodies(httpx_mock)[0]["variables"] == {"token": "tok", "configId": None}
    assert token.assigned_configuration is None


@pytest.mark.parametrize("answer", [True, False])
async def test_delete_returns_the_servers_answer(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, answer: bool
) -> None:
    httpx_mock.add_response(json=data(deleteFleetInstallToken=answer))
    assert await fleet.install_tokens.delete("tok") is answer
    assert bodies(httpx_mock)[0]["variables"] == {"token": "tok"}


async def test_default_token_may_be_absent(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(defaultFleetInstallationToken=None))
    assert await fleet.install_tokens.default() is None


def page(tokens: list[dict[str, Any]], total: int) -> dict[str, Any]:
    return data(searchFleetInstallationTokens={"totalResults": total, "results": tokens})


async def test_iteration_pages_until_the_total(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    tokens = [install_token(f"t{i}", token=f"tok-{i}") for i in range(5)]
    httpx_mock.add_response(json=page(tokens[:2], 5))
    httpx_mock.add_response(json=page(tokens[2:4], 5))
    httpx_mock.add_response(json=page(tokens[4:], 5))
    names = [
        t.name async for t in fleet.install_tokens.iter(page_size=2, sort_by="config", order="desc")
    ]
    assert names == ["t0", "t1", "t2", "t3", "t4"]
    sent = [b["variables"] for b in bodies(httpx_mock)]
    assert sent == [
        {"skip": skip, "limit": 2, "sortBy": "ConfigName", "orderBy": "DESC"} for skip in (0, 2, 4)
    ]


async def test_iteration_never_yields_a_token_twice_when_pages_shift(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    a, b, c = (install_token(n, token=f"tok-{n}") for n in "abc")
    httpx_mock.add_response(json=page([a, b], 3))
    httpx_mock.add_response(json=page([b, c], 3))  # a token was created before a
    names = [t.name async for t in fleet.install_tokens.iter(page_size=2)]
    assert names == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("argument", "value", "rule"),
    [("page_size", 0, "page_size"), ("sort_by", "size", "sort_by"), ("order", "up", "order")],
)
async def test_iteration_arguments_are_checked_before_sending(
    fleet: RecordingFleetClient, argument: str, value: Any, rule: str
) -> None:
    with pytest.raises(InvalidInputError, match=rule):
        async for _ in fleet.install_tokens.iter(**{argument: value}):
            pass


async def test_list_configurations_pages_and_filters(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json=data(searchLogCollectorConfigurations={"totalResults": 1, "results": [CONFIGURATION]})
    )
    configs = await fleet.configurations.list(search="linux")
    assert [c.id for c in configs] == ["cfg-0001"]
    assert bodies(httpx_mock)[0]["variables"] == {"searchFilter": "linux", "skip": 0, "limit": 200}


async def test_get_configuration(fleet: RecordingFleetClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=data(logCollectorConfiguration=CONFIGURATION))
    config = await fleet.configurations.get("cfg-0001")
    assert config.name == "linux-syslog"
    assert bodies(httpx_mock)[0]["variables"] == {"id": "cfg-0001"}


# -- ensure ------------------------------------------------------------------------------


async def test_ensure_returns_an_existing_token_unchanged(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token("web")]))
    token, created = await fleet.install_tokens.ensure("web", config_id="cfg-0001")
    assert (token.name, created) == ("web", False)
    assert [b["operationName"] for b in bodies(httpx_mock)] == ["FleetInstallationTokens"]


async def test_ensure_reassigns_a_different_configuration(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token("web")]))
    httpx_mock.add_response(
        json=data(updateFleetInstallTokenConfigId=install_token("web", configured=False))
    )
    token, created = await fleet.install_tokens.ensure("web", config_id=None)
    assert created is False
    assert token.assigned_configuration is None
    assert [b["operationName"] for b in bodies(httpx_mock)] == [
        "FleetInstallationTokens",
        "UpdateFleetInstallTokenConfigId",
    ]


async def test_ensure_creates_a_missing_token(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token("other")]))
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token("web")))
    token, created = await fleet.install_tokens.ensure("web", config_id="cfg-0001")
    assert (token.name, created) == ("web", True)
    create = bodies(httpx_mock)[1]
    assert create["operationName"] == "CreateFleetInstallToken"
    assert create["variables"] == {"name": "web", "configId": "cfg-0001"}
    # Nothing is held for the name once the ensure is over.
    assert len(fleet.install_tokens._ensure_locks) == 0


async def test_ensure_after_an_ambiguous_create_finds_the_token_that_landed(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token("web")]))
    token, created = await fleet.install_tokens.ensure("web", config_id="cfg-0001")
    assert (token.name, created) == ("web", True)
    operations = [b["operationName"] for b in bodies(httpx_mock)]
    assert operations.count("CreateFleetInstallToken") == 1


async def test_ensure_after_an_ambiguous_create_that_did_not_land_raises(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    httpx_mock.add_response(status_code=502)
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    with pytest.raises(ServerError):
        await fleet.install_tokens.ensure("web")
    operations = [b["operationName"] for b in bodies(httpx_mock)]
    assert operations.count("CreateFleetInstallToken") == 1


async def test_ensure_does_not_look_again_when_the_create_surely_failed(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("refused"))
    with pytest.raises(TransportError):
        await fleet.install_tokens.ensure("web")
    assert len(httpx_mock.get_requests()) == 4


async def test_ensure_refuses_an_ambiguous_name(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    twins = [install_token("web", token="t1"), install_token("web", token="t2")]
    httpx_mock.add_response(json=data(fleetInstallationTokens=twins))
    with pytest.raises(InvalidInputError, match="2 install tokens are already named 'web'"):
        await fleet.install_tokens.ensure("web")


# -- input rules ---------------------------------------------------------------------------

BAD_NAMES = [
    ("", "empty"),
    ("   ", "empty"),
    (" web", "whitespace"),
    ("web\n", "whitespace"),
    ("we\x00b", "control"),
    ("we\u200bb", "control"),
    ("x" * (MAX_NAME_LENGTH + 1), "at most 255"),
    (42, "must be a string"),
]


@pytest.mark.parametrize(("name", "rule"), BAD_NAMES)
async def test_bad_names_fail_before_sending(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, name: Any, rule: str
) -> None:
    with pytest.raises(InvalidInputError, match=rule) as caught:
        await fleet.install_tokens.create(name)
    assert isinstance(caught.value, ValueError)
    assert caught.value.argument == "name"
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda f: f.install_tokens.get(""), "token"),
        (lambda f: f.install_tokens.delete("a b"), "token"),
        (lambda f: f.install_tokens.rename("tok", ""), "new_name"),
        (lambda f: f.install_tokens.assign_configuration("tok", ""), "config_id"),
        (lambda f: f.install_tokens.create("web", config_id=""), "config_id"),
        (lambda f: f.configurations.get("\t"), "config_id"),
        (lambda f: f.install_tokens.ensure("web", config_id="x\ny"), "config_id"),
    ],
)
async def test_bad_ids_fail_before_sending(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, call: Any, argument: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await call(fleet)
    assert caught.value.argument == argument
    assert httpx_mock.get_requests() == []


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=300))
def test_any_text_is_either_a_valid_name_or_a_clear_input_error(name: str) -> None:
    from logscale_fleet._core.validation import check_name

    try:
        assert check_name(name) == name
    except InvalidInputError as error:
        assert error.argument == "name"
        assert str(error).startswith("invalid name: ")
    else:
        assert name
        assert name.strip() == name
        assert len(name) <= MAX_NAME_LENGTH


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=50))
def test_any_text_is_either_a_valid_id_or_a_clear_error_that_does_not_echo_it(value: str) -> None:
    from logscale_fleet._core.validation import check_id

    try:
        check_id(value, "token")
    except InvalidInputError as error:
        assert error.argument == "token"
        if len(value) > 3:
            assert value not in str(error)
    else:
        assert value
        assert not any(ch.isspace() for ch in value)


def test_the_aiohttp_backend_without_the_extra_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    monkeypatch.delitem(sys.modules, "logscale_fleet._core.aiohttp", raising=False)
    with pytest.raises(ConfigurationError, match=r"uv tool install '\.\[aiohttp\]'"):
        FleetClient("https://x.example.com", "t", http_backend="aiohttp")


def test_an_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="http_backend"):
        FleetClient("https://x.example.com", "t", http_backend="curl")  # type: ignore[arg-type]


async def test_a_callers_http_client_is_used_and_left_open(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    own = httpx.AsyncClient(timeout=3)
    async with FleetClient("https://x.example.com", API_TOKEN, http_client=own) as fleet:
        assert await fleet.install_tokens.list() == []
    assert not own.is_closed
    assert httpx_mock.get_requests()[0].headers["Authorization"] == f"Bearer {API_TOKEN}"
    await own.aclose()


async def test_ensure_gives_a_timed_out_create_time_to_land(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token("web")]))
    token, created = await fleet.install_tokens.ensure("web", config_id="cfg-0001")
    assert (token.name, created) == ("web", True)
    assert fleet.waits == [30.0]
    operations = [b["operationName"] for b in bodies(httpx_mock)]
    assert operations.count("CreateFleetInstallToken") == 1
    assert bodies(httpx_mock)[1]["variables"] == {"name": "web", "configId": "cfg-0001"}


@pytest.mark.parametrize(
    ("existing", "wanted", "action"),
    [
        ([], "cfg-0001", "created"),
        ([install_token("web")], "cfg-0001", "unchanged"),
        ([install_token("web")], None, "updated"),
    ],
)
async def test_reconcile_says_what_it_did(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    existing: list[dict[str, Any]],
    wanted: str | None,
    action: str,
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=existing))
    if action == "created":
        httpx_mock.add_response(json=data(createFleetInstallToken=install_token("web")))
    if action == "updated":
        httpx_mock.add_response(
            json=data(updateFleetInstallTokenConfigId=install_token("web", configured=False))
        )
    outcome = await fleet.install_tokens.reconcile("web", config_id=wanted)
    assert outcome.action == action
    assert outcome.token.name == "web"


async def test_concurrent_ensures_of_one_name_share_a_lock_then_release_it(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(fleetInstallationTokens=[]))
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token("web")))
    httpx_mock.add_response(json=data(fleetInstallationTokens=[install_token("web")]))
    first, second = await asyncio.gather(
        fleet.install_tokens.ensure("web", config_id="cfg-0001"),
        fleet.install_tokens.ensure("web", config_id="cfg-0001"),
    )
    assert sorted([first[1], second[1]]) == [False, True]
    operations = [b["operationName"] for b in bodies(httpx_mock)]
    assert operations.count("CreateFleetInstallToken") == 1
    assert len(fleet.install_tokens._ensure_locks) == 0


async def test_ensure_sends_its_per_call_options_through_the_engine(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    # ensure is a one-item plan: the engine's reads and writes still carry the caller's options.
    httpx_mock.add_response(status_code=502)
    with pytest.raises(ServerError):
        await fleet.install_tokens.ensure("web", max_retries=0)
    assert len(httpx_mock.get_requests()) == 1
