"""Compatibility of the committed operations with schemas derived from the slice by one change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from logscale_fleet.schema.check import SchemaSource, build_schema_from
from logscale_fleet.schema.compat import (
    CompatibilityReport,
    FindingKind,
    Severity,
    check_compatibility,
)
from logscale_fleet.schema.documents import OperationSet
from tests.schema.helpers import derive, location_in

BREAKING, DANGEROUS = Severity.BREAKING, Severity.DANGEROUS
CREATE_FIELD = "createFleetInstallToken(name: String!, configId: String)"


def compare(operations: OperationSet, ours: GraphQLSchema, theirs_sdl: str) -> CompatibilityReport:
    theirs = build_schema_from(SchemaSource("derived.graphql", theirs_sdl))
    return check_compatibility(operations, ours, theirs, schema_name="derived.graphql")


@dataclass(frozen=True)
class Where:
    """A selection in queries/: the file, a text unique in it, and where in that line."""

    file: str
    line_text: str
    at: str | None = None

    def resolve(self, project_root: Path) -> str:
        return location_in(
            project_root / "queries" / self.file,
            self.line_text,
            at=self.at,
            relative_to=project_root,
        )


@dataclass(frozen=True)
class Case:
    edits: tuple[tuple[str, str], ...]
    severity: Severity
    kind: FindingKind
    coordinate: str
    where: tuple[Where, ...]
    operations: tuple[str, ...] | None = None  # None: every operation spreading the fragment


TOKEN_FRAGMENT = "InstallTokenFields"

CASES = {
    "field removed": Case(
        (('  """Stability: Short-term"""\n  jwtToken: String!\n', ""),),
        BREAKING,
        FindingKind.FIELD_REMOVED,
        "FleetInstallationToken.jwtToken",
        (Where("fragments.graphql", "jwtToken"),),
    ),
    "selected output loosened to nullable": Case(
        (("jwtToken: String!", "jwtToken: String"),),
        BREAKING,
        FindingKind.FIELD_NULLABLE,
        "FleetInstallationToken.jwtToken",
        (Where("fragments.graphql", "jwtToken"),),
    ),
    "list items loosened to nullable": Case(
        (("results: [FleetInstallationToken!]!", "results: [FleetInstallationToken]!"),),
        BREAKING,
        FindingKind.FIELD_NULLABLE,
        "SearchFleetInstallationTokenResultSet.results",
        (Where("install_tokens.graphql", "results {"),),
        ("SearchFleetInstallationTokens",),
    ),
    "output field type changed": Case(
        (("yamlCharactersCount: Int!", "yamlCharactersCount: String!"),),
        BREAKING,
        FindingKind.TYPE_CHANGED,
        "LogCollectorConfiguration.yamlCharactersCount",
        (Where("fragments.graphql", "yamlCharactersCount"),),
        (
            "LogCollectorConfiguration",
            "SearchLogCollectorConfigurations",
            "CreateLogCollectorConfiguration",
            "UpdateDraftLogCollectorConfiguration",
            "PublishLogCollectorConfiguration",
            "UpdateLogCollectorConfigurationName",
            "UpdateLogCollectorConfigurationDescription",
        ),
    ),
    "argument type changed": Case(
        ((CREATE_FIELD, "createFleetInstallToken(name: String!, configId: ID)"),),
        BREAKING,
        FindingKind.ARGUMENT_TYPE_CHANGED,
        "Mutation.createFleetInstallToken(configId:)",
        (Where("install_tokens.graphql", "createFleetInstallToken(", at="configId:"),),
        ("CreateFleetInstallToken",),
    ),
    "optional argument made required": Case(
        ((CREATE_FIELD, "createFleetInstallToken(name: String!, configId: String!)"),),
        BREAKING,
        FindingKind.ARGUMENT_REQUIRED,
        "Mutation.createFleetInstallToken(configId:)",
        (Where("install_tokens.graphql", "createFleetInstallToken(", at="configId:"),),
        ("CreateFleetInstallToken",),
    ),
    "argument removed": Case(
        ((CREATE_FIELD, "createFleetInstallToken(name: String!)"),),
        BREAKING,
        FindingKind.ARGUMENT_REMOVED,
        "Mutation.createFleetInstallToken(configId:)",
        (Where("install_tokens.graphql", "createFleetInstallToken(", at="configId:"),),
        ("CreateFleetInstallToken",),
    ),
    "required argument added": Case(
        ((CREATE_FIELD, CREATE_FIELD[:-1] + ", labels: [String!]!)"),),
        BREAKING,
        FindingKind.REQUIRED_ARGUMENT_ADDED,
        "Mutation.createFleetInstallToken(labels:)",
        (Where("install_tokens.graphql", "createFleetInstallToken("),),
        ("CreateFleetInstallToken",),
    ),
    "root field moved from Query to Mutation": Case(
        (
            ('  """Stability: Short-term"""\n  fleetInstallationTokens: [', "  oldName: ["),
            (
                "type Mutation {\n",
                "type Mutation {\n  fleetInstallationTokens: [FleetInstallationToken!]!\n",
            ),
        ),
        BREAKING,
        FindingKind.ROOT_FIELD_MOVED,
        "Query.fleetInstallationTokens",
        (Where("install_tokens.graphql", "  fleetInstallationTokens {", at="fleet"),),
        ("FleetInstallationTokens",),
    ),
    "sent enum value removed": Case(
        (("enum OrderBy {\n  DESC\n  ASC\n}", "enum OrderBy {\n  DESC\n}"),),
        BREAKING,
        FindingKind.ENUM_VALUE_REMOVED,
        "OrderBy.ASC",
        (
            Where("collectors.graphql", "$orderBy: OrderBy"),
            Where("configurations.graphql", "$orderBy: OrderBy"),
            Where("groups.graphql", "$orderBy: OrderBy"),
            Where("install_tokens.graphql", "$orderBy: OrderBy"),
        ),
        (
            "SearchFleet",
            "SearchFleetInstallationTokens",
            "SearchLogCollectorConfigurations",
            "SearchLogCollectorGroups",
        ),
    ),
    "variable type removed": Case(
        (
            ("enum FleetInstallationTokens__SortBy {\n  Name\n  ConfigName\n}\n", ""),
            ("sortBy: FleetInstallationTokens__SortBy", "sortBy: String"),
        ),
        BREAKING,
        FindingKind.TYPE_REMOVED,
        "FleetInstallationTokens__SortBy",
        (Where("install_tokens.graphql", "$sortBy: FleetInstallationTokens__SortBy"),),
        ("SearchFleetInstallationTokens",),
    ),
    "field deprecated": Case(
        (("jwtToken: String!", 'jwtToken: String! @deprecated(reason: "Use token.")'),),
        DANGEROUS,
        FindingKind.DEPRECATED,
        "FleetInstallationToken.jwtToken",
        (Where("fragments.graphql", "jwtToken"),),
    ),
    "sent enum value deprecated": Case(
        (("  ASC\n}", '  ASC @deprecated(reason: "Sort descending.")\n}'),),
        DANGEROUS,
        FindingKind.DEPRECATED,
        "OrderBy.ASC",
        (
            Where("collectors.graphql", "$orderBy: OrderBy"),
            Where("configurations.graphql", "$orderBy: OrderBy"),
            Where("groups.graphql", "$orderBy: OrderBy"),
            Where("install_tokens.graphql", "$orderBy: OrderBy"),
        ),
        (
            "SearchFleet",
            "SearchFleetInstallationTokens",
            "SearchLogCollectorConfigurations",
            "SearchLogCollectorGroups",
        ),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_one_change_gives_exactly_the_expected_findings(
    case: Case,
    slice_sdl: str,
    our_schema: GraphQLSchema,
    fleet_operations: OperationSet,
    project_root: Path,
) -> None:
    derived = slice_sdl
    for old, new in case.edits:
        derived = derive(derived, old, new)
    report = compare(fleet_operations, our_schema, derived)

    expected_operations = case.operations or fleet_operations.users[TOKEN_FRAGMENT]
    assert [str(f.location) for f in report.findings] == [
        w.resolve(project_root) for w in case.where
    ], [str(f) for f in report.findings]
    for finding in report.findings:
        assert finding.severity is case.severity
        assert finding.kind is case.kind
        assert finding.coordinate == case.coordinate
        assert set(finding.operations) <= set(expected_operations)
    assert {op for f in report.findings for op in f.operations} == set(expected_operations)
    other = report.dangerous if case.severity is BREAKING else report.breaking
    same = report.breaking if case.severity is BREAKING else report.dangerous
    assert same == report.findings
    assert other == ()


def test_a_finding_in_a_fragment_names_every_operation_sending_it(
    fleet_operations: OperationSet,
) -> None:
    users = fleet_operations.users[TOKEN_FRAGMENT]
    assert {"CreateFleetInstallToken", "FleetInstallationTokens"} <= set(users)
    assert "LogCollectorConfiguration" not in users


HARMLESS = {
    "optional argument added": (CREATE_FIELD, CREATE_FIELD[:-1] + ", labels: [String!])"),
    "enum value added to an enum we only send": (
        "enum OrderBy {\n  DESC\n  ASC\n}",
        "enum OrderBy {\n  DESC\n  ASC\n  RELEVANCE\n}",
    ),
    "selected output tightened to non-null": (
        "assignedConfiguration: LogCollectorConfiguration\n",
        "assignedConfiguration: LogCollectorConfiguration!\n",
    ),
    "required argument loosened to optional": (
        "deleteFleetInstallToken(token: String!)",
        "deleteFleetInstallToken(token: String)",
    ),
    "description changed": (
        '"""A configuration file for a log collector"""',
        '"""Stability: Preview"""',
    ),
    "unrelated type and root field added": (
        "type Mutation {\n",
        "type Mutation {\n  createRepository(name: String!): Repository!\n}\n\n"
        "type Repository {\n  name: String!\n}\n\nextend type Mutation {\n",
    ),
}


@pytest.mark.parametrize("edit", HARMLESS.values(), ids=HARMLESS.keys())
def test_changes_that_do_not_affect_our_operations_are_not_findings(
    edit: tuple[str, str],
    slice_sdl: str,
    our_schema: GraphQLSchema,
    fleet_operations: OperationSet,
) -> None:
    report = compare(fleet_operations, our_schema, derive(slice_sdl, *edit))
    assert report.findings == (), [str(f) for f in report.findings]


def test_the_slice_is_compatible_with_itself(
    slice_sdl: str, our_schema: GraphQLSchema, fleet_operations: OperationSet
) -> None:
    assert compare(fleet_operations, our_schema, slice_sdl).findings == ()


def test_a_schema_without_mutations_breaks_every_mutation(
    slice_sdl: str, our_schema: GraphQLSchema, fleet_operations: OperationSet
) -> None:
    start = slice_sdl.index("type Mutation {")
    end = slice_sdl.index("}\n", start) + 2
    report = compare(fleet_operations, our_schema, slice_sdl[:start] + slice_sdl[end:])
    assert {f.coordinate for f in report.findings} == {
        "Mutation.assignLogCollectorConfiguration",
        "Mutation.assignLogCollectorsToConfiguration",
        "Mutation.createFleetInstallToken",
        "Mutation.createLogCollectorGroup",
        "Mutation.deleteFleetInstallToken",
        "Mutation.deleteLogCollectorGroup",
        "Mutation.disableLogCollectorInstanceDebugLogging",
        "Mutation.enableLogCollectorInstanceDebugLogging",
        "Mutation.setLostCollectorDays",
        "Mutation.setWantedLogCollectorVersion",
        "Mutation.unenrollLogCollectors",
        "Mutation.updateFleetInstallTokenConfigId",
        "Mutation.updateFleetInstallTokenName",
        "Mutation.updateLogCollectorGroupConfigIds",
        "Mutation.updateLogCollectorGroupFilter",
        "Mutation.updateLogCollectorGroupName",
        "Mutation.updateLogCollectorGroupWantedVersion",
        "Mutation.createLogCollectorConfiguration",
        "Mutation.updateDraftLogCollectorConfiguration",
        "Mutation.publishLogCollectorConfiguration",
        "Mutation.updateLogCollectorConfigurationName",
        "Mutation.updateLogCollectorConfigurationDescription",
        "Mutation.deleteLogCollectorConfiguration",
        "Mutation.startLogCollectorConfigurationTest",
        "Mutation.addToLogCollectorConfigurationTest",
        "Mutation.removeFromLogCollectorConfigurationTest",
        "Mutation.stopLogCollectorConfigurationTest",
    }
    assert all(f.kind is FindingKind.FIELD_REMOVED for f in report.findings)
    assert "the schema has no Mutation type" in report.findings[0].message


def test_finding_text_names_location_coordinate_and_operations(
    slice_sdl: str,
    our_schema: GraphQLSchema,
    fleet_operations: OperationSet,
    project_root: Path,
) -> None:
    derived = derive(
        slice_sdl, CREATE_FIELD, "createFleetInstallToken(name: String!, configId: ID)"
    )
    (finding,) = compare(fleet_operations, our_schema, derived).findings
    where = Where("install_tokens.graphql", "createFleetInstallToken(", at="configId:")
    assert str(finding) == (
        f"{where.resolve(project_root)}: Mutation.createFleetInstallToken(configId:): "
        "argument type changed: String -> ID; the operation passes $configId: String "
        "[CreateFleetInstallToken]"
    )
    assert finding.definition == "CreateFleetInstallToken"
