"""`schema check`: the four checks over a project, as one typed report.

1. the operations in `queries/` are valid against `schema.graphql`;
2. `generated/` is what ariadne-codegen makes from the current inputs;
3. against each other schema (a target): would our operations still work there (compat.py);
4. the stability level of each selected field, read from the schema that will serve us (each
   target, or the slice itself when there is none).

Checks 1 and 2 concern the project and run once; 3 and 4 run per target, so a version matrix
(`--against A --against B`) costs one codegen run, not one per target. A target is passed in as
a SchemaSource (SDL text and a name), so a file, a download or a live introspection result
(converted by `_core.introspection`) all plug in the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
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


# Where a file says which LogScale it came from: the header of a slice made by `schema pull
# --url`, or the closing comment of a schema LogScale's own tooling fetched.
_VERSION_LINE = re.compile(r"^# (?:LogScale version:|Fetched from version) (\S+)\s*$", re.M)


@dataclass(frozen=True)
class SchemaSource:
    """A schema to check against: its SDL, a short name to report it by, where it came from
    (a full path or URL) and its LogScale version when known."""

    name: str
    sdl: str
    location: str | None = None
    version: str | None = None

    @classmethod
    def from_file(cls, path: Path, *, argument: str = "schema") -> SchemaSource:
        try:
            sdl = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InvalidInputError(argument, f"cannot read {path}: {reason}") from None
        found = _VERSION_LINE.search(sdl)
        return cls(
            path.name, sdl, str(path.resolve()), found.group(1) if found is not None else None
        )

    @property
    def short_version(self) -> str | None:
        """The release without LogScale's build suffix: `1.204.0` of `1.204.0--build-4049--...`."""
        return self.version.split("--", 1)[0] if self.version else None

    @property
    def label(self) -> str:
        """The name with the version, for reports: `staging.graphql (LogScale 1.154.0)`."""
        return f"{self.name} (LogScale {self.short_version})" if self.version else self.name


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


class Verdict(str, Enum):
    """One target's outcome, worst first: what the matrix row says."""

    BREAKING = "breaking"  # an operation fails there, or its answer no longer fits the model
    PREVIEW = "preview"  # a selected field is Preview there and not allowed
    DANGEROUS = "dangerous"  # works, but a change may bite (fails only with --strict)
    OK = "ok"


@dataclass(frozen=True)
class TargetReport:
    """Checks 3 and 4 against one other schema."""

    source: SchemaSource
    compatibility: CompatibilityReport
    stability: StabilityReport
    strict: bool

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def verdict(self) -> Verdict:
        if self.compatibility.breaking:
            return Verdict.BREAKING
        if self.stability.violations:
            return Verdict.PREVIEW
        if self.compatibility.dangerous:
            return Verdict.DANGEROUS
        return Verdict.OK

    @property
    def failures(self) -> tuple[str, ...]:
        failures = []
        if self.compatibility.breaking:
            failures.append(f"{len(self.compatibility.breaking)} breaking change(s)")
        if self.strict and self.compatibility.dangerous:
            failures.append(f"{len(self.compatibility.dangerous)} dangerous change(s) (--strict)")
        if self.stability.violations:
            failures.append(f"{len(self.stability.violations)} Preview field(s) not allowed")
        return tuple(f"against {self.name}: {failure}" for failure in failures)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class CheckReport:
    project: str
    schema: str  # the project's slice
    strict: bool
    operations: ValidationReport
    generated: GeneratedCheck
    targets: tuple[TargetReport, ...]
    # Check 4 on the slice itself; None when targets are given (theirs is what will serve us).
    slice_stability: StabilityReport | None
    failures: tuple[str, ...] = field(default=())  # why the check fails; empty when it passes

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    # The one-target view, as `schema check --against X` reported before the matrix.
    @property
    def against(self) -> str | None:
        return self.targets[0].name if self.targets else None

    @property
    def compatibility(self) -> CompatibilityReport | None:
        return self.targets[0].compatibility if self.targets else None

    @property
    def stability(self) -> StabilityReport:
        """The slice's stability, or the first target's when targets are given."""
        if self.slice_stability is not None:
            return self.slice_stability
        return self.targets[0].stability


def check_project(
    project_dir: Path = Path(),
    *,
    against: SchemaSource | Sequence[SchemaSource] | None = None,
    strict: bool = False,
    include_generated: bool = True,
    allow_preview: Iterable[str] | None = None,
) -> CheckReport:
    """Run every check over the project in `project_dir`, against each schema in `against`.

    `allow_preview` lists `Type.field` coordinates whose Preview level is accepted; by default it
    is read from pyproject.toml `[tool.logscale-fleet] allow-preview`.
    """
    sources = (against,) if isinstance(against, SchemaSource) else tuple(against or ())
    ours = build_schema_from(
        SchemaSource.from_file(project_dir / SCHEMA_FILE, argument=SCHEMA_FILE)
    )
    # Every target is parsed before anything runs, so a bad one fails fast (exit 2).
    built = [(source, build_schema_from(source)) for source in sources]
    allowed = (
        allowed_preview_fields(project_dir / "pyproject.toml")
        if allow_preview is None
        else frozenset(allow_preview)
    )

    operations = read_operations(project_dir / QUERIES_DIR, relative_to=project_dir)
    validation = validate_operations(ours, operations, schema_name=SCHEMA_FILE)
    generated = _check_generated(project_dir) if include_generated else GeneratedCheck(True)
    targets = tuple(
        TargetReport(
            source=source,
            compatibility=check_compatibility(operations, ours, theirs, schema_name=source.name),
            stability=stability_report(
                operations, theirs, schema_name=source.name, allow_preview=allowed
            ),
            strict=strict,
        )
        for source, theirs in built
    )
    slice_stability = (
        None
        if targets
        else stability_report(operations, ours, schema_name=SCHEMA_FILE, allow_preview=allowed)
    )
    failures = list(_project_failures(validation, generated))
    for target in targets:
        failures.extend(target.failures)
    if slice_stability is not None and slice_stability.violations:
        failures.append(f"{len(slice_stability.violations)} Preview field(s) not allowed")
    return CheckReport(
        project=str(project_dir),
        schema=SCHEMA_FILE,
        strict=strict,
        operations=validation,
        generated=generated,
        targets=targets,
        slice_stability=slice_stability,
        failures=tuple(failures),
    )


def _check_generated(project_dir: Path) -> GeneratedCheck:
    try:
        return GeneratedCheck(freshness=check_generated(project_dir))
    except ConfigurationError as exc:  # codegen failed: usually the operations are invalid
        return GeneratedCheck(error=exc.message)


def _project_failures(validation: ValidationReport, generated: GeneratedCheck) -> list[str]:
    failures = []
    if validation.errors:
        failures.append(f"{len(validation.errors)} invalid operation error(s)")
    if generated.error is not None:
        failures.append("code generation failed")
    elif not generated.ok:
        failures.append("generated/ is stale")
    return failures
