"""Rendering: JSON documents for machines, aligned tables and field lists for people, masking.

JSON output is exactly one document per command on stdout, keyed by GraphQL field names
(`jwtToken`, `installationCommands.linuxCommand`), so jq filters read like the API docs.
Everything else a command says (notes, progress, warnings) goes to stderr.

Masking: a secret shows as its first 4 characters and an ellipsis (`tnSU…`), enough to tell
tokens apart in a list and to match them with `--show-secrets` output, far too little to use.
Installation commands embed the token, so the token (and JWT) inside them is masked the same
way. Masked documents keep their shape; only the values change.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

ELLIPSIS = "\u2026"
SHOWN_PREFIX = 4
# Shorter values are hidden entirely: four characters of a short secret would be too much of it.
MIN_LENGTH_FOR_PREFIX = 12

COMMAND_FIELDS = ("linuxCommand", "windowsCommand", "macosCommand")
OS_FIELDS = {"linux": "linuxCommand", "windows": "windowsCommand", "macos": "macosCommand"}


def printable(text: str) -> str:
    """`text` safe to show on a terminal: control and formatting characters (escape sequences,
    carriage returns, bidirectional overrides) are shown as escapes, so a server-provided name
    cannot rewrite or hide a line of a table or a plan. JSON output stays exact and skips this."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def mask(value: str) -> str:
    if len(value) < MIN_LENGTH_FOR_PREFIX:
        return ELLIPSIS
    return value[:SHOWN_PREFIX] + ELLIPSIS


def shown_input(value: str) -> str:
    """A value the user typed (a name, an id), quoted for an error line.

    A secret pasted where a name or id belongs must not be echoed back into a terminal log or
    a CI transcript, and an id cannot be told from a token by its looks: values long enough to
    be a token are masked like one; shorter ones, never a LogScale token, are shown whole.
    """
    if len(value) < MIN_LENGTH_FOR_PREFIX:
        return printable(repr(value))
    return repr(mask(value))


def token_document(token: Any, *, show_secrets: bool) -> dict[str, Any]:
    """An install token model as its GraphQL-shaped JSON, secrets masked unless asked for."""
    document: dict[str, Any] = token.model_dump(by_alias=True, mode="json")
    return document if show_secrets else masked_token_document(document)


def masked_token_document(document: Mapping[str, Any]) -> dict[str, Any]:
    masked = dict(document)
    replacements = [
        (value, mask(value))
        for value in (document.get("jwtToken"), document.get("token"))
        if isinstance(value, str) and value
    ]
    for key in ("token", "jwtToken"):
        if isinstance(masked.get(key), str):
            masked[key] = mask(masked[key])
    commands = document.get("installationCommands")
    if isinstance(commands, Mapping):
        hidden = dict(commands)
        for key, command in commands.items():
            if isinstance(command, str):
                # The JWT first: the token value may occur inside it.
                for secret, shown in replacements:
                    command = command.replace(secret, shown)
                hidden[key] = command
        masked["installationCommands"] = hidden
    return masked


def configuration_label(configuration: Mapping[str, Any] | None) -> str:
    if not configuration:
        return "-"
    return printable(f"{configuration.get('name')} ({configuration.get('id')})")


class Output:
    """Where a command's results go, in the format the user chose (`--output`)."""

    def __init__(self, fmt: str = "table", stream: TextIO | None = None) -> None:
        self.format = fmt
        self._stream = stream

    @property
    def json(self) -> bool:
        return self.format == "json"

    @property
    def stream(self) -> TextIO:
        # Looked up at each write, not at construction: tests swap sys.stdout per test.
        return self._stream or sys.stdout

    def document(self, value: Any) -> None:
        """The command's one JSON document."""
        self.stream.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")

    def line(self, text: str = "") -> None:
        self.stream.write(text + "\n")

    def text_block(self, text: str) -> None:
        """Server-provided multi-line text (a configuration's YAML), each line escaped."""
        for text_line in text.split("\n"):
            self.line(printable(text_line))

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        for text in render_table(headers, rows):
            self.line(text)

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        for text in render_fields(pairs):
            self.line(text)


def render_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart; the last column is not padded.

    Cells are mostly server-provided (names, ids): escaped, so none can move the cursor,
    erase a row or reverse the text after it."""
    table = [list(headers), *[[printable(_one_line(cell)) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = []
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths[:-1], strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def render_fields(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """`label:  value` lines with the values aligned; values escaped as in tables."""
    width = max((len(label) for label, _ in pairs), default=0) + 1
    return [f"{(label + ':').ljust(width)}  {printable(value)}".rstrip() for label, value in pairs]


def _one_line(value: str) -> str:
    return " ".join(value.split()) if "\n" in value or "\t" in value else value


def token_fields(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The human view of one token document (already masked or not, as the command decided)."""
    commands = document.get("installationCommands") or {}
    return [
        ("name", str(document.get("name"))),
        ("token", str(document.get("token"))),
        ("jwt token", str(document.get("jwtToken"))),
        ("configuration", configuration_label(document.get("assignedConfiguration"))),
        ("linux install", str(commands.get("linuxCommand", ""))),
        ("windows install", str(commands.get("windowsCommand", ""))),
        ("macos install", str(commands.get("macosCommand", ""))),
    ]


def notice(text: str) -> None:
    """A note for the person at the terminal; never part of the command's output."""
    print(f"logscale-fleet: {text}", file=sys.stderr)
