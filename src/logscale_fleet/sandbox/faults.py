"""Fault injection: make `POST /graphql` misbehave the way real deployments do.

Each rule has a kind, an optional GraphQL operation name (None matches every request), a
probability and optional parameters. Kinds and what an HTTP client sees:

    latency  the request is delayed by `seconds` (default 1.0), then handled normally (or by the
             next rule that fires)
    429      HTTP 429, `Retry-After: <retry_after>` (whole seconds, default 1), text/plain
    500      HTTP 500, text/plain
    502      HTTP 502, text/plain
    503      HTTP 503, text/plain; `Retry-After` only when `retry_after` is given
    html     an HTML error page as a proxy would send it: HTTP `status` (default 502), text/html
    drop     the connection breaks mid-response: the status line, headers and a
             `Content-Length` are sent, then half the body, then the connection is closed.
             httpx raises `httpx.RemoteProtocolError` ("peer closed connection without sending
             complete message body"). In-process (httpx.ASGITransport) the app raises
             `ConnectionDropped`, itself an `httpx.RemoteProtocolError`, so callers see the same
             exception type either way.
    graphql  HTTP 200 with `{"data": null, "errors": [{"message": <message>, ...}]}`

By default a fault hits before the operation runs: nothing changed on the server, as when a proxy
or load balancer refuses. With `after=true` the operation runs first and the fault replaces its
answer (or, for latency, delays it): the change landed but the client never hears of it, the
ambiguous case that makes resending a create unsafe. `429` is always before (it means
"not processed").

Every injected response carries an `X-Sandbox-Fault: <kind>` header. Faults apply to
`POST /graphql` only, after authentication and body checks, so the control endpoints keep
working while faults are on.

Rules are evaluated in order for each request; every matching rule draws one number from a
`random.Random(seed)`, so the same sequence of requests sees the same faults (with concurrent
requests the arrival order decides who gets which draw). Latency rules add up; the first other
rule that fires decides the response. `times` caps how often a rule fires (for "fail once, then
succeed" retry tests). Setting rules reseeds the generator and zeroes the counters.

CLI syntax (`--fault`): `KIND[,key=value...]`, keys `operation`, `probability`, `times`,
`seconds`, `retry_after`, `status`, `message`, `after`; for example
`503,operation=CreateFleetInstallToken,probability=0.5` or `latency,seconds=0.2`.
`POST /_sandbox/faults` takes JSON, `{"rules": [{"kind": "429", "retry_after": 2}], "seed": 7}`,
where a rule may also be a SPEC string (`{"rules": ["503,times=1"]}`), or plain SPEC lines.
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, fields, replace
from typing import Any

import httpx

__all__ = [
    "KINDS",
    "ConnectionDropped",
    "Decision",
    "FaultInjector",
    "FaultRule",
    "FaultSpecError",
    "send_fault",
]

KINDS = ("latency", "429", "500", "502", "503", "html", "drop", "graphql")

_PARAMS = {
    "latency": {"seconds"},
    "429": {"retry_after"},
    "500": set(),
    "502": set(),
    "503": {"retry_after"},
    "html": {"status"},
    "drop": set(),
    "graphql": {"message"},
}
_COMMON = {"kind", "operation", "probability", "times", "after"}
_ALIASES = {"op": "operation", "p": "probability", "retry-after": "retry_after"}

DEFAULT_LATENCY = 1.0
DEFAULT_RETRY_AFTER = 1
DEFAULT_GRAPHQL_MESSAGE = "Internal error while executing the query (injected by the sandbox)"

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class FaultSpecError(ValueError):
    """A fault rule or `--fault` spec is malformed; the message names the problem."""


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised by the app to break a response off; the server closes the connection."""

    def __init__(self) -> None:
        super().__init__("the sandbox dropped the connection (injected fault)")


