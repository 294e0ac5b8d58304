"""Check 1: every operation in `queries/` is valid against the schema."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    GraphQLError,
    GraphQLSchema,
    NoUnusedFragmentsRule,
    OperationDefinitionNode,
    ValidationRule,
    specified_rules,
    validate,
)

from logscale_fleet.schema.documents import OperationProblem, OperationSet, problem_from_error

# Fragments are generated as public models even when no operation spreads them, so an unused
# one is not a mistake here.
SCHEMA_RULES: tuple[type[ASTValidationRule], ...] = tuple(
    rule for rule in specified_rules if rule is not NoUnusedFragmentsRule
)


class NamedOperationsRule(ValidationRule):
    """ariadne-codegen names a client method after each operation, so each needs a name."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        if node.name is None:
            self.report_error(
                GraphQLError("Operation has no name; ariadne-codegen needs one.", node)
            )


OPERATION_RULES: tuple[type[ASTValidationRule], ...] = (*SCHEMA_RULES, NamedOperationsRule)


@dataclass(frozen=True)
class ValidationReport:
    """The operations checked and what is wrong with them."""

    schema: str
    operations: tuple[str, ...]
    errors: tuple[OperationProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_operations(
    schema: GraphQLSchema, operations: OperationSet, *, schema_name: str
) -> ValidationReport:
    """Validate the operations, syntax errors included, as the one document codegen reads."""
    errors = validate(schema, operations.document, OPERATION_RULES)
    problems = (*operations.syntax_errors, *(problem_from_error(e) for e in errors))
    return ValidationReport(
        schema=schema_name,
        operations=operations.operation_names,
        errors=tuple(sorted(problems, key=_position)),
    )


def _position(problem: OperationProblem) -> tuple[str, int, int, str]:
    first = problem.locations[0] if problem.locations else None
    return (first.file, first.line, first.column, problem.message) if first else ("", 0, 0, "")
