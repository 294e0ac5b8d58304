"""The exception tree every failure of this package is reported through.

    LogScaleError
     +- ConfigurationError        missing/invalid URL, token, CA file ...
     +- InvalidInputError         also a ValueError; raised before anything is sent
     +- TransportError            could not connect, or the connection broke
     |   +- TimeoutError          also the builtin TimeoutError
     +- APIStatusError            non-2xx answer
     |   +- AuthenticationError   401
     |   +- PermissionDeniedError 403
     |   +- NotFoundError         404
     |   +- RateLimitError        429 (retry_after)
     |   +- ServerError           5xx
     +- GraphQLError              200 with errors[]
     +- ConflictError             someone changed it since you read it (a stale write)
 +- ClientClosedError         a call after `aclose()`
 +- InvalidResponseError      not JSON, not GraphQL, or does not fit the generated model

This module imports nothing heavy (no httpx, aiohttp, pydantic or generated code): the mapping
from those libraries' exceptions lives in `logscale_fleet._core.error_mapping`.

Messages never contain the API token, install tokens or JWTs: they are built only from status
codes, operation names, GraphQL messages (which the server writes for people) and redacted
excerpts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "GraphQLError",
    "GraphQLErrorDetail",
    "InvalidInputError",
    "InvalidResponseError",
    "LogScaleError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "TimeoutError",
    "TransportError",
]

_BuiltinTimeoutError = TimeoutError


class LogScaleError(Exception):
    """Base of every error this package raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(LogScaleError):
    """The client cannot be configured: a URL, token, or CA file is missing or invalid."""


class InvalidInputError(LogScaleError, ValueError):
    """An argument breaks a rule; raised before any request is sent."""

    def __init__(self, argument: str, rule: str) -> None:
        super().__init__(f"invalid {argument}: {rule}")
        self.argument = argument
        self.rule = rule


class TransportError(LogScaleError):
    """No usable answer arrived: the connection failed, broke, or timed out.

    `request_sent` is False only when the request surely never reached the server (the
    connection could not be made); retry logic relies on it to decide whether a mutation may
    be resent.
    """

    def __init__(self, message: str, *, operation: str | None = None, request_sent: bool) -> None:
        super().__init__(message)
        self.operation = operation
        self.request_sent = request_sent


class TimeoutError(TransportError, _BuiltinTimeoutError):
    """A connect, write, read or pool timeout."""


class APIStatusError(LogScaleError):
    """The server answered with a non-2xx status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        operation: str | None = None,
        request_id: str | None = None,
        body_excerpt: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.operation = operation
        self.request_id = request_id
        self.body_excerpt = body_excerpt
        # Seconds the server asked to wait (Retry-After), on 429 and sometimes 503.
        self.retry_after = retry_after


class AuthenticationError(APIStatusError):
    """401: the API token is missing, wrong, or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the API token lacks a permission (Fleet Management needs ChangeFleetManagement)."""


class NotFoundError(APIStatusError):
    """404: usually a URL that does not point at a LogScale GraphQL endpoint."""


class RateLimitError(APIStatusError):
    """429: the server asks to slow down; `retry_after` is its wait in seconds, if it said."""


class ServerError(APIStatusError):
    """5xx: the server (or a proxy in front of it) failed."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL response's `errors` list."""

    message: str
    path: tuple[str | int, ...] = ()
    locations: tuple[tuple[int, int], ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path)
        return f"{self.message} (at {where})" if where else self.message


class GraphQLError(LogScaleError):
    """The server answered 2xx with GraphQL `errors`; `data` holds any partial result."""

    def __init__(
        self,
        errors: Sequence[GraphQLErrorDetail],
        *,
        operation: str | None = None,
        data: Mapping[str, Any] | None = None,
        status_code: int = 200,
    ) -> None:
        shown = "; ".join(str(e) for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        prefix = f"{operation} failed: " if operation else ""
        super().__init__(f"{prefix}{shown}{more}")
        self.errors = tuple(errors)
        self.operation = operation
        self.data = data
        # LogScale answers documents that fail validation with HTTP 400 and GraphQL errors.
        self.status_code = status_code

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.errors]


class InvalidResponseError(LogScaleError):
    """The answer is not JSON, not a GraphQL response, or does not fit the generated model."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        field_path: str | None = None,
        status_code: int | None = None,
        body_excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.field_path = field_path
        self.status_code = status_code
        self.body_excerpt = body_excerpt


class ConflictError(LogScaleError):
    """The object changed since it was read (a write based on a stale version).

    `current_version`, `modified_by` and `modified_at` describe the server's copy when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        current_version: int | None = None,
        modified_by: str | None = None,
        modified_at: str | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.current_version = current_version
        self.modified_by = modified_by
        self.modified_at = modified_at


class ClientClosedError(LogScaleError):
    """A call on a client after `aclose()` (or after its `async with` block ended)."""

    def __init__(self, operation: str | None = None) -> None:
        what = f"{operation}: " if operation else ""
        super().__init__(f"{what}the FleetClient is closed; make a new one")
        self.operation = operation
