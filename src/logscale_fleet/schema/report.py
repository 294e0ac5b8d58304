"""Render a CheckReport: a compact text report for people, one JSON document for CI tools.

Both have the same shape: the project's checks (operations, generated code), then one row per
target schema (verdict and counts: the version matrix), then the details. JSON keys are
camelCase like the rest of the CLI's JSON.
"""

from __future__ import annotations

import json
from typing import Any

from logscale_fleet.schema.check import CheckReport, TargetReport
from logscale_fleet.schema.documents import OperationProblem, SourceLocation
from logscale_fleet.schema.findings import Finding
from logscale_fleet.schema.freshness import REGENERATE_COMMAND
from logscale_fleet.schema.stability import FieldStability, StabilityLevel, StabilityReport

JSON_FORMAT_VERSION = 2
PREVIEW_HINT = (
    "a Preview field may change without notice; to accept one knowingly, list its coordinate "
    "under [tool.logscale-fleet] allow-preview in pyproject.toml"
)


def report_to_dict(report: CheckReport) -> dict[str, Any]:
    generated = report.generated
    freshness = generated.freshness
    return {
        "formatVersion": JSON_FORMAT_VERSION,
        "ok": report.ok,
        "exitCode": report.exit_code,
        "failures": list(report.failures),
        "project": report.project,
        "schema": report.schema,
        "strict": report.strict,
        "operations": {
            "ok": report.operations.ok,
            "schema": report.operations.schema,
            "names": list(report.operations.operations),
            "errors": [_problem(p) for p in report.operations.errors],
        },
        "generated": {
            "ok": generated.ok,
            "skipped": generated.skipped,
            "error": generated.error,
            "stale": list(freshness.stale) if freshness else [],
            "missing": list(freshness.missing) if freshness else [],
            "extra": list(freshness.extra) if freshness else [],
        },
        "targets": [_target(t) for t in report.targets],
        "stability": None if report.slice_stability is None else _stability(report.slice_stability),
        "hints": hints(report),
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_to_dict(report), indent=2) + "\n"


def hints(report: CheckReport) -> list[str]:
    """Advice that applies to several findings, given once."""
    found = []
    if any(_violations(report)):
        found.append(PREVIEW_HINT)
    generated = report.generated
    if generated.freshness is not None and not generated.freshness.fresh:
        found.append(f"regenerate with: {REGENERATE_COMMAND}")
    return found


def _target(target: TargetReport) -> dict[str, Any]:
    compatibility = target.compatibility
    return {
        "name": target.name,
        "location": target.source.location,
        "version": target.source.version,
        "verdict": target.verdict.value,
        "ok": target.ok,
        "failures": list(target.failures),
        "counts": {
            "breaking": len(compatibility.breaking),
            "dangerous": len(compatibility.dangerous),
            "preview": len(target.stability.violations),
        },
        "compatibility": {
            "breaking": [_finding(f) for f in compatibility.breaking],
            "dangerous": [_finding(f) for f in compatibility.dangerous],
        },
        "stability": _stability(target.stability),
    }


def _stability(stability: StabilityReport) -> dict[str, Any]:
    return {
        "schema": stability.schema,
        "counts": {level.value: n for level, n in stability.counts().items()},
        "fields": [_field_stability(f) for f in stability.fields],
        "violations": [f.coordinate for f in stability.violations],
        "unusedAllowances": list(stability.unused_allowances),
    }


def _location(location: SourceLocation | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "column": location.column}


def _problem(problem: OperationProblem) -> dict[str, Any]:
    return {
        "message": problem.message,
        "location": _location(problem.locations[0] if problem.locations else None),
        "locations": [_location(loc) for loc in problem.locations],
        "text": str(problem),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity.value,
        "kind": finding.kind.value,
        "coordinate": finding.coordinate,
        "message": finding.message,
        "operations": list(finding.operations),
        "definition": finding.definition,
        "location": _location(finding.location),
        "text": str(finding),
    }


def _field_stability(entry: FieldStability) -> dict[str, Any]:
    return {
        "coordinate": entry.coordinate,
        "level": entry.level.value,
        "root": entry.root,
        "operations": list(entry.operations),
        "locations": [_location(loc) for loc in entry.locations],
        "allowed": entry.allowed,
    }


# -- text -------------------------------------------------------------------------------------


def render_text(report: CheckReport) -> str:
    errors, warnings = problem_lines(report)
    lines = [_headline(report)]
    if errors:
        lines += ["", "errors:", *(f"  {line}" for line in errors)]
    if warnings:
        lines += ["", "warnings:", *(f"  {line}" for line in warnings)]
    advice = hints(report)
    if advice:
        lines += ["", *(f"hint: {line}" for line in advice)]
    lines += ["", *summary_lines(report)]
    return "\n".join(lines) + "\n"


def summary_lines(report: CheckReport) -> list[str]:
    """What was checked against what, the matrix, and the result line."""
    verdict = "ok" if report.ok else "FAILED: " + "; ".join(report.failures)
    return [*_summary(report), "", f"result: {verdict}"]


