"""`logscale-fleet schema check` end to end: the reference schema, exit codes, text and JSON."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, introspection_from_schema

from logscale_fleet._core.introspection import sdl_from_introspection
from logscale_fleet.cli.main import main
from logscale_fleet.errors import InvalidResponseError
from logscale_fleet.schema.check import SchemaSource, build_schema_from, check_project
from logscale_fleet.schema.compat import check_compatibility
from logscale_fleet.schema.documents import OperationSet
from logscale_fleet.schema.freshness import CodegenLayout
from logscale_fleet.schema.report import render_text
from logscale_fleet.schema.stability import StabilityLevel
from tests.conftest import REFERENCE_SCHEMA
from tests.schema.helpers import derive, location_in

CREATE_FIELD = "createFleetInstallToken(name: String!, configId: String)"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["schema", "check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, *args, "--format", "json")
    document: dict[str, Any] = json.loads(out)
    assert document["exitCode"] == code
    return code, document


@pytest.fixture
def derived_schema(tmp_path: Path, slice_sdl: str) -> Any:
    def write(old: str, new: str) -> str:
        path = tmp_path / "derived.graphql"
        path.write_text(derive(slice_sdl, old, new), encoding="utf-8")
        return str(path)

    return write


# -- the reference schema -------------------------------------------------------------------


def test_the_committed_operations_are_compatible_with_the_reference(
    fleet_operations: OperationSet, our_schema: GraphQLSchema, reference_schema: GraphQLSchema
) -> None:
    report = check_compatibility(
        fleet_operations, our_schema, reference_schema, schema_name="reference"
    )
    assert report.findings == (), [str(f) for f in report.findings]


def test_changes_the_operations_do_not_touch_are_ignored_in_the_full_schema(
    fleet_operations: OperationSet, our_schema: GraphQLSchema, reference_sdl: str
) -> None:
    changed = derive(
        reference_sdl,
        "input StopQueriesInput {\n\tclusterWide: Boolean\n}",
        "input StopQueriesInput {\n\tclusterWide: Boolean!\n}",
    )
    changed = derive(changed, "\tviewer: Account!\n", "\tviewer: Account\n")
    changed = derive(changed, "enum StabilityLevel {\n", "enum StabilityLevel {\n\tRetired\n")
    theirs = build_schema_from(SchemaSource("changed.graphql", changed))
    report = check_compatibility(fleet_operations, our_schema, theirs, schema_name="changed")
    assert report.findings == ()


def test_the_command_passes_against_the_reference_with_every_check(
    capsys: pytest.CaptureFixture[str], project_root: Path, reference_sdl: str
) -> None:
    code, out, err = run(capsys, "--project", str(project_root), "--against", str(REFERENCE_SCHEMA))
    assert (code, err) == (0, "")
    assert "then against logscale-schema-2025-10.graphql (LogScale 1.204.0)" in out
    row = next(line for line in out.splitlines() if line.startswith("  logscale-schema-2025-10"))
    assert row.split() == ["logscale-schema-2025-10.graphql", "1.204.0", "ok", "0", "0", "0"]
    assert "generated/logscale_graphql is up to date" in out
    # Columns widen with the longest operation name: match the words, not the padding.
    assert re.search(r"Mutation\.createFleetInstallToken +Long-term\n", out)
    assert re.search(r"Mutation\.publishLogCollectorConfiguration +Short-term\n", out)
    assert out.rstrip().endswith("result: ok")


# -- verdicts and exit codes through the command --------------------------------------------


def test_a_breaking_change_exits_1_with_a_json_report(
    capsys: pytest.CaptureFixture[str], checked_project: Path, derived_schema: Any
) -> None:
    against = derived_schema("jwtToken: String!", "jwtToken: String")
    code, document = run_json(
        capsys, "--project", str(checked_project), "--against", against, "--skip-generated"
    )
    assert code == 1
    assert document["ok"] is False
    assert document["failures"] == ["against derived.graphql: 1 breaking change(s)"]
    (target,) = document["targets"]
    assert target["name"] == "derived.graphql"
    assert target["location"] == str(Path(against).resolve())
    assert (target["verdict"], target["ok"]) == ("breaking", False)
    assert target["counts"] == {"breaking": 1, "dangerous": 0, "preview": 0}
    assert document["stability"] is None  # the target's stability counts, not the slice's
    assert document["generated"] == {
        "ok": True,
        "skipped": True,
        "error": None,
        "stale": [],
        "missing": [],
        "extra": [],
    }
    (finding,) = target["compatibility"]["breaking"]
    assert target["compatibility"]["dangerous"] == []
    where = location_in(
        checked_project / "queries" / "fragments.graphql", "jwtToken", relative_to=checked_project
    )
    assert finding["kind"] == "field-became-nullable"
    assert finding["coordinate"] == "FleetInstallationToken.jwtToken"
    assert finding["definition"] == "InstallTokenFields"
    assert "CreateFleetInstallToken" in finding["operations"]
    file, line, column = where.split(":")
    assert finding["location"] == {"file": file, "line": int(line), "column": int(column)}
    assert finding["text"].startswith(f"{where}: FleetInstallationToken.jwtToken: became nullable")
    assert document["operations"]["ok"] is True
    assert "CreateFleetInstallToken" in document["operations"]["names"]
    levels = {f["coordinate"]: f["level"] for f in target["stability"]["fields"]}
    assert levels["Mutation.createFleetInstallToken"] == "Long-term"
    assert levels["FleetInstallationToken.jwtToken"] == "Short-term"


def test_the_text_report_groups_findings_by_severity(
    capsys: pytest.CaptureFixture[str], checked_project: Path, derived_schema: Any
) -> None:
    against = derived_schema(
        CREATE_FIELD, "createFleetInstallToken(name: String!, configId: String!)"
    )
    code, out, _ = run(
        capsys, "--project", str(checked_project), "--against", against, "--skip-generated"
    )
    assert code == 1
    errors = out.split("errors:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(errors) == 1
    assert errors[0].startswith("  [breaking] queries/install_tokens.graphql:")
    assert "Mutation.createFleetInstallToken(configId:): argument became required" in errors[0]
    assert "warnings:" not in out
    assert "result: FAILED: against derived.graphql: 1 breaking change(s)" in out


def test_a_dangerous_change_passes_unless_strict(
    capsys: pytest.CaptureFixture[str], checked_project: Path, derived_schema: Any
) -> None:
    against = derived_schema("jwtToken: String!", 'jwtToken: String! @deprecated(reason: "No.")')
    args = ("--project", str(checked_project), "--against", against, "--skip-generated")

    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "warnings:\n  [dangerous] queries/fragments.graphql:" in out
    assert "FleetInstallationToken.jwtToken: deprecated: No." in out
    assert "result: ok" in out

    code, document = run_json(capsys, *args, "--strict")
    assert code == 1
    assert document["strict"] is True
    (target,) = document["targets"]
    assert [f["kind"] for f in target["compatibility"]["dangerous"]] == ["deprecated"]
    assert target["verdict"] == "dangerous"
    assert document["failures"] == ["against derived.graphql: 1 dangerous change(s) (--strict)"]


def test_harmless_changes_exit_0(
    capsys: pytest.CaptureFixture[str], checked_project: Path, derived_schema: Any
) -> None:
    against = derived_schema(CREATE_FIELD, CREATE_FIELD[:-1] + ", dryRun: Boolean)")
    code, document = run_json(
        capsys, "--project", str(checked_project), "--against", against, "--skip-generated"
    )
    assert code == 0
    (target,) = document["targets"]
    assert target["verdict"] == "ok"
    assert target["compatibility"] == {
        "breaking": [],
        "dangerous": [],
    }


def test_a_preview_field_exits_1(
    capsys: pytest.CaptureFixture[str], checked_project: Path, derived_schema: Any
) -> None:
    against = derived_schema(
        '  """Stability: Short-term"""\n  jwtToken: String!',
        '  """Stability: Preview"""\n  jwtToken: String!',
    )
    code, out, _ = run(
        capsys, "--project", str(checked_project), "--against", against, "--skip-generated"
    )
    assert code == 1
    assert "[preview] queries/fragments.graphql:" in out
    assert "FleetInstallationToken.jwtToken is Preview" in out
    assert "allow-preview" in out


def test_an_invalid_operation_exits_1_naming_file_line_and_column(
    capsys: pytest.CaptureFixture[str], checked_project: Path
) -> None:
    (checked_project / "queries" / "broken.graphql").write_text(
        "query Broken {\n  defaultFleetInstallationToken { tokn }\n}\n", encoding="utf-8"
    )
    code, document = run_json(capsys, "--project", str(checked_project), "--skip-generated")
    assert code == 1
    (error,) = document["operations"]["errors"]
    assert error["location"] == {"file": "queries/broken.graphql", "line": 2, "column": 35}
    assert error["text"].startswith("queries/broken.graphql:2:35: Cannot query field 'tokn'")
    assert document["targets"] == []
    assert document["stability"]["schema"] == "schema.graphql"


def test_stale_generated_code_fails_the_check(project_root: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in (*CodegenLayout.read(project_root).inputs, "generated", "pyproject.toml"):
        source = project_root / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, project / name, ignore=ignore)
        elif source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    fragments = project / "queries" / "fragments.graphql"
    fragments.write_text(fragments.read_text().replace("  isTestRunning\n", "", 1))

    report = check_project(project)
    assert report.generated.freshness is not None
    assert "generated/logscale_graphql/fragments.py" in report.generated.freshness.stale
    assert report.failures == ("generated/ is stale",)
    text = render_text(report)
    assert "[stale] generated/logscale_graphql/fragments.py differs" in text
    assert "regenerate with: uv run ariadne-codegen --config codegen.toml" in text


# -- usage errors ---------------------------------------------------------------------------


def test_an_unreadable_against_file_exits_2(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "--project", str(checked_project), "--against", str(tmp_path / "nope.graphql")
    )
    assert (code, out) == (2, "")
    assert "invalid --against: cannot read" in err


def test_invalid_sdl_exits_2_naming_the_file_and_position(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.graphql"
    bad.write_text("type Query {\n  a: Int\n", encoding="utf-8")
    code, _, err = run(capsys, "--project", str(checked_project), "--against", str(bad))
    assert code == 2
    assert "bad.graphql is not valid GraphQL SDL" in err
    assert "line 3" in err


def test_a_schema_with_dangling_types_exits_2(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "dangling.graphql"
    bad.write_text("type Query { a: Missing }\n", encoding="utf-8")
    code, _, err = run(capsys, "--project", str(checked_project), "--against", str(bad))
    assert code == 2
    assert "dangling.graphql is not a valid schema: Unknown type 'Missing'" in err


def test_a_url_without_an_api_token_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], checked_project: Path
) -> None:
    # Live checks are in test_live.py; without a token nothing is sent at all.
    code, _, err = run(capsys, "--project", str(checked_project), "--against", "https://x.test")
    assert code == 2
    assert "no API token" in err
    assert "LOGSCALE_TOKEN" in err


def test_a_bad_allow_list_exits_2(
    capsys: pytest.CaptureFixture[str], checked_project: Path
) -> None:
    (checked_project / "pyproject.toml").write_text(
        '[tool.logscale-fleet]\nallow-preview = "everything"\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "--project", str(checked_project), "--skip-generated")
    assert code == 2
    assert "allow-preview must be a list of strings" in err


def test_an_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(["schema", "check", "--format", "yaml"])
    except SystemExit as exit_:  # argparse's own exit, unless main turns it into a return
        code = exit_.code  # type: ignore[assignment]
    assert code == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err


# -- other schema sources ---------------------------------------------------------------------


def test_an_introspection_result_plugs_in_like_sdl(
    checked_project: Path, our_schema: GraphQLSchema, slice_sdl: str
) -> None:
    """The future `--against URL` path: a live server answers introspection, not SDL."""
    deprecated = build_schema_from(
        SchemaSource(
            "live",
            derive(slice_sdl, "jwtToken: String!", 'jwtToken: String! @deprecated(reason: "x")'),
        )
    )
    source = SchemaSource(
        "https://logscale.test",
        sdl_from_introspection(introspection_from_schema(deprecated), operation="test"),
    )
    report = check_project(checked_project, against=source, include_generated=False)
    assert report.against == "https://logscale.test"
    assert report.compatibility is not None
    assert [f.coordinate for f in report.compatibility.dangerous] == [
        "FleetInstallationToken.jwtToken"
    ]
    assert report.compatibility.breaking == ()
    assert report.stability.level_of("Mutation.createFleetInstallToken") is StabilityLevel.LONG_TERM
    assert report.ok


def test_a_non_introspection_result_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponseError, match="not a usable schema"):
        sdl_from_introspection({"data": None}, operation="IntrospectionQuery")


@pytest.mark.parametrize("json_flag", [("--format", "json"), ("-o", "json")])
def test_bad_input_still_prints_one_json_error_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, json_flag: tuple[str, str]
) -> None:
    code, out, err = run(capsys, "--against", str(tmp_path / "missing.graphql"), *json_flag)
    assert code == 2
    error = json.loads(out)["error"]
    assert (error["type"], error["exitCode"]) == ("InvalidInputError", 2)
    assert "missing.graphql" in error["message"]
    assert "missing.graphql" in err