@dataclass(frozen=True)
class FaultRule:
    """One fault: which requests it hits, how often, and with what parameters."""

    kind: str
    operation: str | None = None
    probability: float = 1.0
    times: int | None = None
    seconds: float | None = None
    retry_after: int | None = None
    status: int | None = None
    message: str | None = None
    after: bool | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            choices = ", ".join(KINDS)
            raise FaultSpecError(f"unknown fault kind {self.kind!r}; choose from {choices}")
        given = {f.name for f in fields(self) if getattr(self, f.name) is not None} - _COMMON
        unexpected = given - _PARAMS[self.kind]
        if unexpected:
            raise FaultSpecError(
                f"fault {self.kind!r} does not take {', '.join(sorted(unexpected))}"
            )
        if self.after and self.kind == "429":
            raise FaultSpecError("fault '429' cannot be after: it means the request was refused")
        if not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError(f"probability must be between 0 and 1, got {self.probability}")
        if self.times is not None and self.times < 1:
            raise FaultSpecError(f"times must be 1 or more, got {self.times}")
        if self.seconds is not None and not (0 <= self.seconds <= 300):
            raise FaultSpecError(f"seconds must be between 0 and 300, got {self.seconds}")
        if self.retry_after is not None and self.retry_after < 0:
            raise FaultSpecError(f"retry_after must be 0 or more, got {self.retry_after}")
        if self.status is not None and not 400 <= self.status <= 599:
            raise FaultSpecError(f"status must be an HTTP error status (400-599): {self.status}")

    @classmethod
    def from_json(cls, obj: object) -> FaultRule:
        if not isinstance(obj, Mapping):
            raise FaultSpecError("a fault rule must be a JSON object with a 'kind'")
        values = {_ALIASES.get(str(k), str(k)): v for k, v in obj.items()}
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise FaultSpecError(f"unknown fault rule key(s): {', '.join(sorted(unknown))}")
        if "kind" not in values:
            raise FaultSpecError("a fault rule needs a 'kind'")
        return cls(**{key: _coerce(key, value) for key, value in values.items()})

    @classmethod
    def parse(cls, spec: str) -> FaultRule:
        """Parse the CLI form `KIND[,key=value...]`."""
        kind, *pairs = [part.strip() for part in spec.split(",")]
        values: dict[str, object] = {"kind": kind}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise FaultSpecError(f"expected key=value after the kind, got {pair!r}")
            values[key.strip()] = value.strip()
        return cls.from_json(values)

    def to_json(self) -> dict[str, object]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {key: value for key, value in values.items() if value is not None}


def _coerce(key: str, value: object) -> Any:
    """Accept JSON numbers and CLI strings alike; reject anything else with a named key."""
    if key == "after":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "0", "false", "no"):
            return value.lower() in ("1", "true", "yes")
        raise FaultSpecError(f"after must be true or false, got {value!r}")
    if value is None or key in ("kind", "operation", "message"):
        if value is not None and not isinstance(value, str):
            raise FaultSpecError(f"{key} must be a string")
        return value
    try:
        if isinstance(value, bool):
            raise ValueError
        if key in ("probability", "seconds"):
            number = float(value)  # type: ignore[arg-type]
            if not math.isfinite(number):
                raise ValueError
            return number
        as_float = float(value)  # type: ignore[arg-type]
        if not as_float.is_integer():
            raise ValueError
        return int(as_float)
    except (TypeError, ValueError):
        raise FaultSpecError(f"{key} must be a number, got {value!r}") from None


@dataclass(frozen=True)
class Decision:
    """What to do to one request: wait `delay` seconds, answer with a `before` fault, or run the
    operation, wait `delay_after`, and answer with an `after` fault instead of the result."""

    delay: float = 0.0
    fault: FaultRule | None = None
    delay_after: float = 0.0

    @property
    def fault_before(self) -> FaultRule | None:
        return self.fault if self.fault is not None and not self.fault.after else None

    @property
    def fault_after(self) -> FaultRule | None:
        return self.fault if self.fault is not None and self.fault.after else None


