"""Reading and checking a declared set of install tokens (`tokens apply FILE`).

Pure: no server, no output. The whole file is checked and every problem collected, each with
its location (`tokens.yaml: item 3: name: must not be empty or only whitespace`), so a user fixes
them all in one go; nothing is applied unless the file is valid.

Accepted shapes, in YAML or TOML (by extension; otherwise TOML is tried, then YAML):

    tokens:                         [[tokens]]
      - name: web                   name = "web"
        config_name: linux-syslog   config_name = "linux-syslog"

or, in YAML, the bare list. Each item has `name` and at most one of `config_id` / `config_name`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logscale_fleet._core import validation as _validate
from logscale_fleet.cli.exit_codes import UsageError
from logscale_fleet.errors import InvalidInputError

ITEM_KEYS = ("name", "config_id", "config_name")
STDIN = "-"
# Both parsers recurse once per level of nesting; a few kilobytes of `[` exhaust the stack.
TOO_DEEP = "nested too deeply (a declaration needs two levels: a list of tables)"


@dataclass(frozen=True)
class DeclaredToken:
    item: int  # 1-based position in the file, for messages
    name: str
    config_id: str | None = None
    config_name: str | None = None


class DeclarationError(UsageError):
    """The file cannot be applied; `problems` lists every reason, each with its location."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{source}: {problem}" for problem in self.problems]
        if len(lines) == 1:
            message = lines[0]
        else:
            message = f"{source} has {len(lines)} problems:\n  " + "\n  ".join(lines)
        super().__init__(message)


def load(path: str) -> tuple[str, list[DeclaredToken]]:
    """Read, parse and check a declaration file; returns (the name to show, the tokens)."""
    source, text = read(path)
    return source, check(source, parse(source, text))


def read(path: str) -> tuple[str, str]:
    if path == STDIN:
        return "<stdin>", sys.stdin.read()
    file = Path(path)
    try:
        return path, file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None


def parse(source: str, text: str) -> Any:
    """The document in `text`: YAML or TOML by extension, else whichever parses."""
    suffix = Path(source).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _parse_yaml(source, text)
    if suffix == ".toml":
        return _parse_toml(source, text)
    try:
        return _parse_toml(source, text)
    except DeclarationError as toml_error:
        try:
            return _parse_yaml(source, text)
        except DeclarationError as yaml_error:
            raise DeclarationError(
                source,
                [
                    "is neither TOML nor YAML (name it .toml or .yaml to choose); "
                    f"{toml_error.problems[0]}; {yaml_error.problems[0]}"
                ],
            ) from None


def _parse_toml(source: str, text: str) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError(source, [f"invalid TOML: {exc}"]) from None
    except RecursionError:
        raise DeclarationError(source, [f"invalid TOML: {TOO_DEEP}"]) from None


def _parse_yaml(source: str, text: str) -> Any:
    import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        where = ""
        if exc.problem_mark is not None:
            where = f"line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1}: "
        problem = exc.problem or exc.context or "not valid YAML"
        raise DeclarationError(source, [f"invalid YAML: {where}{problem}"]) from None
    except yaml.YAMLError as exc:
        raise DeclarationError(source, [f"invalid YAML: {exc}"]) from None
    except RecursionError:
        raise DeclarationError(source, [f"invalid YAML: {TOO_DEEP}"]) from None


def check(source: str, document: Any) -> list[DeclaredToken]:
    """Every declared token, or a DeclarationError listing every problem found."""
    problems: list[str] = []
    declared: list[DeclaredToken] = []
    first_item: dict[str, int] = {}
    for index, item in enumerate(_items(document, problems), start=1):
        name, token = _check_item(index, item, problems)
        # Duplicates are reported even when the items have other problems too.
        if name is not None and name in first_item:
            problems.append(
                f"item {index}: name: {name!r} is already declared by item "
                f"{first_item[name]} (names must be unique)"
            )
            continue
        if name is not None:
            first_item[name] = index
        if token is not None:
            declared.append(token)
    if problems:
        raise DeclarationError(source, problems)
    return declared


def _items(document: Any, problems: list[str]) -> list[Any]:
    if document is None or document == {}:
        # An empty file is far more likely a mistake than a wish to (with --prune) delete
        # every token.
        problems.append(
            "declares nothing; to declare an empty set on purpose write `tokens: []` (YAML) "
            "or `tokens = []` (TOML)"
        )
        return []
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in document:
            if key != "tokens":
                problems.append(f"unknown top-level key {key!r} (expected only: tokens)")
        if "tokens" not in document:
            problems.append("has no `tokens` list")
            return []
        tokens = document["tokens"]
        if isinstance(tokens, list):
            return tokens
        problems.append(f"tokens: must be a list of tokens, not {_kind(tokens)}")
        return []
    problems.append(f"must be a list of tokens or have a `tokens` list, not {_kind(document)}")
    return []


def _check_item(
    index: int, item: Any, problems: list[str]
) -> tuple[str | None, DeclaredToken | None]:
    """(the item's name if valid, the token if the whole item is valid)."""
    where = f"item {index}"
    if not isinstance(item, dict):
        problems.append(f"{where}: must be a table with a name, not {_kind(item)}")
        return None, None
    found = len(problems)
    for key in item:
        if key not in ITEM_KEYS:
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(ITEM_KEYS)})")
    name = None
    if "name" not in item:
        problems.append(f"{where}: name: is required")
    else:
        name = _checked(where, "name", item["name"], _validate.check_name, problems)
    config_id = config_name = None
    if item.get("config_id") is not None:
        config_id = _checked(where, "config_id", item["config_id"], _validate.check_id, problems)
    if item.get("config_name") is not None:
        config_name = _checked(
            where, "config_name", item["config_name"], _validate.check_name, problems
        )
    if item.get("config_id") is not None and item.get("config_name") is not None:
        problems.append(f"{where}: give config_id or config_name, not both")
    if len(problems) > found or name is None:
        return name, None
    return name, DeclaredToken(index, name, config_id, config_name)


def _checked(where: str, key: str, value: Any, rule: Any, problems: list[str]) -> str | None:
    """The value if it passes the facade's input rule, else None with the problem recorded."""
    if not isinstance(value, str):
        # YAML reads `123456` as a number and `yes` as a boolean.
        problems.append(f"{where}: {key}: must be text, not {_kind(value)}; quote it")
        return None
    try:
        checked: str = rule(value, key)
    except InvalidInputError as exc:
        problems.append(f"{where}: {key}: {exc.rule}")
        return None
    return checked


def _kind(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
        type(None): "nothing",
    }
    return names.get(type(value), type(value).__name__)
