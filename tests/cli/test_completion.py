"""`completion bash|zsh|fish`: generated from the parser, and working in the real shells."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from logscale_fleet.cli.completion import tree
from logscale_fleet.cli.main import build_parser
from tests.cli.conftest import Run

BASH_DRIVER = """\
source {script}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=();
      _logscale_fleet; echo "${{COMPREPLY[*]}}"; }}
t logscale-fleet ''
t logscale-fleet tokens ''
t logscale-fleet --output ''
t logscale-fleet --url http://x tokens li
t logscale-fleet tokens list --s
t logscale-fleet tokens install-command --os ''
t logscale-fleet completion ''
t logscale-fleet tokens apply {folder}/tok
"""

# zsh's completion system needs an interactive shell; stub its builtins to see what is offered.
ZSH_DRIVER = """\
source {script}
_describe() {{ local array=$4; print -r -- "${{(P)array}}"; }}
compadd() {{ shift; print -r -- "$*"; }}
_files() {{ print -r -- files; }}
t() {{ words=("$@"); CURRENT=${{#words}}; _logscale_fleet; }}
t logscale-fleet ''
t logscale-fleet --output ''
t logscale-fleet tokens apply ''
"""

FISH_DRIVER = """\
source {script}
complete -C 'logscale-fleet tokens '
echo ---
complete -C 'logscale-fleet --url x tokens list --so'
"""


def script(cli: Run, shell: str, tmp_path: Path) -> Path:
    result = cli("completion", shell)
    assert result.code == 0
    path = tmp_path / f"completion.{shell}"
    path.write_text(result.out, encoding="utf-8")
    return path


def run_shell(argv: list[str]) -> str:
    done = subprocess.run(  # noqa: S603 - a shell we chose, fixed scripts
        argv, capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout


def test_the_tree_mirrors_the_parser() -> None:
    root = tree(build_parser())
    assert list(root.commands) == [
        "tokens",
        "configs",
        "plan",
        "apply",
        "schema",
        "sandbox",
        "completion",
    ]
    tokens = root.commands["tokens"][1]
    assert "install-command" in tokens.commands
    options = {f: o for o in tokens.commands["list"][1].options for f in o.flags}
    assert options["--sort"].choices == ["name", "config"]
    assert not options["--show-secrets"].takes_value
    assert tokens.commands["apply"][1].positional_files
    assert root.commands["plan"][1].positional_files
    assert root.commands["apply"][1].positional_files
    assert {f: o for o in root.options for f in o.flags}["--token-file"].files


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes(cli: Run, tmp_path: Path) -> None:
    path = script(cli, "bash", tmp_path)
    (tmp_path / "tokens.yaml").touch()
    run_shell(["bash", "-n", str(path)])
    driver = BASH_DRIVER.format(script=path, folder=tmp_path)
    assert run_shell(["bash", "-c", driver]).splitlines() == [
        "tokens configs plan apply schema sandbox completion",
        "create list show rename assign delete ensure install-command apply",
        "table json",
        "list",
        "--sort --show-secrets",
        "linux windows macos",
        "bash zsh fish",
        f"{tmp_path}/tokens.yaml",
    ]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_completes(cli: Run, tmp_path: Path) -> None:
    path = script(cli, "zsh", tmp_path)
    assert path.read_text().startswith("#compdef logscale-fleet\n")
    run_shell(["zsh", "-n", str(path)])
    lines = run_shell(["zsh", "-f", "-c", ZSH_DRIVER.format(script=path)]).splitlines()
    assert lines[0].startswith("tokens:create, list, change and delete install tokens configs:")
    assert lines[1:] == ["table json", "files"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_completes(cli: Run, tmp_path: Path) -> None:
    path = script(cli, "fish", tmp_path)
    run_shell(["fish", "--no-execute", str(path)])
    out = run_shell(["fish", "--no-config", "-c", FISH_DRIVER.format(script=path)])
    commands, options = out.split("---\n")
    assert [line.split("\t")[0] for line in commands.splitlines()] == [
        "apply",
        "assign",
        "create",
        "delete",
        "ensure",
        "install-command",
        "list",
        "rename",
        "show",
    ]
    assert options.startswith("--sort\tsort by token name or configuration name")


def test_scripts_are_generated_without_any_shell(cli: Run) -> None:
    for shell in ("bash", "zsh", "fish"):
        result = cli("completion", shell)
        assert result.code == 0
        assert "install-command" in result.out
        assert "show-secrets" in result.out
    assert cli("completion", "powershell").code == 2
