"""GraphQL dispatch: one resolver per root field of `schema.graphql`, over a `SandboxStore`.

Resolvers read the store and the server's public base URL from the context (`Context`), so one
executable schema serves every app instance. They translate GraphQL arguments to store calls and
store records to the schema's shapes; the rules themselves live in the store. A `SandboxError`
raised by the store becomes a GraphQL error with its message (safe: it never holds a token).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from ariadne import MutationType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.store import (
    Configuration,
    InstallToken,
    NotFoundError,
    SandboxStore,
)

__all__ = ["Context", "bindables", "installation_commands"]


@dataclass(frozen=True)
class Context:
    """Per-request context: the state and the base URL the client reached the server at."""

    store: SandboxStore
    base_url: str


def _ctx(info: GraphQLResolveInfo) -> Context:
    context: Context = info.context
    return context


def installation_commands(base_url: str, token: str) -> dict[str, str]:
    """Shell commands in the spirit of LogScale's, embedding the server URL and the token."""
    base = base_url.rstrip("/")
    installer = f"{base}/api/v1/log-collector/installer"
    linux = (
        f"curl -fsSL {shlex.quote(installer + '/linux/install.sh')} -o install-collector.sh "
        f"&& sudo bash install-collector.sh --url {shlex.quote(base)} "
        f"--enrollment-token {shlex.quote(token)}"
    )
    macos = (
        f"curl -fsSL {shlex.quote(installer + '/macos/install.sh')} -o install-collector.sh "
        f"&& sudo bash install-collector.sh --url {shlex.quote(base)} "
        f"--enrollment-token {shlex.quote(token)}"
    )
    windows = (
        'powershell -NoProfile -ExecutionPolicy Bypass -Command "'
        f"Invoke-WebRequest -Uri '{installer}/windows/install.ps1' -OutFile install-collector.ps1; "
        f".\\install-collector.ps1 -Url '{base}' -EnrollmentToken '{token}'\""
    )
    return {"linuxCommand": linux, "windowsCommand": windows, "macosCommand": macos}


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


def token_payload(token: InstallToken, base_url: str) -> dict[str, Any]:
    return {
        "token": token.token,
        "jwtToken": token.jwt,
        "name": token.name,
        "assignedConfiguration": (
            configuration_payload(token.configuration) if token.configuration else None
        ),
        "installationCommands": installation_commands(base_url, token.token),
    }


query = QueryType()
mutation = MutationType()


@mutation.field("createFleetInstallToken")
def resolve_create(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    ctx = _ctx(info)
    created = ctx.store.create_token(args["name"], args.get("configId"))
    return token_payload(created, ctx.base_url)


@mutation.field("updateFleetInstallTokenName")
def resolve_rename(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    ctx = _ctx(info)
    return token_payload(ctx.store.rename_token(args["token"], args["name"]), ctx.base_url)


@mutation.field("updateFleetInstallTokenConfigId")
def resolve_assign(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    # An omitted configId and an explicit null both unassign, as in LogScale.
    ctx = _ctx(info)
    updated = ctx.store.assign_configuration(args["token"], args.get("configId"))
    return token_payload(updated, ctx.base_url)


@mutation.field("deleteFleetInstallToken")
def resolve_delete(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    return _ctx(info).store.delete_token(args["token"])


@query.field("fleetInstallationToken")
def resolve_token(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any] | None:
    # The argument is called `id` but takes the token value: tokens have no other identifier.
    ctx = _ctx(info)
    found = ctx.store.get_token(args["id"])
    return None if found is None else token_payload(found, ctx.base_url)


@query.field("fleetInstallationTokens")
def resolve_tokens(_: None, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    ctx = _ctx(info)
    return [token_payload(t, ctx.base_url) for t in ctx.store.list_tokens()]


@query.field("searchFleetInstallationTokens")
def resolve_search_tokens(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    ctx = _ctx(info)
    total, page = ctx.store.search_tokens(
        skip=args.get("skip"),
        limit=args.get("limit"),
        sort_by=args.get("sortBy"),
        order_by=args.get("orderBy"),
    )
    return {"totalResults": total, "results": [token_payload(t, ctx.base_url) for t in page]}


@query.field("defaultFleetInstallationToken")
def resolve_default(_: None, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    ctx = _ctx(info)
    found = ctx.store.default_token()
    return None if found is None else token_payload(found, ctx.base_url)


@query.field("logCollectorConfiguration")
def resolve_configuration(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    # The field is non-null, so an unknown id has to be an error rather than null.
    found = _ctx(info).store.get_configuration(args["id"])
    if found is None:
        raise NotFoundError(f"no log collector configuration with id {args['id']!r}")
    return configuration_payload(found)


@query.field("searchLogCollectorConfigurations")
def resolve_search_configurations(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    total, page = _ctx(info).store.search_configurations(
        search_filter=args.get("searchFilter"),
        skip=args.get("skip"),
        limit=args.get("limit"),
        sort_by=args.get("sortBy"),
        order_by=args.get("orderBy"),
    )
    return {"totalResults": total, "results": [configuration_payload(c) for c in page]}


def _bind_services() -> None:
    from logscale_fleet.sandbox.services.configurations import resolvers as configurations

    configurations.bind(query, mutation)


_bind_services()


def bindables() -> list[ObjectType]:
    """What `make_executable_schema` needs besides the SDL."""
    return [query, mutation]
