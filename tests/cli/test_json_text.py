"""The fast indented JSON writer against the standard library's text, character for character."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from logscale_fleet.cli.json_text import indented


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from([Color.RED, Level.HIGH, -0.0, 10**30])
)
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.dictionaries(keys, inner, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_any_document_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert indented(value) == standard(value)


def test_the_cases_that_differ_between_encoders() -> None:
    cases: tuple[Any, ...] = (
        {},
        [],
        [{}],
        {"a": []},
        {"nested": {"b": [1, 2.5, None, True, "x\ny\u2028\ud800"]}},
        {1: "int key", None: "none key"},
        [math.nan, math.inf, -math.inf],
        {"enum": Color.RED, "level": Level.HIGH},
        ("tuple", ["inside"]),
    )
    for value in cases:
        assert indented(value) == standard(value), value


def test_a_margin_indents_every_line_after_the_first() -> None:
    text = indented({"a": [1, {"b": 2}]}, "    ")
    assert text == standard({"a": [1, {"b": 2}]}).replace("\n", "\n    ")
    assert indented({1: [2]}, "  ") == standard({1: [2]}).replace("\n", "\n  ")


def test_what_json_cannot_write_fails_as_json_fails() -> None:
    import pytest

    with pytest.raises(TypeError):
        indented({"a": object()})
    with pytest.raises(TypeError):
        indented({(1, 2): "tuple key"})
