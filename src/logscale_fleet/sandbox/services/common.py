"""Rules every resource service shares: page arguments, names, timestamps, SQL ordering."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from logscale_fleet.sandbox.errors import SandboxInvalidArgument

__all__ = ["Order", "check_page", "clean_name", "direction", "now_iso"]

Order = Literal["ASC", "DESC"]


def check_page(skip: int | None, limit: int | None) -> tuple[int, int]:
    """(offset, limit) for SQL; limit -1 is SQLite's "no limit"."""
    if skip is not None and skip < 0:
        raise SandboxInvalidArgument(f"skip must be 0 or more, got {skip}")
    if limit is not None and limit < 0:
        raise SandboxInvalidArgument(f"limit must be 0 or more, got {limit}")
    return skip or 0, -1 if limit is None else limit


def direction(order_by: Order | None) -> str:
    # Only these two literals ever reach SQL text; client input never does.
    return "DESC" if order_by == "DESC" else "ASC"


def clean_name(name: str) -> str:
    if not name.strip():
        raise SandboxInvalidArgument("name must not be empty or only whitespace")
    return name


def now_iso() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
