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

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from logscale_fleet.cli.json_text import INDENT, indented

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
    """Where a command's results go, in the format the user chose (`--output`, `--quiet`,
    `--wide`)."""

    def __init__(
        self,
        fmt: str = "table",
        stream: TextIO | None = None,
        *,
        quiet: bool = False,
        wide: bool = False,
    ) -> None:
        self.format = fmt
        self.quiet = quiet
        self.wide = wide
        self._stream = stream

    @classmethod
    def for_args(cls, args: Any) -> Output:
        return cls(
            args.output, quiet=getattr(args, "quiet", False), wide=getattr(args, "wide", False)
        )

    @property
    def json(self) -> bool:
        """Whether the command prints one document (JSON or YAML) rather than tables."""
        return self.format in ("json", "yaml")

    @property
    def stream(self) -> TextIO:
        # Looked up at each write, not at construction: tests swap sys.stdout per test.
        return self._stream or sys.stdout

    def document(self, value: Any) -> None:
        """The command's one document, as JSON or YAML."""
        if self.format == "yaml":
            import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

            # No line folding: a long install command stays one line a shell can copy.
            text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=2**20)
            self.stream.write(text)
            return
        self.stream.write(indented(value) + "\n")

    def documents(self, values: Iterable[Any]) -> None:
        """A list of documents, the same text `document(list(values))` writes; as JSON it is
        written one element at a time, so a listing of 10,000 tokens never holds their
        dictionaries, or the whole text, at once."""
        if self.format != "json":
            self.document(list(values))
            return
        stream = self.stream
        separator = "[\n" + INDENT
        for value in values:
            stream.write(separator + indented(value, INDENT))
            separator = ",\n" + INDENT
        stream.write("[]\n" if separator == "[\n" + INDENT else "\n]\n")

    def line(self, text: str = "") -> None:
        self.stream.write(text + "\n")

    def text_block(self, text: str) -> None:
        """Server-provided multi-line text (a configuration's YAML), each line escaped."""
        for text_line in text.split("\n"):
            self.line(printable(text_line))

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]], *, key: int = 0) -> None:
        """A table; with --quiet only column `key` (the identifier), one value per line."""
        if self.quiet:
            for row in rows:
                self.line(printable(_one_line(row[key])))
            return
        from logscale_fleet.cli.terminal import terminal_width

        width = None if self.wide else terminal_width(self.stream)
        for text in render_table(headers, rows, width=width):
            self.line(text)

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        for text in render_fields(pairs):
            self.line(text)


# Narrower than this a column stops shrinking: a few characters still tell rows apart.
MIN_COLUMN_WIDTH = 6


def render_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, width: int | None = None
) -> list[str]:
    """Left-aligned columns two spaces apart; the last column is not padded.

    With `width`, the widest columns are cut (ending in an ellipsis) until the table fits,
    none below MIN_COLUMN_WIDTH or its header; a table that still does not fit overflows.
    Cells are mostly server-provided (names, ids): escaped, so none can move the cursor,
    erase a row or reverse the text after it.
    """
    table = [list(headers), *[[printable(_one_line(cell)) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    if width is not None:
        widths = fit_widths(widths, [len(h) for h in headers], width)
    lines = []
    for row in table:
        cut = [_cut(cell, w) for cell, w in zip(row, widths, strict=True)]
        cells = [cell.ljust(w) for cell, w in zip(cut[:-1], widths[:-1], strict=True)]
        lines.append("  ".join([*cells, cut[-1]]).rstrip())
    return lines


def fit_widths(widths: list[int], minimums: list[int], width: int) -> list[int]:
    fitted = list(widths)
    floors = [min(w, max(m, MIN_COLUMN_WIDTH)) for w, m in zip(widths, minimums, strict=True)]
    excess = sum(fitted) + 2 * (len(fitted) - 1) - width
    while excess > 0:
        shrinkable = [i for i, w in enumerate(fitted) if w > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: fitted[i])
        fitted[widest] -= 1
        excess -= 1
    return fitted


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + ELLIPSIS


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
