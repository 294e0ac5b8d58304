"""The registry binds every root field of schema.graphql; a field it lacks says so clearly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from ariadne import load_schema_from_path
from graphql import build_schema as parse_sdl

from logscale_fleet.sandbox import registry
from logscale_fleet.sandbox.app import SandboxApp, build_schema
from logscale_fleet.sandbox.store import SandboxStore
from tests.conftest import PROJECT_ROOT


def test_every_root_field_of_the_schema_has_a_resolver_or_is_listed_as_not_emulated() -> None:
    schema = parse_sdl(load_schema_from_path(str(PROJECT_ROOT / "schema.graphql")))
    resolved = set(registry.resolvers())
    unlisted = [
        field
        for field in registry.root_fields(schema)
        if field not in resolved and field not in registry.NOT_EMULATED
    ]

    assert unlisted == [], "add a resolver in sandbox/services/ or a reason to NOT_EMULATED"


def test_every_resolver_belongs_to_a_root_field_of_the_schema() -> None:
    # A resolver keyed with a typo ("Query.fleetInstalationToken") would never be called.
    schema = parse_sdl(load_schema_from_path(str(PROJECT_ROOT / "schema.graphql")))

    assert set(registry.resolvers()) <= set(registry.root_fields(schema))
    assert set(registry.NOT_EMULATED) <= set(registry.root_fields(schema))


def test_two_services_claiming_one_field_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    first = {"Query.x": lambda *_: None}
    monkeypatch.setattr(registry, "SERVICES", (first, dict(first)))

    with pytest.raises(RuntimeError, match=r"two sandbox services resolve Query\.x"):
        registry.resolvers()


def test_a_root_field_without_resolver_answers_that_the_sandbox_does_not_emulate_it(
    tmp_path: Path,
) -> None:
    grown = tmp_path / "schema.graphql"
    sdl = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
    grown.write_text(sdl.replace("type Query {", "type Query {\n  fleetColour: String"))
    store = SandboxStore()
    app = SandboxApp(store, "api-token", schema=build_schema(grown))

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
            return await http.post(
                "/graphql",
                headers={"Authorization": "Bearer api-token"},
                json={"query": "{ fleetColour defaultFleetInstallationToken { name } }"},
            )

    response = asyncio.run(ask())
    store.close()

    body = response.json()
    assert response.status_code == 200
    assert [e["message"] for e in body["errors"]] == [
        "the logscale-fleet sandbox does not emulate Query.fleetColour; it answers only the "
        "operations of the project's schema slice (see the README, 'The sandbox')"
    ]
    assert body["data"] == {
        "fleetColour": None,
        "defaultFleetInstallationToken": {"name": "default"},
    }
