"""Stability levels of the fields the operations select, and the Preview allow-list."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema

from logscale_fleet.errors import ConfigurationError
from logscale_fleet.schema.check import SchemaSource, build_schema_from, check_project
from logscale_fleet.schema.config import allowed_preview_fields
from logscale_fleet.schema.documents import OperationSet
from logscale_fleet.schema.stability import (
    StabilityLevel,
    stability_of_description,
    stability_of_field,
    stability_report,
)
from tests.schema.helpers import derive

JWT_SHORT_TERM = '  """Stability: Short-term"""\n  jwtToken: String!'
JWT_PREVIEW = '  """Stability: Preview"""\n  jwtToken: String!'


@pytest.mark.parametrize(
    ("description", "level"),
    [
        ("Stability: Long-term", StabilityLevel.LONG_TERM),
        ("Search log collector configurations.\nStability: Short-term", StabilityLevel.SHORT_TERM),
        ("Stability: Preview\n", StabilityLevel.PREVIEW),
        ("[PREVIEW: Under development] Lists the parsers.", StabilityLevel.PREVIEW),
        ("Mentions Stability: Long-term mid-sentence", StabilityLevel.UNKNOWN),
        ("A plain description.", StabilityLevel.UNKNOWN),
        (None, StabilityLevel.UNKNOWN),
    ],
)
def test_levels_are_read_from_descriptions(description: str | None, level: StabilityLevel) -> None:
    assert stability_of_description(description) is level


def test_a_stability_directive_is_read_when_there_is_no_description() -> None:
    schema = build_schema(
        "enum StabilityLevel { Preview ShortTerm LongTerm }\n"
        "directive @stability(level: StabilityLevel!) on FIELD_DEFINITION\n"
        "type Query { a: Int @stability(level: Preview) b: Int }"
    )
    fields = schema.query_type.fields if schema.query_type else {}
    assert stability_of_field(fields["a"]) is StabilityLevel.PREVIEW
    assert stability_of_field(fields["b"]) is StabilityLevel.UNKNOWN


def test_reference_levels_of_the_fleet_fields(
    reference_schema: GraphQLSchema, fleet_operations: OperationSet
) -> None:
    report = stability_report(fleet_operations, reference_schema, schema_name="reference")
    assert report.level_of("Mutation.createFleetInstallToken") is StabilityLevel.LONG_TERM
    token_fields = [f for f in report.fields if f.coordinate.startswith("FleetInstallationToken.")]
    assert {f.coordinate.split(".")[1] for f in token_fields} == {
        "name",
        "token",
        "jwtToken",
        "assignedConfiguration",
        "installationCommands",
    }
    assert {f.level for f in token_fields} == {StabilityLevel.SHORT_TERM}
    assert report.violations == ()
    roots = [f for f in report.fields if f.root]
    assert len(roots) == 40
    # Configurations: Short-term, except delete and addTo...Test (Long-term); none is Preview.
    assert report.level_of("Mutation.publishLogCollectorConfiguration") is StabilityLevel.SHORT_TERM
    assert report.level_of("Mutation.deleteLogCollectorConfiguration") is StabilityLevel.LONG_TERM
    assert report.level_of("FleetConfigurationTest.collectorIds") is StabilityLevel.SHORT_TERM
    assert all(f.level is not StabilityLevel.UNKNOWN for f in report.fields)


def test_the_slice_keeps_the_same_levels(
    our_schema: GraphQLSchema, fleet_operations: OperationSet
) -> None:
    report = stability_report(fleet_operations, our_schema, schema_name="schema.graphql")
    assert report.level_of("Mutation.createFleetInstallToken") is StabilityLevel.LONG_TERM
    assert report.level_of("FleetInstallationToken.jwtToken") is StabilityLevel.SHORT_TERM
    (entry,) = [f for f in report.fields if f.coordinate == "FleetInstallationToken.jwtToken"]
    assert set(entry.operations) == set(fleet_operations.users["InstallTokenFields"])
    assert [str(loc).split(":")[0] for loc in entry.locations] == ["queries/fragments.graphql"]


def test_a_preview_field_fails_unless_allowed(
    slice_sdl: str, our_schema: GraphQLSchema, fleet_operations: OperationSet
) -> None:
    preview = build_schema_from(
        SchemaSource("preview.graphql", derive(slice_sdl, JWT_SHORT_TERM, JWT_PREVIEW))
    )
    denied = stability_report(fleet_operations, preview, schema_name="preview.graphql")
    assert [f.coordinate for f in denied.violations] == ["FleetInstallationToken.jwtToken"]

    allowed = stability_report(
        fleet_operations,
        preview,
        schema_name="preview.graphql",
        allow_preview=["FleetInstallationToken.jwtToken", "Query.somethingElse"],
    )
    assert allowed.violations == ()
    assert allowed.level_of("FleetInstallationToken.jwtToken") is StabilityLevel.PREVIEW
    assert allowed.unused_allowances == ("Query.somethingElse",)


def test_an_old_style_preview_marker_counts_as_preview(
    slice_sdl: str, fleet_operations: OperationSet
) -> None:
    old_style = derive(
        slice_sdl, JWT_SHORT_TERM, '  """[PREVIEW: Experimental] The JWT."""\n  jwtToken: String!'
    )
    report = stability_report(
        fleet_operations, build_schema_from(SchemaSource("old", old_style)), schema_name="old"
    )
    assert [f.coordinate for f in report.violations] == ["FleetInstallationToken.jwtToken"]


def test_the_check_reads_levels_from_the_schema_checked_against(
    checked_project: Path, slice_sdl: str
) -> None:
    against = SchemaSource("next.graphql", derive(slice_sdl, JWT_SHORT_TERM, JWT_PREVIEW))
    report = check_project(checked_project, against=against, include_generated=False)
    assert report.exit_code == 1
    assert report.failures == ("against next.graphql: 1 Preview field(s) not allowed",)
    assert report.stability.schema == "next.graphql"
    assert report.targets[0].verdict.value == "preview"

    # Without --against the project's own slice is what is checked: Short-term there.
    assert check_project(checked_project, include_generated=False).ok


def test_the_allow_list_is_read_from_pyproject(checked_project: Path, slice_sdl: str) -> None:
    pyproject = checked_project / "pyproject.toml"
    pyproject.write_text(
        '[tool.logscale-fleet]\nallow-preview = ["FleetInstallationToken.jwtToken"]\n',
        encoding="utf-8",
    )
    assert allowed_preview_fields(pyproject) == {"FleetInstallationToken.jwtToken"}
    against = SchemaSource("next.graphql", derive(slice_sdl, JWT_SHORT_TERM, JWT_PREVIEW))
    report = check_project(checked_project, against=against, include_generated=False)
    assert report.ok, report.failures
    (entry,) = [f for f in report.stability.fields if f.level is StabilityLevel.PREVIEW]
    assert entry.allowed


@pytest.mark.parametrize(
    "setting", ['allow-preview = "Query.x"', 'allow-preview = ["jwtToken"]', "allow-preview = [1]"]
)
def test_a_malformed_allow_list_is_a_configuration_error(tmp_path: Path, setting: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.logscale-fleet]\n{setting}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="allow-preview"):
        allowed_preview_fields(pyproject)


def test_no_pyproject_means_nothing_allowed(tmp_path: Path) -> None:
    assert allowed_preview_fields(tmp_path / "pyproject.toml") == frozenset()
