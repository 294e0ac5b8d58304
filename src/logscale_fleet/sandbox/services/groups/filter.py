"""The part of LogScale's collector-group filter language the sandbox emulates.

A group's filter is a small query over collector fields. The sandbox understands:

    field = value        field != value        version < 1.9.0   (also <=, >, >=)
    a AND b   a OR b   NOT a   (a OR b) c      (juxtaposition is AND, as in LogScale queries)

Fields (case-insensitive names): `hostname`, `os` (alias `system`: Linux, Windows, macOS),
`version`, `ip` (alias `ipAddress`), `machineId`, and `labels.NAME` (the collector label NAME).
Values are bare words or "double-quoted" strings (backslash escapes `"` and `\\`); `*` in a value
matches any run of characters; `=` and `!=` compare case-insensitively. `<` `<=` `>` `>=` compare
dotted versions numerically and only apply to `version`. Anything else (free text, regexes,
functions, other fields) is refused with an error naming the position, so a filter that works
here does not silently mean something else on LogScale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from logscale_fleet.sandbox.errors import SandboxInvalidArgument

__all__ = ["FIELDS", "Filter", "FilterSubject", "parse_filter"]

MAX_FILTER_LENGTH = 10_000
MAX_DEPTH = 32

FIELDS = {
    "hostname": "hostname",
    "os": "os",
    "system": "os",
    "version": "version",
    "ip": "ip",
    "ipaddress": "ip",
    "machineid": "machineId",
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        (?P<op>!=|<=|>=|=|<|>) |
        (?P<string>"(?:[^"\\]|\\.)*") |
        (?P<word>[A-Za-z0-9_.*:@+\-]+) |
        (?P<other>\S)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class FilterSubject:
    """What a filter can see of a collector."""

    hostname: str
    os: str
    version: str
    ip: str
    machine_id: str
    labels: Mapping[str, str]

    def value(self, field: str) -> str | None:
        if field.startswith("labels."):
            return self.labels.get(field[len("labels.") :])
        return {
            "hostname": self.hostname,
            "os": self.os,
            "version": self.version,
            "ip": self.ip,
            "machineId": self.machine_id,
        }[field]


Filter = Callable[[FilterSubject], bool]


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    column: int


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        kind = match.lastgroup or "other"
        found.append(_Token(kind, match.group(kind), match.start(kind) + 1))
        position = match.end()
    return found


def _refuse(problem: str, column: int | None = None) -> SandboxInvalidArgument:
    where = f" at column {column}" if column is not None else ""
    return SandboxInvalidArgument(
        f"group filter: {problem}{where}. The sandbox emulates `field = value`, `!=`, version "
        "comparisons, AND/OR/NOT and parentheses over hostname, os, version, ip, machineId and "
        "labels.NAME (see the README, 'Simulated collectors')"
    )


def _version_key(value: str) -> tuple[int, ...] | None:
    parts = value.split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text.upper() == word

    def parse(self) -> Filter:
        if not self.tokens:
            raise _refuse("the filter is empty")
        result = self.disjunction()
        token = self.peek()
        if token is not None:
            raise _refuse(f"unexpected {token.text!r}", token.column)
        return result

    def disjunction(self) -> Filter:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return lambda subject: any(part(subject) for part in parts)

    def conjunction(self) -> Filter:
        parts = [self.negation()]
        while True:
            token = self.peek()
            if token is None or token.kind == "rparen" or self.keyword("OR"):
                break
            if self.keyword("AND"):
                self.take()
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return lambda subject: all(part(subject) for part in parts)

    def negation(self) -> Filter:
        negations = 0
        while self.keyword("NOT"):
            self.take()
            negations += 1
        inner = self.primary()
        if negations % 2 == 0:
            return inner
        return lambda subject: not inner(subject)

    def primary(self) -> Filter:
        token = self.peek()
        if token is None:
            raise _refuse("the filter ends where a condition was expected")
        if token.kind == "lparen":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _refuse(f"parentheses nested deeper than {MAX_DEPTH}", token.column)
            inner = self.disjunction()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise _refuse("a '(' is never closed", token.column)
            self.take()
            self.depth -= 1
            return inner
        return self.comparison()

    def comparison(self) -> Filter:
        name = self.take()
        if name.kind != "word":
            raise _refuse(f"expected a field name, found {name.text!r}", name.column)
        operator = self.peek()
        if operator is None or operator.kind != "op":
            raise _refuse(
                f"free text ({name.text!r}) is not emulated; write a field comparison such as "
                f'hostname = "{name.text}"',
                name.column,
            )
        field = _field(name)
        self.take()
        value_token = self.peek()
        if value_token is None or value_token.kind not in ("word", "string"):
            raise _refuse(f"expected a value after {operator.text}", operator.column)
        self.take()
        value = value_token.text
        if value_token.kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        return _compare(field, operator, value, value_token.column)


def _field(token: _Token) -> str:
    lowered = token.text.lower()
    if lowered.startswith("labels.") and len(token.text) > len("labels."):
        return "labels." + token.text[len("labels.") :]
    if lowered in FIELDS:
        return FIELDS[lowered]
    raise _refuse(f"unknown field {token.text!r}", token.column)


def _compare(field: str, operator: _Token, value: str, column: int) -> Filter:
    if operator.text in ("=", "!="):
        # Only `*` is a wildcard; every other character matches itself.
        glob = ".*".join(re.escape(part) for part in value.casefold().split("*"))
        pattern = re.compile(glob, re.DOTALL)

        def matches(subject: FilterSubject) -> bool:
            found = subject.value(field)
            return found is not None and pattern.fullmatch(found.casefold()) is not None

        if operator.text == "=":
            return matches
        return lambda subject: not matches(subject)
    if field != "version":
        raise _refuse(f"{operator.text} only compares versions, not {field}", operator.column)
    wanted = _version_key(value)
    if wanted is None:
        raise _refuse(f"{value!r} is not a dotted version such as 1.9.0", column)
    compare: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    test = compare[operator.text]

    def by_version(subject: FilterSubject) -> bool:
        have = _version_key(subject.version)
        return have is not None and test(have, wanted)

    return by_version


def parse_filter(text: str) -> Filter:
    """A predicate for `text`, or SandboxInvalidArgument naming what is not emulated."""
    if len(text) > MAX_FILTER_LENGTH:
        raise _refuse(f"longer than {MAX_FILTER_LENGTH} characters")
    for token in _tokens(text):
        if token.kind == "other":
            raise _refuse(f"{token.text!r} is not part of the emulated language", token.column)
    return _Parser(text).parse()
