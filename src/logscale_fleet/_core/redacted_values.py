"""Server-sent JSON values (GraphQL error `extensions`) made safe to keep on an exception.

The server may quote a token anywhere in them, and they can be arbitrarily deep or large: every
string (keys too) is redacted and cut, and depth and width are bounded so that neither this walk
nor a later repr() of the result can exhaust the stack or memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from logscale_fleet._core.redaction import redact

MAX_DEPTH = 8
MAX_ITEMS = 50
MAX_STRING = 500
CUT = "..."


def redacted_value(value: Any, secrets: Iterable[str] = (), depth: int = 0) -> Any:
    """A copy of a JSON value with secrets masked, strings cut, depth and width bounded."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        text = redact(value, secrets)
        return text if len(text) <= MAX_STRING else text[:MAX_STRING] + CUT
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if depth >= MAX_DEPTH:
        return CUT
    if isinstance(value, dict):
        items = list(value.items())
        result = {
            redacted_value(str(key), secrets): redacted_value(item, secrets, depth + 1)
            for key, item in items[:MAX_ITEMS]
        }
        if len(items) > MAX_ITEMS:
            result[CUT] = f"{len(items) - MAX_ITEMS} more"
        return result
    if isinstance(value, list):
        shown = [redacted_value(item, secrets, depth + 1) for item in value[:MAX_ITEMS]]
        return [*shown, CUT] if len(value) > MAX_ITEMS else shown
    return redact(type(value).__name__, secrets)
