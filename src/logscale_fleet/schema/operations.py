"""The project's GraphQL operations, read from the `queries/` folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    parse,
)

from logscale_fleet.errors import InvalidInputError


@dataclass(frozen=True)
class OperationFile:
    path: Path
    document: DocumentNode


def operation_paths(queries_dir: Path) -> list[Path]:
    """Every `.graphql` file below `queries_dir`, in a stable order; at least one."""
    if not queries_dir.is_dir():
        raise InvalidInputError("queries", f"{queries_dir} is not a folder of .graphql files")
    files = sorted(queries_dir.rglob("*.graphql"))
    if not files:
        raise InvalidInputError("queries", f"{queries_dir} holds no .graphql files")
    return files


def load_operation_files(queries_dir: Path) -> list[OperationFile]:
    """Parse every `.graphql` file below `queries_dir`, in a stable order."""
    result = []
    for path in operation_paths(queries_dir):
        text = path.read_text(encoding="utf-8")
        try:
            document = parse(Source(text, str(path)))
        except GraphQLSyntaxError as exc:
            location = exc.locations[0] if exc.locations else None
            where = f"{path}:{location.line}:{location.column}" if location else str(path)
            raise InvalidInputError("queries", f"{where}: {exc.message}") from None
        result.append(OperationFile(path, document))
    return result


def used_root_fields(files: list[OperationFile]) -> set[str]:
    """Names of the root fields the operations select (following fragment spreads)."""
    fragments = {
        d.name.value: d
        for f in files
        for d in f.document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    names: set[str] = set()

    def visit(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                visit(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    visit(fragments[name].selection_set, seen | {name})

    for f in files:
        for definition in f.document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                visit(definition.selection_set, frozenset())
    names.discard("__typename")
    return names
