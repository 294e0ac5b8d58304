"""`logCollectorMergedConfiguration`: what a collector that runs several configurations gets.

The sandbox's merge (LogScale documents none): the published YAML of each configuration, in the
order given, merged at the top level. Mappings (`sources`, `sinks`, ...) are combined entry by
entry; an entry or a scalar that two configurations define differently keeps the first and is
reported as a problem at its path (`sinks.logscale`). A configuration whose YAML does not parse,
is not a mapping, or was never published contributes nothing and is a problem at its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from logscale_fleet._core.yaml_check import find_yaml_problem
from logscale_fleet.sandbox.services.configurations.state import Configuration

__all__ = ["MergedConfiguration", "Problem", "merge"]


@dataclass(frozen=True)
class Problem:
    summary: str
    details: str | None
    path: str
    number: int


@dataclass(frozen=True)
class MergedConfiguration:
    content: str
    problems: tuple[Problem, ...]


def merge(configurations: list[Configuration]) -> MergedConfiguration:
    # Imported here: the sandbox starts (and serves tokens) without PyYAML's ~35 ms import.
    import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}  # path -> the configuration that set it
    problems: list[Problem] = []

    def problem(summary: str, details: str | None, path: str) -> None:
        problems.append(Problem(summary, details, path, len(problems) + 1))

    for config in configurations:
        if config.yaml is None:
            problem("the configuration has no published version", None, config.name)
            continue
        found = find_yaml_problem(config.yaml)
        if found is not None:
            problem("the YAML does not parse as a collector configuration", str(found), config.name)
            continue
        document: dict[str, Any] = yaml.safe_load(config.yaml)
        for key, value in document.items():
            path = str(key)
            if key not in merged:
                merged[key] = dict(value) if isinstance(value, dict) else value
                owner[path] = config.name
                if isinstance(value, dict):
                    owner.update({f"{path}.{entry}": config.name for entry in value})
            elif isinstance(merged[key], dict) and isinstance(value, dict):
                for entry, body in value.items():
                    entry_path = f"{path}.{entry}"
                    if entry not in merged[key]:
                        merged[key][entry] = body
                        owner[entry_path] = config.name
                    elif merged[key][entry] != body:
                        problem(
                            f"{entry_path} is defined differently by {owner[entry_path]} and "
                            f"{config.name}",
                            f"the definition from {owner[entry_path]} is kept",
                            entry_path,
                        )
            elif merged[key] != value:
                problem(
                    f"{path} is set differently by {owner[path]} and {config.name}",
                    f"the value from {owner[path]} is kept",
                    path,
                )
    content = yaml.safe_dump(merged, sort_keys=False, allow_unicode=True) if merged else ""
    return MergedConfiguration(content, tuple(problems))
