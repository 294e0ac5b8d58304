"""From httpx, aiohttp (through httpx's exceptions), the generated client and pydantic exceptions
to the public error tree in `logscale_fleet.errors`, which itself imports nothing heavy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from logscale_fleet.errors import (
    APIStatusError,
    AuthenticationError,
    GraphQLError,
    GraphQLErrorDetail,
    InvalidResponseError,
    LogScaleError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TransportError,
)

_REQUEST_ID_HEADERS = ("x-request-id", "x-humio-request-id", "x-correlation-id", "request-id")


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:128]
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
        return GraphQLError(details, operation=operation, data=data)
    if isinstance(exc, MalformedResponseError):
        response = exc.response
        content_type = response.headers.get("content-type", "unknown content type")
        return InvalidResponseError(
            f"{what} got an answer that is not a GraphQL response ({exc.reason}; HTTP "
            f"{response.status_code}, {content_type}); is the URL a LogScale server?",
            operation=operation,
            status_code=response.status_code,
            body_excerpt=_excerpt(response.content, secrets),
        )
    if isinstance(exc, pydantic.ValidationError):
        return _model_mismatch(exc, what, operation)
    from logscale_fleet._core.limits import ResponseTooLargeError

    if isinstance(exc, ResponseTooLargeError):
        return InvalidResponseError(
            f"{what} stopped reading: {exc}; is the URL a LogScale GraphQL endpoint?",
            operation=operation,
        )
    return None


def _graphql_errors_in_body(
    exc: Any, operation: str | None, secrets: Sequence[str]
) -> GraphQLError | None:
    """A 4xx whose body is a GraphQL error list (LogScale's answer to an invalid document)."""
    response = exc.response
    if response.status_code not in (400, 422):
        return None
    import json

    try:
        payload = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    return GraphQLError(
        [_graphql_detail(entry, secrets) for entry in errors],
        operation=operation,
        status_code=response.status_code,
    )


def _excerpt(body: bytes, secrets: Sequence[str]) -> str:
    from logscale_fleet._core.redaction import excerpt

    return excerpt(body, secrets)


def _transport_error(
    exc: Exception, what: str, operation: str | None, secrets: Sequence[str]
) -> TransportError:
    import httpx

    from logscale_fleet._core.redaction import redact

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
    if body:
        message += f": {body}"
    advice = _STATUS_ADVICE.get(status) or (
        "the server failed; try again later" if status >= 500 else ""
    )
    if advice:
        message += f" ({advice})"
    common: dict[str, Any] = {
        "status_code": status,
        "operation": operation,
        "request_id": _request_id(response.headers),
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
    from logscale_fleet._core.redaction import redact

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
        extensions=extensions if isinstance(extensions, dict) else {},
    )


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
