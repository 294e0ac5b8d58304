"""The sandbox answers from the same schema.graphql the client is generated from."""

from __future__ import annotations

from logscale_fleet.sandbox.app import schema_path
from tests.conftest import PROJECT_ROOT


def test_a_checkout_uses_the_repository_schema() -> None:
    assert schema_path() == PROJECT_ROOT / "schema.graphql"
