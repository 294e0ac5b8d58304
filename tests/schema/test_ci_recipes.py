"""The CI recipes shipped with the project: the pre-commit hooks and the README's Actions job run
commands the CLI accepts, on the files they claim to watch."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

from logscale_fleet.cli.main import build_parser

REQUIRED_HOOK_KEYS = {"id", "name", "entry", "language"}


def hooks(project_root: Path) -> list[dict[str, Any]]:
    loaded = yaml.safe_load((project_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


def test_every_hook_is_complete_and_runs_a_command_the_cli_accepts(project_root: Path) -> None:
    parser = build_parser()
    for hook in hooks(project_root):
        assert hook.keys() >= REQUIRED_HOOK_KEYS, hook
        program, *args = shlex.split(hook["entry"])
        assert program == "logscale-fleet"
        parsed = parser.parse_args(args)
        assert parsed.command == "schema"
        assert parsed.handler.__name__ == "run_check"
        assert hook["pass_filenames"] is False  # the check reads the whole project


@pytest.mark.parametrize(
    ("path", "watched"),
    [
        ("schema.graphql", True),
        ("queries/install_tokens.graphql", True),
        ("pyproject.toml", True),
        ("src/logscale_fleet/client.py", False),
        ("README.md", False),
    ],
)
def test_the_hooks_watch_the_schema_inputs(project_root: Path, path: str, watched: bool) -> None:
    for hook in hooks(project_root):
        assert bool(re.search(hook["files"], path)) is watched, (hook["id"], path)


def test_the_readme_ci_job_runs_commands_the_cli_accepts(project_root: Path) -> None:
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    job = readme.split("```yaml\n# .github/workflows/schema.yml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(job)
    steps = workflow["jobs"]["schema"]["steps"]
    commands = [
        line.strip()
        for step in steps
        for line in str(step.get("run", "")).splitlines()
        if "logscale-fleet" in line
    ]
    assert commands, "the job runs no logscale-fleet command"
    parser = build_parser()
    for command in commands:
        # Actions expressions stand for a URL; a redirection is the shell's, not ours.
        concrete = re.sub(r"\$\{\{[^}]*\}\}", "https://logscale.test", command)
        words = shlex.split(concrete.split(" > ", 1)[0])
        parsed = parser.parse_args(words[words.index("logscale-fleet") + 1 :])
        assert parsed.command == "schema", command
        assert parsed.format in ("github", "sarif"), command
