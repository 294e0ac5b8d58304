"""A CheckReport as a flat list of located findings, for the CI formats (github, sarif).

Each finding says how bad it is, which rule it breaks, against which target, and where: the
operation's file:line:col, or the file to fix (a stale generated module, pyproject.toml). Paths
are relative to the project; `prefix` puts them relative to the folder CI runs in (the
repository root), which is what pull-request annotations and code scanning resolve them from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from logscale_fleet.schema.check import CheckReport, TargetReport
from logscale_fleet.schema.documents import SourceLocation
from logscale_fleet.schema.findings import Finding
from logscale_fleet.schema.stability import FieldStability


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Annotation:
    level: Level
    rule: str  # stable id: `invalid-operation`, `breaking/field-removed`, `preview-field` ...
    title: str  # short, e.g. `breaking against staging.graphql (LogScale 1.154.0)`
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None


def project_prefix(project: str | Path, cwd: Path | None = None) -> str:
    """The project folder relative to `cwd` ("" when they are the same), posix style."""
    relative = os.path.relpath(Path(project).resolve(), (cwd or Path.cwd()).resolve())
    return "" if relative == "." else Path(relative).as_posix() + "/"


def annotations_of(report: CheckReport, *, prefix: str = "") -> list[Annotation]:
    notes = _Notes(prefix)
    for problem in report.operations.errors:
        first = problem.locations[0] if problem.locations else None
        notes.add(
            Level.ERROR,
            "invalid-operation",
            f"invalid against {report.schema}",
            problem.message,
            first,
        )
    _generated(report, notes)
    for target in report.targets:
        _target(target, notes, strict=report.strict)
    stabilities = (
        [report.slice_stability]
        if report.slice_stability is not None
        else [t.stability for t in report.targets]
    )
    if report.slice_stability is not None:
        for entry in report.slice_stability.violations:
            _preview(notes, entry, report.schema)
    unused = sorted({c for stability in stabilities for c in stability.unused_allowances})
    for coordinate in unused:
        notes.add(
            Level.WARNING,
            "unused-allow-preview",
            "unused allow-preview entry",
            f"{coordinate} is allowed but no selected field is Preview there",
            file="pyproject.toml",
        )
    return notes.found


class _Notes:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.found: list[Annotation] = []

    def add(
        self,
        level: Level,
        rule: str,
        title: str,
        message: str,
        location: SourceLocation | None = None,
        *,
        file: str | None = None,
    ) -> None:
        if location is not None:
            self.found.append(
                Annotation(
                    level,
                    rule,
                    title,
                    message,
                    self.prefix + location.file,
                    location.line,
                    location.column,
                )
            )
        else:
            where = self.prefix + file if file is not None else None
            self.found.append(Annotation(level, rule, title, message, where))


def _generated(report: CheckReport, notes: _Notes) -> None:
    generated = report.generated
    if generated.error is not None:
        notes.add(
            Level.ERROR,
            "codegen-failed",
            "code generation failed",
            generated.error,
            file="codegen.toml",
        )
        return
    freshness = generated.freshness
    if freshness is None or freshness.fresh:
        return
    problems = [
        *((path, "differs from a fresh generation") for path in freshness.stale),
        *((path, "is missing") for path in freshness.missing),
        *((path, "is not generated (remove it)") for path in freshness.extra),
    ]
    for path, what in problems:
        notes.add(
            Level.ERROR,
            "generated-stale",
            "generated code is stale",
            f"{path} {what}",  # the command to regenerate is a hint, given once
            file=path,
        )


def _target(target: TargetReport, notes: _Notes, *, strict: bool) -> None:
    label = target.source.label
    for finding in target.compatibility.breaking:
        _finding(notes, finding, Level.ERROR, f"breaking against {label}")
    # --strict makes dangerous changes fail the check, so they are errors then.
    for finding in target.compatibility.dangerous:
        _finding(
            notes, finding, Level.ERROR if strict else Level.WARNING, f"dangerous against {label}"
        )
    for entry in target.stability.violations:
        _preview(notes, entry, label)


def _finding(notes: _Notes, finding: Finding, level: Level, title: str) -> None:
    coordinate = f"{finding.coordinate}: " if finding.coordinate else ""
    notes.add(
        level,
        f"{finding.severity.value}/{finding.kind.value}",
        title,
        f"{coordinate}{finding.message} [{', '.join(finding.operations)}]",
        finding.location,
    )


def _preview(notes: _Notes, entry: FieldStability, schema: str) -> None:
    message = (
        f"{entry.coordinate} is Preview in {schema}: LogScale may change it without notice "
        f"[{', '.join(entry.operations)}]"
    )
    for location in entry.locations or (None,):
        notes.add(Level.ERROR, "preview-field", f"Preview field in {schema}", message, location)
