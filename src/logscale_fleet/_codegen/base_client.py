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
import json.encoder
from collections.abc import Awaitable, Callable, Mapping
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


def _compact_encoder() -> Callable[[Any], str]:
    """json.dumps(value, separators=(",", ":"), default=_json_default), built once.

    json.dumps with arguments builds a new encoder on every call, and even a kept JSONEncoder
    builds its C encoder per call: together more than encoding a request's few variables.
    The C encoder itself can be kept when it tracks no circular references (a circular value
    then ends in RecursionError instead of ValueError). Where the C accelerator is missing
    (another Python), the plain encoder does the same job.
    """
    make_c_encoder = getattr(json.encoder, "c_make_encoder", None)
    if make_c_encoder is None:  # pragma: no cover - CPython has it
        return json.JSONEncoder(separators=(",", ":"), default=_json_default).encode
    encode_chunks = make_c_encoder(
        None,  # markers: no circular-reference tracking
        _json_default,
        json.encoder.encode_basestring_ascii,
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan, as json.dumps
    )

    def encode(value: Any) -> str:
        return "".join(encode_chunks(value, 0))

    return encode


_dumps = _compact_encoder()

# The documents and names are constants of the generated methods, the documents a few KB each
# with their fragments: escaping them for JSON on every call cost more than the variables.
_ENCODED_PREFIXES: dict[tuple[str, str | None], str] = {}
MAX_ENCODED_PREFIXES = 256  # callers of `execute` with documents of their own: stay bounded


def _encoded_prefix(query: str, operation_name: str | None) -> str:
    """`{"query":...,"operationName":...,"variables":` - the request body up to the variables."""
    key = (query, operation_name)
    encoded = _ENCODED_PREFIXES.get(key)
    if encoded is None:
        encoded = (
            '{"query":' + _dumps(query) + ',"operationName":' + _dumps(operation_name)
        ) + ',"variables":'
        if len(_ENCODED_PREFIXES) < MAX_ENCODED_PREFIXES:
            _ENCODED_PREFIXES[key] = encoded
    return encoded


_DEFAULT_HEADERS: dict[str | None, dict[str, str]] = {}


def _default_headers(operation_name: str | None) -> dict[str, str]:
    """The headers every request of this operation carries (not to be modified: shared)."""
    headers = _DEFAULT_HEADERS.get(operation_name)
    if headers is None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if operation_name:
            headers[OPERATION_HEADER] = operation_name
        if len(_DEFAULT_HEADERS) < MAX_ENCODED_PREFIXES:
            _DEFAULT_HEADERS[operation_name] = headers
    return headers


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

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Awaitable[Response]:
        """The request, to await. A plain function handing over the HTTP client's coroutine:
        this frame is gone before the request starts, so it adds nothing to each resume of a
        request in flight, and no traceback of a failed request shows its locals."""
        sent_variables = variables or {}
        for value in sent_variables.values():
            if value is UNSET:  # only then a copy without the unset ones
                sent_variables = {n: v for n, v in sent_variables.items() if v is not UNSET}
                break
        # The caller's headers (Authorization among them) stay in the caller's object, whose repr
        # is masked; the merged dict only exists as an argument, never as a local of this frame.
        extra = kwargs.pop("headers", None)
        body = (_encoded_prefix(query, operation_name) + _dumps(sent_variables) + "}").encode()
        request: Awaitable[Response] = self.http_client.post(
            self.url,
            content=body,
            headers=_merged(_default_headers(operation_name), extra),
            **kwargs,
        )
        return request

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
