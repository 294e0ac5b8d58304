"""GraphQL shapes for install tokens: LogScale's FleetInstallationToken and its operations."""

from __future__ import annotations

import shlex
from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.context import Resolver, context
from logscale_fleet.sandbox.services.configurations.resolvers import configuration_payload
from logscale_fleet.sandbox.services.install_tokens.state import InstallToken

__all__ = ["RESOLVERS", "installation_commands", "token_payload"]


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


async def resolve_create(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    ctx = context(info)
    state = ctx.store.install_tokens
    created = await ctx.store.run(lambda: state.create(args["name"], args.get("configId")))
    return token_payload(created, ctx.base_url)


async def resolve_rename(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    ctx = context(info)
    state = ctx.store.install_tokens
    renamed = await ctx.store.run(lambda: state.rename(args["token"], args["name"]))
    return token_payload(renamed, ctx.base_url)


async def resolve_assign(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    # An omitted configId and an explicit null both unassign, as in LogScale.
    ctx = context(info)
    state = ctx.store.install_tokens
    updated = await ctx.store.run(
        lambda: state.assign_configuration(args["token"], args.get("configId"))
    )
    return token_payload(updated, ctx.base_url)


async def resolve_delete(_: None, info: GraphQLResolveInfo, **args: Any) -> bool:
    ctx = context(info)
    state = ctx.store.install_tokens
    return await ctx.store.run(lambda: state.delete(args["token"]))


async def resolve_token(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any] | None:
    # The argument is called `id` but takes the token value: tokens have no other identifier.
    ctx = context(info)
    state = ctx.store.install_tokens
    found = await ctx.store.run(lambda: state.get(args["id"]))
    return None if found is None else token_payload(found, ctx.base_url)


async def resolve_tokens(_: None, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    ctx = context(info)
    tokens = await ctx.store.run(ctx.store.install_tokens.all)
    return [token_payload(t, ctx.base_url) for t in tokens]


async def resolve_search(_: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    ctx = context(info)
    state = ctx.store.install_tokens
    total, page = await ctx.store.run(
        lambda: state.search(
            skip=args.get("skip"),
            limit=args.get("limit"),
            sort_by=args.get("sortBy"),
            order_by=args.get("orderBy"),
        )
    )
    return {"totalResults": total, "results": [token_payload(t, ctx.base_url) for t in page]}


async def resolve_default(_: None, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    ctx = context(info)
    found = await ctx.store.run(ctx.store.install_tokens.default)
    return None if found is None else token_payload(found, ctx.base_url)


RESOLVERS: dict[str, Resolver] = {
    "Mutation.createFleetInstallToken": resolve_create,
    "Mutation.updateFleetInstallTokenName": resolve_rename,
    "Mutation.updateFleetInstallTokenConfigId": resolve_assign,
    "Mutation.deleteFleetInstallToken": resolve_delete,
    "Query.fleetInstallationToken": resolve_token,
    "Query.fleetInstallationTokens": resolve_tokens,
    "Query.searchFleetInstallationTokens": resolve_search,
    "Query.defaultFleetInstallationToken": resolve_default,
}
