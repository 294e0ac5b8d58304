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
     |   +- IncompatibleServerError  the server's schema lacks what the client selects
     +- InvalidResponseError      not JSON, not GraphQL, or does not fit the generated model

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
    "ConfigurationError",
    "GraphQLError",
    "GraphQLErrorDetail",
    "IncompatibleServerError",
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


class IncompatibleServerError(GraphQLError):
    """The server's schema lacks fields, arguments or types the client sends: an older LogScale.

    `missing` holds schema coordinates (`FleetInstallationToken.jwtToken`,
    `Mutation.createFleetInstallToken(configId:)`, `SomeType`); `server_version` is the LogScale
    version when the server said (the client asks `GET /api/v1/status` once, best effort).
    """

    def __init__(
        self,
        errors: Sequence[GraphQLErrorDetail],
        *,
        missing: Sequence[str],
        operation: str | None = None,
        data: Mapping[str, Any] | None = None,
        status_code: int = 200,
        server_version: str | None = None,
        server_url: str | None = None,
    ) -> None:
        super().__init__(errors, operation=operation, data=data, status_code=status_code)
        self.missing = tuple(missing)
        self.server_version = server_version
        self.server_url = server_url
        # One line, since the CLI prints it as is: what is missing, which server, what to run.
        prefix = f"{operation}: " if operation else ""
        server = f"LogScale {server_version}" if server_version else "the server"
        self.message = (
            f"{prefix}{server} does not have {', '.join(self.missing)}, which this client uses "
            "(the server is probably older than the schema the client was generated from); "
            f"run `logscale-fleet schema check --against {server_url or '<that server>'}` to "
            "see every difference"
        )
        self.args = (self.message,)

    def for_server(self, *, version: str | None, url: str | None) -> IncompatibleServerError:
        """The same error, naming the server's version and URL."""
        return IncompatibleServerError(
            self.errors,
            missing=self.missing,
            operation=self.operation,
            data=self.data,
            status_code=self.status_code,
            server_version=version or self.server_version,
            server_url=url or self.server_url,
        )


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


_REQUEST_ID_HEADERS = ("x-request-id", "x-humio-request-id", "x-correlation-id", "request-id")


def _request_id(headers: Mapping[str, str], secrets: Sequence[str] = ()) -> str | None:
    from logscale_fleet._core.header_text import shown_header

    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return shown_header(value, secrets, 128)
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        import time

        current = time.time() if now is None else now
        seconds = when.timestamp() - current
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


_STATUS_ADVICE = {
    401: "check the API token (LOGSCALE_TOKEN, --token or --token-file)",
    403: "the API token lacks permission; Fleet Management needs the ChangeFleetManagement "
    "(and ViewFleetManagement) permission",
    404: "check the URL: it should be the LogScale base URL, e.g. https://cloud.humio.com",
    429: "the server is rate limiting; wait and try again",
}


def error_from_exception(
    exc: BaseException, *, operation: str | None, secrets: Sequence[str] = ()
) -> LogScaleError | None:
    """The public error for an exception raised by httpx, the generated client or pydantic.

    Returns None for anything unknown (which callers re-raise as is: a bug should not be
    disguised as a LogScale error).
    """
    import httpx
    import pydantic

    from logscale_graphql.base_client import (
        GraphQLErrorsError,
        HTTPStatusError,
        MalformedResponseError,
    )

    if isinstance(exc, LogScaleError):
        return exc
    what = operation or "request"
    if isinstance(exc, httpx.TimeoutException):
        # A connect or pool timeout means the request never left; read/write timeouts are
        # ambiguous (the server may be processing it).
        sent = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
        phase = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the answer",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a free connection",
        }.get(type(exc), "waiting")
        return TimeoutError(f"{what} timed out {phase}", operation=operation, request_sent=sent)
    if isinstance(exc, httpx.TransportError):
        return _transport_error(exc, what, operation, secrets)
    if isinstance(exc, HTTPStatusError):
        return _graphql_errors_in_body(exc, operation, secrets) or _status_error(
            exc, what, operation, secrets
        )
    if isinstance(exc, GraphQLErrorsError):
        details = [_graphql_detail(entry, secrets) for entry in exc.errors]
        data = exc.data if isinstance(exc.data, dict) else None
        return _incompatible_or(GraphQLError(details, operation=operation, data=data))
    if isinstance(exc, MalformedResponseError):
        from logscale_fleet._core.header_text import shown_header

        response = exc.response
        content_type = shown_header(
            response.headers.get("content-type", "unknown content type"), secrets
        )
        return InvalidResponseError(
            f"{what} got an answer that is not a GraphQL response ({exc.reason}; HTTP "
            f"{response.status_code}, {content_type}); is the URL a LogScale server?",
            operation=operation,
            status_code=response.status_code,
            body_excerpt=_excerpt(response.content, secrets),
        )
    if isinstance(exc, pydantic.ValidationError):
        return _model_mismatch(exc, what, operation)
    from logscale_fleet._http import ResponseTooLargeError

    if isinstance(exc, ResponseTooLargeError):
        return InvalidResponseError(
            f"{what} stopped reading: {exc}; is the URL a LogScale GraphQL endpoint?",
            operation=operation,
        )
    return None


