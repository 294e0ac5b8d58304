"""Compatibility cases the fleet operations cannot show: a received enum, input objects, literal
arguments, interfaces. A small test-only schema and its operations, changed one thing at a time."""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema

from logscale_fleet.schema.check import SchemaSource, build_schema_from
from logscale_fleet.schema.compat import (
    CompatibilityReport,
    FindingKind,
    Severity,
    check_compatibility,
)
from logscale_fleet.schema.documents import OperationSet, operations_from_texts
from tests.schema.helpers import derive

SCHEMA = """\
type Query {
  item(id: ID!): Item
  search(filter: Filter, first: Int): [Item!]!
  node(id: ID): Node
  unused: Unused
}

interface Node {
  id: ID!
}

type Item implements Node {
  id: ID!
  status: Status!
}

type Other implements Node {
  id: ID!
}

enum Status {
  OPEN
  CLOSED
}

input Filter {
  status: Status
  text: String
}

type Unused {
  count: Int!
}
"""

ITEMS = """\
query Item($id: ID!) {
  item(id: $id) {
    id
    status
  }
}

query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Item {
      status
    }
  }
}
"""

SEARCH = """\
query Search($filter: Filter) {
  search(filter: $filter, first: 10) {
    id
  }
}

query Literal {
  search(filter: {text: "x"}) {
    id
  }
}
"""


@pytest.fixture(scope="module")
def operations() -> OperationSet:
    result = operations_from_texts([("items.graphql", ITEMS), ("search.graphql", SEARCH)])
    assert result.syntax_errors == ()
    return result


@pytest.fixture(scope="module")
def ours() -> GraphQLSchema:
    return build_schema_from(SchemaSource("ours.graphql", SCHEMA))


def compare(operations: OperationSet, ours: GraphQLSchema, old: str, new: str) -> list[str]:
    report: CompatibilityReport = check_compatibility(
        operations,
        ours,
        build_schema_from(SchemaSource("theirs.graphql", derive(SCHEMA, old, new))),
        schema_name="theirs.graphql",
    )
    return [
        f"{f.severity.value} {f.kind.value} {f.coordinate} {f.location} {','.join(f.operations)}"
        for f in report.findings
    ]


CASES: dict[str, tuple[str, str, list[str]]] = {
    "enum value added to a received enum": (
        "  OPEN\n  CLOSED\n",
        "  OPEN\n  CLOSED\n  ARCHIVED\n",
        [
            # Status is also sent (Filter.status), where a new value is harmless.
            "dangerous enum-value-added Status.ARCHIVED items.graphql:4:5 Item",
            "dangerous enum-value-added Status.ARCHIVED items.graphql:12:7 Node",
        ],
    ),
    "enum value removed from an enum sent in an input object": (
        "  OPEN\n  CLOSED\n",
        "  OPEN\n",
        ["breaking enum-value-removed Status.CLOSED search.graphql:1:14 Search"],
    ),
    "input field made required": (
        "  text: String\n",
        "  text: String!\n",
        ["breaking input-field-became-required Filter.text search.graphql:1:14 Search"],
    ),
    "input field type changed": (
        "  text: String\n",
        "  text: [String]\n",
        ["breaking input-field-type-changed Filter.text search.graphql:1:14 Search"],
    ),
    "required input field added (the literal object is caught by validation)": (
        "  text: String\n",
        "  text: String\n  limit: Int!\n",
        [
            "breaking required-input-field-added Filter.limit search.graphql:1:14 Search",
            "breaking invalid-operation None search.graphql:8:18 Literal",
        ],
    ),
    "input field removed": (
        "  text: String\n",
        "",
        [
            "breaking input-field-removed Filter.text search.graphql:1:14 Search",
            "breaking invalid-operation None search.graphql:8:19 Literal",
        ],
    ),
    "argument passed as a literal changed type": (
        "first: Int",
        "first: Boolean",
        ["breaking argument-type-changed Query.search(first:) search.graphql:2:27 Search"],
    ),
    "new implementation of a received interface": (
        "type Other implements Node {",
        "type Third implements Node {\n  id: ID!\n}\n\ntype Other implements Node {",
        ["dangerous possible-type-added Third items.graphql:9:3 Node"],
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_one_change_gives_exactly_the_expected_findings(
    case: tuple[str, str, list[str]], operations: OperationSet, ours: GraphQLSchema
) -> None:
    old, new, expected = case
    assert compare(operations, ours, old, new) == expected


HARMLESS = {
    "unrelated type changed": ("  count: Int!\n", "  count: String\n"),
    "argument made required where a non-null variable always fills it": (
        "node(id: ID)",
        "node(id: ID!)",
    ),
    "input field loosened": (
        "  status: Status\n  text: String\n",
        "  status: Status\n  text: String\n  since: String\n",
    ),
}


@pytest.mark.parametrize("edit", HARMLESS.values(), ids=HARMLESS.keys())
def test_changes_that_do_not_affect_the_operations_are_not_findings(
    edit: tuple[str, str], operations: OperationSet, ours: GraphQLSchema
) -> None:
    assert compare(operations, ours, *edit) == []


def test_severities_split_the_report(operations: OperationSet, ours: GraphQLSchema) -> None:
    theirs = derive(SCHEMA, "  OPEN\n  CLOSED\n", "  OPEN\n  ARCHIVED\n")
    report = check_compatibility(
        operations,
        ours,
        build_schema_from(SchemaSource("theirs", theirs)),
        schema_name="theirs",
    )
    assert [f.kind for f in report.breaking] == [FindingKind.ENUM_VALUE_REMOVED]
    assert [f.kind for f in report.dangerous] == [FindingKind.ENUM_VALUE_ADDED] * 2
    assert {f.severity for f in report.findings} == {Severity.BREAKING, Severity.DANGEROUS}


def test_a_renamed_type_breaks_the_fields_returning_it_and_the_fragment_on_it(
    operations: OperationSet, ours: GraphQLSchema
) -> None:
    theirs = build_schema_from(SchemaSource("theirs", SCHEMA.replace("Item", "Entry")))
    report = check_compatibility(operations, ours, theirs, schema_name="theirs")
    assert [f"{f.kind.value} {f.coordinate} {f.location} {f.message}" for f in report.findings] == [
        "type-changed Query.item items.graphql:2:3 type changed: Item -> Entry",
        "type-removed Item items.graphql:11:12 type Item no longer exists",
        "type-changed Query.search search.graphql:2:3 type changed: [Item!]! -> [Entry!]!",
        "type-changed Query.search search.graphql:8:3 type changed: [Item!]! -> [Entry!]!",
        # Node's implementations are known by name: Entry is new to the generated models.
        "possible-type-added Entry items.graphql:9:3 Query.node may now return Entry, a type "
        "the generated models do not know",
    ]
