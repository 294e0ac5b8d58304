"""GraphQL shapes for collector configurations: LogScale's LogCollectorConfiguration."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.context import Resolver, context
from logscale_fleet.sandbox.errors import SandboxNotFound
from logscale_fleet.sandbox.services.configurations.state import Configuration

__all__ = ["RESOLVERS", "configuration_payload"]


def configuration_payload(config: Configuration) -> dict[str, Any]:
    return {
        "id": config.id,
        "name": config.name,
        "yaml": config.yaml,
        "draft": config.draft,
        "version": config.version,
        "yamlCharactersCount": config.yaml_characters_count,
        "modifiedAt": config.modified_at,
        "draftModifiedAt": config.draft_modified_at,
        "modifiedBy": config.modified_by,
        "instances": config.instances,
        "description": config.description,
        "isTestRunning": config.is_test_running,
    }


async def resolve_configuration(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = context(info).store.configurations
    found = await context(info).store.run(lambda: state.get(args["id"]))
    if found is None:
        # The field is non-null, so an unknown id has to be an error rather than null.
        raise SandboxNotFound(f"no log collector configuration with id {args['id']!r}")
    return configuration_payload(found)


async def resolve_search(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = context(info).store.configurations
    total, page = await context(info).store.run(
        lambda: state.search(
            search_filter=args.get("searchFilter"),
            skip=args.get("skip"),
            limit=args.get("limit"),
            sort_by=args.get("sortBy"),
            order_by=args.get("orderBy"),
        )
    )
    return {"totalResults": total, "results": [configuration_payload(c) for c in page]}


RESOLVERS: dict[str, Resolver] = {
    "Query.logCollectorConfiguration": resolve_configuration,
    "Query.searchLogCollectorConfigurations": resolve_search,
}
