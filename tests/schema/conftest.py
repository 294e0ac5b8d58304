"""Fixtures for the schema-check tests: the project's slice and operations, parsed once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from logscale_fleet.schema.check import SchemaSource, build_schema_from
from logscale_fleet.schema.documents import OperationSet, read_operations


@pytest.fixture(scope="session")
def slice_sdl(project_root: Path) -> str:
    return (project_root / "schema.graphql").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def our_schema(slice_sdl: str) -> GraphQLSchema:
    return build_schema_from(SchemaSource("schema.graphql", slice_sdl))


@pytest.fixture(scope="session")
def fleet_operations(project_root: Path) -> OperationSet:
    return read_operations(project_root / "queries", relative_to=project_root)


@pytest.fixture(scope="session")
def reference_schema(reference_sdl: str) -> GraphQLSchema:
    return build_schema_from(SchemaSource("logscale-schema-2025-10.graphql", reference_sdl))


@pytest.fixture
def checked_project(project_root: Path, tmp_path: Path) -> Path:
    """A copy of what `schema check --skip-generated` reads, safe to edit."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copytree(project_root / "queries", copy / "queries")
    for name in ("schema.graphql", "pyproject.toml"):
        shutil.copy2(project_root / name, copy / name)
    return copy
