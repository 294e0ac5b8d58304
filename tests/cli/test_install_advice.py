"""Installation advice names what works: a checkout or a built wheel, never a package index."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from logscale_fleet import __version__
from logscale_fleet.install_advice import extra_advice
from tests.cli.conftest import Run
from tests.conftest import PROJECT_ROOT

# `pip install logscale-fleet`, `pipx install "logscale-fleet[x]"`, `uv add logscale-fleet`:
# an install by name from an index, which serves no such package.
FROM_AN_INDEX = re.compile(
    r"""(pipx? install|uv tool install|uv add)\s+(--\S+\s+)*['"]?logscale-fleet"""
)


def test_the_advice_names_a_checkout_and_the_wheel() -> None:
    advice = extra_advice("sandbox")
    assert "`uv tool install '.[sandbox]'`" in advice
    assert f"`uv tool install 'dist/logscale_fleet-{__version__}-py3-none-any.whl[sandbox]'`" in (
        advice
    )
    assert not FROM_AN_INDEX.search(advice)


def test_a_missing_sandbox_extra_says_how_to_install_it(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if ariadne were not installed: the sandbox app cannot be imported.
    monkeypatch.setitem(sys.modules, "logscale_fleet.sandbox.app", None)
    result = cli("--sandbox", "tokens", "list")
    assert result.code == 2
    assert result.err.strip().endswith(
        "error: the sandbox needs the optional dependencies ariadne and uvicorn: "
        + extra_advice("sandbox")
    )


def test_a_missing_sandbox_extra_for_serve_gives_the_same_advice(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "logscale_fleet.sandbox.server", None)
    result = cli("sandbox", "serve", "--port", "0")
    assert result.code == 2
    assert extra_advice("sandbox") in result.err


@pytest.mark.parametrize(
    "path",
    [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "src").rglob("*.py"))],
    ids=lambda p: str(Path(p).relative_to(PROJECT_ROOT)),
)
def test_no_install_from_an_index_is_suggested(path: Path) -> None:
    found = FROM_AN_INDEX.search(path.read_text(encoding="utf-8"))
    assert found is None, f"{path}: {found.group(0) if found else ''}"


def test_the_readme_names_the_wheel_this_version_builds() -> None:
    from logscale_fleet.install_advice import wheel_name

    assert f"dist/{wheel_name()}[sandbox]" in (PROJECT_ROOT / "README.md").read_text("utf-8")
