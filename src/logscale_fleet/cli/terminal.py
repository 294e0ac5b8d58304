"""Talking to a person at a terminal: progress for long work, confirmation before deleting.

Both only act when a person can be there: progress is drawn only when stderr is a terminal (a
pipe or a CI log gets nothing extra), and a confirmation is asked only when stdin is one (a
script must say --yes instead of hanging on a prompt nobody sees).
"""

from __future__ import annotations

import argparse
import os
import sys
from types import TracebackType
from typing import TextIO

from logscale_fleet.cli.exit_codes import UsageError


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


class Progress:
    """`[3/10] creating web-03` redrawn in place on stderr; silent unless stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = total > 1 and is_terminal(self._stream)
        self._width = 0

    def step(self, label: str) -> None:
        """Announce the item about to be worked on."""
        self.done += 1
        if not self.enabled:
            return
        text = f"[{self.done}/{self.total}] {label}"
        # A line longer than the terminal wraps, and \r then redraws only its last part.
        columns = terminal_width(self._stream)
        if columns is not None and len(text) >= columns:
            text = text[: max(columns - 2, 1)] + "\u2026"
        # Pad over the previous, possibly longer, text; \r returns to the line start.
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """Erase the progress line so the command's own output starts on a clean line."""
        if self.enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def confirm(question: str, *, stdin: TextIO | None = None, stderr: TextIO | None = None) -> bool:
    """Ask a yes/no question on stderr and read the answer from stdin; no means no."""
    stdin = stdin if stdin is not None else sys.stdin
    stderr = stderr if stderr is not None else sys.stderr
    stderr.write(f"{question} [y/N] ")
    stderr.flush()
    answer = stdin.readline()
    if not answer:  # end of input
        stderr.write("\n")
    return answer.strip().lower() in ("y", "yes")


def stdin_is_terminal() -> bool:
    return is_terminal(sys.stdin)


def terminal_width(stream: TextIO) -> int | None:
    """The columns of the terminal `stream` writes to ($COLUMNS first), or None when it is
    not a terminal: piped output is never cut."""
    if not is_terminal(stream):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (OSError, ValueError, AttributeError):
        return None


def check_delete(args: argparse.Namespace) -> None:
    """Refuse a delete without --yes when nobody can confirm it. Run before connecting: a
    script without --yes must fail at once, not half-run."""
    if not args.yes and not stdin_is_terminal():
        raise UsageError(
            "refusing to delete without --yes: standard input is not a terminal, so nobody "
            "can confirm"
        )
