"""Check 4: how stable, by LogScale's promise, is each field the operations select?

LogScale states stability only in descriptions: a `Stability: Long-term|Short-term|Preview` line
(Long-term: a year's notice of breaking change; Short-term: 12 weeks; Preview: none). Older
schemas prefix Preview descriptions with `[PREVIEW: ...]`. The schema declares a `@stability`
directive too; it is honoured when present in SDL, though introspection cannot carry it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from graphql import EnumValueNode, GraphQLField, GraphQLSchema

from logscale_fleet.schema.documents import OperationSet, SourceLocation
from logscale_fleet.schema.usage import collect_usage


class StabilityLevel(str, Enum):
    LONG_TERM = "Long-term"
    SHORT_TERM = "Short-term"
    PREVIEW = "Preview"
    UNKNOWN = "unknown"


_LINE = re.compile(r"^\s*Stability:\s*(Long-term|Short-term|Preview)\s*\.?\s*$", re.I | re.M)
_OLD_PREVIEW = re.compile(r"\[PREVIEW\b", re.I)
_BY_WORD = {
    "long-term": StabilityLevel.LONG_TERM,
    "short-term": StabilityLevel.SHORT_TERM,
    "preview": StabilityLevel.PREVIEW,
}
_BY_DIRECTIVE = {
    "LongTerm": StabilityLevel.LONG_TERM,
    "ShortTerm": StabilityLevel.SHORT_TERM,
    "Preview": StabilityLevel.PREVIEW,
}


def stability_of_description(description: str | None) -> StabilityLevel:
    if description:
        match = _LINE.search(description)
        if match:
            return _BY_WORD[match.group(1).lower()]
        if _OLD_PREVIEW.search(description):
            return StabilityLevel.PREVIEW
    return StabilityLevel.UNKNOWN


def stability_of_field(field: GraphQLField) -> StabilityLevel:
    level = stability_of_description(field.description)
    if level is StabilityLevel.UNKNOWN and field.ast_node is not None:
        for directive in field.ast_node.directives or ():
            if directive.name.value != "stability":
                continue
            for argument in directive.arguments or ():
                if argument.name.value == "level" and isinstance(argument.value, EnumValueNode):
                    return _BY_DIRECTIVE.get(argument.value.value, StabilityLevel.UNKNOWN)
    return level


@dataclass(frozen=True)
class FieldStability:
    coordinate: str  # `Type.field`, as the checked schema names the type
    level: StabilityLevel
    root: bool
    operations: tuple[str, ...]
    locations: tuple[SourceLocation, ...]
    allowed: bool  # a Preview field on the allow-list; False for other levels

    @property
    def violation(self) -> bool:
        return self.level is StabilityLevel.PREVIEW and not self.allowed


@dataclass(frozen=True)
class StabilityReport:
    schema: str
    fields: tuple[FieldStability, ...]  # root fields first, then by coordinate
    unused_allowances: tuple[str, ...]  # allow-list entries no used Preview field needs

    @property
    def violations(self) -> tuple[FieldStability, ...]:
        return tuple(f for f in self.fields if f.violation)

    def level_of(self, coordinate: str) -> StabilityLevel | None:
        return next((f.level for f in self.fields if f.coordinate == coordinate), None)

    def counts(self) -> dict[StabilityLevel, int]:
        return {level: sum(f.level is level for f in self.fields) for level in StabilityLevel}


def stability_report(
    operations: OperationSet,
    schema: GraphQLSchema,
    *,
    schema_name: str,
    allow_preview: Iterable[str] = (),
) -> StabilityReport:
    """The level of every field the operations select, read from `schema` (the one being
    checked: the other schema when comparing, since that is what will serve us)."""
    allowed = frozenset(allow_preview)
    found: dict[str, tuple[StabilityLevel, bool, set[str], list[SourceLocation]]] = {}
    for use in collect_usage(schema, operations).fields:
        if use.definition is None or use.parent is None or use.name.startswith("__"):
            continue  # absent here: the compatibility check reports it
        entry = found.setdefault(
            use.coordinate, (stability_of_field(use.definition), use.is_root, set(), [])
        )
        entry[2].update(operations.users.get(use.owner, ()))
        if use.location is not None and use.location not in entry[3]:
            entry[3].append(use.location)
    fields = tuple(
        FieldStability(
            coordinate=coordinate,
            level=level,
            root=root,
            operations=tuple(sorted(users)),
            locations=tuple(sorted(locations)),
            allowed=level is StabilityLevel.PREVIEW and coordinate in allowed,
        )
        for coordinate, (level, root, users, locations) in sorted(
            found.items(), key=lambda item: (not item[1][1], item[0])
        )
    )
    needed = {f.coordinate for f in fields if f.level is StabilityLevel.PREVIEW}
    return StabilityReport(schema_name, fields, tuple(sorted(allowed - needed)))
