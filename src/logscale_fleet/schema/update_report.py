"""Render an UpdateResult: what changed in the slice, the check, what was (or would be) written."""

from __future__ import annotations

import json
from typing import Any

from logscale_fleet.schema.check import SCHEMA_FILE
from logscale_fleet.schema.report import hints, problem_lines, report_to_dict
from logscale_fleet.schema.update import UpdateResult


def outcome(result: UpdateResult) -> str:
    plan = result.plan
    if not plan.slice_changed:
        return f"{SCHEMA_FILE} is up to date: nothing to write"
    if plan.breaks and not result.written:
        return (
            "nothing written: the operations break against the new slice; fix queries/ "
            "(see above), or pass --force to write it anyway"
        )
    if result.codegen_error is not None:
        done = "would write" if result.dry_run else "wrote"
        return (
            f"{done} {SCHEMA_FILE} (--force); generated/ NOT regenerated, since codegen fails "
            "on the broken operations: fix queries/, then run: uv run ariadne-codegen --config "
            "codegen.toml"
        )
    files = f"{len(result.generated_changed)} generated file(s)"
    if result.dry_run:
        return f"dry run: would write {SCHEMA_FILE} and {files}; nothing written"
    return f"wrote {SCHEMA_FILE} and {files}"


def render_update_text(result: UpdateResult) -> str:
    plan = result.plan
    lines = [f"schema update: {SCHEMA_FILE} from {plan.source.label}", ""]
    if plan.changes:
        lines.append(f"changes in the slice ({len(plan.changes)}):")
        lines += [f"  {change}" for change in plan.changes]
    elif plan.slice_changed:
        lines.append("changes in the slice: none in the types (the header names the new source)")
    else:
        lines.append("changes in the slice: none")
    errors, warnings = problem_lines(plan.check)
    count = len(plan.check.operations.operations)
    verdict = "ok" if plan.check.ok else "FAILED: " + "; ".join(plan.check.failures)
    lines += ["", f"our {count} operations against the new slice: {verdict}"]
    if errors:
        lines += ["errors:", *(f"  {line}" for line in errors)]
    if warnings:
        lines += ["warnings:", *(f"  {line}" for line in warnings)]
    lines += [f"hint: {line}" for line in hints(plan.check)]
    if result.generated_changed:
        lines += ["", "generated files:", *(f"  {path}" for path in result.generated_changed)]
    lines += ["", f"result: {outcome(result)}"]
    return "\n".join(lines) + "\n"


def update_to_dict(result: UpdateResult) -> dict[str, Any]:
    plan = result.plan
    return {
        "ok": not plan.breaks,
        "exitCode": result.exit_code,
        "source": {
            "name": plan.source.name,
            "location": plan.source.location,
            "version": plan.source.version,
        },
        "sliceChanged": plan.slice_changed,
        "changes": [
            {
                "coordinate": c.coordinate,
                "what": c.what,
                "change": c.change.value,
                "detail": c.detail,
                "text": str(c),
            }
            for c in plan.changes
        ],
        "check": report_to_dict(plan.check),
        "dryRun": result.dry_run,
        "written": result.written,
        "generatedChanged": list(result.generated_changed),
        "codegenError": result.codegen_error,
        "result": outcome(result),
    }


def render_update_json(result: UpdateResult) -> str:
    return json.dumps(update_to_dict(result), indent=2) + "\n"
