"""Input rules checked before anything is sent; each failure names the argument and the rule."""

from __future__ import annotations

import unicodedata
from typing import Any

from logscale_fleet.errors import InvalidInputError

MAX_NAME_LENGTH = 255
MAX_ID_LENGTH = 1024


def _control_character(value: str) -> str | None:
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return f"U+{ord(ch):04X}"
    return None


def check_name(value: Any, argument: str = "name") -> str:
    """A token name: non-blank text of at most MAX_NAME_LENGTH characters, no control chars."""
    if not isinstance(value, str):
        raise InvalidInputError(argument, f"must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InvalidInputError(argument, "must not be empty or only whitespace")
    if value != value.strip():
        raise InvalidInputError(argument, "must not start or end with whitespace")
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            argument, f"must be at most {MAX_NAME_LENGTH} characters (got {len(value)})"
        )
    bad = _control_character(value)
    if bad:
        raise InvalidInputError(argument, f"must not contain control characters (found {bad})")
    return value


def check_id(value: Any, argument: str) -> str:
    """A token value or configuration id: non-empty, no whitespace or control characters.

    The value itself is never put in the message: for `token` it is a secret.
    """
    if not isinstance(value, str):
        raise InvalidInputError(argument, f"must be a string, not {type(value).__name__}")
    if not value:
        raise InvalidInputError(argument, "must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidInputError(argument, f"must be at most {MAX_ID_LENGTH} characters")
    if any(ch.isspace() for ch in value):
        raise InvalidInputError(argument, "must not contain whitespace")
    bad = _control_character(value)
    if bad:
        raise InvalidInputError(argument, f"must not contain control characters (found {bad})")
    return value


def check_page_size(value: Any, maximum: int = 1000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidInputError("page_size", f"must be a whole number from 1 to {maximum}")
    return value
