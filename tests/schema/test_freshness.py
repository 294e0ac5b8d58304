"""generated/ is exactly what ariadne-codegen makes from the inputs, and the check notices drift."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from logscale_fleet.schema.freshness import CodegenLayout, check_generated, regenerate


def test_committed_generated_package_is_fresh(project_root: Path) -> None:
    report = check_generated(project_root)
    assert report.fresh, report.describe()


def test_generation_is_byte_identical_on_repeat(project_root: Path, tmp_path: Path) -> None:
    first = regenerate(project_root, tmp_path / "one")
    second = regenerate(project_root, tmp_path / "two")
    comparison = filecmp.dircmp(first, second, ignore=["__pycache__"])
    assert comparison.left_only == comparison.right_only == comparison.diff_files == []
    assert len(comparison.same_files) >= 10


@pytest.fixture
def project_copy(project_root: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    for name in (*CodegenLayout.read(project_root).inputs, "generated"):
        source = project_root / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def test_a_changed_query_without_regeneration_names_the_stale_files(project_copy: Path) -> None:
    fragments = project_copy / "queries" / "fragments.graphql"
    fragments.write_text(fragments.read_text().replace("  isTestRunning\n", "", 1))
    report = check_generated(project_copy)
    assert not report.fresh
    assert "generated/logscale_graphql/fragments.py" in report.stale
    assert "generated/logscale_graphql/fragments.py" in report.describe()
    assert "uv run ariadne-codegen --config codegen.toml" in report.describe()


def test_a_new_operation_is_reported_missing_and_a_stray_file_extra(project_copy: Path) -> None:
    (project_copy / "queries" / "extra.graphql").write_text(
        "query DefaultTokenName { defaultFleetInstallationToken { name } }\n"
    )
    (project_copy / "generated" / "logscale_graphql" / "stray.py").write_text("x = 1\n")
    report = check_generated(project_copy)
    assert "generated/logscale_graphql/default_token_name.py" in report.missing
    assert "generated/logscale_graphql/client.py" in report.stale
    assert report.extra == ["generated/logscale_graphql/stray.py"]


def test_the_layout_comes_from_codegen_toml(project_copy: Path) -> None:
    """No path of this repository is built into the check: a moved package is found."""
    config = project_copy / "codegen.toml"
    config.write_text(
        config.read_text().replace(
            'target_package_path = "generated"', 'target_package_path = "out"'
        )
    )
    (project_copy / "generated").rename(project_copy / "out")
    report = check_generated(project_copy)
    assert report.package == "out/logscale_graphql"
    assert report.fresh, report.describe()
