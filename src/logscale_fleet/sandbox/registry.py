"""Binds every root field of `schema.graphql` to a resolver.

Each resource service's `resolvers.py` exports `RESOLVERS`, keyed `"Query.<field>"` or
`"Mutation.<field>"`; SERVICES lists those tables. A root field no service resolves answers a
GraphQL error saying the sandbox does not emulate it (a schema pull that adds a field does not
break the sandbox). tests/sandbox/test_registry.py fails when a root field of the repository's
schema.graphql has no resolver and is not in NOT_EMULATED, the fields deliberately left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from logscale_fleet.sandbox.context import Resolver
from logscale_fleet.sandbox.errors import SandboxNotEmulated
from logscale_fleet.sandbox.services.configurations import resolvers as configurations
from logscale_fleet.sandbox.services.install_tokens import resolvers as install_tokens

__all__ = ["NOT_EMULATED", "SERVICES", "bind", "resolvers", "root_fields"]

SERVICES: tuple[Mapping[str, Resolver], ...] = (configurations.RESOLVERS, install_tokens.RESOLVERS)

# Root fields of schema.graphql the sandbox deliberately answers with "not emulated" (each with
# the reason). Empty: every field of today's slice is emulated.
NOT_EMULATED: Mapping[str, str] = {}


def resolvers() -> dict[str, Resolver]:
    """Every service's resolvers in one table; a field claimed twice is a bug."""
    merged: dict[str, Resolver] = {}
    for table in SERVICES:
        for field, resolver in table.items():
            if field in merged:
                raise RuntimeError(f"two sandbox services resolve {field}")
            merged[field] = resolver
    return merged


def root_fields(schema: GraphQLSchema) -> list[str]:
    """ "Query.x" and "Mutation.y" for every root field of the schema."""
    roots = (schema.query_type, schema.mutation_type)
    return [
        f"{root.name}.{name}"
        for root in roots
        if isinstance(root, GraphQLObjectType)
        for name in root.fields
    ]


def not_emulated(field: str) -> Resolver:
    def resolve(_: object, info: GraphQLResolveInfo, **__: Any) -> NoReturn:
        raise SandboxNotEmulated(
            f"the logscale-fleet sandbox does not emulate {field}; it answers only the "
            "operations of the project's schema slice (see the README, 'The sandbox')"
        )

    return resolve


def bind(schema: GraphQLSchema) -> GraphQLSchema:
    """Set each root field's resolver on the (not yet executable) schema, in place."""
    table = resolvers()
    for root in (schema.query_type, schema.mutation_type):
        if not isinstance(root, GraphQLObjectType):
            continue
        for name, field in root.fields.items():
            key = f"{root.name}.{name}"
            field.resolve = table.get(key) or not_emulated(key)
    return schema
