"""A declaration: the desired state of a fleet, read from YAML or TOML and checked whole.

    configurations:                           [[configurations]]
      - name: linux-syslog                    name = "linux-syslog"
        file: configs/linux-syslog.yaml       file = "configs/linux-syslog.yaml"
    tokens:                                   [[tokens]]
      - name: web                             name = "web"
        config_name: linux-syslog             config_name = "linux-syslog"

`groups:` lists collector groups (see `groups.py`). A YAML file may also be the bare list of
tokens. The whole file is checked before anything is planned and every problem is reported with
its place (`tokens.yaml: item 3: name: must not be empty ...`), so a user fixes them all in one
go.

Pure: no server, no output. Files go through `input_files.read_input_file` (a regular file or
`-`, at most 16 MiB); YAML through a loader that bounds alias expansion.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from logscale_fleet.input_files import MAX_DECLARATION_BYTES, STDIN, read_input_file
from logscale_fleet.reconcile import registry
from logscale_fleet.reconcile.configurations import DeclaredConfiguration, declaration_dir
from logscale_fleet.reconcile.problems import DeclarationError, kind_of, quoted
from logscale_fleet.reconcile.tokens import DeclaredToken

STDIN_SOURCE = "<stdin>"
# Both parsers recurse once per level of nesting; a few kilobytes of `[` exhaust the stack.
TOO_DEEP = "nested too deeply (a declaration needs two levels: a list of tables)"


@dataclass(frozen=True)
class Declaration:
    """Checked declared items per section (`tokens`, ...), in file order."""

    source: str
    sections: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def tokens(self) -> tuple[DeclaredToken, ...]:
        return self.sections.get("tokens", ())

    @property
    def configurations(self) -> tuple[DeclaredConfiguration, ...]:
        return self.sections.get("configurations", ())

    @property
    def kinds(self) -> list[str]:
        """The sections this declaration states (an empty `tokens: []` included)."""
        return list(self.sections)

    @classmethod
    def load(cls, path: str | Path, *, stdin: BinaryIO | None = None) -> Declaration:
        """Read (`-`: standard input), parse (YAML or TOML by suffix) and check a file."""
        text_path = str(path)
        source = STDIN_SOURCE if text_path == STDIN else text_path
        text = read_input_file(
            text_path,
            what="declaration file",
            limit=MAX_DECLARATION_BYTES,
            error=lambda message: DeclarationError(source, [message]),
            stdin=stdin,
        )
        return cls.from_text(text, source)

    @classmethod
    def from_text(cls, text: str, source: str) -> Declaration:
        return cls.from_mapping(parse(source, text), source)

    @classmethod
    def from_mapping(cls, document: Any, source: str = "<declaration>") -> Declaration:
        """Check an already parsed document (a mapping of sections, or the bare token list)."""
        problems: list[str] = []
        sections: dict[str, tuple[Any, ...]] = {}
        # `file:` paths in the declaration are relative to its folder.
        folder = Path() if source.startswith("<") else Path(source).parent
        reset = declaration_dir.set(folder)
        try:
            for section, items in _sections(document, problems).items():
                adapter = registry.by_section(section)
                sections[section] = tuple(adapter.check(items, problems))
        finally:
            declaration_dir.reset(reset)
        if problems:
            raise DeclarationError(source, problems)
        return cls(source, sections)


def _sections(document: Any, problems: list[str]) -> dict[str, list[Any]]:
    known = registry.sections()
    if document is None or document == {}:
        # An empty file is far more likely a mistake than a wish to (with --prune) delete
        # every token.
        problems.append(
            "declares nothing; to declare an empty set on purpose write `tokens: []` (YAML) "
            "or `tokens = []` (TOML)"
        )
        return {}
    if isinstance(document, list):
        return {"tokens": document}
    if not isinstance(document, dict):
        problems.append(
            f"must be a list of tokens or have a `tokens` list, not {kind_of(document)}"
        )
        return {}
    found: dict[str, list[Any]] = {}
    for key, value in document.items():
        if key in registry.RESERVED:
            problems.append(f"{key}: not supported yet ({registry.RESERVED[key]})")
        elif key not in known:
            problems.append(
                f"unknown top-level key {quoted(key)} (expected only: {', '.join(known)})"
            )
        elif isinstance(value, list):
            found[key] = value
        else:
            problems.append(f"{key}: must be a list of {key}, not {kind_of(value)}")
    stated = set(document) & (set(known) | set(registry.RESERVED))
    if not stated:
        problems.append("has no `tokens` or `configurations` list")
    return found


def parse(source: str, text: str) -> Any:
    """The document in `text`: YAML or TOML by suffix, else whichever parses."""
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

    from logscale_fleet.reconcile import yaml_loader  # PyYAML only when a file is YAML

    try:
        return yaml_loader.load(text)
    except yaml_loader.ExpansionError as exc:
        raise DeclarationError(source, [f"invalid YAML: {exc}"]) from None
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
