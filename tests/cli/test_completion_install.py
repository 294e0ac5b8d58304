"""The completion install lines (README and `completion --help`) work as written on a fresh home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logscale_fleet.cli.completion import BASH_INSTALL, DESCRIPTION, FISH_INSTALL, ZSH_INSTALL
from tests.conftest import PROJECT_ROOT

SCRIPT_DIR = Path(sys.executable).parent
BASH = shutil.which("bash")


def _run_in_fresh_home(line: str, home: Path) -> subprocess.CompletedProcess[str]:
    assert BASH is not None
    env = {
        "HOME": str(home),
        "PATH": f"{SCRIPT_DIR}{os.pathsep}{os.environ.get('PATH', '')}",
        "LANG": "C.UTF-8",
    }
    return subprocess.run(  # noqa: S603 - bash running the documented line
        [BASH, "-euc", line], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.skipif(BASH is None, reason="needs bash")
@pytest.mark.skipif(not (SCRIPT_DIR / "logscale-fleet").is_file(), reason="no console script")
@pytest.mark.parametrize(
    ("line", "written", "first_line"),
    [
        (BASH_INSTALL, ".local/share/bash-completion/completions/logscale-fleet", "# bash"),
        (ZSH_INSTALL, ".zfunc/_logscale-fleet", "#compdef"),
        (FISH_INSTALL, ".config/fish/completions/logscale-fleet.fish", "# fish"),
    ],
    ids=["bash", "zsh", "fish"],
)
def test_the_install_line_works_on_a_fresh_home(
    tmp_path: Path, line: str, written: str, first_line: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()  # empty: none of the completion folders exists
    result = _run_in_fresh_home(line, home)
    assert result.returncode == 0, result.stderr
    script = (home / written).read_text()
    assert script.startswith(first_line)
    assert line in DESCRIPTION  # `completion --help` shows the same line


def test_the_readme_gives_the_tested_bash_line() -> None:
    assert BASH_INSTALL in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