def _graphql_errors_in_body(
    exc: Any, operation: str | None, secrets: Sequence[str]
) -> LogScaleError | None:
    """A 4xx whose body is a GraphQL error list (LogScale's answer to an invalid document)."""
    response = exc.response
    if response.status_code not in (400, 422):
        return None
    import json

    try:
        payload = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    except RecursionError:
        return InvalidResponseError(
            f"{operation or 'request'} got an HTTP {response.status_code} answer whose JSON "
            "body is nested too deeply to read; is the URL a LogScale server?",
            operation=operation,
            status_code=response.status_code,
            body_excerpt=_excerpt(response.content, secrets),
        )
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    return _incompatible_or(
        GraphQLError(
            [_graphql_detail(entry, secrets) for entry in errors],
            operation=operation,
            status_code=response.status_code,
        )
    )


def _incompatible_or(error: GraphQLError) -> GraphQLError:
    from logscale_fleet._core.incompatible import incompatible_or

    return incompatible_or(error)


def _excerpt(body: bytes, secrets: Sequence[str]) -> str:
    from logscale_fleet._redact import excerpt

    return excerpt(body, secrets)


def _transport_error(
    exc: Exception, what: str, operation: str | None, secrets: Sequence[str]
) -> TransportError:
    import httpx

    from logscale_fleet._redact import redact

    detail = redact(str(exc) or type(exc).__name__, secrets)
    if isinstance(exc, httpx.ConnectError):
        if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail:
            return TransportError(
                f"{what} failed: TLS certificate verification failed ({detail}); pass the "
                "server's CA bundle with ca_cert= (CLI: --ca-cert)",
                operation=operation,
                request_sent=False,
            )
        return TransportError(
            f"{what} could not connect: {detail}", operation=operation, request_sent=False
        )
    # Protocol and network errors after connecting: the server may have seen the request.
    not_sent = isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError))
    return TransportError(
        f"{what} failed: the connection broke ({detail})",
        operation=operation,
        request_sent=not not_sent,
    )


def _status_error(
    exc: Exception, what: str, operation: str | None, secrets: Sequence[str]
) -> APIStatusError:
    from logscale_graphql.base_client import HTTPStatusError

    assert isinstance(exc, HTTPStatusError)
    response = exc.response
    status = response.status_code
    body = _excerpt(response.content, secrets)
    message = f"{what} failed with HTTP {status}"
    location = response.headers.get("location")
    if 300 <= status < 400 and location:
        from logscale_fleet._core.header_text import shown_location

        # Following would resend the body (install tokens) and the API token to wherever the
        # server points, plain http or another origin included.
        message += (
            f": redirected to {shown_location(location, secrets)}; redirects are not followed, "
            "give the final URL instead"
        )
    elif body:
        message += f": {body}"
    advice = _STATUS_ADVICE.get(status) or (
        "the server failed; try again later" if status >= 500 else ""
    )
    if advice:
        message += f" ({advice})"
    common: dict[str, Any] = {
        "status_code": status,
        "operation": operation,
        "request_id": _request_id(response.headers, secrets),
        "body_excerpt": body,
        "retry_after": parse_retry_after(response.headers.get("retry-after")),
    }
    if status == 401:
        return AuthenticationError(message, **common)
    if status == 403:
        return PermissionDeniedError(message, **common)
    if status == 404:
        return NotFoundError(message, **common)
    if status == 429:
        return RateLimitError(message, **common)
    if status >= 500:
        return ServerError(message, **common)
    return APIStatusError(message, **common)


def _graphql_detail(entry: Any, secrets: Sequence[str]) -> GraphQLErrorDetail:
    from logscale_fleet._redact import redact

    if not isinstance(entry, dict):
        return GraphQLErrorDetail(message=redact(str(entry)[:500], secrets))
    message = entry.get("message")
    if not isinstance(message, str) or not message:
        message = "(the server gave no message)"
    path = entry.get("path")
    locations = entry.get("locations")
    extensions = entry.get("extensions")
    return GraphQLErrorDetail(
        message=redact(message[:2000], secrets),
        path=tuple(p for p in path if isinstance(p, (str, int))) if isinstance(path, list) else (),
        locations=tuple(
            (loc["line"], loc["column"])
            for loc in locations
            if isinstance(loc, dict)
            and isinstance(loc.get("line"), int)
            and isinstance(loc.get("column"), int)
        )
        if isinstance(locations, list)
        else (),
        extensions=_redacted_extensions(extensions, secrets),
    )


def _redacted_extensions(extensions: Any, secrets: Sequence[str]) -> Mapping[str, Any]:
    # The server may quote a token in them (the value it rejected, say).
    from logscale_fleet._core.redacted_values import redacted_value

    if not isinstance(extensions, dict):
        return {}
    shown: Mapping[str, Any] = redacted_value(extensions, secrets)
    return shown


def _model_mismatch(exc: Any, what: str, operation: str | None) -> InvalidResponseError:
    # pydantic's own message quotes the input values, which hold install tokens: build ours
    # from the error locations and types only.
    problems: list[dict[str, Any]] = exc.errors(include_input=False, include_url=False)
    first = problems[0] if problems else {"loc": (), "type": "invalid", "msg": "invalid"}
    field_path = ".".join(str(p) for p in first.get("loc", ()))
    kind = "is missing" if first.get("type") == "missing" else f"is invalid ({first.get('msg')})"
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return InvalidResponseError(
        f"{what}: the server's answer does not fit the generated model: field "
        f"'{field_path}' {kind}{more}. The server's schema may differ from this client's; "
        "run `logscale-fleet schema check --against <your server URL>`",
        operation=operation,
        field_path=field_path,
    )
