"""Deeply nested JSON from the server is an InvalidResponseError, never a bare RecursionError:
a 200 answer, a 400 error body, an error's extensions, a model field, the status endpoint and an
introspection `ofType` chain, on both wire paths."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from logscale_fleet import FleetClient, GraphQLError, InvalidResponseError
from logscale_fleet._core.http import HttpBackend
from logscale_fleet._core.introspection import sdl_from_introspection
from tests.reliability.hostile_server import Behaviour, head, hostile_server

DEPTH = 100_000  # far past the interpreter's recursion limit
DEEP = "[" * DEPTH + "]" * DEPTH


# The library's calls, each in one place (their names may move into namespaces).
async def call(fleet: FleetClient) -> object:
    return await fleet.install_tokens.list()


async def server_version(fleet: FleetClient) -> str | None:
    return await fleet.server_version()


async def schema_sdl(fleet: FleetClient) -> str:
    return await fleet.fetch_schema_sdl()


def answers(body: str, status: str = "200 OK") -> Behaviour:
    raw = body.encode()

    async def behaviour(writer: asyncio.StreamWriter) -> None:
        writer.write(head(status, "application/json", f"content-length: {len(raw)}\r\n") + raw)
        await writer.drain()

    return behaviour


def client(url: str, backend: HttpBackend) -> FleetClient:
    return FleetClient(url, "t", timeout=5, max_retries=0, http_backend=backend)


@pytest.fixture(params=["httpx", "aiohttp"])
def backend(request: pytest.FixtureRequest) -> HttpBackend:
    choice: HttpBackend = request.param
    return choice


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (DEEP, "200 OK"),
        ('{"data": {"fleetInstallationTokens": ' + DEEP + "}}", "200 OK"),
        ('{"errors": [{"message": "bad", "extensions": {"x": ' + DEEP + "}}]}", "400 Bad Request"),
        ('{"errors": ' + DEEP + "}", "422 Unprocessable Entity"),
    ],
    ids=["200 answer", "200 data", "400 error body", "422 error list"],
)
async def test_a_deep_answer_is_an_invalid_response(
    backend: HttpBackend, body: str, status: str
) -> None:
    with hostile_server(answers(body, status)) as url:
        async with client(url, backend) as fleet:
            with pytest.raises(InvalidResponseError, match="nested too deeply") as caught:
                await call(fleet)
    assert caught.value.status_code == int(status.split()[0])


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"inner": [value]}
    return value


async def test_deep_extensions_within_the_parser_limit_are_kept_bounded(
    backend: HttpBackend,
) -> None:
    # Shallow enough for json.loads, deep enough to break a recursive walk over extensions.
    body = json.dumps({"errors": [{"message": "bad", "extensions": {"why": nested(400)}}]})
    with hostile_server(answers(body)) as url:
        async with client(url, backend) as fleet:
            with pytest.raises(GraphQLError, match="bad") as caught:
                await call(fleet)
    # Kept only to a bounded depth, so a repr() or a JSON dump of the error cannot recurse.
    assert "'...'" in repr(caught.value.errors[0].extensions)


async def test_a_deep_model_field_is_an_invalid_response(backend: HttpBackend) -> None:
    body = json.dumps({"data": {"fleetInstallationTokens": [nested(400)]}})
    with hostile_server(answers(body)) as url:
        async with client(url, backend) as fleet:
            with pytest.raises(InvalidResponseError, match="does not fit the generated model"):
                await call(fleet)


async def test_a_deep_status_answer_means_no_version(backend: HttpBackend) -> None:
    with hostile_server(answers(DEEP)) as url:
        async with client(url, backend) as fleet:
            assert await server_version(fleet) is None


# Parses as JSON, but graphql-core's build_client_schema recurses past the limit on it.
OF_TYPE_LEVELS = 600


def deep_introspection(levels: int = OF_TYPE_LEVELS) -> dict[str, Any]:
    field_type: dict[str, Any] = {"kind": "SCALAR", "name": "String", "ofType": None}
    for level in range(levels):
        field_type = {
            "kind": "LIST" if level % 2 else "NON_NULL",
            "name": None,
            "ofType": field_type,
        }
    query: dict[str, Any] = {
        "kind": "OBJECT",
        "name": "Query",
        "description": None,
        "fields": [
            {
                "name": "deep",
                "description": None,
                "args": [],
                "type": field_type,
                "isDeprecated": False,
                "deprecationReason": None,
            }
        ],
        "interfaces": [],
    }
    string = {"kind": "SCALAR", "name": "String", "description": None}
    return {
        "__schema": {
            "queryType": {"name": "Query"},
            "mutationType": None,
            "subscriptionType": None,
            "types": [query, string],
            "directives": [],
        }
    }


@pytest.mark.parametrize("levels", [OF_TYPE_LEVELS, DEPTH // 10], ids=["schema", "json"])
async def test_a_deep_introspection_answer_is_an_invalid_response(
    backend: HttpBackend, levels: int
) -> None:
    # json.dumps itself recurses; the chain is written out by hand.
    body = '{"data": ' + _dump_iteratively(deep_introspection(levels)) + "}"
    with hostile_server(answers(body)) as url:
        async with client(url, backend) as fleet:
            with pytest.raises(InvalidResponseError, match="nested too deeply"):
                await schema_sdl(fleet)


def test_a_deep_introspection_result_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponseError, match="nested too deeply"):
        sdl_from_introspection(deep_introspection(), operation="IntrospectionQuery")


def _dump_iteratively(value: dict[str, Any]) -> str:
    """json.dumps for the introspection above: the `type` chain without recursion."""
    schema = value["__schema"]
    query, string = schema["types"]
    chain = query["fields"][0]["type"]
    opened: list[str] = []
    while chain["ofType"] is not None:
        opened.append(f'{{"kind": "{chain["kind"]}", "name": null, "ofType": ')
        chain = chain["ofType"]
    type_text = "".join(opened) + json.dumps(chain) + "}" * len(opened)
    field = dict(query["fields"][0], type="@TYPE@")
    query_text = json.dumps(dict(query, fields=[field])).replace('"@TYPE@"', type_text)
    rest = dict(schema, types="@TYPES@")
    return json.dumps({"__schema": rest}).replace(
        '"@TYPES@"', "[" + query_text + ", " + json.dumps(string) + "]"
    )
