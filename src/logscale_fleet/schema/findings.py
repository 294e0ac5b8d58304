"""The results of the compatibility check: findings, their kinds and severities."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from logscale_fleet.schema.documents import SourceLocation


class Severity(str, Enum):
    BREAKING = "breaking"  # the operation fails, or its response no longer fits the model
    DANGEROUS = "dangerous"  # works today; fails when the server uses the change


class FindingKind(str, Enum):
    TYPE_REMOVED = "type-removed"
    TYPE_CHANGED = "type-changed"
    FIELD_REMOVED = "field-removed"
    ROOT_FIELD_MOVED = "root-field-moved"
    FIELD_NULLABLE = "field-became-nullable"
    ARGUMENT_REMOVED = "argument-removed"
    ARGUMENT_TYPE_CHANGED = "argument-type-changed"
    ARGUMENT_REQUIRED = "argument-became-required"
    REQUIRED_ARGUMENT_ADDED = "required-argument-added"
    INPUT_FIELD_REMOVED = "input-field-removed"
    INPUT_FIELD_TYPE_CHANGED = "input-field-type-changed"
    INPUT_FIELD_REQUIRED = "input-field-became-required"
    REQUIRED_INPUT_FIELD_ADDED = "required-input-field-added"
    ENUM_VALUE_REMOVED = "enum-value-removed"
    ENUM_VALUE_ADDED = "enum-value-added"
    POSSIBLE_TYPE_ADDED = "possible-type-added"
    DEPRECATED = "deprecated"
    INVALID_OPERATION = "invalid-operation"


@dataclass(frozen=True)
class Finding:
    """One way the other schema affects one place in our operations."""

    severity: Severity
    kind: FindingKind
    coordinate: str | None  # e.g. `FleetInstallationToken.jwtToken`, `Query.f(arg:)`, `Enum.VALUE`
    message: str
    operations: tuple[str, ...]  # every operation that sends the selection
    definition: str  # the operation or fragment the selection is written in
    location: SourceLocation | None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        coordinate = f"{self.coordinate}: " if self.coordinate else ""
        return f"{where}{coordinate}{self.message} [{', '.join(self.operations)}]"


@dataclass(frozen=True)
class CompatibilityReport:
    schema: str  # the name of the schema compared with
    findings: tuple[Finding, ...]

    @property
    def breaking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.BREAKING)

    @property
    def dangerous(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.DANGEROUS)


SEVERITY_ORDER = {Severity.BREAKING: 0, Severity.DANGEROUS: 1}
