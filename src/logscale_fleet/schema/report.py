"""Render a CheckReport: a compact text report for people, one JSON document for CI tools."""

from __future__ import annotations

import json
from typing import Any

from logscale_fleet.schema.check import CheckReport
from logscale_fleet.schema.documents import OperationProblem, SourceLocation
from logscale_fleet.schema.findings import Finding
from logscale_fleet.schema.freshness import REGENERATE_COMMAND
from logscale_fleet.schema.stability import FieldStability, StabilityLevel

JSON_FORMAT_VERSION = 1


def report_to_dict(report: CheckReport) -> dict[str, Any]:
    generated = report.generated
    freshness = generated.freshness
    compatibility = report.compatibility
    stability = report.stability
    return {
        "format": JSON_FORMAT_VERSION,
        "ok": report.ok,
        "exit_code": report.exit_code,
        "failures": list(report.failures),
        "project": report.project,
        "schema": report.schema,
        "against": report.against,
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
        "compatibility": None
        if compatibility is None
        else {
            "schema": compatibility.schema,
            "breaking": [_finding(f) for f in compatibility.breaking],
            "dangerous": [_finding(f) for f in compatibility.dangerous],
        },
        "stability": {
            "schema": stability.schema,
            "counts": {level.value: n for level, n in stability.counts().items()},
            "fields": [_field_stability(f) for f in stability.fields],
            "violations": [f.coordinate for f in stability.violations],
            "unused_allowances": list(stability.unused_allowances),
        },
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_to_dict(report), indent=2) + "\n"


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


def render_text(report: CheckReport) -> str:
    errors, warnings = _problems(report)
    lines = [f"schema check: queries/ against {report.schema}" + _against(report)]
    if errors:
        lines += ["", "errors:", *(f"  {line}" for line in errors)]
    if warnings:
        lines += ["", "warnings:", *(f"  {line}" for line in warnings)]
    lines += ["", *_summary(report)]
    verdict = "ok" if report.ok else "FAILED: " + "; ".join(report.failures)
    lines += ["", f"result: {verdict}"]
    return "\n".join(lines) + "\n"


def _against(report: CheckReport) -> str:
    return f", compared with {report.against}" if report.against else ""


def _problems(report: CheckReport) -> tuple[list[str], list[str]]:
    errors = [f"[invalid] {problem}" for problem in report.operations.errors]
    generated = report.generated
    if generated.error is not None:
        errors.append(f"[codegen] {generated.error}")
    elif generated.freshness is not None and not generated.freshness.fresh:
        freshness = generated.freshness
        errors += [f"[stale] {path} differs from a fresh generation" for path in freshness.stale]
        errors += [f"[stale] {path} is missing" for path in freshness.missing]
        errors += [f"[stale] {path} is not generated (remove it)" for path in freshness.extra]
        errors.append(f"[stale] regenerate with: {REGENERATE_COMMAND}")
    warnings: list[str] = []
    if report.compatibility is not None:
        errors += [f"[breaking] {finding}" for finding in report.compatibility.breaking]
        # --strict makes dangerous changes fail the check, so they are listed as errors then.
        dangerous = [f"[dangerous] {finding}" for finding in report.compatibility.dangerous]
        (errors if report.strict else warnings).extend(dangerous)
    for entry in report.stability.violations:
        where = f"{entry.locations[0]}: " if entry.locations else ""
        errors.append(
            f"[preview] {where}{entry.coordinate} is Preview: LogScale may change it without "
            "notice; to accept that, add it to [tool.logscale-fleet] allow-preview in "
            f"pyproject.toml [{', '.join(entry.operations)}]"
        )
    warnings += [
        f"[allow-preview] {coordinate} is allowed but no selected field is Preview there"
        for coordinate in report.stability.unused_allowances
    ]
    return errors, warnings


def _summary(report: CheckReport) -> list[str]:
    operations = report.operations
    generated = report.generated
    if generated.skipped:
        generated_line = "skipped"
    elif generated.error is not None:
        generated_line = "code generation failed"
    elif generated.freshness is not None:
        generated_line = generated.freshness.headline
    else:
        generated_line = "not checked"
    lines = [
        f"operations:    {len(operations.operations)} checked, {len(operations.errors)} error(s)",
        f"generated:     {generated_line}",
    ]
    if report.compatibility is not None:
        compatibility = report.compatibility
        lines.append(
            f"compatibility: {len(compatibility.breaking)} breaking, "
            f"{len(compatibility.dangerous)} dangerous"
        )
    else:
        lines.append("compatibility: not checked (no --against schema)")
    stability = report.stability
    roots = [f for f in stability.fields if f.root]
    others = [f for f in stability.fields if not f.root]
    lines.append(f"stability (from {stability.schema}):")
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
