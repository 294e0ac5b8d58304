"""GraphQL shapes for collector groups: LogScale's LogCollectorGroup and its operations."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.context import Resolver, context
from logscale_fleet.sandbox.services.configurations.resolvers import configuration_payload
from logscale_fleet.sandbox.services.groups.state import Group

__all__ = ["RESOLVERS", "group_payload"]


def group_payload(group: Group, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "filter": group.filter,
        "configurations": [configuration_payload(c) for c in group.configurations],
        "collectorCount": counts.get(group.id, 0),
        "wantedVersion": group.wanted_version,
        "onlyUsesRemoteUpdates": False,
    }


async def _answer(info: GraphQLResolveInfo, group: Group) -> dict[str, Any]:
    store = context(info).store

    def count() -> dict[str, int]:
        with store.db.read() as tx:
            return store.collectors.group_counts(tx, [group])

    return group_payload(group, await store.run(count))


async def resolve_search(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    store = context(info).store
    total, page, counts = await store.run(
        lambda: store.groups.search(
            store.collectors.group_counts,
            search_filter=args.get("searchFilter"),
            skip=args.get("skip"),
            limit=args.get("limit"),
            sort_by=args.get("sortBy"),
            order_by=args.get("orderBy"),
        )
    )
    return {"totalResults": total, "results": [group_payload(g, counts) for g in page]}


async def resolve_create(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    store = context(info).store
    created = await store.run(
        lambda: store.groups.create(args["name"], args.get("filter"), args.get("configIds"))
    )
    return await _answer(info, created)


def _updater(argument: str, field: str) -> Resolver:
    async def resolve(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        store = context(info).store
        value = args.get(argument)
        updated = await store.run(
            lambda: store.groups.update(
                args["id"],
                fields=(field,),
                **{
                    {"name": "name", "filter": "filter_text", "config_ids": "config_ids"}.get(
                        field, field
                    ): value
                },
            )
        )
        return await _answer(info, updated)

    return resolve


async def resolve_delete(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    return await store.run(lambda: store.groups.delete(args["id"]))


RESOLVERS: dict[str, Resolver] = {
    "Query.searchLogCollectorGroups": resolve_search,
    "Mutation.createLogCollectorGroup": resolve_create,
    "Mutation.updateLogCollectorGroupName": _updater("name", "name"),
    "Mutation.updateLogCollectorGroupFilter": _updater("filter", "filter"),
    "Mutation.updateLogCollectorGroupConfigIds": _updater("configIds", "config_ids"),
    "Mutation.updateLogCollectorGroupWantedVersion": _updater("wantedVersion", "wanted_version"),
    "Mutation.deleteLogCollectorGroup": resolve_delete,
}
