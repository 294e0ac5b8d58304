"""Random identifiers: install-token values and the API token of a sandbox started without one."""

from __future__ import annotations

import secrets
import string

__all__ = ["random_token"]

_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int) -> str:
    """Letters and digits only: a token starting with "-" would read as an option on a command
    line (`tokens delete -abc...`)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
