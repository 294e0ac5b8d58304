"""Logging for one CLI run: warnings always, DEBUG with --verbose, secrets always redacted.

The redacting filter sits on the handler (a logger's filters do not see its children's records)
and learns secrets as they become known: the API token once the client is configured. The same
secrets scrub the final error line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from logscale_fleet._core.redaction import MASK, RedactingFilter

# Loggers raised to DEBUG by --verbose; everything else stays at WARNING, so --verbose shows
# what this program and its HTTP client do, not asyncio's or the sandbox server's chatter.
VERBOSE_LOGGERS = ("logscale_fleet", "httpx")

_active: RedactingFilter | None = None


class _CliFormatter(logging.Formatter):
    """`logscale-fleet: warning: ...`, the shape of the error line."""

    def format(self, record: logging.LogRecord) -> str:
        return f"logscale-fleet: {record.levelname.lower()}: {record.getMessage()}"


@contextmanager
def cli_logging(*, verbose: bool, secrets: list[str]) -> Iterator[None]:
    """Install a stderr handler for the duration of one `main()` call, then remove it.

    `main()` runs many times in one process in tests, so nothing may leak past the call.
    """
    global _active
    handler = logging.StreamHandler(sys.stderr)
    redacting = RedactingFilter(secrets)
    handler.addFilter(redacting)
    if verbose:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    else:
        handler.setFormatter(_CliFormatter())
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    saved_levels = {name: logging.getLogger(name).level for name in VERBOSE_LOGGERS}
    if verbose:
        for name in VERBOSE_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    previous, _active = _active, redacting
    try:
        yield
    finally:
        _active = previous
        root.removeHandler(handler)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


def add_secret(value: str | None) -> None:
    """Redact `value` from every later log line and from the error line."""
    if _active is not None and value and value not in _active.secrets:
        _active.secrets.append(value)


def scrub(text: str) -> str:
    """`text` with every known secret value masked.

    Only exact values: the pattern rules of `redact` suit log lines but would mangle plain
    words in an error message ("token installation ...").
    """
    if _active is not None:
        for secret in _active.secrets:
            text = text.replace(secret, MASK)
    return text


def log_traceback(exc: BaseException) -> None:
    """The traceback at DEBUG, through the redacting handler (shown only with --verbose)."""
    logging.getLogger("logscale_fleet.cli").debug(
        "traceback", exc_info=(type(exc), exc, exc.__traceback__)
    )
