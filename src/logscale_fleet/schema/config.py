"""The schema tools' settings, read from `[tool.logscale-fleet]` in the project's pyproject.toml.

[tool.logscale-fleet]
schema-root-fields = ["createFleetInstallToken", ...]   # kept in the slice (`schema pull`)
allow-preview = ["Query.someField", ...]                 # Preview fields `schema check` accepts
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from logscale_fleet.errors import ConfigurationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_TABLE = "logscale-fleet"
ROOT_FIELDS_KEY = "schema-root-fields"
ALLOW_PREVIEW_KEY = "allow-preview"


def tool_table(pyproject: Path) -> dict[str, Any]:
    """The `[tool.logscale-fleet]` table; empty when the file or the table is absent."""
    if not pyproject.is_file():
        return {}
    try:
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{pyproject} is not valid TOML: {exc}") from None
    table = config.get("tool", {}).get(CONFIG_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"{pyproject}: [tool.{CONFIG_TABLE}] must be a table")
    return table


def string_list(pyproject: Path, key: str) -> list[str]:
    """A list-of-strings setting of `[tool.logscale-fleet]`; empty when unset."""
    value = tool_table(pyproject).get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigurationError(
            f"{pyproject}: [tool.{CONFIG_TABLE}] {key} must be a list of strings"
        )
    return value


def allowed_preview_fields(pyproject: Path) -> frozenset[str]:
    """Schema coordinates (`Type.field`) whose Preview stability the project accepts knowingly."""
    entries = string_list(pyproject, ALLOW_PREVIEW_KEY)
    malformed = [entry for entry in entries if entry.count(".") != 1 or " " in entry]
    if malformed:
        raise ConfigurationError(
            f"{pyproject}: [tool.{CONFIG_TABLE}] {ALLOW_PREVIEW_KEY} takes schema coordinates "
            f"like 'Query.someField'; not {', '.join(repr(m) for m in malformed)}"
        )
    return frozenset(entries)
