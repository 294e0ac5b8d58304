"""`schema pull`: make the project's `schema.graphql` slice from a full LogScale schema."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from logscale_fleet.schema.config import ROOT_FIELDS_KEY, string_list
from logscale_fleet.schema.operations import load_operation_files, used_root_fields
from logscale_fleet.schema.prune import SchemaSlice, prune_schema, source_digest


def configured_root_fields(pyproject: Path) -> list[str]:
    """Root fields the project keeps in its slice even when no operation selects them yet."""
    return string_list(pyproject, ROOT_FIELDS_KEY)


def slice_root_fields(project_dir: Path) -> list[str]:
    """Every root field the slice needs: those the operations use plus the configured ones."""
    operations = load_operation_files(project_dir / "queries")
    fields = used_root_fields(operations) | set(
        configured_root_fields(project_dir / "pyproject.toml")
    )
    return sorted(fields)


def pull_from_sdl(
    sdl: str, *, source_name: str, root_fields: Iterable[str], version: str | None = None
) -> SchemaSlice:
    """Prune `sdl` to `root_fields`, with a header naming where the slice came from."""
    header = [
        "The LogScale Fleet Management slice of the LogScale GraphQL schema.",
        "Made by `logscale-fleet schema pull`; edit the source or the root fields, not this file.",
        f"Source: {source_name} (sha256 {source_digest(sdl)})",
    ]
    if version:
        header.append(f"LogScale version: {version}")
    return prune_schema(sdl, root_fields, source_name=source_name, header_lines=header)