class FaultInjector:
    """The active rules, the seeded generator and the counters, shared by all requests."""

    def __init__(self, rules: Iterable[FaultRule] = (), *, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._fired: list[int] = []
        self._seed = seed
        self._random = random.Random(seed)  # noqa: S311 - reproducible, not secret
        self._requests = 0
        self.set(rules, seed=seed)

    def set(self, rules: Iterable[FaultRule], *, seed: int | None = None) -> None:
        """Replace the rules; reseed (with `seed`, or the current seed) and zero the counters."""
        rules = list(rules)
        with self._lock:
            if seed is not None:
                self._seed = seed
            self._rules = rules
            self._fired = [0] * len(rules)
            self._random = random.Random(self._seed)  # noqa: S311
            self._requests = 0

    def clear(self) -> None:
        self.set([])

    def decide(self, operation: str | None) -> Decision:
        with self._lock:
            self._requests += 1
            delay = 0.0
            delay_after = 0.0
            for index, rule in enumerate(self._rules):
                if rule.operation is not None and rule.operation != operation:
                    continue
                if rule.times is not None and self._fired[index] >= rule.times:
                    continue
                if self._random.random() >= rule.probability:
                    continue
                self._fired[index] += 1
                if rule.kind == "latency":
                    seconds = rule.seconds if rule.seconds is not None else DEFAULT_LATENCY
                    if rule.after:
                        delay_after += seconds
                    else:
                        delay += seconds
                else:
                    return Decision(delay, rule, delay_after)
            return Decision(delay, None, delay_after)

    def snapshot(self) -> dict[str, object]:
        """The JSON `GET /_sandbox/faults` returns: rules with their counts, totals per kind."""
        with self._lock:
            injected: dict[str, int] = {}
            for rule, fired in zip(self._rules, self._fired, strict=True):
                if fired:
                    injected[rule.kind] = injected.get(rule.kind, 0) + fired
            return {
                "seed": self._seed,
                "requests": self._requests,
                "total": sum(self._fired),
                "injected": injected,
                "rules": [
                    {**rule.to_json(), "injected": fired}
                    for rule, fired in zip(self._rules, self._fired, strict=True)
                ],
            }

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)


def with_defaults(rule: FaultRule) -> FaultRule:
    """The rule with its kind's default parameters filled in."""
    if rule.kind == "429" and rule.retry_after is None:
        return replace(rule, retry_after=DEFAULT_RETRY_AFTER)
    if rule.kind == "html" and rule.status is None:
        return replace(rule, status=502)
    return rule


_TEXT = {
    "429": "Too Many Requests",
    "500": "Internal Server Error",
    "502": "Bad Gateway",
    "503": "Service Unavailable",
}

_HTML_PAGE = """\
<html>
<head><title>{status} {reason}</title></head>
<body>
<center><h1>{status} {reason}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, kind: str, extra: dict[str, str]
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"x-sandbox-fault", kind.encode()),
        *((k.encode(), v.encode()) for k, v in extra.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_fault(send: Send, rule: FaultRule) -> None:
    """Answer (or break off) the request as `rule` says; `drop` raises `ConnectionDropped`."""
    rule = with_defaults(rule)
    kind = rule.kind
    retry = {} if rule.retry_after is None else {"retry-after": str(rule.retry_after)}
    if kind in _TEXT:
        body = f"{_TEXT[kind]} (injected by the sandbox)\n".encode()
        await _respond(send, int(kind), body, "text/plain; charset=utf-8", kind, retry)
    elif kind == "html":
        status = rule.status or 502
        page = _HTML_PAGE.format(status=status, reason=_REASONS.get(status, "Error"))
        await _respond(send, status, page.encode(), "text/html", kind, {})
    elif kind == "graphql":
        payload = {
            "data": None,
            "errors": [
                {
                    "message": rule.message or DEFAULT_GRAPHQL_MESSAGE,
                    "extensions": {"sandboxFault": "graphql"},
                }
            ],
        }
        await _respond(send, 200, json.dumps(payload).encode(), "application/json", kind, {})
    elif kind == "drop":
        body = json.dumps({"data": {"padding": "x" * 512}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-sandbox-fault", b"drop"),
                ],
            }
        )
        half = body[: len(body) // 2]
        await send({"type": "http.response.body", "body": half, "more_body": True})
        raise ConnectionDropped
    else:  # pragma: no cover - latency never terminates a request
        raise AssertionError(kind)
