"""Typed async client for LogScale Fleet Management installation tokens.

    from logscale_fleet import FleetClient

    async with FleetClient() as fleet:          # LOGSCALE_URL / LOGSCALE_TOKEN
        token, created = await fleet.install_tokens.ensure("web-servers", config_id="...")

`FleetClient`, `EnsureOutcome`, `Timeouts` and the models (`InstallToken`, `Configuration`) are
imported on first use, so `import logscale_fleet` (and the CLI's start-up) does not pay for httpx,
pydantic and the generated models until they are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from logscale_fleet._version import __version__
from logscale_fleet.errors import (
    APIStatusError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    GraphQLError,
    GraphQLErrorDetail,
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
    from logscale_fleet.client import FleetClient
    from logscale_fleet.resources.install_tokens import EnsureOutcome
    from logscale_fleet.settings import Timeouts
    from logscale_graphql.fragments import ConfigurationFields as Configuration
    from logscale_graphql.fragments import InstallTokenFields as InstallToken

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "ClientClosedError",
    "Configuration",
    "ConfigurationError",
    "ConflictError",
    "EnsureOutcome",
    "FleetClient",
    "GraphQLError",
    "GraphQLErrorDetail",
    "InstallToken",
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
    # Plain imports (not importlib) so the import-linter contracts see these edges too.
    if name == "FleetClient":
        from logscale_fleet.client import FleetClient

        return FleetClient
    if name == "EnsureOutcome":
        from logscale_fleet.resources.install_tokens import EnsureOutcome

        return EnsureOutcome
    if name == "Timeouts":
        from logscale_fleet.settings import Timeouts

        return Timeouts
    if name in ("InstallToken", "Configuration"):
        from logscale_graphql import fragments

        return getattr(fragments, f"{name}Fields")
    raise AttributeError(f"module 'logscale_fleet' has no attribute {name!r}")
