"""Typed async client for LogScale Fleet Management installation tokens.

    from logscale_fleet import FleetClient

    async with FleetClient() as fleet:          # LOGSCALE_URL / LOGSCALE_TOKEN
        token = await fleet.create_install_token("web-servers", config_id="...")

`FleetClient` is imported on first use so that `import logscale_fleet` (and the CLI's start-up)
does not pay for httpx, pydantic and the generated models until a client is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from logscale_fleet.errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    GraphQLError,
    GraphQLErrorDetail,
    IncompatibleServerError,
    InvalidInputError,
    InvalidResponseError,
    LogScaleError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TransportError,
)

if TYPE_CHECKING:
    from logscale_fleet.client import EnsureOutcome, FleetClient
    from logscale_fleet.settings import Timeouts

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "ConfigurationError",
    "EnsureOutcome",
    "FleetClient",
    "GraphQLError",
    "GraphQLErrorDetail",
    "IncompatibleServerError",
    "InvalidInputError",
    "InvalidResponseError",
    "LogScaleError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "TimeoutError",
    "Timeouts",
    "TransportError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in ("FleetClient", "EnsureOutcome"):
        from logscale_fleet import client

        return getattr(client, name)
    if name == "Timeouts":
        from logscale_fleet.settings import Timeouts

        return Timeouts
    raise AttributeError(f"module 'logscale_fleet' has no attribute {name!r}")
