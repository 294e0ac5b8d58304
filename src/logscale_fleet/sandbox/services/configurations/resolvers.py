"""GraphQL shapes for collector configurations: LogScale's LogCollectorConfiguration, its writes,
tests and merged view. They translate arguments and shapes; `state.py` owns the rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.context import Resolver, context
from logscale_fleet.sandbox.errors import SandboxNotFound
from logscale_fleet.sandbox.services.configurations.merge import merge
from logscale_fleet.sandbox.services.configurations.state import (
    Configuration,
    ConfigurationState,
    ConfigurationTest,
)

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


def _test(test: ConfigurationTest) -> dict[str, Any]:
    return {"configId": test.config_id, "collectorIds": list(test.collector_ids)}


def _writer(
    call: Callable[[ConfigurationState, dict[str, Any]], Configuration],
) -> Resolver:
    async def resolve(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        store = context(info).store
        return configuration_payload(await store.run(lambda: call(store.configurations, args)))

    return resolve


def _tester(
    call: Callable[[ConfigurationState, dict[str, Any]], ConfigurationTest],
) -> Resolver:
    async def resolve(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        store = context(info).store
        return _test(await store.run(lambda: call(store.configurations, args)))

    return resolve


async def resolve_delete(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    store = context(info).store
    state = store.configurations
    return await store.run(lambda: state.delete(args["configId"], args["versionId"]))


async def resolve_merged(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    store = context(info).store
    state = store.configurations
    result = merge(await store.run(lambda: state.for_merge(args["configIds"])))
    return {
        "content": result.content,
        "problems": [
            {"summary": p.summary, "details": p.details, "path": p.path, "number": p.number}
            for p in result.problems
        ],
    }


RESOLVERS: dict[str, Resolver] = {
    "Query.logCollectorConfiguration": resolve_configuration,
    "Query.searchLogCollectorConfigurations": resolve_search,
    "Query.logCollectorMergedConfiguration": resolve_merged,
    "Mutation.createLogCollectorConfiguration": _writer(
        lambda state, a: state.create(a["name"], a.get("draft"))
    ),
    "Mutation.updateDraftLogCollectorConfiguration": _writer(
        lambda state, a: state.update_draft(a["id"], a.get("draft"))
    ),
    "Mutation.publishLogCollectorConfiguration": _writer(
        lambda state, a: state.publish(a["id"], a.get("yaml"), a["currentVersion"])
    ),
    "Mutation.updateLogCollectorConfigurationName": _writer(
        lambda state, a: state.rename(a["configId"], a["name"])
    ),
    "Mutation.updateLogCollectorConfigurationDescription": _writer(
        lambda state, a: state.describe(a["configId"], a.get("description"))
    ),
    "Mutation.deleteLogCollectorConfiguration": resolve_delete,
    "Mutation.startLogCollectorConfigurationTest": _tester(
        lambda state, a: state.start_test(a["configId"], a["collectorIds"])
    ),
    "Mutation.addToLogCollectorConfigurationTest": _tester(
        lambda state, a: state.add_to_test(a["configId"], a["collectorIds"])
    ),
    "Mutation.removeFromLogCollectorConfigurationTest": _tester(
        lambda state, a: state.remove_from_test(a["configId"], a["collectorIds"])
    ),
    "Mutation.stopLogCollectorConfigurationTest": _tester(
        lambda state, a: state.stop_test(a["configId"])
    ),
}
