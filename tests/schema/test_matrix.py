"""`schema check --against A --against B ...`: every target in one run, one matrix row each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet.cli.main import main
from logscale_fleet.schema.check import SchemaSource, check_project
from tests.schema.helpers import derive, location_in

JWT = '  """Stability: Short-term"""\n  jwtToken: String!\n'
DEFAULT = '  """Stability: Long-term"""\n  defaultFleetInstallationToken: FleetInstallationToken\n'


@pytest.fixture
def targets(tmp_path: Path, slice_sdl: str) -> dict[str, Path]:
    """Three derived versions: 1.154 without jwtToken, 1.180 without the default token query,
    and one identical to the slice (no version in it)."""
    folder = tmp_path / "targets"
    folder.mkdir()
    schemas = {
        "no-jwt.graphql": "# LogScale version: 1.154.0\n" + derive(slice_sdl, JWT, ""),
        "no-default.graphql": "# LogScale version: 1.180.2--build-77\n"
        + derive(slice_sdl, DEFAULT, ""),
        "same.graphql": slice_sdl,
    }
    paths = {}
    for name, sdl in schemas.items():
        paths[name] = folder / name
        paths[name].write_text(sdl, encoding="utf-8")
    return paths


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["schema", "check", "--skip-generated", *args])
    return code, capsys.readouterr().out


def against_all(targets: dict[str, Path]) -> list[str]:
    return [arg for path in targets.values() for arg in ("--against", str(path))]


def test_the_json_matrix_has_one_row_per_target_in_order(
    capsys: pytest.CaptureFixture[str], checked_project: Path, targets: dict[str, Path]
) -> None:
    code, out = run(
        capsys, "--project", str(checked_project), *against_all(targets), "--format", "json"
    )
    document: dict[str, Any] = json.loads(out)
    assert code == 1
    assert document["exitCode"] == 1
    rows = [
        (t["name"], t["location"], t["version"], t["verdict"], t["counts"])
        for t in document["targets"]
    ]
    assert rows == [
        (
            "no-jwt.graphql",
            str(targets["no-jwt.graphql"].resolve()),
            "1.154.0",
            "breaking",
            {"breaking": 1, "dangerous": 0, "preview": 0},
        ),
        (
            "no-default.graphql",
            str(targets["no-default.graphql"].resolve()),
            "1.180.2--build-77",
            "breaking",
            {"breaking": 1, "dangerous": 0, "preview": 0},
        ),
        (
            "same.graphql",
            str(targets["same.graphql"].resolve()),
            None,
            "ok",
            {"breaking": 0, "dangerous": 0, "preview": 0},
        ),
    ]
    no_jwt, no_default, _ = document["targets"]
    (finding,) = no_jwt["compatibility"]["breaking"]
    assert (finding["kind"], finding["coordinate"]) == (
        "field-removed",
        "FleetInstallationToken.jwtToken",
    )
    (finding,) = no_default["compatibility"]["breaking"]
    assert finding["coordinate"] == "Query.defaultFleetInstallationToken"
    assert finding["operations"] == ["DefaultFleetInstallationToken"]
    assert document["failures"] == [
        "against no-jwt.graphql: 1 breaking change(s)",
        "against no-default.graphql: 1 breaking change(s)",
    ]


def test_the_text_matrix_says_what_was_checked_against_what(
    capsys: pytest.CaptureFixture[str], checked_project: Path, targets: dict[str, Path]
) -> None:
    code, out = run(capsys, "--project", str(checked_project), *against_all(targets))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "schema check: the operations in queries/ against schema.graphql, then against "
        "no-jwt.graphql (LogScale 1.154.0), no-default.graphql (LogScale 1.180.2), same.graphql"
    )
    # Valid against the slice and broken against a target no longer read as a contradiction.
    operations = next(line for line in lines if line.startswith("operations:"))
    assert operations.endswith("in queries/, all valid against schema.graphql")
    header = lines.index(next(line for line in lines if line.startswith("our ")))
    assert lines[header + 1].split() == [
        "target",
        "LogScale",
        "verdict",
        "breaking",
        "dangerous",
        "preview",
    ]
    assert [line.split() for line in lines[header + 2 : header + 5]] == [
        ["no-jwt.graphql", "1.154.0", "breaking", "(fails)", "1", "0", "0"],
        ["no-default.graphql", "1.180.2", "breaking", "(fails)", "1", "0", "0"],
        ["same.graphql", "-", "ok", "0", "0", "0"],
    ]
    breaking = [line for line in lines if line.startswith("  [breaking]")]
    where = location_in(
        checked_project / "queries" / "fragments.graphql", "jwtToken", relative_to=checked_project
    )
    assert breaking[0].startswith(
        f"  [breaking] against no-jwt.graphql (LogScale 1.154.0): {where}: "
        "FleetInstallationToken.jwtToken: field removed"
    )
    assert breaking[1].startswith("  [breaking] against no-default.graphql (LogScale 1.180.2): ")
    assert len(breaking) == 2


def test_every_target_passing_exits_0(
    capsys: pytest.CaptureFixture[str], checked_project: Path, targets: dict[str, Path]
) -> None:
    same = str(targets["same.graphql"])
    code, out = run(capsys, "--project", str(checked_project), "--against", same, "--against", same)
    assert code == 0
    assert out.rstrip().endswith("result: ok")


def test_one_bad_target_is_a_usage_error_before_any_report(
    capsys: pytest.CaptureFixture[str], checked_project: Path, targets: dict[str, Path]
) -> None:
    code = main(
        [
            *("schema", "check", "--skip-generated", "--project", str(checked_project)),
            *("--against", str(targets["same.graphql"]), "--against", "missing.graphql"),
        ]
    )
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert "invalid --against: cannot read missing.graphql" in captured.err


def test_an_operation_added_to_queries_is_covered_without_code_for_it(
    checked_project: Path, targets: dict[str, Path]
) -> None:
    (checked_project / "queries" / "extra.graphql").write_text(
        "query ExtraTokenJwts {\n  fleetInstallationTokens {\n    jwtToken\n  }\n}\n",
        encoding="utf-8",
    )
    report = check_project(
        checked_project,
        against=[SchemaSource.from_file(path) for path in targets.values()],
        include_generated=False,
    )
    assert "ExtraTokenJwts" in report.operations.operations
    no_jwt = report.targets[0]
    extra = [f for f in no_jwt.compatibility.breaking if f.definition == "ExtraTokenJwts"]
    assert [(f.coordinate, str(f.location)) for f in extra] == [
        ("FleetInstallationToken.jwtToken", "queries/extra.graphql:3:5")
    ]
    assert report.targets[2].ok


def test_the_allow_preview_hint_is_given_once_for_many_preview_fields_and_targets(
    capsys: pytest.CaptureFixture[str], checked_project: Path, tmp_path: Path, slice_sdl: str
) -> None:
    preview = derive(
        slice_sdl,
        '  """Stability: Short-term"""\n  jwtToken: String!\n'
        '  """Stability: Short-term"""\n  name: String!\n',
        '  """Stability: Preview"""\n  jwtToken: String!\n'
        '  """Stability: Preview"""\n  name: String!\n',
    )
    first, second = tmp_path / "first.graphql", tmp_path / "second.graphql"
    for path in (first, second):
        path.write_text(preview, encoding="utf-8")
    code, out = run(
        capsys,
        *("--project", str(checked_project)),
        *("--against", str(first), "--against", str(second)),
    )
    assert code == 1
    previews = [line for line in out.splitlines() if line.startswith("  [preview]")]
    assert len(previews) == 4  # two fields against each of two targets
    assert all("allow-preview" not in line for line in previews)
    assert out.count("allow-preview") == 1
    assert "\nhint: a Preview field may change without notice" in out
