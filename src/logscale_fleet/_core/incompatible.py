"""Recognise a server that is older than the client: its validation errors name what it lacks.

An older LogScale answers a document selecting a field it does not have with GraphQL validation
errors, not with data. LogScale (Sangria) and graphql-core word them slightly differently:

    Cannot query field 'jwtToken' on type 'FleetInstallationToken'. (line 5, column 3) ...
    Unknown argument 'configId' on field 'createFleetInstallToken' of type 'Mutation'.
    Unknown argument 'configId' on field 'Mutation.createFleetInstallToken'.   (graphql-core)
    Unknown type 'FleetInstallationTokenInput'.
    Enum value 'CONFIG' is undefined in enum type 'SortBy' ...
    Value 'CONFIG' does not exist in 'SortBy' enum.                            (graphql-core)

Each becomes a schema coordinate, so the error says exactly what the server is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from logscale_fleet.errors import GraphQLError, IncompatibleServerError

_NAME = r"'([_A-Za-z][_0-9A-Za-z]*)'"
_DOTTED = r"'([_A-Za-z][_0-9A-Za-z]*)\.([_A-Za-z][_0-9A-Za-z]*)'"

_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(rf"Cannot query field {_NAME} on type {_NAME}"),
        lambda m: f"{m[2]}.{m[1]}",
    ),
    (
        re.compile(rf"Unknown argument {_NAME} on field {_NAME} of type {_NAME}"),
        lambda m: f"{m[3]}.{m[2]}({m[1]}:)",
    ),
    (
        re.compile(rf"Unknown argument {_NAME} on field {_DOTTED}"),
        lambda m: f"{m[2]}.{m[3]}({m[1]}:)",
    ),
    (re.compile(rf"Unknown type {_NAME}"), lambda m: m[1]),
    (
        re.compile(rf"Enum value {_NAME} is undefined in enum type {_NAME}"),
        lambda m: f"{m[2]}.{m[1]}",
    ),
    (
        re.compile(rf"Value {_NAME} does not exist in {_NAME} enum"),
        lambda m: f"{m[2]}.{m[1]}",
    ),
)


def missing_coordinates(messages: Iterable[str]) -> tuple[str, ...]:
    """The schema coordinates the messages say the server lacks, each once, in message order."""
    found: dict[str, None] = {}
    for message in messages:
        for pattern, coordinate in _PATTERNS:
            match = pattern.search(message)
            if match:
                found.setdefault(coordinate(match), None)
                break
    return tuple(found)


def incompatible_or(error: GraphQLError) -> GraphQLError:
    """`error` as an IncompatibleServerError when its messages name something the server lacks;
    otherwise `error` unchanged."""
    if isinstance(error, IncompatibleServerError):
        return error
    missing = missing_coordinates(error.messages)
    if not missing:
        return error
    return IncompatibleServerError(
        error.errors,
        missing=missing,
        operation=error.operation,
        data=error.data,
        status_code=error.status_code,
    )
