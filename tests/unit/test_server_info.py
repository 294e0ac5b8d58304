"""Introspection and server version, for `schema pull --url`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import build_schema, introspection_from_schema
from pytest_httpx import HTTPXMock

from logscale_fleet import InvalidResponseError
from tests.unit.conftest import RecordingFleetClient


async def test_fetch_schema_sdl_keeps_descriptions(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, project_root: Path
) -> None:
    schema = build_schema((project_root / "schema.graphql").read_text())
    httpx_mock.add_response(json={"data": introspection_from_schema(schema)})
    sdl = await fleet.fetch_schema_sdl()
    assert '"""Stability: Long-term"""\n  createFleetInstallToken(' in sdl
    body = json.loads(httpx_mock.get_requests()[0].content)
    assert body["operationName"] == "IntrospectionQuery"
    assert "description" in body["query"]


async def test_an_unusable_introspection_answer_is_an_invalid_response(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": {"__schema": {"types": "nope"}}})
    with pytest.raises(InvalidResponseError, match="not a usable schema"):
        await fleet.fetch_schema_sdl()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"status":"OK","version":"1.204.1--build-123"}', "1.204.1--build-123"),
        (200, b"<html>", None),
        (200, b'{"status":"OK"}', None),
        (404, b"", None),
    ],
)
async def test_server_version(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    status: int,
    body: bytes,
    expected: str | None,
) -> None:
    httpx_mock.add_response(
        url="https://logscale.example.com/api/v1/status", status_code=status, content=body
    )
    assert await fleet.server_version() == expected
