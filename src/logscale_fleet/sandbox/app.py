"""The sandbox's ASGI app: authentication, body checks, routes, faults, then GraphQL.

Routes (every one needs `Authorization: Bearer <token>`, else HTTP 401 with LogScale's body
`The supplied authentication is invalid`):

    POST   /graphql            GraphQL, executed by ariadne against schema.graphql
    GET    /api/v1/status      {"status": "OK", "version": "1.204.0-sandbox"}
    POST   /_sandbox/reset     back to the seeded state
    GET    /_sandbox/faults    active fault rules and injected counts
    POST   /_sandbox/faults    replace the rules: {"rules": [...], "seed": N}, each rule a JSON
                               object or a SPEC string ("503,times=1"); or SPEC lines as text
    DELETE /_sandbox/faults    remove every rule
    POST   /_sandbox/collectors  enrol simulated collectors: {"token", "hostname", "os",
                               "version", "labels": {k: v}, "count"} (see services/collectors)
    GET    /_sandbox/settings  when searchFleet answers SearchFleetInProgress first
    POST   /_sandbox/settings  change that: {"searchInProgressPolls": N, "largeFleet": N,
                               "largeFleetPolls": N}; reset restores the defaults

GraphQL status codes follow LogScale's: a document that does not parse or validate against the
schema is HTTP 400 with `{"errors": [...]}` (what LogScale answers, e.g. humio/cli#192); an error
while executing (unknown token, bad configId) is HTTP 200 with `errors` and `data`.

Hostile bodies get a clear error and cost little: over `max_body_bytes` is 413; not JSON, JSON
nested too deeply to parse, or a document of more than MAX_DOCUMENT_TOKENS tokens is 400.

The JSON body is parsed leniently (control characters allowed inside strings) because LogScale's
own curl and Python examples send raw newlines inside the query string and LogScale accepts them.
That is also why this module calls `ariadne.graphql` itself instead of mounting ariadne's ASGI
`GraphQL` app: that app insists on strict JSON and answers 400 for every execution error whose
root field is non-null, where LogScale answers 200.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ariadne import format_error, graphql, make_executable_schema
from ariadne.exceptions import GraphQLFileSyntaxError
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    validate,
)

from logscale_fleet.sandbox import registry
from logscale_fleet.sandbox._random import random_token
from logscale_fleet.sandbox.context import Context
from logscale_fleet.sandbox.errors import SandboxError, SandboxNotFound
from logscale_fleet.sandbox.faults import FaultInjector, FaultRule, FaultSpecError, send_fault
from logscale_fleet.sandbox.services.collectors.control import (
    enrolled_summary,
    enrolment_request,
    settings_snapshot,
    update_settings,
)
from logscale_fleet.sandbox.store import SandboxStore

__all__ = [
    "AUTH_FAILURE_BODY",
    "DEFAULT_MAX_BODY_BYTES",
    "MAX_DOCUMENT_TOKENS",
    "SANDBOX_VERSION",
    "SandboxApp",
    "build_schema",
    "generate_token",
    "schema_path",
]

SANDBOX_VERSION = "1.204.0-sandbox"
AUTH_FAILURE_BODY = "The supplied authentication is invalid"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# Lexical tokens a GraphQL document may have. Validation costs time quadratic in the number of
# fields (graphql-core's OverlappingFieldsCanBeMerged): a body of repeated fields well under the
# size limit would hold the server's event loop for hours, one at this limit for about a second
# or two. Real operations, introspection included, use about 200 tokens.
MAX_DOCUMENT_TOKENS = 2_000

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[Scope, Receive, Send], Awaitable[None]]

_log = logging.getLogger("logscale_fleet.sandbox")


def generate_token() -> str:
    """A random API token for a sandbox started without one."""
    return random_token(43)


def schema_path() -> Path:
    """schema.graphql: in the package's data in a wheel, at the repository root in a checkout."""
    here = Path(__file__).resolve()
    candidates = [here.parents[1] / "_data" / "schema.graphql", here.parents[3] / "schema.graphql"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "the sandbox cannot find schema.graphql; looked at "
        + " and ".join(str(c) for c in candidates)
        + " (a wheel ships it in logscale_fleet/_data; a checkout keeps it at the root)"
    )


