"""The sandbox's schema file: read and parsed once, a broken one named in the error."""

from __future__ import annotations

from pathlib import Path

import ariadne.load_schema
import pytest
from ariadne.exceptions import GraphQLFileSyntaxError
from graphql import parse

from logscale_fleet.sandbox.app import build_schema, schema_path


def test_the_schema_text_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # ariadne's load_schema_from_path parses the SDL only to check it; make_executable_schema
    # parses it again. Each parse is tens of milliseconds of every sandbox start.
    checked: list[str] = []

    def counting_parse(source: str, *args: object, **kwargs: object) -> object:
        checked.append(source)
        return parse(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ariadne.load_schema, "parse", counting_parse)

    schema = build_schema.__wrapped__(schema_path())

    assert "Query" in schema.type_map
    assert checked == []


def test_a_broken_schema_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "schema.graphql"
    broken.write_text("type Query {\n  tokens: [String!\n}\n", encoding="utf-8")

    with pytest.raises(GraphQLFileSyntaxError) as caught:
        build_schema.__wrapped__(broken)

    assert str(broken) in str(caught.value)
    assert "Syntax Error" in str(caught.value)
