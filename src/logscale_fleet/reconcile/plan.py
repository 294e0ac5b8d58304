"""A plan: the changes that make the server match a declaration, as plain data.

Planning reads; applying writes; nothing in here does either. A plan is ordered as it will be
applied (see `apply.py`), every change names its resource kind and name, and `to_dict()` is the
JSON document the CLI prints. Secrets never enter the document: an existing resource's handle
(an install token's value) is kept in `Change.target`, which is left out of reprs and documents
and shown only masked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["create", "update", "delete"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete")
PAST: dict[str, str] = {"create": "created", "update": "updated", "delete": "deleted"}

# A secret shows as its first 4 characters and an ellipsis, as everywhere else in the project.
_ELLIPSIS = "\u2026"
_SHOWN = 4
_MIN_LENGTH_FOR_PREFIX = 12


def mask(value: str) -> str:
    if len(value) < _MIN_LENGTH_FOR_PREFIX:
        return _ELLIPSIS
    return value[:_SHOWN] + _ELLIPSIS


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after (JSON-ready values; None: unset)."""

    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "from": self.before, "to": self.after}


@dataclass(frozen=True)
class Change:
    """Create, update (with the field-level difference) or delete one resource.

    `desired` is what the adapter needs to make the change (plain values, no secrets);
    `target` is the adapter's handle on the existing resource (for install tokens, the token
    value: a secret, hence out of the repr). `item` is the declaration item, when there is one.
    """

    action: Action
    kind: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    desired: Mapping[str, Any] = field(default_factory=dict)
    target: str | None = field(default=None, repr=False, compare=False)
    item: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "target": mask(self.target) if self.target else None,
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class InSync:
    """A declared resource that already matches."""

    kind: str
    name: str
    target: str | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "target": mask(self.target) if self.target else None,
        }


@dataclass(frozen=True)
class Plan:
    """Ordered changes, the declared resources already in sync, and notes for the user
    (for example that --prune keeps the default install token)."""

    changes: tuple[Change, ...]
    unchanged: tuple[InSync, ...] = ()
    notes: tuple[str, ...] = ()
    source: str | None = None
    prune: bool = False

    @property
    def in_sync(self) -> bool:
        return not self.changes

    def count(self, action: Action) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def deletes(self) -> list[Change]:
        return [change for change in self.changes if change.action == "delete"]

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {action: self.count(action) for action in ACTIONS}
        counts["unchanged"] = len(self.unchanged)
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "prune": self.prune,
            "changes": [change.to_dict() for change in self.changes],
            "unchanged": [item.to_dict() for item in self.unchanged],
            "notes": list(self.notes),
            "summary": self.summary(),
        }


def ordered(changes: Sequence[Change], phases: Mapping[str, int]) -> tuple[Change, ...]:
    """Creates and updates by phase (what others reference first), then deletes in reverse
    phase order (a referenced resource outlives what references it); stable within a phase."""
    writes = [c for c in changes if c.action != "delete"]
    deletes = [c for c in changes if c.action == "delete"]
    writes.sort(key=lambda c: phases[c.kind])
    deletes.sort(key=lambda c: -phases[c.kind])
    return (*writes, *deletes)
