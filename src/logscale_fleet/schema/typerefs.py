"""Does a type reference in another schema still fit what our operations and models expect?

Output and input positions are opposites: an output may become stricter (non-null where it was
nullable) but never looser, since the generated model requires the value; an input may become
looser but never stricter, since we may send null or leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from graphql import GraphQLList, GraphQLNamedType, GraphQLNonNull, GraphQLType, get_named_type


class TypeChangeKind(str, Enum):
    CHANGED = "changed"  # another named type, or list-ness changed
    NULLABLE = "nullable"  # an output we require may now be null
    REQUIRED = "required"  # an input we may omit or send as null is now non-null


@dataclass(frozen=True)
class TypeChange:
    kind: TypeChangeKind
    message: str


def same_named_type(ours: GraphQLType, theirs: GraphQLType) -> bool:
    """Same name and same kind (a scalar renamed into an enum of the same name is a change)."""
    our_named: GraphQLNamedType = get_named_type(ours)
    their_named: GraphQLNamedType = get_named_type(theirs)
    return our_named.name == their_named.name and type(our_named) is type(their_named)


def output_type_change(ours: GraphQLType, theirs: GraphQLType) -> TypeChange | None:
    """Why a value typed `theirs` may not fit a model generated for `ours`; None if it fits."""
    our_level, their_level, depth = ours, theirs, 0
    while True:
        if isinstance(our_level, GraphQLNonNull):
            if not isinstance(their_level, GraphQLNonNull):
                what = "list items became nullable" if depth else "became nullable"
                return TypeChange(
                    TypeChangeKind.NULLABLE,
                    f"{what}: {ours} -> {theirs}; the generated model requires a value",
                )
            our_level, their_level = our_level.of_type, their_level.of_type
        elif isinstance(their_level, GraphQLNonNull):
            their_level = their_level.of_type
        elif isinstance(our_level, GraphQLList) and isinstance(their_level, GraphQLList):
            our_level, their_level = our_level.of_type, their_level.of_type
            depth += 1
        elif isinstance(our_level, GraphQLList) or isinstance(their_level, GraphQLList):
            return _changed(ours, theirs)
        else:
            return None if same_named_type(our_level, their_level) else _changed(ours, theirs)


def input_type_change(ours: GraphQLType, theirs: GraphQLType) -> TypeChange | None:
    """Why a value valid for `ours` may be refused by `theirs`; None if it is accepted."""
    our_level, their_level, depth = ours, theirs, 0
    while True:
        if isinstance(their_level, GraphQLNonNull):
            if not isinstance(our_level, GraphQLNonNull):
                what = "list items became non-null" if depth else "became required"
                return TypeChange(TypeChangeKind.REQUIRED, f"{what}: {ours} -> {theirs}")
            our_level, their_level = our_level.of_type, their_level.of_type
        elif isinstance(our_level, GraphQLNonNull):
            our_level = our_level.of_type
        elif isinstance(our_level, GraphQLList) and isinstance(their_level, GraphQLList):
            our_level, their_level = our_level.of_type, their_level.of_type
            depth += 1
        elif isinstance(our_level, GraphQLList) or isinstance(their_level, GraphQLList):
            return _changed(ours, theirs)
        else:
            return None if same_named_type(our_level, their_level) else _changed(ours, theirs)


def _changed(ours: GraphQLType, theirs: GraphQLType) -> TypeChange:
    return TypeChange(TypeChangeKind.CHANGED, f"type changed: {ours} -> {theirs}")
