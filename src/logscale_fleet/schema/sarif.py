"""`schema check --format sarif`: a SARIF 2.1.0 log for code-scanning tools.

One run of one tool; each finding is a result with its rule (`breaking/field-removed`,
`preview-field` ...), level and the operation's file:line:col; the verdict of every target
schema is kept in the run's properties. Validated against the OASIS schema in the tests.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from logscale_fleet.schema.annotations import Annotation, annotations_of
from logscale_fleet.schema.check import CheckReport

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "logscale-fleet schema check"
INFORMATION_URI = "https://pypi.org/project/logscale-fleet/"

_RULE_TEXT = {
    "invalid-operation": "An operation in queries/ is not valid against schema.graphql",
    "codegen-failed": "ariadne-codegen failed on the current inputs",
    "generated-stale": "generated/ differs from what ariadne-codegen makes now",
    "preview-field": "A selected field is Preview and not in allow-preview",
    "unused-allow-preview": "An allow-preview entry no selected Preview field needs",
}


def _rule_text(rule: str) -> str:
    if rule in _RULE_TEXT:
        return _RULE_TEXT[rule]
    severity, _, kind = rule.partition("/")
    return f"A {severity} change for our operations: {kind.replace('-', ' ')}"


def _tool(rules: list[str]) -> dict[str, Any]:
    from logscale_fleet import __version__

    return {
        "driver": {
            "name": TOOL_NAME,
            "version": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [
                {
                    "id": rule,
                    "name": rule.replace("/", "-"),
                    "shortDescription": {"text": _rule_text(rule)},
                }
                for rule in rules
            ],
        }
    }


def _result(annotation: Annotation, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": annotation.rule,
        "ruleIndex": rule_index,
        "level": annotation.level.value,
        "message": {"text": f"{annotation.title}: {annotation.message}"},
    }
    if annotation.file is not None:
        # A URI reference: a path with spaces or `#` must be percent-encoded.
        physical: dict[str, Any] = {"artifactLocation": {"uri": quote(annotation.file)}}
        if annotation.line is not None:
            region: dict[str, Any] = {"startLine": annotation.line}
            if annotation.column is not None:
                region["startColumn"] = annotation.column
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    return result


def report_to_sarif(report: CheckReport, *, prefix: str = "") -> dict[str, Any]:
    found = annotations_of(report, prefix=prefix)
    rules = sorted({a.rule for a in found})
    index = {rule: i for i, rule in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": _tool(rules),
                "invocations": [{"executionSuccessful": True, "exitCode": report.exit_code}],
                "results": [_result(a, index[a.rule]) for a in found],
                "properties": {
                    "ok": report.ok,
                    "failures": list(report.failures),
                    "targets": [
                        {
                            "name": t.name,
                            "location": t.source.location,
                            "version": t.source.version,
                            "verdict": t.verdict.value,
                        }
                        for t in report.targets
                    ],
                },
            }
        ],
    }


def render_sarif(report: CheckReport, *, prefix: str = "") -> str:
    return json.dumps(report_to_sarif(report, prefix=prefix), indent=2) + "\n"


def render_sarif_error(message: str, exit_code: int) -> str:
    """A failure before any check ran (bad input): a log with no results saying why."""
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": _tool([]),
                "invocations": [
                    {
                        "executionSuccessful": False,
                        "exitCode": exit_code,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": message}}
                        ],
                    }
                ],
                "results": [],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