def _headline(report: CheckReport) -> str:
    headline = f"schema check: the operations in queries/ against {report.schema}"
    if report.targets:
        headline += ", then against " + ", ".join(t.source.label for t in report.targets)
    return headline


def _violations(report: CheckReport) -> list[tuple[TargetReport | None, FieldStability]]:
    if report.slice_stability is not None:
        return [(None, entry) for entry in report.slice_stability.violations]
    return [(t, entry) for t in report.targets for entry in t.stability.violations]


def problem_lines(report: CheckReport) -> tuple[list[str], list[str]]:
    errors = [f"[invalid] {problem}" for problem in report.operations.errors]
    generated = report.generated
    if generated.error is not None:
        errors.append(f"[codegen] {generated.error}")
    elif generated.freshness is not None and not generated.freshness.fresh:
        freshness = generated.freshness
        errors += [f"[stale] {path} differs from a fresh generation" for path in freshness.stale]
        errors += [f"[stale] {path} is missing" for path in freshness.missing]
        errors += [f"[stale] {path} is not generated (remove it)" for path in freshness.extra]
    warnings: list[str] = []
    several = len(report.targets) > 1
    for target in report.targets:
        against = f"against {target.source.label}: " if several else ""
        errors += [f"[breaking] {against}{f}" for f in target.compatibility.breaking]
        # --strict makes dangerous changes fail the check, so they are listed as errors then.
        dangerous = [f"[dangerous] {against}{f}" for f in target.compatibility.dangerous]
        (errors if report.strict else warnings).extend(dangerous)
    for owner, entry in _violations(report):
        against = f"against {owner.source.label}: " if several and owner else ""
        where = f"{entry.locations[0]}: " if entry.locations else ""
        errors.append(
            f"[preview] {against}{where}{entry.coordinate} is Preview "
            f"[{', '.join(entry.operations)}]"
        )
    unused = {
        coordinate
        for stability in _stabilities(report)
        for coordinate in stability.unused_allowances
    }
    warnings += [
        f"[allow-preview] {coordinate} is allowed but no selected field is Preview there"
        for coordinate in sorted(unused)
    ]
    return errors, warnings


def _stabilities(report: CheckReport) -> list[StabilityReport]:
    if report.slice_stability is not None:
        return [report.slice_stability]
    return [t.stability for t in report.targets]


def _summary(report: CheckReport) -> list[str]:
    operations = report.operations
    count = len(operations.operations)
    validity = (
        "all valid" if operations.ok else f"{len(operations.errors)} error(s)"
    ) + f" against {report.schema}"
    lines = [f"operations:    {count} in queries/, {validity}"]
    lines.append(f"generated:     {_generated_line(report)}")
    if report.targets:
        lines += ["", f"our {count} operations against each target:", *_matrix(report)]
    else:
        lines.append("compatibility: not checked (no --against schema)")
    stabilities = _stabilities(report)
    lines.append("")
    if len(stabilities) == 1:
        lines += _stability_table(stabilities[0])
    else:
        lines.append("stability of the selected fields:")
        for target in report.targets:
            fields = list(target.stability.fields)
            lines.append(f"  {target.source.label}: {_counts(fields)}")
    return lines


def _generated_line(report: CheckReport) -> str:
    generated = report.generated
    if generated.skipped:
        return "skipped"
    if generated.error is not None:
        return "code generation failed"
    if generated.freshness is not None:
        return generated.freshness.headline
    return "not checked"


def _matrix(report: CheckReport) -> list[str]:
    header = ("target", "LogScale", "verdict", "breaking", "dangerous", "preview")
    rows = [
        (
            t.name,
            t.source.short_version or "-",
            t.verdict.value if t.ok else f"{t.verdict.value} (fails)",
            str(len(t.compatibility.breaking)),
            str(len(t.compatibility.dangerous)),
            str(len(t.stability.violations)),
        )
        for t in report.targets
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]


def _stability_table(stability: StabilityReport) -> list[str]:
    roots = [f for f in stability.fields if f.root]
    others = [f for f in stability.fields if not f.root]
    lines = [f"stability (from {stability.schema}):"]
    width = max((len(f.coordinate) for f in roots), default=0)
    lines += [f"  {f.coordinate.ljust(width)}  {_level(f)}" for f in roots]
    lines.append(f"  other selected fields: {_counts(others)}")
    return lines


def _level(entry: FieldStability) -> str:
    if entry.level is StabilityLevel.PREVIEW:
        return "Preview (allowed)" if entry.allowed else "Preview (NOT ALLOWED)"
    return str(entry.level.value)


def _counts(entries: list[FieldStability]) -> str:
    counts = [
        f"{sum(e.level is level for e in entries)} {level.value}"
        for level in StabilityLevel
        if any(e.level is level for e in entries)
    ]
    return ", ".join(counts) if counts else "none"
