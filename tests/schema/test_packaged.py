"""`schema check` outside a checkout checks the operations the installed wheel carries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logscale_fleet.cli.main import main
from logscale_fleet.schema import packaged


@pytest.fixture
def wheel_data(tmp_path: Path, project_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What a wheel's logscale_fleet/_data holds (pyproject's force-include), in a temp folder."""
    data = tmp_path / "_data"
    data.mkdir()
    shutil.copytree(project_root / "queries", data / "queries")
    for name in ("schema.graphql", "pyproject.toml"):
        shutil.copy2(project_root / name, data / name)
    monkeypatch.setattr(packaged, "PACKAGED", data)
    return data


def test_outside_a_checkout_the_packaged_operations_are_checked(
    wheel_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code = main(["schema", "check", "-o", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "checking the operations logscale-fleet" in captured.err
    assert '"exitCode": 0' in captured.out


def test_a_checkout_and_an_explicit_project_win_over_the_packaged_copy(
    wheel_data: Path, project_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_root)
    assert packaged.project_to_check(None) == (Path("."), False)
    assert packaged.project_to_check(str(tmp_path)) == (tmp_path, False)
    monkeypatch.chdir(tmp_path)
    assert packaged.project_to_check(None) == (wheel_data, True)


def test_without_a_packaged_copy_the_current_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(packaged, "PACKAGED", tmp_path / "no-such-data")
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "check"]) == 2
    assert "schema.graphql" in capsys.readouterr().err
