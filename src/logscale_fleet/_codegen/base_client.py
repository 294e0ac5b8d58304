"""Base class of the generated client (copied into generated/ by ariadne-codegen).

Why not ariadne-codegen's default `AsyncBaseClient`: it builds an `httpx.AsyncClient` with no
timeouts when none is given, carries upload and websocket code this API never uses, and reports
HTTP failures without the headers a caller needs (Retry-After, request id). This one is small: it
requires an injected HTTP client (so timeouts, auth, TLS and transport are configured in exactly
one place, `logscale_fleet._core.http`), sends the operation name in a header for server logs,
leaves unset optional variables out of the request, and raises plain exceptions carrying the
whole response, which `logscale_fleet._core.error_mapping` maps onto the public error tree.

Keep it dependency-free apart from the standard library: the generated package must import fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Protocol, TypeVar

from .base_model import UNSET

OPERATION_HEADER = "X-GraphQL-Operation"
NESTED_TOO_DEEPLY = "the JSON body is nested too deeply"

Self = TypeVar("Self", bound="FleetBaseClient")


class Response(Protocol):
    """What the base client reads of an HTTP response (an `httpx.Response` fits)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def content(self) -> bytes: ...


class HttpClient(Protocol):
    """What the base client needs of an HTTP client (an `httpx.AsyncClient` fits)."""

    async def post(self, url: str, *, content: bytes, headers: Mapping[str, str]) -> Any: ...

    async def aclose(self) -> None: ...


class GraphQLResponseError(Exception):
    """The server answered, but not with usable data."""

    def __init__(self, response: Response, reason: str) -> None:
        super().__init__(reason)
        self.response = response
        self.reason = reason


class HTTPStatusError(GraphQLResponseError):
    """The status code was not 2xx."""

    def __init__(self, response: Response) -> None:
        super().__init__(response, f"HTTP status {response.status_code}")


class MalformedResponseError(GraphQLResponseError):
    """The body was not JSON, or not a GraphQL response."""


class GraphQLErrorsError(GraphQLResponseError):
    """The response listed GraphQL errors; `data` holds any partial result."""

    def __init__(self, response: Response, errors: list[Any], data: Any) -> None:
        super().__init__(response, f"{len(errors)} GraphQL error(s)")
        self.errors = errors
        self.data = data


class HeaderSource(Protocol):
    """Headers as the caller holds them: a dict, or an object that only lists its items."""

    def items(self) -> Any: ...


def _merged(defaults: Mapping[str, str], extra: HeaderSource | None) -> dict[str, str]:
    merged = dict(defaults)
    if extra is not None:
        merged.update(extra.items())
    return merged


def _json_default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(by_alias=True, exclude_unset=True)
    raise TypeError(f"cannot send a {type(value).__name__} as a GraphQL variable")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=_json_default)


# The documents are constants of the generated methods, a few KB each with their fragments:
# escaping one for JSON on every call cost more than the rest of the request body.
_ENCODED_DOCUMENTS: dict[str, str] = {}
MAX_ENCODED_DOCUMENTS = 256  # callers of `execute` with documents of their own: stay bounded


def _encoded_document(query: str) -> str:
    """`{"query":<query as JSON>,"operationName":` - the request body up to the name."""
    encoded = _ENCODED_DOCUMENTS.get(query)
    if encoded is None:
        encoded = '{"query":' + _dumps(query) + ',"operationName":'
        if len(_ENCODED_DOCUMENTS) < MAX_ENCODED_DOCUMENTS:
            _ENCODED_DOCUMENTS[query] = encoded
    return encoded


class FleetBaseClient:
    def __init__(self, url: str, http_client: HttpClient) -> None:
        self.url = url
        self.http_client = http_client

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.http_client.aclose()

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Response:
        sent_variables = {
            name: value for name, value in (variables or {}).items() if value is not UNSET
        }
        defaults = {"Content-Type": "application/json", "Accept": "application/json"}
        if operation_name:
            defaults[OPERATION_HEADER] = operation_name
        # The caller's headers (Authorization among them) stay in the caller's object, whose repr
        # is masked; the merged dict only exists as an argument, never as a local of this frame.
        extra = kwargs.pop("headers", None)
        body = (
            _encoded_document(query)
            + _dumps(operation_name)
            + ',"variables":'
            + _dumps(sent_variables)
            + "}"
        ).encode()
        response: Response = await self.http_client.post(
            self.url, content=body, headers=_merged(defaults, extra), **kwargs
        )
        return response

    def get_data(self, response: Response) -> dict[str, Any]:
        if not 200 <= response.status_code <= 299:
            raise HTTPStatusError(response)
        try:
            payload = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise MalformedResponseError(response, "the body is not JSON") from None
        except RecursionError:
            # json recurses once per level: a few hundred KB of brackets exhaust the stack.
            raise MalformedResponseError(response, NESTED_TOO_DEEPLY) from None
        if not isinstance(payload, dict) or not ("data" in payload or "errors" in payload):
            raise MalformedResponseError(
                response, "the JSON body is not a GraphQL response (no 'data' or 'errors')"
            )
        errors = payload.get("errors")
        data = payload.get("data")
        if errors:
            if not isinstance(errors, list):
                raise MalformedResponseError(response, "'errors' is not a list")
            raise GraphQLErrorsError(response, errors, data)
        if not isinstance(data, dict):
            raise MalformedResponseError(response, "'data' is missing or not an object")
        return data
