"""GraphQL shapes for installers: LogCollectorInstaller and the available versions."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.context import Resolver, context
from logscale_fleet.sandbox.services.installers.state import VERSIONS, installers

__all__ = ["RESOLVERS"]

_CONFIG_EXAMPLE = """\
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
"""


async def resolve_installers(_: None, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    base = context(info).base_url.rstrip("/")
    return [
        {
            "name": found.name,
            "url": f"{base}/api/v1/log-collector/installer/{found.version}/{found.name}",
            "version": found.version,
            "architecture": found.architecture,
            "type": found.type,
            "size": found.size,
            "configExample": _CONFIG_EXAMPLE,
            "icon": found.icon,
        }
        for found in installers()
    ]


async def resolve_versions(_: None, info: GraphQLResolveInfo) -> list[str]:
    return list(VERSIONS)


RESOLVERS: dict[str, Resolver] = {
    "Query.logCollectorInstallers": resolve_installers,
    "Query.logCollectorVersionsAvailable": resolve_versions,
}