@lru_cache(maxsize=4)
def build_schema(path: Path | None = None) -> GraphQLSchema:
    """The executable schema, built once per file: parsing the SDL costs tens of milliseconds."""
    file = path or schema_path()
    try:
        # Read here, not with ariadne's load_schema_from_path, which parses the SDL once only
        # to check it before make_executable_schema parses it again (~35 ms each).
        schema = make_executable_schema(file.read_text(encoding="utf-8"))
    except GraphQLSyntaxError as exc:
        raise GraphQLFileSyntaxError(file, str(exc)) from exc
    for named in schema.type_map.values():
        if isinstance(named, GraphQLEnumType) and "parse_value" in vars(named):
            # ariadne 1.1 replaces parse_value on each enum with a one-argument function, which
            # graphql-core >= 3.2.14 calls with two (hide_suggestions): every enum variable then
            # fails. The patch only matters for enums bound to Python values; these enums carry
            # their names, so graphql-core's own method is the right one.
            del named.parse_value
    # Every root field gets a resolver: a service's, or one saying the sandbox lacks it.
    return registry.bind(schema)


class _ErrorLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """ariadne logs every GraphQL error with a traceback; refused requests are not server faults."""

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        error = kwargs.get("exc_info")
        original = getattr(error, "original_error", None)
        # A GraphQLError wrapping another (a variable that does not coerce) is the client's
        # mistake too; only an exception from our own code is worth a traceback.
        while isinstance(original, GraphQLError):
            original = original.original_error
        if original is None or isinstance(original, SandboxError):
            self.logger.debug("GraphQL error: %s", msg)
        else:
            self.logger.error(msg, *args, **kwargs)


