"""What every resolver gets: the per-request context, and the resolver type the registry binds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from logscale_fleet.sandbox.store import SandboxStore

__all__ = ["Context", "Resolver", "context"]

# (parent, info, **arguments) -> value or awaitable, as graphql-core calls a field resolver.
Resolver = Callable[..., Any]


@dataclass(frozen=True)
class Context:
    """Per-request context: the state and the base URL the client reached the server at."""

    store: SandboxStore
    base_url: str


def context(info: GraphQLResolveInfo) -> Context:
    found: Context = info.context
    return found
