"""GraphQL shapes for collectors: LogCollector, searchFleet's union, and their operations.

searchFleet answers SearchFleetInProgress first when the sandbox's search settings say so (every
search, or fleets above a size; POST /_sandbox/settings). The queryState it hands out counts the
in-progress answers still to come, so the sandbox keeps no per-search memory: a client that sends
it back gets the next answer, and the result set's queryState (`sandbox:done`) reads the next
page at once. A queryState the sandbox did not make is a GraphQL error.
"""

from __future__ import annotations

import secrets
from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.context import Resolver, context
from logscale_fleet.sandbox.errors import SandboxInvalidArgument
from logscale_fleet.sandbox.services.collectors.state import Collector, FleetEntry, SearchFilters
from logscale_fleet.sandbox.services.groups.resolvers import group_payload

__all__ = ["RESOLVERS", "collector_payload"]

DONE = "sandbox:done"
# LogCollectorDebugLoggingStatic.token is non-null, but the sandbox never keeps the ingest token.
MASKED_TOKEN = "****"  # noqa: S105 - a mask, not a secret


def _debug_logging(collector: Collector) -> dict[str, Any] | None:
    if collector.debug_level is None:
        return None
    return {
        "__typename": "LogCollectorDebugLoggingStatic",
        "url": collector.debug_url,
        "token": MASKED_TOKEN,
        "level": collector.debug_level,
        "repository": collector.debug_repository,
    }


def _configurations(entry: FleetEntry, counts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "id": config.id,
            "name": config.name,
            "assignment": assignment,
            "group": None if group is None else group_payload(group, counts),
        }
        for config, assignment, group in entry.configurations
    ]


def collector_payload(entry: FleetEntry, counts: dict[str, int]) -> dict[str, Any]:
    c = entry.collector
    return {
        "id": c.id,
        "machineId": c.machine_id,
        "hostname": c.hostname,
        "system": c.system,
        "version": c.version,
        "lastActivity": c.last_activity,
        "ingestLast24H": c.ingest_last_24h,
        "ipAddress": c.ip_address,
        "logSources": [],
        "configName": entry.manual.name if entry.manual else None,
        "configId": entry.manual.id if entry.manual else None,
        "configurations": _configurations(entry, counts),
        "errors": list(c.errors),
        "cfgTestId": None,
        "cpuAverage5Min": None,
        "memoryMax5Min": None,
        "diskMax5Min": None,
        "change": None,
        "groups": [group_payload(g, counts) for g in entry.groups],
        "wantedVersion": entry.wanted_version,
        "debugLogging": _debug_logging(c),
        "timeOfUpdate": c.time_of_update,
        "usesRemoteUpdate": True,
        "ephemeralTimeout": None,
        "status": c.status,
        "labels": [{"name": k, "value": v} for k, v in sorted(c.labels.items())],
    }


def _remaining(state: str | None, fleet_size: int, polls_for: Any) -> int:
    """In-progress answers still due for this request."""
    if state is None:
        return int(polls_for(fleet_size))
    if state == DONE:
        return 0
    parts = state.split(":")
    if len(parts) == 3 and parts[0] == "sandbox" and parts[1].isdigit():
        return int(parts[1])
    raise SandboxInvalidArgument("queryState was not made by this sandbox; start a new search")


