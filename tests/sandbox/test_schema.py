"""The sandbox answers from the same schema.graphql the client is generated from."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.sandbox.app import build_schema, schema_path
from tests.conftest import PROJECT_ROOT


def test_a_checkout_uses_the_repository_schema() -> None:
    assert schema_path() == PROJECT_ROOT / "schema.graphql"


def test_every_root_field_has_a_resolver() -> None:
    schema = build_schema()

    assert schema.query_type is not None
    assert schema.mutation_type is not None
    for root in (schema.query_type, schema.mutation_type):
        for name, field in root.fields.items():
            assert field.resolve is not None, name


def test_a_root_field_without_resolver_fails_at_build_time(tmp_path: Path) -> None:
    grown = tmp_path / "schema.graphql"
    sdl = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
    grown.write_text(sdl.replace("type Query {", "type Query {\n  fleetColour: String"))

    with pytest.raises(RuntimeError, match=r"no resolver for Query\.fleetColour"):
        build_schema(grown)
