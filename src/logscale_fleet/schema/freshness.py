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
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from logscale_fleet.errors import ConfigurationError

CODEGEN_CONFIG = "codegen.toml"
REGENERATE_COMMAND = f"uv run ariadne-codegen --config {CODEGEN_CONFIG}"


@dataclass(frozen=True)
class CodegenLayout:
    """Where a project keeps its codegen inputs and output, as its codegen.toml says."""

    inputs: tuple[str, ...]  # relative paths: the config, schema, queries, base client
    package: str  # relative path of the generated package

    @classmethod
    def read(cls, project_dir: Path) -> CodegenLayout:
        config_file = project_dir / CODEGEN_CONFIG
        try:
            config = tomllib.loads(config_file.read_text(encoding="utf-8"))["tool"][
                "ariadne-codegen"
            ]
            inputs = [CODEGEN_CONFIG, config["schema_path"], config["queries_path"]]
            if "base_client_file_path" in config:
                inputs.append(config["base_client_file_path"])
            package = f"{config['target_package_path']}/{config['target_package_name']}"
        except OSError as exc:
            raise ConfigurationError(f"cannot read {config_file}: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
            raise ConfigurationError(
                f"{config_file} is not an ariadne-codegen configuration ({exc})"
            ) from None
        return cls(tuple(inputs), package)


@dataclass(frozen=True)
class FreshnessReport:
    """Files of `generated/` that differ from a fresh generation, relative to the project."""

    package: str
    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def fresh(self) -> bool:
        return not (self.stale or self.missing or self.extra)

    @property
    def headline(self) -> str:
        return f"{self.package} is {'up to date' if self.fresh else 'stale'}"

    def describe(self) -> str:
        if self.fresh:
            return self.headline
        lines = [f"{self.headline}; regenerate with: {REGENERATE_COMMAND}"]
        lines += [f"  differs:  {path}" for path in self.stale]
        lines += [f"  missing:  {path}" for path in self.missing]
        lines += [f"  not generated (remove it):  {path}" for path in self.extra]
        return "\n".join(lines)


def regenerate(project_dir: Path, target_dir: Path) -> Path:
    """Run ariadne-codegen on a copy of the project's inputs; return the package it wrote."""
    layout = CodegenLayout.read(project_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in layout.inputs:
        source = project_dir / name
        (target_dir / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target_dir / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, target_dir / name)
        else:
            raise ConfigurationError(f"codegen input {source} is missing")
    (target_dir / layout.package).parent.mkdir(parents=True, exist_ok=True)
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
    return target_dir / layout.package


def check_generated(project_dir: Path) -> FreshnessReport:
    """Compare the generated package with a fresh generation from `project_dir`'s inputs."""
    layout = CodegenLayout.read(project_dir)
    committed = project_dir / layout.package
    with tempfile.TemporaryDirectory(prefix="logscale-fleet-codegen-") as tmp:
        fresh = regenerate(project_dir, Path(tmp))
        fresh_files = _python_files(fresh)
        committed_files = _python_files(committed)
        prefix = layout.package
        return FreshnessReport(
            package=prefix,
            stale=[
                f"{prefix}/{name}"
                for name in sorted(fresh_files & committed_files)
                if not filecmp.cmp(fresh / name, committed / name, shallow=False)
            ],
            missing=[f"{prefix}/{name}" for name in sorted(fresh_files - committed_files)],
            extra=[f"{prefix}/{name}" for name in sorted(committed_files - fresh_files)],
        )


def _python_files(package: Path) -> set[str]:
    if not package.is_dir():
        return set()
    return {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
