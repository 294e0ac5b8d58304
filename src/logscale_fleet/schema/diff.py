"""What changed between two versions of the slice: types, fields, arguments, enum values, union
members, field types and stability levels. Used by `schema update` to say what a pull brings.

This is a description of the slice, not a verdict: whether a change matters to our operations is
compat.py's question. Output is sorted by coordinate so the same two slices always print the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

from logscale_fleet.schema.prune import BUILTIN_SCALARS
from logscale_fleet.schema.stability import stability_of_field


class Change(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, order=True)
class SliceChange:
    coordinate: str  # `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`
    what: str  # type, field, input field, argument, enum value, member, field type, stability
    change: Change
    detail: str = ""  # for changes: `String! -> String`, `Short-term -> Long-term`

    def __str__(self) -> str:
        sign = {Change.ADDED: "+", Change.REMOVED: "-", Change.CHANGED: "~"}[self.change]
        detail = f": {self.detail}" if self.detail else ""
        return f"{sign} {self.what} {self.coordinate}{detail}"


def diff_slices(old: GraphQLSchema, new: GraphQLSchema) -> tuple[SliceChange, ...]:
    changes: list[SliceChange] = []
    old_types = _named_types(old)
    new_types = _named_types(new)
    for name in sorted(old_types.keys() | new_types.keys()):
        before, after = old_types.get(name), new_types.get(name)
        if after is None:
            changes.append(SliceChange(name, "type", Change.REMOVED))
        elif before is None:
            changes.append(SliceChange(name, "type", Change.ADDED, _kind(after)))
        elif type(before) is not type(after):
            changes.append(
                SliceChange(name, "type", Change.CHANGED, f"{_kind(before)} -> {_kind(after)}")
            )
        else:
            changes += _compare_type(before, after)
    return tuple(sorted(changes))


def _named_types(schema: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    # Built-in scalars come and go from type_map as fields use them; they are not the slice's.
    return {
        name: t
        for name, t in schema.type_map.items()
        if not name.startswith("__") and name not in BUILTIN_SCALARS
    }


def _kind(named: GraphQLNamedType) -> str:
    return type(named).__name__.removeprefix("GraphQL").removesuffix("Type").lower()


def _compare_type(before: GraphQLNamedType, after: GraphQLNamedType) -> list[SliceChange]:
    name = before.name
    if isinstance(before, (GraphQLObjectType, GraphQLInterfaceType)):
        assert isinstance(after, (GraphQLObjectType, GraphQLInterfaceType))
        return _compare_fields(name, before.fields, after.fields)
    if isinstance(before, GraphQLInputObjectType):
        assert isinstance(after, GraphQLInputObjectType)
        changes = _added_removed(name, "input field", before.fields, after.fields)
        for field in sorted(before.fields.keys() & after.fields.keys()):
            old, new = str(before.fields[field].type), str(after.fields[field].type)
            if old != new:
                changes.append(
                    SliceChange(
                        f"{name}.{field}", "input field type", Change.CHANGED, f"{old} -> {new}"
                    )
                )
        return changes
    if isinstance(before, GraphQLEnumType):
        assert isinstance(after, GraphQLEnumType)
        return _added_removed(name, "enum value", before.values, after.values)
    if isinstance(before, GraphQLUnionType):
        assert isinstance(after, GraphQLUnionType)
        old_members = {t.name: t for t in before.types}
        new_members = {t.name: t for t in after.types}
        return _added_removed(name, "member", old_members, new_members)
    return []  # scalars: nothing inside to compare


def _added_removed(
    owner: str, what: str, before: Mapping[str, object], after: Mapping[str, object]
) -> list[SliceChange]:
    """Keys only in `before` (removed) and only in `after` (added), as `owner.key`; arguments
    as `owner(key:)`."""

    def coordinate(key: str) -> str:
        return f"{owner}({key}:)" if what == "argument" else f"{owner}.{key}"

    changes = [
        SliceChange(coordinate(key), what, Change.REMOVED)
        for key in sorted(before.keys() - after.keys())
    ]
    changes += [
        SliceChange(coordinate(key), what, Change.ADDED)
        for key in sorted(after.keys() - before.keys())
    ]
    return changes


def _compare_fields(
    owner: str, before: Mapping[str, GraphQLField], after: Mapping[str, GraphQLField]
) -> list[SliceChange]:
    changes = _added_removed(owner, "field", before, after)
    for name in sorted(before.keys() & after.keys()):
        old, new = before[name], after[name]
        coordinate = f"{owner}.{name}"
        if str(old.type) != str(new.type):
            changes.append(
                SliceChange(coordinate, "field type", Change.CHANGED, f"{old.type} -> {new.type}")
            )
        changes += _added_removed(coordinate, "argument", old.args, new.args)
        for argument in sorted(old.args.keys() & new.args.keys()):
            was, now = str(old.args[argument].type), str(new.args[argument].type)
            if was != now:
                changes.append(
                    SliceChange(
                        f"{coordinate}({argument}:)",
                        "argument type",
                        Change.CHANGED,
                        f"{was} -> {now}",
                    )
                )
        old_level, new_level = stability_of_field(old), stability_of_field(new)
        if old_level is not new_level:
            changes.append(
                SliceChange(
                    coordinate,
                    "stability",
                    Change.CHANGED,
                    f"{old_level.value} -> {new_level.value}",
                )
            )
        if old.deprecation_reason != new.deprecation_reason:
            detail = (
                f"deprecated: {new.deprecation_reason}"
                if new.deprecation_reason is not None
                else "no longer deprecated"
            )
            changes.append(SliceChange(coordinate, "deprecation", Change.CHANGED, detail))
    return changes
