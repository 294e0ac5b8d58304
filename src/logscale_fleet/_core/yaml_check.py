"""Local checks of a collector configuration's YAML, made before anything is sent.

LogScale stores whatever text it is given and only complains when a collector (or the merged
view) trips over it, so a typo would otherwise reach every host on the token. The checks: the
text is within the size LogScale accepts, parses as YAML, has no duplicate keys (PyYAML keeps
the last silently; a collector may not), and is a mapping at the top. A problem names the line
and column (1-based, as editors count).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, cast

from logscale_fleet.errors import InvalidInputError

__all__ = ["MAX_YAML_CHARACTERS", "YamlProblem", "check_yaml", "find_yaml_problem"]

# LogScale publishes no limit; its UI editor and API refuse configurations far beyond the size of
# any real one. 512 Ki characters (counted as `yamlCharactersCount` counts) is ours, kept in step
# with the sandbox, which refuses the same.
MAX_YAML_CHARACTERS = 512 * 1024


@dataclass(frozen=True)
class YamlProblem:
    """What is wrong and where (1-based line and column; 0 when the whole text is meant)."""

    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"line {self.line}, column {self.column}: {self.message}"
        return self.message


@functools.cache
def _strict_loader() -> Any:
    """SafeLoader that refuses a key given twice in one mapping. Built on first use: PyYAML
    costs ~35 ms to import, and most commands (and the sandbox's start) never read YAML."""
    import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

    class DuplicateKey(yaml.MarkedYAMLError):  # type: ignore[misc]
        pass

    class StrictLoader(yaml.SafeLoader):  # type: ignore[misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key (a list as a key): let PyYAML say so
                    continue
                if duplicate:
                    raise DuplicateKey(
                        None,
                        None,
                        f"the key {key!r} appears twice in this mapping",
                        key_node.start_mark,
                    )
            return cast(dict[Any, Any], super().construct_mapping(node, deep))

    return StrictLoader


def find_yaml_problem(text: str, *, limit: int = MAX_YAML_CHARACTERS) -> YamlProblem | None:
    """The first problem with `text` as a collector configuration, or None if there is none."""
    if len(text) > limit:
        return YamlProblem(
            0, 0, f"is {len(text):,} characters, more than the {limit:,} LogScale accepts"
        )
    import yaml

    try:
        document = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "is not valid YAML"
        if mark is None:
            return YamlProblem(0, 0, f"is not valid YAML: {message}")
        return YamlProblem(mark.line + 1, mark.column + 1, message)
    except yaml.reader.ReaderError as exc:
        # A character YAML forbids (a control character): a position in the text, not a mark.
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        character = exc.character if isinstance(exc.character, int) else ord(exc.character[:1])
        return YamlProblem(line, column, f"the character U+{character:04X} is not allowed in YAML")
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error above has a position
        return YamlProblem(0, 0, f"is not valid YAML: {_one_line(str(exc))}")
    except RecursionError:
        return YamlProblem(0, 0, "is nested too deeply to be a collector configuration")
    if document is None:
        return YamlProblem(0, 0, "is empty; a collector configuration is a YAML mapping")
    if not isinstance(document, dict):
        return YamlProblem(
            1, 1, f"must be a YAML mapping (sources:, sinks: ...), not a {_kind(document)}"
        )
    return None


def check_yaml(text: Any, argument: str = "yaml", *, limit: int = MAX_YAML_CHARACTERS) -> str:
    """`text` if it is a usable collector configuration, else `InvalidInputError` naming
    `argument` (the parameter or the file) and where the problem is."""
    if not isinstance(text, str):
        raise InvalidInputError(argument, "must be a string of YAML")
    problem = find_yaml_problem(text, limit=limit)
    if problem is not None:
        raise InvalidInputError(argument, str(problem))
    return text


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _one_line(text: str) -> str:
    return " ".join(text.split())
