"""GraphQL resolvers for configuration writes, tests and the merged view.

They translate arguments and shapes only; `state.ConfigurationService` owns the rules.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.services.configurations.state import (
    ConfigurationService,
    ConfigurationTest,
)

__all__ = ["bind"]


def _service(info: GraphQLResolveInfo) -> ConfigurationService:
    return ConfigurationService(info.context.store)


def _config(config: Any) -> dict[str, Any]:
    # One shape for every resolver that returns a LogCollectorConfiguration.
    from logscale_fleet.sandbox.resolvers import configuration_payload

    return configuration_payload(config)


def _test(test: ConfigurationTest) -> dict[str, Any]:
    return {"configId": test.config_id, "collectorIds": list(test.collector_ids)}


def bind(query: QueryType, mutation: MutationType) -> None:
    """Attach this service's root fields to the shared Query and Mutation types."""

    @mutation.field("createLogCollectorConfiguration")
    def create(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _config(_service(info).create(args["name"], args.get("draft")))

    @mutation.field("updateDraftLogCollectorConfiguration")
    def update_draft(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _config(_service(info).update_draft(args["id"], args.get("draft")))

    @mutation.field("publishLogCollectorConfiguration")
    def publish(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        service = _service(info)
        return _config(service.publish(args["id"], args.get("yaml"), args["currentVersion"]))

    @mutation.field("updateLogCollectorConfigurationName")
    def rename(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _config(_service(info).rename(args["configId"], args["name"]))

    @mutation.field("updateLogCollectorConfigurationDescription")
    def describe(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _config(_service(info).describe(args["configId"], args.get("description")))

    @mutation.field("deleteLogCollectorConfiguration")
    def delete(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
        return _service(info).delete(args["configId"], args["versionId"])

    @mutation.field("startLogCollectorConfigurationTest")
    def start(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _test(_service(info).start_test(args["configId"], args["collectorIds"]))

    @mutation.field("addToLogCollectorConfigurationTest")
    def add(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _test(_service(info).add_to_test(args["configId"], args["collectorIds"]))

    @mutation.field("removeFromLogCollectorConfigurationTest")
    def remove(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _test(_service(info).remove_from_test(args["configId"], args["collectorIds"]))

    @mutation.field("stopLogCollectorConfigurationTest")
    def stop(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _test(_service(info).stop_test(args["configId"]))

    @query.field("logCollectorMergedConfiguration")
    def merged(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        result = _service(info).merged(args["configIds"])
        return {
            "content": result.content,
            "problems": [
                {"summary": p.summary, "details": p.details, "path": p.path, "number": p.number}
                for p in result.problems
            ],
        }
