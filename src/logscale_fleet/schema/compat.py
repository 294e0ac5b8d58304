"""Check 3: would our operations still work against another version of the schema?

Only what the operations touch is compared: each selected field, passed argument, variable type
(and the input types and enums it lets us send) and written enum value, found by walking the
operations against both schemas (see usage.py). A change anywhere else in the other schema is
not a finding. As a safety net, the operations are also validated against the other schema, and
an error no structural finding explains is reported as breaking too.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    Node,
    Undefined,
    get_named_type,
    is_input_type,
    is_required_argument,
    is_required_input_field,
    is_type_sub_type_of,
    print_ast,
    validate,
    value_from_ast,
)

from logscale_fleet.schema.documents import (
    OperationSet,
    SourceLocation,
    location_of,
    problem_from_error,
)
from logscale_fleet.schema.findings import (
    SEVERITY_ORDER,
    CompatibilityReport,
    Finding,
    FindingKind,
    Severity,
)
from logscale_fleet.schema.typerefs import (
    TypeChangeKind,
    input_type_change,
    output_type_change,
    same_named_type,
)
from logscale_fleet.schema.usage import (
    ArgumentUse,
    FieldUse,
    Usage,
    VariableUse,
    collect_usage,
)
from logscale_fleet.schema.validate import SCHEMA_RULES


def check_compatibility(
    operations: OperationSet, ours: GraphQLSchema, theirs: GraphQLSchema, *, schema_name: str
) -> CompatibilityReport:
    """Compare what `operations` use of `ours` (the slice they are generated from) with `theirs`.

    `theirs` may come from an SDL file or, via graphql-core's build_client_schema, from a live
    server's introspection result.
    """
    comparison = _Comparison(operations, ours, theirs)
    comparison.run()
    return CompatibilityReport(schema_name, comparison.sorted_findings())


class _Comparison:
    def __init__(self, operations: OperationSet, ours: GraphQLSchema, theirs: GraphQLSchema):
        self.operations = operations
        self.our_schema = ours
        self.their_schema = theirs
        self.ours: Usage = collect_usage(ours, operations)
        self.theirs: Usage = collect_usage(theirs, operations)
        self.their_fields = {id(u.node): u for u in self.theirs.fields}
        self.findings: dict[tuple[object, ...], Finding] = {}
        self.breaking_nodes: list[Node] = []

    def run(self) -> None:
        self._compare_type_conditions()
        self._compare_fields()
        self._compare_arguments()
        self._compare_variables()
        self._compare_enum_literals()
        self._report_unexplained_validation_errors()

    def sorted_findings(self) -> tuple[Finding, ...]:
        return tuple(
            sorted(
                self.findings.values(),
                key=lambda f: (
                    SEVERITY_ORDER[f.severity],
                    f.location or SourceLocation("", 0, 0),
                    f.coordinate or "",
                    f.kind.value,
                ),
            )
        )

    def add(
        self,
        severity: Severity,
        kind: FindingKind,
        coordinate: str | None,
        message: str,
        *,
        owner: str,
        node: Node,
    ) -> None:
        location = location_of(node)
        key = (severity, kind, coordinate, location, message)
        if key in self.findings:
            return
        self.findings[key] = Finding(
            severity=severity,
            kind=kind,
            coordinate=coordinate,
            message=message,
            operations=self.operations.users.get(owner, ()),
            definition=owner,
            location=location,
        )
        if severity is Severity.BREAKING:
            self.breaking_nodes.append(node)

    # -- selections ---------------------------------------------------------------------------

    def _compare_type_conditions(self) -> None:
        theirs = {id(u.node): u for u in self.theirs.type_conditions}
        for ours in self.ours.type_conditions:
            if ours.type is not None and theirs[id(ours.node)].type is None:
                self.add(
                    Severity.BREAKING,
                    FindingKind.TYPE_REMOVED,
                    ours.name,
                    f"type {ours.name} no longer exists",
                    owner=ours.owner,
                    node=ours.node,
                )

    def _compare_fields(self) -> None:
        for ours in self.ours.fields:
            # Invalid against our own schema is check 1's business; meta fields exist everywhere.
            if ours.definition is None or ours.parent is None or ours.name.startswith("__"):
                continue
            theirs = self.their_fields[id(ours.node)]
            if theirs.parent is None and not ours.is_root:
                continue  # inside a field or fragment already reported
            if theirs.definition is None or theirs.parent is None:
                self._field_missing(ours, theirs)
                continue
            self._compare_field(ours, ours.definition, theirs.definition)

    def _field_missing(self, ours: FieldUse, theirs: FieldUse) -> None:
        if ours.is_root:
            for root in self._their_roots():
                if ours.name in root.fields:
                    self.add(
                        Severity.BREAKING,
                        FindingKind.ROOT_FIELD_MOVED,
                        ours.coordinate,
                        f"moved to {root.name}.{ours.name}",
                        owner=ours.owner,
                        node=ours.node,
                    )
                    return
        message = (
            f"field removed: {theirs.parent.name} has no {ours.name}"
            if theirs.parent is not None
            else f"field removed: the schema has no {ours.parent.name if ours.parent else 'root'} "
            "type"
        )
        self.add(
            Severity.BREAKING,
            FindingKind.FIELD_REMOVED,
            ours.coordinate,
            message,
            owner=ours.owner,
            node=ours.node,
        )

    def _their_roots(self) -> Iterable[GraphQLObjectType]:
        schema = self.their_schema
        for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
            if root is not None:
                yield root

    def _compare_field(self, use: FieldUse, ours: GraphQLField, theirs: GraphQLField) -> None:
        coordinate = use.coordinate
        change = output_type_change(ours.type, theirs.type)
        if change is not None:
            kind = (
                FindingKind.FIELD_NULLABLE
                if change.kind is TypeChangeKind.NULLABLE
                else FindingKind.TYPE_CHANGED
            )
            self.add(
                Severity.BREAKING,
                kind,
                coordinate,
                change.message,
                owner=use.owner,
                node=use.node,
            )
        else:
            self._compare_received_type(use, get_named_type(ours.type), get_named_type(theirs.type))
        if theirs.deprecation_reason is not None:
            self._deprecated(coordinate, theirs.deprecation_reason, owner=use.owner, node=use.node)
        self._missing_required_arguments(use, ours, theirs)

    def _compare_received_type(
        self, use: FieldUse, ours: GraphQLNamedType, theirs: GraphQLNamedType
    ) -> None:
        """New values of what we receive: the generated enums and unions do not know them."""
        if isinstance(ours, GraphQLEnumType) and isinstance(theirs, GraphQLEnumType):
            for value in theirs.values:
                if value not in ours.values:
                    self.add(
                        Severity.DANGEROUS,
                        FindingKind.ENUM_VALUE_ADDED,
                        f"{theirs.name}.{value}",
                        f"enum value added to {theirs.name}, which {use.coordinate} returns; "
                        "the generated enum cannot parse it",
                        owner=use.owner,
                        node=use.node,
                    )
        elif isinstance(ours, _ABSTRACT) and isinstance(theirs, _ABSTRACT):
            known = {t.name for t in self.our_schema.get_possible_types(ours)}
            for possible in self.their_schema.get_possible_types(theirs):
                if possible.name not in known:
                    self.add(
                        Severity.DANGEROUS,
                        FindingKind.POSSIBLE_TYPE_ADDED,
                        possible.name,
                        f"{use.coordinate} may now return {possible.name}, a type the "
                        "generated models do not know",
                        owner=use.owner,
                        node=use.node,
                    )

    def _missing_required_arguments(
        self, use: FieldUse, ours: GraphQLField, theirs: GraphQLField
    ) -> None:
        passed = {argument.name.value for argument in use.node.arguments or ()}
        for name, argument in theirs.args.items():
            if name in passed or not is_required_argument(argument):
                continue
            kind, message = (
                (FindingKind.ARGUMENT_REQUIRED, "argument became required; not passed")
                if name in ours.args
                else (FindingKind.REQUIRED_ARGUMENT_ADDED, "new required argument; not passed")
            )
            self.add(
                Severity.BREAKING,
                kind,
                f"{use.coordinate}({name}:)",
                f"{message} ({argument.type})",
                owner=use.owner,
                node=use.node,
            )

    # -- arguments ----------------------------------------------------------------------------

    def _compare_arguments(self) -> None:
        theirs = {id(u.node): u for u in self.theirs.arguments}
        for ours in self.ours.arguments:
            their_field = self.their_fields[id(ours.field)]
            if ours.definition is None or their_field.definition is None:
                continue  # invalid for us (check 1), or the field itself is reported
            their_argument = theirs[id(ours.node)].definition
            if their_argument is None:
                self.add(
                    Severity.BREAKING,
                    FindingKind.ARGUMENT_REMOVED,
                    ours.coordinate,
                    f"argument removed; the operation passes {ours.name}",
                    owner=ours.owner,
                    node=ours.node,
                )
                continue
            self._compare_argument(ours, ours.definition, their_argument)
            if their_argument.deprecation_reason is not None:
                self._deprecated(
                    ours.coordinate,
                    their_argument.deprecation_reason,
                    owner=ours.owner,
                    node=ours.node,
                )

    def _compare_argument(
        self, use: ArgumentUse, ours: GraphQLArgument, theirs: GraphQLArgument
    ) -> None:
        if str(ours.type) == str(theirs.type) and same_named_type(ours.type, theirs.type):
            return
        if use.variable is None:
            if value_from_ast(use.node.value, theirs.type) is Undefined:
                self.add(
                    Severity.BREAKING,
                    FindingKind.ARGUMENT_TYPE_CHANGED,
                    use.coordinate,
                    f"argument type changed: {ours.type} -> {theirs.type}; the operation's "
                    f"value {print_ast(use.node.value)} no longer fits",
                    owner=use.owner,
                    node=use.node,
                )
            return
        for variable in self._their_variables(use.owner, use.variable):
            variable_type = variable.type
            if variable_type is None or not is_input_type(variable_type):
                continue  # reported at the variable
            if self._variable_fits(variable, variable_type, theirs):
                continue
            declared = f"${use.variable}: {print_ast(variable.node.type)}"
            if get_named_type(variable_type).name != get_named_type(theirs.type).name:
                kind = FindingKind.ARGUMENT_TYPE_CHANGED
                message = f"argument type changed: {ours.type} -> {theirs.type}"
            elif isinstance(theirs.type, GraphQLNonNull) and not isinstance(
                variable_type, GraphQLNonNull
            ):
                kind = FindingKind.ARGUMENT_REQUIRED
                message = f"argument became required: {ours.type} -> {theirs.type}"
            else:
                kind = FindingKind.ARGUMENT_TYPE_CHANGED
                message = f"argument type changed: {ours.type} -> {theirs.type}"
            self.add(
                Severity.BREAKING,
                kind,
                use.coordinate,
                f"{message}; the operation passes {declared}",
                owner=use.owner,
                node=use.node,
            )

    def _their_variables(self, owner: str, name: str) -> list[VariableUse]:
        """The definitions of `$name` in every operation sending `owner` (a fragment's variables
        are those of the operations spreading it)."""
        operations = set(self.operations.users.get(owner, ()))
        return [v for v in self.theirs.variables if v.owner in operations and v.name == name]

    def _variable_fits(
        self, variable: VariableUse, variable_type: GraphQLType, argument: GraphQLArgument
    ) -> bool:
        # The rule of graphql-core's VariablesInAllowedPositionRule: a nullable variable may fill
        # a non-null argument only when a default stands in for null.
        if isinstance(argument.type, GraphQLNonNull) and not isinstance(
            variable_type, GraphQLNonNull
        ):
            has_default = variable.node.default_value is not None or (
                argument.default_value is not Undefined
            )
            return has_default and is_type_sub_type_of(
                self.their_schema, variable_type, argument.type.of_type
            )
        return is_type_sub_type_of(self.their_schema, variable_type, argument.type)

    # -- what variables let us send -----------------------------------------------------------

    def _compare_variables(self) -> None:
        theirs = {id(u.node): u for u in self.theirs.variables}
        for ours in self.ours.variables:
            if ours.type is None or not is_input_type(ours.type):
                continue  # check 1 reports it
            their_type = theirs[id(ours.node)].type
            our_named = get_named_type(ours.type)
            if their_type is None:
                self.add(
                    Severity.BREAKING,
                    FindingKind.TYPE_REMOVED,
                    our_named.name,
                    f"type {our_named.name} of ${ours.name} no longer exists",
                    owner=ours.owner,
                    node=ours.node,
                )
            elif not same_named_type(ours.type, their_type) or not is_input_type(their_type):
                self.add(
                    Severity.BREAKING,
                    FindingKind.TYPE_CHANGED,
                    our_named.name,
                    f"{our_named.name}, the type of ${ours.name}, is now a "
                    f"{_kind_name(get_named_type(their_type))}",
                    owner=ours.owner,
                    node=ours.node,
                )
            else:
                self._compare_sent_type(ours, our_named, get_named_type(their_type), set())

    def _compare_sent_type(
        self,
        variable: VariableUse,
        ours: GraphQLNamedType,
        theirs: GraphQLNamedType,
        seen: set[str],
    ) -> None:
        """Everything a variable's value may contain must still be accepted."""
        if ours.name in seen:
            return
        seen.add(ours.name)
        if isinstance(ours, GraphQLEnumType) and isinstance(theirs, GraphQLEnumType):
            self._compare_sent_enum(variable, ours, theirs)
        elif isinstance(ours, GraphQLInputObjectType) and isinstance(
            theirs, GraphQLInputObjectType
        ):
            self._compare_input_object(variable, ours, theirs, seen)

    def _compare_sent_enum(
        self, variable: VariableUse, ours: GraphQLEnumType, theirs: GraphQLEnumType
    ) -> None:
        for value in ours.values:
            their_value = theirs.values.get(value)
            coordinate = f"{ours.name}.{value}"
            if their_value is None:
                self.add(
                    Severity.BREAKING,
                    FindingKind.ENUM_VALUE_REMOVED,
                    coordinate,
                    f"enum value removed; ${variable.name} may send it",
                    owner=variable.owner,
                    node=variable.node,
                )
            elif their_value.deprecation_reason is not None:
                self._deprecated(
                    coordinate,
                    their_value.deprecation_reason,
                    owner=variable.owner,
                    node=variable.node,
                )

    def _compare_input_object(
        self,
        variable: VariableUse,
        ours: GraphQLInputObjectType,
        theirs: GraphQLInputObjectType,
        seen: set[str],
    ) -> None:
        def report(kind: FindingKind, name: str, message: str) -> None:
            self.add(
                Severity.BREAKING,
                kind,
                f"{ours.name}.{name}",
                f"{message}; sent in ${variable.name}",
                owner=variable.owner,
                node=variable.node,
            )

        for name, field in ours.fields.items():
            their_field = theirs.fields.get(name)
            if their_field is None:
                report(FindingKind.INPUT_FIELD_REMOVED, name, "input field removed")
                continue
            change = input_type_change(field.type, their_field.type)
            if change is not None:
                kind = (
                    FindingKind.INPUT_FIELD_REQUIRED
                    if change.kind is TypeChangeKind.REQUIRED
                    else FindingKind.INPUT_FIELD_TYPE_CHANGED
                )
                report(kind, name, f"input field {change.message}")
            else:
                self._compare_sent_type(
                    variable, get_named_type(field.type), get_named_type(their_field.type), seen
                )
            if their_field.deprecation_reason is not None:
                self._deprecated(
                    f"{ours.name}.{name}",
                    their_field.deprecation_reason,
                    owner=variable.owner,
                    node=variable.node,
                )
        for name, their_field in theirs.fields.items():
            if name not in ours.fields and is_required_input_field(their_field):
                report(
                    FindingKind.REQUIRED_INPUT_FIELD_ADDED,
                    name,
                    f"new required input field ({their_field.type})",
                )

    def _compare_enum_literals(self) -> None:
        theirs = {id(u.node): u for u in self.theirs.enum_literals}
        for ours in self.ours.enum_literals:
            their_enum = theirs[id(ours.node)].enum
            if ours.enum is None or their_enum is None:
                continue  # invalid for us, or the argument's type change is reported
            coordinate = f"{their_enum.name}.{ours.value}"
            their_value = their_enum.values.get(ours.value)
            if their_value is None:
                self.add(
                    Severity.BREAKING,
                    FindingKind.ENUM_VALUE_REMOVED,
                    coordinate,
                    "enum value removed; the operation sends it",
                    owner=ours.owner,
                    node=ours.node,
                )
            elif their_value.deprecation_reason is not None:
                self._deprecated(
                    coordinate, their_value.deprecation_reason, owner=ours.owner, node=ours.node
                )

    def _deprecated(self, coordinate: str, reason: str, *, owner: str, node: Node) -> None:
        self.add(
            Severity.DANGEROUS,
            FindingKind.DEPRECATED,
            coordinate,
            f"deprecated: {reason}" if reason else "deprecated",
            owner=owner,
            node=node,
        )

    # -- safety net ---------------------------------------------------------------------------

    def _report_unexplained_validation_errors(self) -> None:
        document = self.operations.document
        ours = {
            str(problem_from_error(e)) for e in validate(self.our_schema, document, SCHEMA_RULES)
        }
        for error in validate(self.their_schema, document, SCHEMA_RULES):
            problem = problem_from_error(error)
            nodes = error.nodes or []
            if str(problem) in ours or any(self._explained(node) for node in nodes):
                continue
            owner = self._owner_of(nodes[0]) if nodes else ""
            self.findings[(Severity.BREAKING, FindingKind.INVALID_OPERATION, str(problem))] = (
                Finding(
                    severity=Severity.BREAKING,
                    kind=FindingKind.INVALID_OPERATION,
                    coordinate=None,
                    message=f"invalid against this schema: {problem.message}",
                    operations=self.operations.users.get(owner, ()),
                    definition=owner,
                    location=problem.locations[0] if problem.locations else None,
                )
            )

    def _explained(self, node: Node) -> bool:
        """Whether a breaking finding is already reported at, inside or around `node`."""
        return any(_overlap(node, reported) for reported in self.breaking_nodes)

    def _owner_of(self, node: Node) -> str:
        for definition in self.operations.document.definitions:
            if _overlap(node, definition):
                name = getattr(definition, "name", None)
                return str(name.value) if name is not None else ""
        return ""


def _overlap(a: Node, b: Node) -> bool:
    if a.loc is None or b.loc is None or a.loc.source is not b.loc.source:
        return False
    return a.loc.start < b.loc.end and b.loc.start < a.loc.end


_ABSTRACT = (GraphQLInterfaceType, GraphQLUnionType)

_KIND_NAMES: dict[type[GraphQLNamedType], str] = {
    GraphQLScalarType: "scalar",
    GraphQLEnumType: "enum",
    GraphQLInputObjectType: "input object",
    GraphQLObjectType: "object type",
    GraphQLInterfaceType: "interface",
    GraphQLUnionType: "union",
}


def _kind_name(named: GraphQLNamedType) -> str:
    return _KIND_NAMES.get(type(named), type(named).__name__)


__all__ = [
    "CompatibilityReport",
    "Finding",
    "FindingKind",
    "Severity",
    "check_compatibility",
]
