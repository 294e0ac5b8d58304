"""Is `generated/` exactly what ariadne-codegen makes from the current inputs?

ariadne-codegen has no check mode, so this regenerates into a temporary copy of the project's
codegen inputs and compares the two trees file by file.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from logscale_fleet.errors import ConfigurationError

CODEGEN_INPUTS = ("codegen.toml", "schema.graphql", "queries", "src/logscale_fleet/_codegen")
GENERATED_PACKAGE = Path("generated") / "logscale_graphql"
REGENERATE_COMMAND = "uv run ariadne-codegen --config codegen.toml"


@dataclass(frozen=True)
class FreshnessReport:
    """Files of `generated/` that differ from a fresh generation, relative to the project."""

    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def fresh(self) -> bool:
        return not (self.stale or self.missing or self.extra)

    def describe(self) -> str:
        if self.fresh:
            return f"{GENERATED_PACKAGE} is up to date"
        lines = [f"{GENERATED_PACKAGE} is stale; regenerate with: {REGENERATE_COMMAND}"]
        lines += [f"  differs:  {path}" for path in self.stale]
        lines += [f"  missing:  {path}" for path in self.missing]
        lines += [f"  not generated (remove it):  {path}" for path in self.extra]
        return "\n".join(lines)


def regenerate(
    project_dir: Path, target_dir: Path, *, replace: Mapping[str, str] | None = None
) -> Path:
    """Run ariadne-codegen on a copy of the project's inputs; return the package it wrote.

    `replace` maps input files (e.g. `schema.graphql`) to the text to use instead of the
    project's, so `schema update` can generate from a new slice before writing anything."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in CODEGEN_INPUTS:
        source = project_dir / name
        if source.is_dir():
            shutil.copytree(source, target_dir / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, target_dir / name)
        else:
            raise ConfigurationError(f"codegen input {source} is missing")
    for name, text in (replace or {}).items():
        (target_dir / name).write_text(text, encoding="utf-8")
    (target_dir / "generated").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "ariadne_codegen", "--config", "codegen.toml"],
        cwd=target_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ConfigurationError(
            "ariadne-codegen failed on the current inputs:\n" + "\n".join(detail)
        )
    return target_dir / GENERATED_PACKAGE


def check_generated(project_dir: Path = Path()) -> FreshnessReport:
    """Compare `generated/` with a fresh generation from `project_dir`'s inputs."""
    committed = project_dir / GENERATED_PACKAGE
    with tempfile.TemporaryDirectory(prefix="logscale-fleet-codegen-") as tmp:
        fresh = regenerate(project_dir, Path(tmp))
        fresh_files = python_files(fresh)
        committed_files = python_files(committed)
        prefix = GENERATED_PACKAGE.as_posix()
        return FreshnessReport(
            stale=[
                f"{prefix}/{name}"
                for name in sorted(fresh_files & committed_files)
                if not filecmp.cmp(fresh / name, committed / name, shallow=False)
            ],
            missing=[f"{prefix}/{name}" for name in sorted(fresh_files - committed_files)],
            extra=[f"{prefix}/{name}" for name in sorted(committed_files - fresh_files)],
        )


def python_files(package: Path) -> set[str]:
    """The package's modules, relative to it (what codegen writes; caches are not compared)."""
    if not package.is_dir():
        return set()
    return {p.relative_to(package).as_posix() for p in package.rglob("*.py")}


def main() -> int:
    report = check_generated(Path.cwd())
    print(report.describe(), file=sys.stdout if report.fresh else sys.stderr)
    return 0 if report.fresh else 1


if __name__ == "__main__":
    raise SystemExit(main())
