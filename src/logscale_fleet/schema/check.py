"""`schema check`: the four checks over a project, as one typed report.

1. the operations in `queries/` are valid against `schema.graphql`;
2. `generated/` is what ariadne-codegen makes from the current inputs;
3. with another schema: would our operations still work against it (compat.py);
4. the stability level of each selected field, read from the schema being checked.

The other schema is passed in as a SchemaSource (SDL text and a name), so a file, a download or
a live introspection result (converted by `_core.introspection`) all plug in the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphql import (
    GraphQLSchema,
    build_ast_schema,
    validate_schema,
)

from logscale_fleet.errors import ConfigurationError, InvalidInputError
from logscale_fleet.schema.compat import CompatibilityReport, check_compatibility
from logscale_fleet.schema.config import allowed_preview_fields
from logscale_fleet.schema.documents import read_operations
from logscale_fleet.schema.freshness import FreshnessReport, check_generated
from logscale_fleet.schema.prune import parse_sdl
from logscale_fleet.schema.stability import StabilityReport, stability_report
from logscale_fleet.schema.validate import ValidationReport, validate_operations

SCHEMA_FILE = "schema.graphql"
QUERIES_DIR = "queries"


@dataclass(frozen=True)
class SchemaSource:
    """A schema to check against: its SDL and a name to report it by."""

    name: str
    sdl: str

    @classmethod
    def from_file(cls, path: Path, *, argument: str = "schema") -> SchemaSource:
        try:
            return cls(path.name, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InvalidInputError(argument, f"cannot read {path}: {reason}") from None


def build_schema_from(source: SchemaSource) -> GraphQLSchema:
    """Parse and build `source` once, or fail naming it and what is wrong."""
    document = parse_sdl(source.sdl, source.name)
    try:
        schema = build_ast_schema(document)
    except (TypeError, ValueError) as exc:  # graphql-core's SDL validation raises TypeError
        raise InvalidInputError("schema", f"{source.name} is not a valid schema: {exc}") from None
    errors = validate_schema(schema)
    if errors:
        detail = "; ".join(e.message for e in errors[:5])
        raise InvalidInputError("schema", f"{source.name} is not a valid schema: {detail}")
    return schema


@dataclass(frozen=True)
class GeneratedCheck:
    """Check 2; `skipped` when the caller opted out, `error` when codegen itself failed."""

    skipped: bool = False
    freshness: FreshnessReport | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.skipped or (
            self.error is None and bool(self.freshness and self.freshness.fresh)
        )


@dataclass(frozen=True)
class CheckReport:
    project: str
    schema: str  # the project's slice
    against: str | None  # the other schema's name, when compared
    strict: bool
    operations: ValidationReport
    generated: GeneratedCheck
    compatibility: CompatibilityReport | None
    stability: StabilityReport
    failures: tuple[str, ...] = field(default=())  # why the check fails; empty when it passes

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def check_project(
    project_dir: Path = Path(),
    *,
    against: SchemaSource | None = None,
    strict: bool = False,
    include_generated: bool = True,
    allow_preview: Iterable[str] | None = None,
) -> CheckReport:
    """Run every check over the project in `project_dir`.

    `allow_preview` lists `Type.field` coordinates whose Preview level is accepted; by default it
    is read from pyproject.toml `[tool.logscale-fleet] allow-preview`.
    """
    ours = build_schema_from(
        SchemaSource.from_file(project_dir / SCHEMA_FILE, argument=SCHEMA_FILE)
    )
    theirs = build_schema_from(against) if against is not None else None
    if allow_preview is None:
        allow_preview = allowed_preview_fields(project_dir / "pyproject.toml")

    operations = read_operations(project_dir / QUERIES_DIR, relative_to=project_dir)
    validation = validate_operations(ours, operations, schema_name=SCHEMA_FILE)
    generated = _check_generated(project_dir) if include_generated else GeneratedCheck(True)
    compatibility = (
        check_compatibility(operations, ours, theirs, schema_name=against.name)
        if theirs is not None and against is not None
        else None
    )
    stability = stability_report(
        operations,
        theirs or ours,
        schema_name=against.name if against else SCHEMA_FILE,
        allow_preview=allow_preview,
    )
    return CheckReport(
        project=str(project_dir),
        schema=SCHEMA_FILE,
        against=against.name if against else None,
        strict=strict,
        operations=validation,
        generated=generated,
        compatibility=compatibility,
        stability=stability,
        failures=_failures(validation, generated, compatibility, stability, strict=strict),
    )


def _check_generated(project_dir: Path) -> GeneratedCheck:
    try:
        return GeneratedCheck(freshness=check_generated(project_dir))
    except ConfigurationError as exc:  # codegen failed: usually the operations are invalid
        return GeneratedCheck(error=exc.message)


def _failures(
    validation: ValidationReport,
    generated: GeneratedCheck,
    compatibility: CompatibilityReport | None,
    stability: StabilityReport,
    *,
    strict: bool,
) -> tuple[str, ...]:
    failures = []
    if validation.errors:
        failures.append(f"{len(validation.errors)} invalid operation error(s)")
    if generated.error is not None:
        failures.append("code generation failed")
    elif not generated.ok:
        failures.append("generated/ is stale")
    if compatibility is not None:
        if compatibility.breaking:
            failures.append(f"{len(compatibility.breaking)} breaking change(s)")
        if strict and compatibility.dangerous:
            failures.append(f"{len(compatibility.dangerous)} dangerous change(s) (--strict)")
    if stability.violations:
        failures.append(f"{len(stability.violations)} Preview field(s) not allowed")
    return tuple(failures)