class _Documents:
    """Parsed documents and their validation errors by query text.

    Clients send the same few documents over and over, and validating one against the schema
    costs milliseconds: most of a request's time. Documents that do not parse are not cached.
    """

    def __init__(self, schema: GraphQLSchema, size: int = 256) -> None:
        self._schema = schema
        self._size = size
        self._entries: OrderedDict[str, tuple[DocumentNode, list[GraphQLError]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, query: str) -> tuple[DocumentNode, list[GraphQLError]] | None:
        with self._lock:
            entry = self._entries.get(query)
            if entry is not None:
                self._entries.move_to_end(query)
                return entry
        try:
            document = _parse(query)
        except GraphQLError:
            return None
        entry = (document, validate(self._schema, document))
        with self._lock:
            self._entries[query] = entry
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return entry


class _BodyTooLarge(Exception):
    def __init__(self, *, drained: bool) -> None:
        super().__init__("request body too large")
        self.drained = drained


# Bodies up to this many times the limit are read and discarded so the 413 arrives intact;
# beyond that the connection is closed after the 413.
_DRAIN_FACTOR = 16


class SandboxApp:
    """The ASGI callable. Cheap to create; the state and the fault rules are shared objects."""

    def __init__(
        self,
        store: SandboxStore,
        token: str,
        *,
        faults: FaultInjector | None = None,
        public_url: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        schema: GraphQLSchema | None = None,
    ) -> None:
        if not token:
            raise ValueError("the sandbox needs a non-empty API token")
        self.store = store
        self.faults = faults if faults is not None else FaultInjector()
        # Requests being handled now; read by ThreadedSandbox.reset to let slow ones finish.
        self.in_flight = 0
        self.public_url = public_url.rstrip("/") if public_url else None
        self.max_body_bytes = max_body_bytes
        self.schema = schema or build_schema()
        self._documents = _Documents(self.schema)
        self._expected = token.encode()
        self._error_log = _ErrorLog(_log, {})
        self._routes: dict[tuple[str, str], Handler] = {
            ("POST", "/graphql"): self._graphql,
            ("GET", "/api/v1/status"): self._status,
            ("POST", "/_sandbox/reset"): self._reset,
            ("GET", "/_sandbox/faults"): self._get_faults,
            ("POST", "/_sandbox/faults"): self._set_faults,
            ("DELETE", "/_sandbox/faults"): self._clear_faults,
            ("POST", "/_sandbox/collectors"): self._enroll,
            ("GET", "/_sandbox/settings"): self._get_settings,
            ("POST", "/_sandbox/settings"): self._set_settings,
        }

    def __repr__(self) -> str:
        return f"SandboxApp(store={self.store.path!r}, token=***)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self.in_flight += 1
        try:
            await self._dispatch(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._authorized(scope):
            await _text(send, 401, AUTH_FAILURE_BODY)
            return
        route = (scope["method"], scope["path"].rstrip("/") or "/")
        handler = self._routes.get(route)
        if handler is None:
            allowed = sorted(m for m, p in self._routes if p == route[1])
            if allowed:
                await _json(send, 405, _errors("method not allowed"), allow=", ".join(allowed))
            else:
                await _json(send, 404, _errors(f"no such endpoint: {scope['path']}"))
            return
        await handler(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        header = next((v for k, v in scope["headers"] if k.lower() == b"authorization"), b"")
        scheme, _, credentials = bytes(header).strip().partition(b" ")
        # The scheme is case-insensitive (RFC 9110); LogScale's Node example sends "BEARER".
        return scheme.lower() == b"bearer" and hmac.compare_digest(
            credentials.strip(), self._expected
        )

    def _base_url(self, scope: Scope) -> str:
        if self.public_url:
            return self.public_url
        host = next((v for k, v in scope["headers"] if k.lower() == b"host"), b"").decode("latin-1")
        if not host and scope.get("server"):
            server_host, port = scope["server"]
            host = f"{server_host}:{port}"
        return f"{scope.get('scheme', 'http')}://{host or 'localhost'}"

    async def _read_json(self, scope: Scope, receive: Receive, send: Send) -> tuple[bool, Any]:
        """(ok, body); on failure the error response has been sent."""
        try:
            raw = await self._read_body(scope, receive)
        except _BodyTooLarge as exc:
            await self._too_large(send, exc)
            return False, None
        try:
            # strict=False: raw newlines inside strings, as LogScale's documented examples send.
            return True, json.loads(raw, strict=False)
        except (ValueError, RecursionError) as exc:
            await _json(send, 400, _errors(f"request body is not valid JSON: {_json_problem(exc)}"))
            return False, None

    async def _too_large(self, send: Send, exc: _BodyTooLarge) -> None:
        message = f"request body too large: the limit is {self.max_body_bytes} bytes"
        headers = {} if exc.drained else {"connection": "close"}
        await _json(send, 413, _errors(message), **headers)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        declared = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), None)
        limit = self.max_body_bytes * _DRAIN_FACTOR
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _BodyTooLarge(drained=False)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.max_body_bytes:
                chunks.append(chunk)
            elif size > self.max_body_bytes * _DRAIN_FACTOR:
                raise _BodyTooLarge(drained=False)
            if not message.get("more_body", False):
                break
        if size > self.max_body_bytes:
            # Read to the end before answering: closing on unread data makes the peer's kernel
            # reset the connection, and the client would see a broken pipe instead of the 413.
            raise _BodyTooLarge(drained=True)
        return b"".join(chunks)

    async def _graphql(self, scope: Scope, receive: Receive, send: Send) -> None:
        ok, data = await self._read_json(scope, receive, send)
        if not ok:
            return
        problem = _request_problem(data)
        if problem:
            await _json(send, 400, _errors(problem))
            return
        cached = self._documents.get(data["query"])
        document, known_errors = cached if cached is not None else (None, [])
        decision = self.faults.decide(_operation_name(data, document))
        if decision.delay:
            await asyncio.sleep(decision.delay)
        if decision.fault_before is not None:
            await send_fault(send, decision.fault_before)
            return
        context = Context(store=self.store, base_url=self._base_url(scope))

        def validated(
            schema: GraphQLSchema,
            document_ast: DocumentNode,
            rules: Collection[type[ASTValidationRule]] | None = None,
            max_errors: int | None = None,
            type_info: Any = None,
        ) -> list[GraphQLError]:
            return known_errors

        _, result = await graphql(
            self.schema,
            data,
            context_value=context,
            query_document=document,
            # Without a cached document ariadne parses (with the same token limit) and reports.
            query_parser=_query_parser,
            # Only used with a cached document, whose validation errors are already known.
            query_validator=validated if document is not None else None,
            logger=self._error_log,
            error_formatter=format_error,
            debug=False,
        )
        errors = result.get("errors") or []
        if result.get("data") is None and errors and not any("path" in e for e in errors):
            # Request errors (bad variables) stop execution before it starts: the spec leaves
            # `data` out, as graphql-core does for parse and validation errors.
            result.pop("data", None)
        if decision.delay_after:
            await asyncio.sleep(decision.delay_after)
        if decision.fault_after is not None:
            # The operation ran; the client gets the fault instead of hearing about it.
            await send_fault(send, decision.fault_after)
            return
        # Without `data` the document never ran: LogScale answers such requests with 400.
        await _json(send, 200 if "data" in result else 400, result)

    async def _status(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _json(send, 200, {"status": "OK", "version": SANDBOX_VERSION})

    async def _reset(self, scope: Scope, receive: Receive, send: Send) -> None:
        ok, _ = await self._read_json_or_empty(scope, receive, send)
        if ok:
            await self.store.run(self.store.reset)
            await _json(send, 200, {"status": "OK", "reset": True})

    async def _read_json_or_empty(
        self, scope: Scope, receive: Receive, send: Send
    ) -> tuple[bool, Any]:
        try:
            raw = await self._read_body(scope, receive)
        except _BodyTooLarge as exc:
            await self._too_large(send, exc)
            return False, None
        if not raw.strip():
            return True, None
        try:
            return True, json.loads(raw)
        except (ValueError, RecursionError) as exc:
            await _json(send, 400, _errors(f"request body is not valid JSON: {_json_problem(exc)}"))
            return False, None

    async def _get_faults(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _json(send, 200, self.faults.snapshot())

    async def _set_faults(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            raw = await self._read_body(scope, receive)
        except _BodyTooLarge as exc:
            await self._too_large(send, exc)
            return
        try:
            rules, seed = fault_rules(raw)
        except FaultSpecError as exc:
            await _json(send, 400, _errors(str(exc)))
            return
        self.faults.set(rules, seed=seed)
        await _json(send, 200, self.faults.snapshot())

    async def _clear_faults(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.faults.clear()
        await _json(send, 200, self.faults.snapshot())

    async def _enroll(self, scope: Scope, receive: Receive, send: Send) -> None:
        ok, body = await self._read_json_or_empty(scope, receive, send)
        if not ok:
            return
        try:
            request = enrolment_request(body)
            enrolled = await self.store.run(lambda: self.store.collectors.enroll(**request))
        except SandboxError as exc:
            status = 404 if isinstance(exc, SandboxNotFound) else 400
            await _json(send, status, _errors(str(exc)))
            return
        await _json(send, 200, {"enrolled": [enrolled_summary(c) for c in enrolled]})

    async def _get_settings(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _json(send, 200, settings_snapshot(self.store.collectors.settings))

    async def _set_settings(self, scope: Scope, receive: Receive, send: Send) -> None:
        ok, body = await self._read_json_or_empty(scope, receive, send)
        if not ok:
            return
        try:
            update_settings(self.store.collectors.settings, body)
        except SandboxError as exc:
            await _json(send, 400, _errors(str(exc)))
            return
        await _json(send, 200, settings_snapshot(self.store.collectors.settings))


_FAULTS_BODY = (
    'expected {"rules": [...], "seed": N}, a JSON list of rules, or SPEC lines as '
    "`sandbox serve --fault SPEC` takes them"
)


def fault_rules(raw: bytes) -> tuple[list[FaultRule], int | None]:
    """(rules, seed) from a POST /_sandbox/faults body; raises FaultSpecError.

    Accepted: `{"rules": [...], "seed": N}` or a bare list, where each rule is a JSON object or
    a SPEC string ("503,times=1"); a JSON string holding one SPEC; or plain text, one SPEC per
    line (`curl -d '503,times=1'`). An empty body clears the rules.
    """
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        body: Any = json.loads(text) if text else {"rules": []}
    except (ValueError, RecursionError):
        body = None
    if body is None or isinstance(body, (int, float)):
        # Not JSON, or a SPEC that happens to parse as a number ("503").
        body = {"rules": [line.strip() for line in text.splitlines() if line.strip()]}
    elif isinstance(body, str):
        body = {"rules": [body]}
    elif isinstance(body, list):
        body = {"rules": body}
    if not isinstance(body, dict) or not isinstance(body.get("rules", []), list):
        raise FaultSpecError(_FAULTS_BODY)
    seed = body.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise FaultSpecError("seed must be an integer")
    rules = [
        FaultRule.parse(rule) if isinstance(rule, str) else FaultRule.from_json(rule)
        for rule in body.get("rules", [])
    ]
    return rules, seed


def _errors(message: str) -> dict[str, Any]:
    return {"errors": [{"message": message}]}


def _json_problem(exc: ValueError | RecursionError) -> str:
    """Why a body is not JSON, in words a client developer can act on."""
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(exc, RecursionError):
        # json.loads recurses once per level of nesting: a deep enough body (a few kilobytes of
        # `[`) exhausts the interpreter's stack, which must be a 400, not a crashed request.
        return "nested too deeply"
    return str(exc)  # e.g. an integer longer than Python's 4300-digit conversion limit


def _parse(query: str) -> DocumentNode:
    return parse(query, max_tokens=MAX_DOCUMENT_TOKENS)


def _query_parser(context: Any, data: dict[str, Any]) -> DocumentNode:
    return _parse(data["query"])


def _request_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "the body must be a JSON object with a 'query' string (batches are not supported)"
    if not isinstance(data.get("query"), str):
        return "the body must have a 'query' string"
    if data.get("variables") is not None and not isinstance(data["variables"], dict):
        return "'variables' must be a JSON object"
    if data.get("operationName") is not None and not isinstance(data["operationName"], str):
        return "'operationName' must be a string"
    return None


def _operation_name(data: dict[str, Any], document: DocumentNode | None) -> str | None:
    """The operation faults match on: operationName, else the document's only operation's name."""
    name = data.get("operationName")
    if name:
        return str(name)
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) == 1 and operations[0].name:
        return operations[0].name.value
    return None


async def _send(
    send: Send, status: int, body: bytes, content_type: bytes, extra: dict[str, str]
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, payload: object, **headers: str) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    await _send(send, status, body, b"application/json", headers)


async def _text(send: Send, status: int, text: str) -> None:
    await _send(send, status, text.encode(), b"text/plain; charset=utf-8", {})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
