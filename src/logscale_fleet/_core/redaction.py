"""Scrub secrets out of text that may reach a log line or an exception message."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"
# Known secrets shorter than this are not searched for: masking every "t" of a message because
# a test used the token "t" helps nobody, and real API and install tokens are far longer.
MIN_SECRET_LENGTH = 8

_JWT = re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")
# "token" then `=`, `:` or spaces, then the value: `--token abc...`, `token=abc...`, `"token": ...`
# (not identifiers such as token_commands.py).
_TOKEN_PARAMETER = re.compile(r"(?i)((?:--)?token[\"']?(?:\s*[=:]\s*|\s+)[\"']?)[\w.~+/-]{8,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask known secret values, bearer credentials, JWTs and `token=...` style values."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    text = _JWT.sub(MASK, text)
    text = _BEARER.sub(rf"\g<1>{MASK}", text)
    return _TOKEN_PARAMETER.sub(rf"\g<1>{MASK}", text)


def excerpt(body: bytes | str, secrets: Iterable[str] = (), limit: int = 200) -> str:
    """The start of a response body, on one line, redacted, for an error message."""
    if isinstance(body, bytes):
        body = body[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(body.split())
    if len(text) > limit:
        text = text[:limit] + "..."
    return redact(text, secrets)


class RedactingFilter(logging.Filter):
    """A handler filter that scrubs every record it passes (installed by the CLI's --verbose).

    Attach it to handlers, not loggers: a logger's filters do not see its children's records.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= MIN_SECRET_LENGTH]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info), self.secrets
            )
            record.exc_info = None
        return True
