"""`schema update` on schemas derived in the tests, in a temporary copy of the project (codegen
runs there): what changed in the slice, the check, what is written, determinism, --dry-run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet.cli.main import main
from logscale_fleet.sandbox.app import SANDBOX_VERSION
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_fleet.schema.check import SchemaSource, build_schema_from
from logscale_fleet.schema.diff import Change, SliceChange, diff_slices
from logscale_fleet.schema.documents import read_operations
from logscale_fleet.schema.freshness import CodegenLayout, check_generated
from tests.schema.helpers import derive

JWT = '  """Stability: Short-term"""\n  jwtToken: String!\n'
TOKEN_TYPE = "type FleetInstallationToken {\n"
SORT_BY = "enum FleetInstallationTokens__SortBy {\n  Name\n  ConfigName\n}"


@pytest.fixture
def project(project_root: Path, tmp_path: Path) -> Path:
    """What `schema update` reads and writes: codegen inputs, generated/, pyproject.toml."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in (*CodegenLayout.read(project_root).inputs, "generated", "pyproject.toml"):
        source = project_root / name
        target = copy / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy


def snapshot(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def write_source(tmp_path: Path, sdl: str, name: str = "next.graphql") -> str:
    path = tmp_path / name
    path.write_text(sdl, encoding="utf-8")
    return str(path)


def added_field_and_enum_value(sdl: str) -> str:
    """A new field no operation selects, and a new value of an enum the operations send (so
    the generated enums module changes)."""
    sdl = derive(sdl, TOKEN_TYPE, TOKEN_TYPE + '  """Stability: Preview"""\n  labels: [String!]\n')
    return derive(sdl, SORT_BY, SORT_BY.replace("ConfigName\n", "ConfigName\n  Created\n"))


def operation_count(project: Path) -> int:
    """The operations in the project copy's queries/ (they grow with every resource)."""
    return len(read_operations(project / "queries").operation_names)


def update(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str]:
    code = main(["schema", "update", "--project", str(project), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out


def test_an_added_field_is_reported_written_regenerated_and_stable_on_rerun(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, slice_sdl: str
) -> None:
    source = write_source(tmp_path, added_field_and_enum_value(slice_sdl))
    code, out = update(capsys, project, "--from", source)
    assert code == 0, out
    assert "changes in the slice (2):" in out
    assert "  + enum value FleetInstallationTokens__SortBy.Created\n" in out
    assert "  + field FleetInstallationToken.labels\n" in out
    assert f"our {operation_count(project)} operations against the new slice: ok" in out
    assert "generated files:\n  generated/logscale_graphql/enums.py\n" in out
    assert out.rstrip().endswith("result: wrote schema.graphql and 1 generated file(s)")

    schema = (project / "schema.graphql").read_text(encoding="utf-8")
    assert "labels: [String!]" in schema
    assert "# Source: next.graphql (sha256 " in schema
    assert "Created" in (project / "generated/logscale_graphql/enums.py").read_text()
    assert check_generated(project).fresh

    # Deterministic: the same source again finds nothing to change and writes nothing.
    before = snapshot(project)
    code, out = update(capsys, project, "--from", source)
    assert code == 0
    assert "changes in the slice: none\n" in out
    assert out.rstrip().endswith("result: schema.graphql is up to date: nothing to write")
    assert snapshot(project) == before


def test_a_removed_field_the_operations_select_exits_1_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, slice_sdl: str
) -> None:
    source = write_source(tmp_path, derive(slice_sdl, JWT, ""))
    before = snapshot(project)
    code, out = update(capsys, project, "--from", source)
    assert code == 1
    assert "changes in the slice (1):\n  - field FleetInstallationToken.jwtToken\n" in out
    errors = out.split("errors:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(errors) == 1  # the removal once, not again as an invalid selection
    assert errors[0].startswith("  [breaking] queries/fragments.graphql:")
    assert "FleetInstallationToken.jwtToken: field removed" in errors[0]
    assert "result: nothing written: the operations break" in out
    assert snapshot(project) == before


def test_force_writes_the_slice_but_cannot_regenerate_broken_operations(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, slice_sdl: str
) -> None:
    source = write_source(tmp_path, derive(slice_sdl, JWT, ""))
    generated = snapshot(project / "generated")
    code, out = update(capsys, project, "--from", source, "--force", "--format", "json")
    document: dict[str, Any] = json.loads(out)
    assert code == 1
    assert (document["written"], document["ok"], document["exitCode"]) == (True, False, 1)
    assert "ariadne-codegen failed" in document["codegenError"]
    assert "jwtToken" not in (project / "schema.graphql").read_text(encoding="utf-8")
    assert snapshot(project / "generated") == generated


def test_dry_run_lists_what_would_change_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, slice_sdl: str
) -> None:
    source = write_source(tmp_path, added_field_and_enum_value(slice_sdl))
    before = snapshot(project)
    code, out = update(capsys, project, "--from", source, "--dry-run", "--format", "json")
    document: dict[str, Any] = json.loads(out)
    assert code == 0
    assert (document["dryRun"], document["written"]) == (True, False)
    assert document["generatedChanged"] == ["generated/logscale_graphql/enums.py"]
    assert [c["text"] for c in document["changes"]] == [
        "+ field FleetInstallationToken.labels",
        "+ enum value FleetInstallationTokens__SortBy.Created",
    ]
    assert document["source"]["location"] == str(Path(source).resolve())
    assert document["check"]["targets"][0]["stability"]["violations"] == []
    assert snapshot(project) == before


def test_a_new_operation_needing_the_new_field_is_checked_against_the_new_slice(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, slice_sdl: str
) -> None:
    """The usual reason to update: a new operation uses what the slice does not have yet."""
    (project / "queries" / "labels.graphql").write_text(
        "query TokenLabels {\n  fleetInstallationTokens {\n    labels\n  }\n}\n", encoding="utf-8"
    )
    source = write_source(tmp_path, added_field_and_enum_value(slice_sdl))
    code, out = update(capsys, project, "--from", source)
    # Valid against the new slice; the field is Preview there and not allowed, so it fails.
    assert code == 1
    assert f"our {operation_count(project)} operations against the new slice: FAILED" in out
    assert "[preview] queries/labels.graphql:3:5: FleetInstallationToken.labels is Preview" in out
    assert out.count("allow-preview") == 1  # the hint once


def test_an_unreadable_source_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path
) -> None:
    code = main(["schema", "update", "--project", str(project), "--from", str(tmp_path / "x")])
    assert code == 2
    assert "invalid --from: cannot read" in capsys.readouterr().err


# -- what the slice diff reports ---------------------------------------------------------------


def changes_between(old_sdl: str, new_sdl: str) -> list[str]:
    old = build_schema_from(SchemaSource("old", old_sdl))
    new = build_schema_from(SchemaSource("new", new_sdl))
    return [str(change) for change in diff_slices(old, new)]


def test_the_diff_names_every_kind_of_change(slice_sdl: str) -> None:
    changed = derive(
        slice_sdl,
        "createFleetInstallToken(name: String!, configId: String)",
        "createFleetInstallToken(name: String!, configId: ID, dryRun: Boolean)",
    )
    changed = derive(
        changed,
        '  """Stability: Long-term"""\n  deleteFleetInstallToken',
        '  """Stability: Short-term"""\n  deleteFleetInstallToken',
    )
    changed = derive(changed, "jwtToken: String!", 'jwtToken: String @deprecated(reason: "Gone.")')
    changed = derive(changed, SORT_BY, SORT_BY.replace("  ConfigName\n", ""))
    changed += "\ntype Extra {\n  a: Int\n}\n"
    assert changes_between(slice_sdl, changed) == [
        "+ type Extra: object",
        "~ deprecation FleetInstallationToken.jwtToken: deprecated: Gone.",
        "~ field type FleetInstallationToken.jwtToken: String! -> String",
        "- enum value FleetInstallationTokens__SortBy.ConfigName",
        "~ argument type Mutation.createFleetInstallToken(configId:): String -> ID",
        "+ argument Mutation.createFleetInstallToken(dryRun:)",
        "~ stability Mutation.deleteFleetInstallToken: Long-term -> Short-term",
    ]
    assert changes_between(changed, changed) == []


def test_slice_changes_sort_by_coordinate() -> None:
    one = SliceChange("B.x", "field", Change.ADDED)
    two = SliceChange("A.y", "field", Change.REMOVED)
    assert sorted([one, two]) == [two, one]
    assert str(two) == "- field A.y"


def test_update_from_a_live_server_names_it_and_its_version(
    capsys: pytest.CaptureFixture[str], project: Path, logscale_sandbox: ThreadedSandbox
) -> None:
    before = snapshot(project)
    code, out = update(
        capsys,
        project,
        *("--url", logscale_sandbox.url, "--token", logscale_sandbox.token),
        *("--dry-run", "--format", "json"),
    )
    document: dict[str, Any] = json.loads(out)
    assert code == 0
    assert document["source"] == {
        "name": logscale_sandbox.url,
        "location": logscale_sandbox.url,
        "version": SANDBOX_VERSION,
    }
    # The sandbox serves the slice itself: only the header (source, version) would change.
    assert (document["sliceChanged"], document["changes"]) == (True, [])
    assert document["generatedChanged"] == []
    assert snapshot(project) == before
