"""The sandbox's own error classes, named apart from the client's (`logscale_fleet.errors`).

A `SandboxError` is a request the sandbox refuses; its message becomes the `message` of a GraphQL
error, so it must be safe to show: it never contains a token value or a JWT.
"""

from __future__ import annotations

__all__ = [
    "SandboxError",
    "SandboxInvalidArgument",
    "SandboxNotEmulated",
    "SandboxNotFound",
    "SandboxStateError",
]


class SandboxError(Exception):
    """A request the sandbox refuses; the message is shown to the client as a GraphQL error."""


class SandboxNotFound(SandboxError):
    """The token, configuration ... named does not exist."""


class SandboxInvalidArgument(SandboxError):
    """An argument breaks a rule (empty name, negative limit ...)."""


class SandboxNotEmulated(SandboxError):
    """A root field of the schema that the sandbox has no resolver for."""


class SandboxStateError(Exception):
    """The state file cannot be used (not SQLite, written by an incompatible version, closed)."""
