"""Server-sent header values made safe to quote in an error message.

A header is whatever the server (or a proxy in front of it) chose to send: it may quote a token,
carry control characters that rewrite the terminal, or be kilobytes long.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from logscale_fleet._core.redaction import redact

MAX_SHOWN = 120


def shown_header(value: str, secrets: Iterable[str] = (), limit: int = MAX_SHOWN) -> str:
    """`value` redacted, with control characters escaped, cut to `limit` characters."""
    text = redact(value, secrets)
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text if len(text) <= limit else text[:limit] + "..."


def shown_location(value: str, secrets: Iterable[str] = ()) -> str:
    """A redirect target without its user info, query or fragment (where tokens ride)."""
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return shown_header(value.split("?", 1)[0], secrets)
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}{port}" if parts.netloc else ""
    return shown_header(urlunsplit((parts.scheme, netloc, parts.path, "", "")), secrets, 300)
