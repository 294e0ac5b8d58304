"""Local YAML checks of collector configurations (before anything is sent)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logscale_fleet._core.yaml_check import (
    MAX_YAML_CHARACTERS,
    YamlProblem,
    check_yaml,
    find_yaml_problem,
)
from logscale_fleet.errors import InvalidInputError

GOOD = """\
sources:
  var_log:
    type: file
    include: /var/log/*.log
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
"""


def test_a_collector_configuration_passes() -> None:
    assert find_yaml_problem(GOOD) is None
    assert check_yaml(GOOD) == GOOD


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("sources:\n  a: [1,\n", 3, 1, "expected the node content"),
        ("sources: 1\nsinks: 2\nsources: 3\n", 3, 1, "'sources' appears twice"),
        ("sources:\n  s:\n    type: file\n    type: journald\n", 4, 5, "'type' appears twice"),
        ("x: 1\n  y: 2\n", 2, 4, "mapping values are not allowed"),
        ("- sources\n- sinks\n", 1, 1, "not a list"),
        ("just text\n", 1, 1, "not a string"),
        ("42\n", 1, 1, "not a number"),
        ("a: 1\nb: '\x07'\n", 2, 5, "U+0007 is not allowed"),
        ("a: 1\n\tb: 2\n", 2, 1, "found character '\\t'"),
    ],
)
def test_a_problem_names_line_and_column(text: str, line: int, column: int, words: str) -> None:
    problem = find_yaml_problem(text)
    assert problem is not None
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.message
    assert str(problem).startswith(f"line {line}, column {column}: ")


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "---\n"])
def test_an_empty_configuration_is_refused(text: str) -> None:
    assert find_yaml_problem(text) == YamlProblem(
        0, 0, "is empty; a collector configuration is a YAML mapping"
    )


def test_size_is_counted_in_characters_up_to_the_limit() -> None:
    at_limit = "a: " + "é" * (MAX_YAML_CHARACTERS - 3)
    assert len(at_limit) == MAX_YAML_CHARACTERS
    assert find_yaml_problem(at_limit) is None
    problem = find_yaml_problem(at_limit + "x")
    assert problem is not None
    assert f"{MAX_YAML_CHARACTERS + 1:,} characters" in problem.message
    assert "more than the" in problem.message


def test_a_smaller_limit_applies() -> None:
    assert find_yaml_problem("a: 1\n", limit=5) is None
    assert find_yaml_problem("a: 12\n", limit=5) is not None


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    problem = find_yaml_problem("a: " + "[" * 100_000 + "]" * 100_000)
    assert problem is not None


def test_check_yaml_raises_invalid_input_naming_the_argument() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_yaml("a: 1\na: 2\n", "configs/web.yaml")
    assert caught.value.argument == "configs/web.yaml"
    assert str(caught.value).startswith("invalid configs/web.yaml: line 2, column 1: ")
    with pytest.raises(InvalidInputError, match="must be a string of YAML"):
        check_yaml(b"a: 1")


@given(st.dictionaries(st.text(min_size=1), st.integers() | st.text(), min_size=1))
def test_any_dumped_mapping_passes(document: dict[str, object]) -> None:
    import yaml  # type: ignore[import-untyped]

    assert find_yaml_problem(yaml.safe_dump(document)) is None


@given(st.text(max_size=200))
def test_any_text_gives_an_answer_never_an_exception(text: str) -> None:
    problem = find_yaml_problem(text)
    if problem is not None:
        assert problem.line >= 0
        assert problem.column >= 0