async def resolve_search(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    store = context(info).store
    state = store.collectors
    size = await store.run(state.fleet_size)
    due = _remaining(args.get("queryState"), size, state.settings.polls_for)
    if due > 0:
        return {
            "__typename": "SearchFleetInProgress",
            "queryState": f"sandbox:{due - 1}:{secrets.token_hex(4)}",
            "totalResultsInfo": {"__typename": "OnlyTotal", "total": 0},
            "totalResults": 0,
            "aggregations": None,
            "results": [],
        }
    version = args.get("versionFilter") or {}
    filters = SearchFilters(
        search=args.get("searchFilter"),
        config_id=args.get("configIdFilter"),
        group_ids=tuple(args.get("groupIdsFilter") or ()),
        status=args.get("statusFilter"),
        version=version.get("version"),
        needs_update=version.get("needsUpdate"),
        os=args.get("osFilter"),
        live=args.get("isLiveFilter"),
        inactive=args.get("inactiveFilter"),
        sort_by=args.get("sortBy"),
        descending=args.get("orderBy") == "DESC",
    )
    total, page, counts = await store.run(
        lambda: state.search(filters, args.get("skip"), args.get("limit"))
    )
    return {
        "__typename": "SearchFleetResultSet",
        "queryState": DONE,
        "totalResultsInfo": {"__typename": "OnlyTotal", "total": total},
        "totalResults": total,
        "aggregations": None,
        "results": [collector_payload(entry, counts) for entry in page],
    }


async def resolve_details(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any] | None:
    store = context(info).store
    entry, counts = await store.run(lambda: store.collectors.details(args["machineId"]))
    if entry is None:
        return None
    payload = collector_payload(entry, counts)
    return {key: payload[key] for key in _DETAILS_FIELDS}


# The fields LogCollectorDetails shares with LogCollector.
_DETAILS_FIELDS = (
    "id",
    "hostname",
    "system",
    "version",
    "lastActivity",
    "ipAddress",
    "logSources",
    "machineId",
    "configurations",
    "errors",
    "cpuAverage5Min",
    "memoryMax5Min",
    "diskMax5Min",
    "ephemeralTimeout",
    "status",
    "labels",
    "ingestLast24H",
)


def _enrolled(collectors: list[Collector]) -> list[dict[str, Any]]:
    return [{"id": c.id, "machineId": c.machine_id, "configId": c.config_id} for c in collectors]


async def resolve_assign_one(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    return await store.run(lambda: store.collectors.assign_one(args["id"], args.get("configId")))


async def resolve_assign_many(_: None, info: GraphQLResolveInfo, **args: Any) -> list[Any]:
    store = context(info).store
    ids = args.get("ids") or []
    return _enrolled(await store.run(lambda: store.collectors.assign(ids, args.get("configId"))))


async def resolve_unenroll(_: None, info: GraphQLResolveInfo, **args: Any) -> list[Any]:
    store = context(info).store
    ids = args.get("ids") or []
    return _enrolled(await store.run(lambda: store.collectors.unenroll(ids)))


async def resolve_wanted_version(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    when = args.get("timeOfUpdate")
    stamp = None if when is None else str(when)
    return await store.run(
        lambda: store.collectors.set_wanted_version(args["id"], args.get("version"), stamp)
    )


async def resolve_enable_debug(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    if not args["token"]:
        raise SandboxInvalidArgument("token must not be empty")
    return await store.run(
        lambda: store.collectors.enable_debug_logging(
            args["id"], args["level"], args.get("url"), args.get("repositoryName")
        )
    )


async def resolve_disable_debug(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    return await store.run(lambda: store.collectors.disable_debug_logging(args["id"]))


async def resolve_lost_days(_: None, info: GraphQLResolveInfo) -> int:
    store = context(info).store
    return await store.run(store.collectors.lost_days)


async def resolve_set_lost_days(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    return await store.run(lambda: store.collectors.set_lost_days(args.get("days")))


RESOLVERS: dict[str, Resolver] = {
    "Query.searchFleet": resolve_search,
    "Query.getLogCollectorDetails": resolve_details,
    "Query.getLostCollectorDays": resolve_lost_days,
    "Mutation.assignLogCollectorConfiguration": resolve_assign_one,
    "Mutation.assignLogCollectorsToConfiguration": resolve_assign_many,
    "Mutation.unenrollLogCollectors": resolve_unenroll,
    "Mutation.setWantedLogCollectorVersion": resolve_wanted_version,
    "Mutation.enableLogCollectorInstanceDebugLogging": resolve_enable_debug,
    "Mutation.disableLogCollectorInstanceDebugLogging": resolve_disable_debug,
    "Mutation.setLostCollectorDays": resolve_set_lost_days,
}
