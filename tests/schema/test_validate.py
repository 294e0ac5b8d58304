"""Check 1: the operations are valid against schema.graphql, errors reported as file:line:col."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLSchema

from logscale_fleet.schema.check import check_project
from logscale_fleet.schema.documents import OperationSet, operations_from_texts
from logscale_fleet.schema.validate import validate_operations


def test_the_committed_operations_are_valid(
    our_schema: GraphQLSchema, fleet_operations: OperationSet
) -> None:
    report = validate_operations(our_schema, fleet_operations, schema_name="schema.graphql")
    assert report.ok, [str(e) for e in report.errors]
    assert "CreateFleetInstallToken" in report.operations
    assert len(report.operations) >= 10


def test_an_invalid_operation_is_reported_with_file_line_and_column(
    checked_project: Path,
) -> None:
    (checked_project / "queries" / "broken.graphql").write_text(
        "query Broken {\n  fleetInstallationTokens {\n    nme\n  }\n}\n", encoding="utf-8"
    )
    report = check_project(checked_project, include_generated=False)
    assert [str(e) for e in report.operations.errors] == [
        "queries/broken.graphql:3:5: Cannot query field 'nme' on type 'FleetInstallationToken'."
        " Did you mean 'name'?"
    ]
    assert report.exit_code == 1
    assert report.failures == ("1 invalid operation error(s)",)


def test_a_syntax_error_is_reported_and_the_other_files_still_checked(
    checked_project: Path,
) -> None:
    (checked_project / "queries" / "a_broken.graphql").write_text(
        "query Broken {\n  fleetInstallationTokens {\n", encoding="utf-8"
    )
    (checked_project / "queries" / "z_wrong.graphql").write_text(
        "query Wrong { nothing }\n", encoding="utf-8"
    )
    report = check_project(checked_project, include_generated=False)
    assert [str(e) for e in report.operations.errors] == [
        "queries/a_broken.graphql:3:1: Syntax Error: Expected Name, found <EOF>.",
        "queries/z_wrong.graphql:1:15: Cannot query field 'nothing' on type 'Query'.",
    ]


def test_fragments_in_another_file_and_unused_fragments_are_fine(
    our_schema: GraphQLSchema,
) -> None:
    operations = operations_from_texts(
        [
            ("ops.graphql", "query Names {\n  fleetInstallationTokens {\n    ...Name\n  }\n}\n"),
            (
                "fragments.graphql",
                "fragment Name on FleetInstallationToken { name }\n"
                "fragment Unused on FleetInstallationToken { token }\n",
            ),
        ]
    )
    assert validate_operations(our_schema, operations, schema_name="s").ok


def test_an_error_spanning_files_locates_each_node_in_its_own_file(
    our_schema: GraphQLSchema,
) -> None:
    operations = operations_from_texts(
        [
            ("a.graphql", "query Token($id: Int) {\n  ...TokenById\n}\n"),
            (
                "b.graphql",
                "# a comment line\n"
                "fragment TokenById on Query {\n"
                "  fleetInstallationToken(id: $id) {\n    name\n  }\n}\n",
            ),
        ]
    )
    (error,) = validate_operations(our_schema, operations, schema_name="s").errors
    assert "Variable '$id' of type 'Int' used in position expecting type 'String!'" in (
        error.message
    )
    assert [str(loc) for loc in error.locations] == ["a.graphql:1:13", "b.graphql:3:30"]


def test_an_anonymous_operation_is_refused_for_codegen(our_schema: GraphQLSchema) -> None:
    operations = operations_from_texts([("x.graphql", "{ fleetInstallationTokens { name } }")])
    (error,) = validate_operations(our_schema, operations, schema_name="s").errors
    assert str(error) == "x.graphql:1:1: Operation has no name; ariadne-codegen needs one."
