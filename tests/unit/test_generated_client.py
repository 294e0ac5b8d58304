"""The generated client sends the right GraphQL and parses LogScale's answers into typed models."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpx import HTTPXMock

from logscale_graphql import Client
from logscale_graphql.base_client import (
    OPERATION_HEADER,
    GraphQLErrorsError,
    HTTPStatusError,
    MalformedResponseError,
)
from logscale_graphql.enums import (
    FleetConfiguration__SortBy,
    FleetInstallationTokens__SortBy,
    OrderBy,
)
from tests.payloads import CONFIGURATION, GRAPHQL_URL, INSTALL_JWT, data, install_token


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with Client(GRAPHQL_URL, httpx.AsyncClient(timeout=5)) as generated:
        yield generated


def sent(httpx_mock: HTTPXMock) -> dict[str, Any]:
    requests = httpx_mock.get_requests()
    assert len(requests) == 1
    request = requests[0]
    assert request.method == "POST"
    assert str(request.url) == GRAPHQL_URL
    assert request.headers["content-type"] == "application/json"
    body: dict[str, Any] = json.loads(request.content)
    assert request.headers[OPERATION_HEADER] == body["operationName"]
    return body


def first_definition(query: str) -> str:
    return query.strip().splitlines()[0].strip()


async def test_create_sends_name_and_leaves_an_omitted_config_id_out(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()))
    result = await client.create_fleet_install_token(name="my-token")
    body = sent(httpx_mock)
    assert body["operationName"] == "CreateFleetInstallToken"
    assert first_definition(body["query"]).startswith(
        "mutation CreateFleetInstallToken($name: String!, $configId: String)"
    )
    assert "fragment InstallTokenFields on FleetInstallationToken" in body["query"]
    assert body["variables"] == {"name": "my-token"}
    token = result.create_fleet_install_token
    assert token.name == "my-token"
    assert token.jwt_token == INSTALL_JWT
    assert token.assigned_configuration is not None
    assert token.assigned_configuration.id == "cfg-0001"
    commands = token.installation_commands
    assert token.token in commands.linux_command
    assert token.token in commands.windows_command
    assert token.token in commands.macos_command


async def test_create_sends_config_id_and_an_explicit_null_only_when_asked(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()))
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token(configured=False)))
    await client.create_fleet_install_token(name="my-token", config_id="cfg-0001")
    result = await client.create_fleet_install_token(name="my-token", config_id=None)
    first, second = (json.loads(r.content) for r in httpx_mock.get_requests())
    assert first["variables"] == {"name": "my-token", "configId": "cfg-0001"}
    assert second["variables"] == {"name": "my-token", "configId": None}
    assert result.create_fleet_install_token.assigned_configuration is None


@pytest.mark.parametrize(
    ("call", "kwargs", "operation", "variables", "payload"),
    [
        (
            "update_fleet_install_token_name",
            {"token": "t1", "name": "renamed"},
            "UpdateFleetInstallTokenName",
            {"token": "t1", "name": "renamed"},
            {"updateFleetInstallTokenName": install_token("renamed", token="t1")},
        ),
        (
            "update_fleet_install_token_config_id",
            {"token": "t1", "config_id": "cfg-0001"},
            "UpdateFleetInstallTokenConfigId",
            {"token": "t1", "configId": "cfg-0001"},
            {"updateFleetInstallTokenConfigId": install_token(token="t1")},
        ),
        (
            "update_fleet_install_token_config_id",
            {"token": "t1", "config_id": None},
            "UpdateFleetInstallTokenConfigId",
            {"token": "t1", "configId": None},
            {"updateFleetInstallTokenConfigId": install_token(token="t1", configured=False)},
        ),
        (
            "delete_fleet_install_token",
            {"token": "t1"},
            "DeleteFleetInstallToken",
            {"token": "t1"},
            {"deleteFleetInstallToken": True},
        ),
        (
            "fleet_installation_token",
            {"token": "t1"},
            "FleetInstallationToken",
            {"token": "t1"},
            {"fleetInstallationToken": install_token(token="t1")},
        ),
        (
            "fleet_installation_tokens",
            {},
            "FleetInstallationTokens",
            {},
            {"fleetInstallationTokens": [install_token("a", token="t1"), install_token("b")]},
        ),
        (
            "default_fleet_installation_token",
            {},
            "DefaultFleetInstallationToken",
            {},
            {"defaultFleetInstallationToken": None},
        ),
        (
            "search_fleet_installation_tokens",
            {
                "skip": 100,
                "limit": 50,
                "sort_by": FleetInstallationTokens__SortBy.ConfigName,
                "order_by": OrderBy.DESC,
            },
            "SearchFleetInstallationTokens",
            {"skip": 100, "limit": 50, "sortBy": "ConfigName", "orderBy": "DESC"},
            {"searchFleetInstallationTokens": {"totalResults": 1, "results": [install_token()]}},
        ),
        (
            "log_collector_configuration",
            {"id": "cfg-0001"},
            "LogCollectorConfiguration",
            {"id": "cfg-0001"},
            {"logCollectorConfiguration": CONFIGURATION},
        ),
        (
            "search_log_collector_configurations",
            {"search_filter": "linux", "sort_by": FleetConfiguration__SortBy.LastModified},
            "SearchLogCollectorConfigurations",
            {"searchFilter": "linux", "sortBy": "LastModified"},
            {"searchLogCollectorConfigurations": {"totalResults": 1, "results": [CONFIGURATION]}},
        ),
    ],
)
async def test_every_operation_sends_its_document_name_and_variables(
    client: Client,
    httpx_mock: HTTPXMock,
    call: str,
    kwargs: dict[str, Any],
    operation: str,
    variables: dict[str, Any],
    payload: dict[str, Any],
) -> None:
    httpx_mock.add_response(json={"data": payload})
    result = await getattr(client, call)(**kwargs)
    body = sent(httpx_mock)
    assert body["operationName"] == operation
    assert f" {operation}" in first_definition(body["query"])
    assert body["variables"] == variables
    assert result.model_dump(by_alias=True, mode="json") == payload


async def test_configuration_parses_datetimes_and_optional_fields(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    with_millis = {**CONFIGURATION, "modifiedAt": "2025-10-01T12:30:45.123Z"}
    httpx_mock.add_response(json=data(logCollectorConfiguration=with_millis))
    result = await client.log_collector_configuration(id="cfg-0001")
    config = result.log_collector_configuration
    assert config.modified_at == datetime(2025, 10, 1, 12, 30, 45, 123000, tzinfo=timezone.utc)
    assert config.draft_modified_at is None
    assert config.yaml_characters_count == 63
    assert config.is_test_running is False


async def test_a_response_missing_a_required_field_names_it(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    broken = install_token()
    del broken["installationCommands"]["macosCommand"]
    httpx_mock.add_response(json=data(createFleetInstallToken=broken))
    with pytest.raises(pydantic.ValidationError) as caught:
        await client.create_fleet_install_token(name="my-token")
    (error,) = caught.value.errors()
    assert error["type"] == "missing"
    assert error["loc"] == ("createFleetInstallToken", "installationCommands", "macosCommand")


async def test_http_failures_keep_the_response(client: Client, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=401, text="The supplied authentication is invalid")
    with pytest.raises(HTTPStatusError) as caught:
        await client.fleet_installation_tokens()
    assert caught.value.response.status_code == 401


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>Bad gateway</html>", "not JSON"),
        (b"", "not JSON"),
        (b"[1, 2]", "not a GraphQL response"),
        (b'{"data": null}', "'data' is missing"),
        (b'{"errors": "boom"}', "'errors' is not a list"),
    ],
)
async def test_malformed_bodies_are_reported(
    client: Client, httpx_mock: HTTPXMock, body: bytes, reason: str
) -> None:
    httpx_mock.add_response(content=body)
    with pytest.raises(MalformedResponseError, match=reason):
        await client.fleet_installation_tokens()


async def test_graphql_errors_carry_partial_data(client: Client, httpx_mock: HTTPXMock) -> None:
    errors = [{"message": "No configuration with id 'nope'", "path": ["createFleetInstallToken"]}]
    httpx_mock.add_response(json={"data": None, "errors": errors})
    with pytest.raises(GraphQLErrorsError) as caught:
        await client.create_fleet_install_token(name="x", config_id="nope")
    assert caught.value.errors == errors
    assert caught.value.data is None


def test_model_reprs_mask_tokens_jwts_and_install_commands() -> None:
    from logscale_graphql.fragments import InstallTokenFields

    model = InstallTokenFields.model_validate(install_token())
    for shown in (repr(model), str(model), repr(model.installation_commands)):
        assert model.token not in shown
        assert INSTALL_JWT not in shown
        assert "***" in shown
    assert "my-token" in repr(model)
    assert model.model_dump()["token"] == model.token


async def test_the_body_is_the_compact_json_of_query_name_and_variables(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    from logscale_graphql import base_client

    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()))
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()))
    await client.create_fleet_install_token(name='quote " and \u00e9', config_id=None)
    await client.create_fleet_install_token(name="second")
    first, second = httpx_mock.get_requests()
    payload = json.loads(first.content)
    assert first.content == json.dumps(payload, separators=(",", ":")).encode()
    assert list(payload) == ["query", "operationName", "variables"]
    assert payload["variables"] == {"name": 'quote " and \u00e9', "configId": None}
    assert json.loads(second.content)["variables"] == {"name": "second"}
    assert json.loads(second.content)["query"] == payload["query"]
    assert payload["operationName"] == "CreateFleetInstallToken"
    assert (payload["query"], "CreateFleetInstallToken") in base_client._ENCODED_PREFIXES


async def test_the_same_document_under_another_name_sends_that_name(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": {}}, is_reusable=True)
    query = "query A { __typename } query B { __typename }"
    for name in ("A", "B", None, "A"):
        await client.execute(query, operation_name=name, variables={"v": 1})
    sent = [json.loads(request.content) for request in httpx_mock.get_requests()]
    assert [body["operationName"] for body in sent] == ["A", "B", None, "A"]
    assert all(body["query"] == query and body["variables"] == {"v": 1} for body in sent)


async def test_documents_of_its_own_callers_send_do_not_grow_the_cache_without_bound(
    client: Client, httpx_mock: HTTPXMock
) -> None:
    from logscale_graphql import base_client

    limit = base_client.MAX_ENCODED_PREFIXES
    httpx_mock.add_response(json={"data": {}}, is_reusable=True)
    for number in range(limit + 20):
        query = f"query Q{number} {{ __typename }}"
        response = await client.execute(query, operation_name=f"Q{number}")
        assert json.loads(httpx_mock.get_requests()[-1].content)["query"] == query
        assert response.status_code == 200
    assert len(base_client._ENCODED_PREFIXES) <= limit


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_the_kept_encoder_writes_what_json_dumps_writes(value: Any) -> None:
    from logscale_graphql import base_client

    expected = json.dumps(value, separators=(",", ":"), default=base_client._json_default)
    assert base_client._dumps(value) == expected


def test_the_kept_encoder_sends_models_by_alias_and_refuses_other_objects() -> None:
    from logscale_graphql import base_client
    from logscale_graphql.input_types import SearchFleetVersionFilter

    model = SearchFleetVersionFilter.model_validate({"needsUpdate": True})
    assert base_client._dumps({"v": [model]}) == '{"v":[{"needsUpdate":true}]}'
    assert base_client._dumps({"v": [model]}) == json.dumps(
        {"v": [model.model_dump(by_alias=True, exclude_unset=True)]}, separators=(",", ":")
    )
    with pytest.raises(TypeError, match="cannot send a object"):
        base_client._dumps({"v": object()})
