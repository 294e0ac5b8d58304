"""The emulated subset of LogScale's group filter language: what it selects, what it refuses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logscale_fleet.sandbox.errors import SandboxInvalidArgument
from logscale_fleet.sandbox.services.groups.filter import FilterSubject, parse_filter

FLEET = {
    "web-1": FilterSubject("web-1", "Linux", "1.9.1", "10.0.0.1", "m1", {"env": "prod"}),
    "web-2": FilterSubject("web-2", "Linux", "1.8.1", "10.0.0.2", "m2", {"env": "staging"}),
    "WEB-3": FilterSubject("WEB-3", "Windows", "1.10.0", "10.0.1.3", "m3", {"env": "prod"}),
    "db-1": FilterSubject("db-1", "macOS", "1.9.0", "10.0.1.4", "m4", {}),
}


def selected(text: str) -> list[str]:
    predicate = parse_filter(text)
    return sorted(name for name, subject in FLEET.items() if predicate(subject))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hostname = web-1", ["web-1"]),
        ('hostname = "web-*"', ["WEB-3", "web-1", "web-2"]),
        ("hostname = *-1", ["db-1", "web-1"]),
        ("os = linux", ["web-1", "web-2"]),
        ("system = MACOS", ["db-1"]),
        ("os != linux", ["WEB-3", "db-1"]),
        ("labels.env = prod", ["WEB-3", "web-1"]),
        ("labels.env != prod", ["db-1", "web-2"]),  # no label is "not prod"
        ("version >= 1.9.0", ["WEB-3", "db-1", "web-1"]),  # 1.10.0 > 1.9.0 numerically
        ("version < 1.9", ["web-2"]),
        ("ip = 10.0.1.*", ["WEB-3", "db-1"]),
        ("machineId = m2", ["web-2"]),
        ("os = linux AND labels.env = prod", ["web-1"]),
        ("os = linux labels.env = prod", ["web-1"]),  # juxtaposition is AND
        ("os = macos OR labels.env = staging", ["db-1", "web-2"]),
        ("NOT os = linux", ["WEB-3", "db-1"]),
        ("not (os = linux or os = windows)", ["db-1"]),
        ("os = linux and (version = 1.8.1 or labels.env = prod)", ["web-1", "web-2"]),
        ('hostname = "web\\"1"', []),
    ],
)
def test_the_filter_selects_exactly(text: str, expected: list[str]) -> None:
    assert selected(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the filter is empty"),
        ("webservers", "free text"),
        ("cpu = 5", "unknown field 'cpu'"),
        ("hostname > web", "only compares versions"),
        ("version > latest", "not a dotted version"),
        ("hostname = /web.*/", "is not part of the emulated language"),
        ("hostname = web | count()", "is not part of the emulated language"),
        ("(os = linux", "never closed"),
        ("os = linux)", "unexpected ')'"),
        ("os =", "expected a value"),
        ("os = linux AND", "ends where a condition was expected"),
        ("(" * 40 + "os = linux" + ")" * 40, "nested deeper"),
    ],
)
def test_anything_else_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(SandboxInvalidArgument, match="group filter") as caught:
        parse_filter(text)
    assert problem in str(caught.value)


def test_negations_cancel_and_many_do_not_exhaust_the_stack() -> None:
    assert selected("NOT NOT os = macos") == ["db-1"]
    assert selected("NOT " * 2001 + "os = macos") == ["WEB-3", "web-1", "web-2"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('() =!<>"*\\.:-abcdNOTANDOR hostname os labels.e 1.9')),
        max_size=80,
    )
)
def test_any_text_parses_or_is_refused_with_a_sandbox_error(text: str) -> None:
    # Whatever a client sends as a filter, the answer is a predicate or a clear refusal:
    # never another exception (which the sandbox would answer as an internal error).
    try:
        predicate = parse_filter(text)
    except SandboxInvalidArgument as exc:
        assert str(exc).startswith("group filter: ")
        return
    for subject in FLEET.values():
        assert predicate(subject) in (True, False)
