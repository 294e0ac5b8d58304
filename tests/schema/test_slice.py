"""schema.graphql is the exact fleet slice of the reference LogScale schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    ObjectTypeDefinitionNode,
    TypeDefinitionNode,
    build_schema,
    parse,
    print_ast,
)

from logscale_fleet.errors import InvalidInputError
from logscale_fleet.schema.operations import load_operation_files, used_root_fields
from logscale_fleet.schema.prune import named_type, prune_schema
from logscale_fleet.schema.pull import configured_root_fields, pull_from_sdl, slice_root_fields

ISSUE_ROOT_FIELDS = {
    "createFleetInstallToken",
    "updateFleetInstallTokenName",
    "updateFleetInstallTokenConfigId",
    "deleteFleetInstallToken",
    "fleetInstallationToken",
    "fleetInstallationTokens",
    "searchFleetInstallationTokens",
    "defaultFleetInstallationToken",
    "logCollectorConfiguration",
    "searchLogCollectorConfigurations",
    # issue 14: collector configurations end to end
    "createLogCollectorConfiguration",
    "updateDraftLogCollectorConfiguration",
    "publishLogCollectorConfiguration",
    "updateLogCollectorConfigurationName",
    "updateLogCollectorConfigurationDescription",
    "deleteLogCollectorConfiguration",
    "startLogCollectorConfigurationTest",
    "addToLogCollectorConfigurationTest",
    "removeFromLogCollectorConfigurationTest",
    "stopLogCollectorConfigurationTest",
    "logCollectorMergedConfiguration",
    # groups, collectors, installers (issue 15)
    "searchLogCollectorGroups",
    "createLogCollectorGroup",
    "updateLogCollectorGroupName",
    "updateLogCollectorGroupFilter",
    "updateLogCollectorGroupConfigIds",
    "updateLogCollectorGroupWantedVersion",
    "deleteLogCollectorGroup",
    "searchFleet",
    "getLogCollectorDetails",
    "assignLogCollectorConfiguration",
    "assignLogCollectorsToConfiguration",
    "unenrollLogCollectors",
    "setWantedLogCollectorVersion",
    "enableLogCollectorInstanceDebugLogging",
    "disableLogCollectorInstanceDebugLogging",
    "getLostCollectorDays",
    "setLostCollectorDays",
    "logCollectorInstallers",
    "logCollectorVersionsAvailable",
}


def _types(document: DocumentNode) -> dict[str, TypeDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, TypeDefinitionNode)}


def _committed_slice(project_root: Path) -> str:
    return (project_root / "schema.graphql").read_text(encoding="utf-8")


def test_slice_has_exactly_the_fleet_root_fields(project_root: Path) -> None:
    types = _types(parse(_committed_slice(project_root)))
    root_fields = {
        field.name.value
        for root in ("Query", "Mutation")
        for field in getattr(types[root], "fields", None) or ()
    }
    assert root_fields == ISSUE_ROOT_FIELDS


def test_every_slice_type_and_field_is_identical_to_the_reference(
    project_root: Path, reference_sdl: str
) -> None:
    reference = _types(parse(reference_sdl))
    sliced = _types(parse(_committed_slice(project_root)))
    for name, definition in sliced.items():
        assert name in reference, f"{name} is not in the reference schema"
        original = reference[name]
        if name in ("Query", "Mutation"):
            assert isinstance(definition, ObjectTypeDefinitionNode)
            assert isinstance(original, ObjectTypeDefinitionNode)
            original_fields = {f.name.value: f for f in original.fields or ()}
            for field in definition.fields or ():
                assert print_ast(field) == print_ast(original_fields[field.name.value]), (
                    f"{name}.{field.name.value} differs from the reference"
                )
        else:
            assert print_ast(definition) == print_ast(original), f"{name} differs"


def test_slice_is_closed_and_minimal(project_root: Path) -> None:
    """Every type the slice names is defined in it, and every defined type is reachable."""
    schema = build_schema(_committed_slice(project_root))  # fails on a dangling reference
    document = parse(_committed_slice(project_root))
    types = _types(document)
    reachable: set[str] = set()
    pending = ["Query", "Mutation"]
    while pending:
        name = pending.pop()
        if name in reachable or name not in types:
            continue
        reachable.add(name)
        definition = types[name]
        for field in getattr(definition, "fields", None) or ():
            pending.append(named_type(field.type))
            pending.extend(named_type(a.type) for a in getattr(field, "arguments", None) or ())
        # A union reaches its members (searchFleet answers one).
        pending.extend(member.name.value for member in getattr(definition, "types", None) or ())
    assert reachable == set(types)
    assert schema.query_type is not None
    assert schema.mutation_type is not None


def test_descriptions_keep_stability_levels(project_root: Path) -> None:
    sdl = _committed_slice(project_root)
    assert '"""Stability: Long-term"""\n  createFleetInstallToken(' in sdl
    assert sdl.count("Stability: Short-term") >= 5


def test_header_names_the_source(project_root: Path) -> None:
    header = _committed_slice(project_root).splitlines()[:3]
    assert any("Source: logscale-schema-2025-10.graphql (sha256 " in line for line in header)


def test_regenerating_from_the_reference_reproduces_the_committed_slice(
    project_root: Path, reference_sdl: str
) -> None:
    regenerated = pull_from_sdl(
        reference_sdl,
        source_name="logscale-schema-2025-10.graphql",
        root_fields=slice_root_fields(project_root),
    )
    assert regenerated.sdl == _committed_slice(project_root)
    again = pull_from_sdl(
        reference_sdl,
        source_name="logscale-schema-2025-10.graphql",
        root_fields=reversed(slice_root_fields(project_root)),
    )
    assert again.sdl == regenerated.sdl


def test_root_fields_come_from_operations_and_configuration(project_root: Path) -> None:
    used = used_root_fields(load_operation_files(project_root / "queries"))
    assert used == ISSUE_ROOT_FIELDS
    assert set(configured_root_fields(project_root / "pyproject.toml")) == ISSUE_ROOT_FIELDS


SMALL_SDL = """
interface Node { id: ID! }
type Thing implements Node { id: ID! label: Label }
type Other implements Node { id: ID! }
enum Label { A B }
type Unused { x: Int }
input Filter { label: Label }
type Query {
  thing(filter: Filter): Thing
  node: Node
  unused: Unused
}
"""


def test_prune_follows_arguments_interfaces_and_implementations() -> None:
    result = prune_schema(SMALL_SDL, ["node", "thing"], source_name="small")
    assert set(result.type_names) == {"Query", "Node", "Thing", "Other", "Label", "Filter"}
    assert "Unused" not in result.sdl
    assert "unused:" not in result.sdl


def test_prune_rejects_an_unknown_root_field() -> None:
    with pytest.raises(InvalidInputError, match="no root field named nothing"):
        prune_schema(SMALL_SDL, ["nothing"], source_name="small")


def test_prune_rejects_invalid_sdl_naming_the_source_and_position() -> None:
    with pytest.raises(
        InvalidInputError, match=r"broken\.graphql is not valid GraphQL SDL.*line 1"
    ):
        prune_schema("type {", ["x"], source_name="broken.graphql")
