"""What the operations use of a schema: each selected field, argument, variable and literal,
resolved against that schema with graphql-core's TypeInfo.

Walking the same document against two schemas gives records for the same nodes, which is how the
compatibility check pairs "what we rely on" (our slice) with "what the other schema offers"
without diffing whole schemas. Against the other schema, a record's definitions are None where
the schema lacks what the operation names.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    ArgumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLArgument,
    GraphQLCompositeType,
    GraphQLEnumType,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    type_from_ast,
    visit,
)

from logscale_fleet.schema.documents import (
    OperationSet,
    SourceLocation,
    definition_name,
    location_of,
)


# eq=False throughout: records hold AST nodes and schema objects, compared by identity.
@dataclass(frozen=True, eq=False)
class FieldUse:
    """A field selection; `parent` and `definition` are None where the schema lacks them."""

    node: FieldNode
    owner: str  # the operation or fragment the selection is written in
    location: SourceLocation | None
    parent: GraphQLCompositeType | None
    definition: GraphQLField | None
    is_root: bool  # selected directly on the schema's Query/Mutation/Subscription type

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def coordinate(self) -> str:
        return f"{self.parent.name}.{self.name}" if self.parent else self.name


@dataclass(frozen=True, eq=False)
class ArgumentUse:
    """An argument passed to a field, with the variable that carries it if any."""

    node: ArgumentNode
    field: FieldNode
    owner: str
    location: SourceLocation | None
    parent: GraphQLCompositeType | None
    definition: GraphQLArgument | None
    variable: str | None

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def coordinate(self) -> str:
        parent = self.parent.name if self.parent else "?"
        return f"{parent}.{self.field.name.value}({self.name}:)"


@dataclass(frozen=True, eq=False)
class VariableUse:
    """An operation's variable definition and its type in the schema (None if undefined)."""

    node: VariableDefinitionNode
    owner: str
    location: SourceLocation | None
    type: GraphQLType | None  # an input type unless the operation or the schema is wrong

    @property
    def name(self) -> str:
        return self.node.variable.name.value


@dataclass(frozen=True, eq=False)
class EnumLiteralUse:
    """An enum value written into an operation, e.g. `orderBy: ASC`."""

    node: EnumValueNode
    owner: str
    location: SourceLocation | None
    enum: GraphQLEnumType | None

    @property
    def value(self) -> str:
        return self.node.value


@dataclass(frozen=True, eq=False)
class TypeConditionUse:
    """The `on Type` of a fragment or inline fragment."""

    node: NamedTypeNode
    owner: str
    location: SourceLocation | None
    type: GraphQLNamedType | None

    @property
    def name(self) -> str:
        return self.node.name.value


@dataclass(frozen=True)
class Usage:
    """Everything the operations use of one schema, in document order."""

    fields: tuple[FieldUse, ...]
    arguments: tuple[ArgumentUse, ...]
    variables: tuple[VariableUse, ...]
    enum_literals: tuple[EnumLiteralUse, ...]
    type_conditions: tuple[TypeConditionUse, ...]


def collect_usage(schema: GraphQLSchema, operations: OperationSet) -> Usage:
    """Walk every operation and fragment once against `schema`."""
    collector = _Collector(schema)
    type_info = TypeInfo(schema)
    collector.type_info = type_info
    visit(operations.document, TypeInfoVisitor(type_info, collector))
    return Usage(
        fields=tuple(collector.fields),
        arguments=tuple(collector.arguments),
        variables=tuple(collector.variables),
        enum_literals=tuple(collector.enum_literals),
        type_conditions=tuple(collector.type_conditions),
    )


class _Collector(Visitor):
    type_info: TypeInfo

    def __init__(self, schema: GraphQLSchema) -> None:
        super().__init__()
        self.schema = schema
        self.roots = {
            root.name
            for root in (schema.query_type, schema.mutation_type, schema.subscription_type)
            if root is not None
        }
        self.owner = ""
        self.fields: list[FieldUse] = []
        self.arguments: list[ArgumentUse] = []
        self.variables: list[VariableUse] = []
        self.enum_literals: list[EnumLiteralUse] = []
        self.type_conditions: list[TypeConditionUse] = []
        self._current_field: list[FieldNode] = []
        self._directive_depth = 0

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        self.owner = definition_name(node)

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> None:
        self.owner = definition_name(node)
        self._type_condition(node.type_condition)

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: object) -> None:
        if node.type_condition is not None:
            self._type_condition(node.type_condition)

    def _type_condition(self, node: NamedTypeNode) -> None:
        self.type_conditions.append(
            TypeConditionUse(
                node, self.owner, location_of(node), self.schema.get_type(node.name.value)
            )
        )

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: object) -> None:
        self.variables.append(
            VariableUse(node, self.owner, location_of(node), type_from_ast(self.schema, node.type))
        )

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self._current_field.append(node)
        parent = self.type_info.get_parent_type()
        self.fields.append(
            FieldUse(
                node=node,
                owner=self.owner,
                location=location_of(node),
                parent=parent,
                definition=self.type_info.get_field_def(),
                is_root=parent is not None and parent.name in self.roots,
            )
        )

    def leave_field(self, *_: object) -> None:
        self._current_field.pop()

    def enter_directive(self, *_: object) -> None:
        self._directive_depth += 1

    def leave_directive(self, *_: object) -> None:
        self._directive_depth -= 1

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        # Directive arguments (@include(if:), @skip(if:)) are the server's built-ins, not fields.
        if self._directive_depth or not self._current_field:
            return
        self.arguments.append(
            ArgumentUse(
                node=node,
                field=self._current_field[-1],
                owner=self.owner,
                location=location_of(node),
                parent=self.type_info.get_parent_type(),
                definition=self.type_info.get_argument(),
                variable=node.value.name.value if isinstance(node.value, VariableNode) else None,
            )
        )

    def enter_enum_value(self, node: EnumValueNode, *_: object) -> None:
        if self._directive_depth:
            return
        expected = self.type_info.get_input_type()
        named = get_named_type(expected) if expected is not None else None
        self.enum_literals.append(
            EnumLiteralUse(
                node,
                self.owner,
                location_of(node),
                named if isinstance(named, GraphQLEnumType) else None,
            )
        )
