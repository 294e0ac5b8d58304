"""HTTP behaviour around GraphQL: auth, status endpoint, validation, body limits, routing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from logscale_fleet.sandbox.app import AUTH_FAILURE_BODY, DEFAULT_MAX_BODY_BYTES, SANDBOX_VERSION
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_graphql import Client
from logscale_graphql.base_client import HTTPStatusError
from tests.sandbox.conftest import http_client

ROUTES = [
    ("POST", "/graphql"),
    ("GET", "/api/v1/status"),
    ("POST", "/_sandbox/reset"),
    ("GET", "/_sandbox/faults"),
    ("POST", "/_sandbox/faults"),
    ("DELETE", "/_sandbox/faults"),
    ("GET", "/no/such/route"),
]
LIST_QUERY = {"query": "query FleetInstallationTokens { fleetInstallationTokens { name } }"}


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer", ""],
    ids=["missing", "wrong", "basic", "empty-bearer", "blank"],
)
async def test_every_route_needs_the_token(
    logscale_sandbox: ThreadedSandbox, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with http_client(base_url=logscale_sandbox.url) as http:
        response = await http.request(method, path, headers=headers, json=LIST_QUERY)

    assert response.status_code == 401
    assert response.text == AUTH_FAILURE_BODY
    assert response.headers["content-type"].startswith("text/plain")


async def test_bad_token_surfaces_as_http_401_in_the_generated_client(
    logscale_sandbox: ThreadedSandbox,
) -> None:
    http = http_client(headers={"Authorization": "Bearer nope"})
    async with Client(logscale_sandbox.graphql_url, http) as client:
        with pytest.raises(HTTPStatusError) as exc:
            await client.fleet_installation_tokens()

    assert exc.value.response.status_code == 401


async def test_the_bearer_scheme_is_case_insensitive(logscale_sandbox: ThreadedSandbox) -> None:
    headers = {"Authorization": f"BEARER {logscale_sandbox.token}"}
    async with http_client(base_url=logscale_sandbox.url) as http:
        response = await http.get("/api/v1/status", headers=headers)

    assert response.status_code == 200


async def test_status(raw: httpx.AsyncClient) -> None:
    response = await raw.get("/api/v1/status")

    assert response.status_code == 200
    assert response.json() == {"status": "OK", "version": SANDBOX_VERSION}


async def test_invalid_document_gets_a_validation_error(raw: httpx.AsyncClient) -> None:
    response = await raw.post("/graphql", json={"query": "{ fleetInstallationTokens { color } }"})

    # LogScale answers 400 with GraphQL errors for documents that do not validate.
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["message"] == "Cannot query field 'color' on type 'FleetInstallationToken'."
    assert errors[0]["locations"] == [{"line": 1, "column": 29}]
    assert "data" not in response.json()


async def test_syntax_error_gets_a_graphql_error(raw: httpx.AsyncClient) -> None:
    response = await raw.post("/graphql", json={"query": "{ fleetInstallationTokens { "})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Syntax Error")


async def test_missing_required_variable(raw: httpx.AsyncClient) -> None:
    query = "query Q($t: String!) { fleetInstallationToken(id: $t) { name } }"
    response = await raw.post("/graphql", json={"query": query, "variables": {}})

    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert message == "Variable '$t' of required type 'String!' was not provided."


async def test_introspection_works(raw: httpx.AsyncClient) -> None:
    response = await raw.post("/graphql", json={"query": "{ __schema { mutationType { name } } }"})

    assert response.json() == {"data": {"__schema": {"mutationType": {"name": "Mutation"}}}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "request body is not valid JSON"),
        (b"", "request body is not valid JSON"),
        (b"\xff\xfe", "request body is not valid JSON"),
        (b"[1, 2]", "the body must be a JSON object"),
        (b'{"variables": {}}', "the body must have a 'query' string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "'variables' must be a JSON object"),
    ],
)
async def test_malformed_bodies_get_a_clear_400_and_the_server_keeps_serving(
    raw: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await raw.post("/graphql", content=body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith(message)
    assert (await raw.post("/graphql", json=LIST_QUERY)).status_code == 200


async def test_oversized_body_gets_413_and_the_server_keeps_serving(
    raw: httpx.AsyncClient,
) -> None:
    padding = "x" * (DEFAULT_MAX_BODY_BYTES + 1)
    response = await raw.post("/graphql", json={"query": "{ __typename }", "pad": padding})

    assert response.status_code == 413
    assert "request body too large" in response.json()["errors"][0]["message"]
    assert (await raw.post("/graphql", json=LIST_QUERY)).status_code == 200


async def test_oversized_chunked_body_gets_413(raw: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * 65536

    # No Content-Length: the limit has to be enforced while reading.
    response = await raw.post("/graphql", content=chunks())

    assert response.status_code == 413
    assert (await raw.post("/graphql", json=LIST_QUERY)).status_code == 200


async def test_lenient_json_accepts_raw_newlines_in_strings(raw: httpx.AsyncClient) -> None:
    body = b'{"query": "{\n  fleetInstallationTokens { name }\n}"}'

    response = await raw.post("/graphql", content=body)

    assert response.status_code == 200
    assert response.json()["data"]["fleetInstallationTokens"][0]["name"] == "default"


async def test_unknown_route_is_404_and_wrong_method_405(raw: httpx.AsyncClient) -> None:
    missing = await raw.get("/api/v2/nothing")
    wrong_method = await raw.get("/graphql")

    assert missing.status_code == 404
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"


async def test_reset_endpoint(raw: httpx.AsyncClient, logscale_sandbox: ThreadedSandbox) -> None:
    logscale_sandbox.store.install_tokens.create("left-over")

    response = await raw.post("/_sandbox/reset")

    assert response.status_code == 200
    assert [t.name for t in logscale_sandbox.store.install_tokens.all()] == ["default"]


async def test_error_messages_never_echo_the_api_token(
    raw: httpx.AsyncClient, logscale_sandbox: ThreadedSandbox
) -> None:
    query = "mutation { deleteFleetInstallToken(token: %s) }"
    response = await raw.post("/graphql", json={"query": query % f'"{logscale_sandbox.token}"'})

    assert logscale_sandbox.token not in response.text
