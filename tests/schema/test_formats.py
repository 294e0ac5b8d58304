"""`schema check --format github|sarif`: annotations parsed back, SARIF validated against the
OASIS SARIF 2.1.0 schema (tests/schema/data, see its README)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from logscale_fleet.cli.main import main
from logscale_fleet.schema.check import GeneratedCheck, check_project
from logscale_fleet.schema.freshness import FreshnessReport
from logscale_fleet.schema.github import command, escape_data, escape_property, render_github
from logscale_fleet.schema.sarif import report_to_sarif
from tests.schema.helpers import derive, location_in

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
JWT = '  """Stability: Short-term"""\n  jwtToken: String!\n'
COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


@cache
def sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def unescape(text: str, *, prop: bool = False) -> str:
    if prop:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_commands(out: str) -> list[dict[str, str]]:
    """Workflow commands as the Actions runner reads them: level, properties, message."""
    found = []
    for line in out.splitlines():
        match = COMMAND.match(line)
        if not match:
            continue
        entry = {"level": match[1], "message": unescape(match[3])}
        for prop in (match[2] or "").split(","):
            if prop:
                name, _, value = prop.partition("=")
                entry[name] = unescape(value, prop=True)
        found.append(entry)
    return found


@pytest.fixture
def project(checked_project: Path, tmp_path: Path, slice_sdl: str) -> dict[str, Path]:
    """The project, a target without jwtToken (1.154), one where jwtToken is deprecated and
    one where it is Preview."""
    paths = {"project": checked_project}
    derived = {
        "no-jwt.graphql": "# LogScale version: 1.154.0\n" + derive(slice_sdl, JWT, ""),
        "deprecated.graphql": derive(
            slice_sdl, "jwtToken: String!", 'jwtToken: String! @deprecated(reason: "Use x, y.")'
        ),
        "preview.graphql": derive(
            slice_sdl, 'Stability: Short-term"""\n  jwtToken', 'Stability: Preview"""\n  jwtToken'
        ),
    }
    for name, sdl in derived.items():
        paths[name] = tmp_path / name
        paths[name].write_text(sdl, encoding="utf-8")
    return paths


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["schema", "check", "--skip-generated", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def jwt_location(project: Path) -> tuple[str, int, int]:
    where = location_in(project / "queries" / "fragments.graphql", "jwtToken", relative_to=project)
    file, line, column = where.split(":")
    return file, int(line), int(column)


# -- github ----------------------------------------------------------------------------------


def test_github_annotations_point_at_the_operation_line_of_each_target(
    capsys: pytest.CaptureFixture[str], project: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI runs in the repository root; the project is a folder below it.
    monkeypatch.chdir(project["project"].parent)
    code, out, _ = run(
        capsys,
        *("--project", "project", "--format", "github"),
        *("--against", str(project["no-jwt.graphql"])),
        *("--against", str(project["deprecated.graphql"])),
        *("--against", str(project["preview.graphql"])),
    )
    assert code == 1
    commands = parse_commands(out)
    file, line, column = jwt_location(project["project"])
    at_jwt = [c for c in commands if c.get("file") == f"project/{file}"]
    assert [(c["level"], c["title"]) for c in at_jwt] == [
        ("error", "breaking against no-jwt.graphql (LogScale 1.154.0)"),
        ("warning", "dangerous against deprecated.graphql"),
        ("error", "Preview field in preview.graphql"),
    ]
    assert all((c["line"], c["col"]) == (str(line), str(column)) for c in at_jwt)
    assert at_jwt[0]["message"].startswith("FleetInstallationToken.jwtToken: field removed")
    assert at_jwt[1]["message"].startswith("FleetInstallationToken.jwtToken: deprecated: Use x, y.")
    (notice,) = [c for c in commands if c["level"] == "notice"]
    assert "allow-preview" in notice["message"]  # the hint, once
    # The summary follows as plain log lines.
    assert out.rstrip().splitlines()[-1].startswith("result: FAILED: against no-jwt.graphql")


def test_github_annotates_an_invalid_operation_at_its_position(
    capsys: pytest.CaptureFixture[str], checked_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (checked_project / "queries" / "broken.graphql").write_text(
        "query Broken {\n  defaultFleetInstallationToken { tokn }\n}\n", encoding="utf-8"
    )
    monkeypatch.chdir(checked_project)
    code, out, _ = run(capsys, "--format", "github")
    assert code == 1
    (error,) = parse_commands(out)
    assert (error["level"], error["title"]) == ("error", "invalid against schema.graphql")
    assert (error["file"], error["line"], error["col"]) == ("queries/broken.graphql", "2", "35")
    assert error["message"].startswith("Cannot query field 'tokn'")


def test_stale_generated_files_are_annotated_on_the_file(checked_project: Path) -> None:
    report = check_project(checked_project, include_generated=False)
    stale = replace(
        report,
        generated=GeneratedCheck(
            freshness=FreshnessReport(
                package="generated/logscale_graphql",
                stale=["generated/logscale_graphql/fragments.py"],
            )
        ),
    )
    error, notice = parse_commands(render_github(stale, prefix="sub/"))
    assert error["file"] == "sub/generated/logscale_graphql/fragments.py"
    assert "line" not in error
    assert (
        error["message"]
        == "generated/logscale_graphql/fragments.py differs from a fresh generation"
    )
    assert notice["level"] == "notice"
    assert notice["message"] == "regenerate with: uv run ariadne-codegen --config codegen.toml"
    sarif_validator().validate(report_to_sarif(stale))


@pytest.mark.parametrize("text", ["100% sure", "a,b:c", "two\nlines\r\n", "%0A literal"])
def test_workflow_command_escaping_round_trips(text: str) -> None:
    line = command("error", text, file=text, title=text)
    assert "\n" not in line
    assert "\r" not in line
    (parsed,) = parse_commands(line)
    assert parsed == {"level": "error", "message": text, "file": text, "title": text}
    assert "," not in escape_property(text)
    assert ":" not in escape_property(text)
    assert escape_data("%") == "%25"


def test_github_reports_bad_input_as_an_annotation_and_exits_2(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys,
        *("--project", str(checked_project), "--format", "github"),
        *("--against", str(tmp_path / "nope.graphql")),
    )
    assert code == 2
    (error,) = parse_commands(out)
    assert error["level"] == "error"
    assert "invalid --against: cannot read" in error["message"]
    assert "invalid --against" in err


# -- sarif -----------------------------------------------------------------------------------


def test_sarif_is_valid_and_locates_every_finding(
    capsys: pytest.CaptureFixture[str], project: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project["project"])
    code, out, _ = run(
        capsys,
        *("--format", "sarif", "--strict"),
        *("--against", str(project["no-jwt.graphql"])),
        *("--against", str(project["deprecated.graphql"])),
    )
    assert code == 1
    log = json.loads(out)
    sarif_validator().validate(log)
    (run_,) = log["runs"]
    assert log["version"] == "2.1.0"
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert rules == ["breaking/field-removed", "dangerous/deprecated"]
    file, line, column = jwt_location(project["project"])
    results = [
        (
            r["ruleId"],
            rules[r["ruleIndex"]],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run_["results"]
    ]
    region = {"startLine": line, "startColumn": column}
    assert results == [
        ("breaking/field-removed", "breaking/field-removed", "error", file, region),
        ("dangerous/deprecated", "dangerous/deprecated", "error", file, region),  # --strict
    ]
    assert run_["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert [t["verdict"] for t in run_["properties"]["targets"]] == ["breaking", "dangerous"]
    assert run_["properties"]["targets"][0]["location"] == str(project["no-jwt.graphql"].resolve())


def test_sarif_without_findings_is_valid_and_empty(
    capsys: pytest.CaptureFixture[str], checked_project: Path, project_root: Path
) -> None:
    code, out, _ = run(
        capsys,
        *("--project", str(checked_project), "--format", "sarif"),
        *("--against", str(project_root / "schema.graphql")),
    )
    assert code == 0
    log = json.loads(out)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_for_bad_input_is_a_valid_log_saying_why(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.graphql"
    bad.write_text("type Query {\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "--project", str(checked_project), "--format", "sarif", "--against", str(bad)
    )
    assert code == 2
    log = json.loads(out)
    sarif_validator().validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    (notification,) = invocation["toolExecutionNotifications"]
    assert "bad.graphql is not valid GraphQL SDL" in notification["message"]["text"]


def test_the_validator_rejects_a_broken_log() -> None:
    """The schema really constrains: a result without a message is refused."""
    broken = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r"}]}],
    }
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator().validate(broken)


def test_json_bad_input_marks_the_command_as_json(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path
) -> None:
    """--format json asks the CLI's one-error-document mechanism (global -o json) to apply."""
    import argparse

    from logscale_fleet.cli.schema_commands import run_check

    args = argparse.Namespace(
        format="json",
        output="table",
        project=str(checked_project),
        against=[str(tmp_path / "nope.graphql")],
        strict=False,
        skip_generated=True,
    )
    with pytest.raises(Exception, match="cannot read"):
        run_check(args)
    assert args.output == "json"
    assert capsys.readouterr().out == ""
