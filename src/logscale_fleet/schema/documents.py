"""The operations of `queries/` as one document, and where in which file each node sits.

ariadne-codegen reads all files of `queries/` as one document (fragments live in their own file),
so the checks do too: validating file by file would call every fragment unknown or unused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    Node,
    OperationDefinitionNode,
    Source,
    Visitor,
    parse,
    visit,
)

from logscale_fleet.schema.operations import OperationFile, operation_paths

ANONYMOUS = "<anonymous>"


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A position in an operations file: 1-based line and column, file relative to the project."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class OperationProblem:
    """A syntax or validation error in the operations, with every place it points at."""

    message: str
    locations: tuple[SourceLocation, ...] = ()

    def __str__(self) -> str:
        return f"{self.locations[0]}: {self.message}" if self.locations else self.message


def location_of(node: Node) -> SourceLocation | None:
    """Where `node` starts. The node's own source is used, since one document spans files."""
    loc = node.loc
    if loc is None:
        return None
    where = loc.source.get_location(loc.start)
    return SourceLocation(loc.source.name, where.line, where.column)


def problem_from_error(error: GraphQLError) -> OperationProblem:
    """Locate a GraphQLError node by node: graphql-core resolves every position of an error
    against the first node's source, which is wrong when its nodes sit in different files."""
    locations = tuple(loc for loc in (location_of(n) for n in error.nodes or ()) if loc)
    if not locations and isinstance(error, GraphQLSyntaxError) and error.source:
        locations = tuple(
            SourceLocation(error.source.name, where.line, where.column)
            for where in error.locations or ()
        )
    return OperationProblem(error.message, locations)


@dataclass(frozen=True)
class OperationSet:
    """The parsed files of `queries/` and the syntax errors of those that do not parse."""

    files: tuple[OperationFile, ...]
    syntax_errors: tuple[OperationProblem, ...] = field(default=())

    @cached_property
    def document(self) -> DocumentNode:
        """All definitions of all files in one document; each node keeps its own file's source."""
        return DocumentNode(
            definitions=tuple(d for f in self.files for d in f.document.definitions)
        )

    @cached_property
    def operation_names(self) -> tuple[str, ...]:
        return tuple(
            definition_name(d)
            for d in self.document.definitions
            if isinstance(d, OperationDefinitionNode)
        )

    @cached_property
    def users(self) -> Mapping[str, tuple[str, ...]]:
        """For each operation and fragment, the operations that send it (a fragment's are those
        spreading it, directly or through other fragments), so a finding in a fragment names
        every operation it affects."""
        spreads: dict[str, set[str]] = {}
        for definition in self.document.definitions:
            if isinstance(definition, (OperationDefinitionNode, FragmentDefinitionNode)):
                spreads[definition_name(definition)] = _spread_names(definition)
        users: dict[str, set[str]] = {name: set() for name in spreads}
        for operation in self.operation_names:
            users[operation].add(operation)
            pending, seen = list(spreads.get(operation, ())), set()
            while pending:
                fragment = pending.pop()
                if fragment in seen or fragment not in spreads:
                    continue
                seen.add(fragment)
                users[fragment].add(operation)
                pending.extend(spreads[fragment])
        return {name: tuple(sorted(ops)) for name, ops in users.items()}


def definition_name(definition: OperationDefinitionNode | FragmentDefinitionNode) -> str:
    return definition.name.value if definition.name else ANONYMOUS


def _spread_names(definition: Node) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
            names.add(node.name.value)

    visit(definition, Collect())
    return names


def read_operations(queries_dir: Path, *, relative_to: Path | None = None) -> OperationSet:
    """Parse every file of `queries_dir`, collecting syntax errors instead of stopping at one.

    File names in locations are relative to `relative_to` (the project) when they lie below it.
    """
    return _parse_all(
        (path, Source(path.read_text(encoding="utf-8"), _display_name(path, relative_to)))
        for path in operation_paths(queries_dir)
    )


def operations_from_texts(texts: Iterable[tuple[str, str]]) -> OperationSet:
    """An OperationSet from (file name, GraphQL text) pairs, for operations not on disk."""
    return _parse_all((Path(name), Source(text, name)) for name, text in texts)


def _parse_all(sources: Iterable[tuple[Path, Source]]) -> OperationSet:
    files: list[OperationFile] = []
    errors: list[OperationProblem] = []
    for path, source in sources:
        try:
            files.append(OperationFile(path, parse(source)))
        except GraphQLSyntaxError as exc:
            errors.append(problem_from_error(exc))
    return OperationSet(tuple(files), tuple(errors))


def _display_name(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return path.resolve().relative_to(relative_to.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
