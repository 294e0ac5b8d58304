"""Input rules checked before anything is sent; each failure names the argument and the rule."""

from __future__ import annotations

import unicodedata
from typing import Any

from logscale_fleet.errors import InvalidInputError

MAX_NAME_LENGTH = 255
MAX_ID_LENGTH = 1024
# Collector settings the library checks and the CLI offers as choices (one definition for both;
# this module is light enough for the CLI to import while it builds its parser).
DEBUG_LEVELS = ("trace", "debug", "info", "warn", "error")
MAX_LOST_DAYS = 3650


def _control_character(value: str) -> str | None:
    if value.isascii() and value.isprintable():
        # ASCII's only characters of these categories are its controls (Cc), which
        # isprintable() refuses: names and ids are ASCII nearly always, and the loop below
        # cost more per call than the rest of an install_tokens.create.
        return None
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


def check_choice(value: Any, argument: str, choices: dict[str, Any]) -> Any:
    """One of `choices` by its (case-insensitive) name, or one of its values itself."""
    if isinstance(value, str) and value.lower() in choices:
        return choices[value.lower()]
    if value in choices.values():
        return value
    raise InvalidInputError(argument, f"must be one of {', '.join(choices)}")


def check_ids(value: Any, argument: str, *, maximum: int = 10_000) -> list[str]:
    """A non-empty collection of ids (a single string is one id), each checked, duplicates
    dropped in order."""
    items = [value] if isinstance(value, str) else value
    try:
        listed = list(items)
    except TypeError:
        raise InvalidInputError(argument, "must be an id or a list of ids") from None
    if not listed:
        raise InvalidInputError(argument, "must name at least one id")
    if len(listed) > maximum:
        raise InvalidInputError(argument, f"must name at most {maximum} ids")
    return list(dict.fromkeys(check_id(item, argument) for item in listed))


def check_optional_text(value: Any, argument: str, *, maximum: int = 10_000) -> str | None:
    """None, or a string without control characters other than tab and newline."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(argument, f"must be a string, not {type(value).__name__}")
    if len(value) > maximum:
        raise InvalidInputError(argument, f"must be at most {maximum} characters")
    bad = _control_character(value.replace("\t", "").replace("\n", ""))
    if bad:
        raise InvalidInputError(argument, f"must not contain control characters (found {bad})")
    return value
