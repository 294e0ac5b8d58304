"""Typed async client for LogScale Fleet Management installation tokens.

    from logscale_fleet import FleetClient

    async with FleetClient() as fleet:          # LOGSCALE_URL / LOGSCALE_TOKEN
        token, created = await fleet.install_tokens.ensure("web-servers", config_id="...")

`FleetClient`, `EnsureOutcome`, `Timeouts`, `SearchProgress` and the models (`InstallToken`,
`Configuration`, `Group`, `Collector`, `CollectorDetails`, `EnrolledCollector`, `Installer`) are
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
    from logscale_fleet._core.polling import Progress as SearchProgress
    from logscale_fleet.client import FleetClient
    from logscale_fleet.resources.install_tokens import EnsureOutcome
    from logscale_fleet.settings import Timeouts
    from logscale_graphql.fragments import CollectorDetailsFields as CollectorDetails
    from logscale_graphql.fragments import CollectorFields as Collector
    from logscale_graphql.fragments import ConfigurationFields as Configuration
    from logscale_graphql.fragments import EnrolledCollectorFields as EnrolledCollector
    from logscale_graphql.fragments import GroupFields as Group
    from logscale_graphql.fragments import InstallerFields as Installer
    from logscale_graphql.fragments import InstallTokenFields as InstallToken

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "ClientClosedError",
    "Collector",
    "CollectorDetails",
    "Configuration",
    "ConfigurationError",
    "ConflictError",
    "EnrolledCollector",
    "EnsureOutcome",
    "FleetClient",
    "GraphQLError",
    "GraphQLErrorDetail",
    "Group",
    "IncompatibleServerError",
    "InstallToken",
    "Installer",
    "InvalidInputError",
    "InvalidResponseError",
    "LogScaleError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "SearchProgress",
    "ServerError",
    "TimeoutError",
    "Timeouts",
    "TransportError",
    "__version__",
]


# Public model names: each is the generated fragment model `<name>Fields`.
_MODELS = (
    "InstallToken",
    "Configuration",
    "Group",
    "Collector",
    "CollectorDetails",
    "EnrolledCollector",
    "Installer",
)


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
    if name == "SearchProgress":
        from logscale_fleet._core.polling import Progress

        return Progress
    if name in _MODELS:
        from logscale_graphql import fragments

        return getattr(fragments, f"{name}Fields")
    raise AttributeError(f"module 'logscale_fleet' has no attribute {name!r}")
