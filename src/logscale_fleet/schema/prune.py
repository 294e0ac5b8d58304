"""Prune a full LogScale SDL to the slice reachable from chosen root fields.

The slice keeps every reached type exactly as the source defines it (descriptions included, since
LogScale records stability levels there) and only the chosen fields of the root types. Output is
deterministic: root types first, then the other types by name, so a regeneration from the same
source is byte-identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    GraphQLSyntaxError,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    OperationType,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)

from logscale_fleet.errors import InvalidInputError

# Types and directives every GraphQL server has; a slice never redefines them.
BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
BUILTIN_DIRECTIVES = frozenset({"include", "skip", "deprecated", "specifiedBy", "oneOf"})

_DEFAULT_ROOT_NAMES = {
    OperationType.QUERY: "Query",
    OperationType.MUTATION: "Mutation",
    OperationType.SUBSCRIPTION: "Subscription",
}


@dataclass(frozen=True)
class SchemaSlice:
    """The pruned SDL and what it was made of."""

    sdl: str
    root_fields: tuple[str, ...]
    type_names: tuple[str, ...]


def named_type(type_node: TypeNode) -> str:
    """The innermost type name of a (possibly wrapped) type reference."""
    while isinstance(type_node, (NonNullTypeNode, ListTypeNode)):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


def parse_sdl(sdl: str, source_name: str) -> DocumentNode:
    """Parse SDL, turning a syntax error into an error that names the source and position."""
    try:
        return parse(sdl, no_location=False)
    except GraphQLSyntaxError as exc:
        raise InvalidInputError(
            "schema", f"{source_name} is not valid GraphQL SDL: {exc.message} at {_where(exc)}"
        ) from None


def _where(exc: GraphQLSyntaxError) -> str:
    if exc.locations:
        location = exc.locations[0]
        return f"line {location.line}, column {location.column}"
    return "an unknown position"


def root_type_names(document: DocumentNode) -> dict[OperationType, str]:
    """Root operation type names, from an explicit `schema {}` block or the conventional names."""
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            return {op.operation: op.type.name.value for op in definition.operation_types}
    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    return {op: name for op, name in _DEFAULT_ROOT_NAMES.items() if name in defined}


def _referenced_types(definition: TypeDefinitionNode) -> Iterable[str]:
    if isinstance(definition, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
        for interface in definition.interfaces or ():
            yield interface.name.value
        for field in definition.fields or ():
            yield from _field_types(field)
    elif isinstance(definition, UnionTypeDefinitionNode):
        for member in definition.types or ():
            yield member.name.value
    elif isinstance(definition, InputObjectTypeDefinitionNode):
        for input_field in definition.fields or ():
            yield named_type(input_field.type)


def _field_types(field: FieldDefinitionNode) -> Iterable[str]:
    yield named_type(field.type)
    for argument in field.arguments or ():
        yield named_type(argument.type)


def _directives_of(definition: TypeDefinitionNode) -> Iterable[DirectiveNode]:
    yield from definition.directives or ()
    children: Sequence[FieldDefinitionNode | InputValueDefinitionNode] = ()
    if isinstance(
        definition,
        (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode, InputObjectTypeDefinitionNode),
    ):
        children = definition.fields or ()
    for child in children:
        yield from child.directives or ()
        if isinstance(child, FieldDefinitionNode):
            for argument in child.arguments or ():
                yield from argument.directives or ()
    if isinstance(definition, EnumTypeDefinitionNode):
        for value in definition.values or ():
            yield from value.directives or ()


def prune_schema(
    sdl: str,
    root_fields: Iterable[str],
    *,
    source_name: str,
    header_lines: Sequence[str] = (),
) -> SchemaSlice:
    """Keep the named root fields (of Query and Mutation) and every type they reach.

    `root_fields` are plain field names; a name found on no root type is an error, since a slice
    silently missing an operation's field would only fail later, in codegen.
    """
    document = parse_sdl(sdl, source_name)
    types: dict[str, TypeDefinitionNode] = {
        d.name.value: d for d in document.definitions if isinstance(d, TypeDefinitionNode)
    }
    roots = root_type_names(document)
    wanted = sorted(set(root_fields))
    if not wanted:
        raise InvalidInputError("root_fields", "name at least one root field to keep")

    kept_root_fields: dict[str, list[FieldDefinitionNode]] = {}
    found: set[str] = set()
    for operation in (OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION):
        root_name = roots.get(operation)
        root = types.get(root_name) if root_name else None
        if not isinstance(root, ObjectTypeDefinitionNode):
            continue
        fields = [f for f in root.fields or () if f.name.value in wanted]
        if fields:
            kept_root_fields[root.name.value] = fields
            found.update(f.name.value for f in fields)
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InvalidInputError(
            "root_fields",
            f"{source_name} has no root field named {', '.join(missing)}",
        )

    reached: set[str] = set()
    pending = [t for fields in kept_root_fields.values() for f in fields for t in _field_types(f)]
    implementations = _implementations(types.values())
    while pending:
        name = pending.pop()
        if name in reached or name in BUILTIN_SCALARS:
            continue
        definition = types.get(name)
        if definition is None:
            raise InvalidInputError("schema", f"{source_name} references undefined type {name}")
        reached.add(name)
        pending.extend(_referenced_types(definition))
        # A selection on an interface may use fragments on any implementation.
        pending.extend(implementations.get(name, ()))

    kept: list[DefinitionNode] = []
    for root_name, fields in kept_root_fields.items():
        root = types[root_name]
        assert isinstance(root, ObjectTypeDefinitionNode)
        kept.append(
            ObjectTypeDefinitionNode(
                name=root.name,
                description=root.description,
                interfaces=root.interfaces,
                directives=root.directives,
                fields=tuple(fields),
            )
        )
    other_types = [types[name] for name in sorted(reached) if name not in kept_root_fields]
    used_directives = {
        directive.name.value
        for definition in [*kept, *other_types]
        if isinstance(definition, TypeDefinitionNode)
        for directive in _directives_of(definition)
    }
    directive_definitions = sorted(
        (
            d
            for d in document.definitions
            if isinstance(d, DirectiveDefinitionNode)
            and d.name.value in used_directives
            and d.name.value not in BUILTIN_DIRECTIVES
        ),
        key=lambda d: d.name.value,
    )
    slice_document = DocumentNode(definitions=(*directive_definitions, *kept, *other_types))
    header = "".join(f"# {line}\n" if line else "#\n" for line in header_lines)
    body = print_ast(slice_document)
    return SchemaSlice(
        sdl=f"{header}\n{body}\n" if header else f"{body}\n",
        root_fields=tuple(wanted),
        type_names=tuple(sorted({*kept_root_fields, *reached})),
    )


def _implementations(definitions: Iterable[TypeDefinitionNode]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for definition in definitions:
        if isinstance(definition, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
            for interface in definition.interfaces or ():
                result.setdefault(interface.name.value, []).append(definition.name.value)
    return result


def source_digest(sdl: str) -> str:
    """A short content hash, so the header says which version of a source the slice came from."""
    return hashlib.sha256(sdl.encode()).hexdigest()[:16]


__all__ = [
    "BUILTIN_SCALARS",
    "SchemaSlice",
    "named_type",
    "parse_sdl",
    "prune_schema",
    "root_type_names",
    "source_digest",
]
