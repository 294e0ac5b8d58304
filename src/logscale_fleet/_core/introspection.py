"""An introspection answer -> SDL: the one conversion `schema pull --url` and
`FleetClient.fetch_schema_sdl` share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from logscale_fleet.errors import InvalidResponseError


def sdl_from_introspection(result: Mapping[str, Any], *, operation: str) -> str:
    """SDL of the `data` of an introspection query run with descriptions (they carry LogScale's
    stability levels). Deprecations survive; SDL-only directives cannot."""
    from graphql import build_client_schema, print_schema

    try:
        schema = build_client_schema(result)  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError) as exc:
        raise InvalidResponseError(
            f"the introspection answer is not a usable schema: {exc}", operation=operation
        ) from None
    return print_schema(schema)
