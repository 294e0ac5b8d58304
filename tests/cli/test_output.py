"""Rendering and terminal helpers, without a server."""

from __future__ import annotations

import io

from logscale_fleet.cli.options import json_requested
from logscale_fleet.cli.output import (
    ELLIPSIS,
    Output,
    mask,
    masked_token_document,
    render_fields,
    render_table,
    shown_input,
)
from logscale_fleet.cli.terminal import Progress, confirm


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


TOKEN = "tok_0123456789abcdef"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbiI6InRva18wMTIzNDU2Nzg5YWJjZGVmIn0.c2ln"


def test_mask_keeps_four_characters_of_long_values_only() -> None:
    assert mask(TOKEN) == "tok_" + ELLIPSIS
    assert mask("short-value") == ELLIPSIS
    assert mask("") == ELLIPSIS


def test_masked_document_hides_secrets_inside_install_commands() -> None:
    document = {
        "name": "web",
        "token": TOKEN,
        "jwtToken": JWT,
        "assignedConfiguration": None,
        "installationCommands": {
            "linuxCommand": f"install --token {TOKEN}",
            "windowsCommand": f"install.ps1 -Jwt {JWT}",
            "macosCommand": "install",
        },
    }
    masked = masked_token_document(document)
    assert masked["token"] == "tok_" + ELLIPSIS
    assert masked["jwtToken"] == "eyJh" + ELLIPSIS
    assert masked["installationCommands"] == {
        "linuxCommand": f"install --token tok_{ELLIPSIS}",
        "windowsCommand": f"install.ps1 -Jwt eyJh{ELLIPSIS}",
        "macosCommand": "install",
    }
    assert document["token"] == TOKEN  # the input is not modified


def test_table_columns_are_aligned() -> None:
    lines = render_table(("NAME", "TOKEN"), [("a", "x"), ("longer-name", "yy\nz")])
    assert lines == ["NAME         TOKEN", "a            x", "longer-name  yy z"]


def test_fields_are_aligned() -> None:
    assert render_fields([("a", "1"), ("long label", "2")]) == ["a:           1", "long label:  2"]


def test_progress_draws_on_a_terminal_and_erases_itself() -> None:
    stream = FakeTerminal()
    with Progress(2, stream) as progress:
        progress.step("creating web")
        progress.step("deleting db")
    text = stream.getvalue()
    # Each redraw pads over the longer text before it.
    assert text.startswith("\r[1/2] creating web\r[2/2] deleting db \r")
    assert text.endswith("\r" + " " * len("[2/2] deleting db") + "\r")


def test_progress_is_silent_when_piped() -> None:
    stream = io.StringIO()
    with Progress(5, stream) as progress:
        for i in range(5):
            progress.step(f"item {i}")
    assert stream.getvalue() == ""


def test_confirm_accepts_only_yes() -> None:
    for answer, expected in (("y\n", True), ("YES\n", True), ("n\n", False), ("\n", False)):
        stderr = io.StringIO()
        assert confirm("Delete?", stdin=io.StringIO(answer), stderr=stderr) is expected
        assert stderr.getvalue().startswith("Delete? [y/N] ")
    assert confirm("Delete?", stdin=io.StringIO(""), stderr=io.StringIO()) is False


HOSTILE_CELLS = ["a\x1b[2Kb", "c\rd", "e\u202ef", "g\x07h"]


def test_table_cells_are_escaped_and_aligned_on_the_escaped_text() -> None:
    lines = render_table(("NAME", "ID"), [(cell, "id") for cell in HOSTILE_CELLS])
    assert lines[1:] == ["a\\x1b[2Kb  id", "c\\x0dd     id", "e\\u202ef   id", "g\\x07h     id"]


def test_field_values_are_escaped() -> None:
    lines = render_fields([("name", cell) for cell in HOSTILE_CELLS])
    assert lines == [
        "name:  a\\x1b[2Kb",
        "name:  c\\x0dd",
        "name:  e\\u202ef",
        "name:  g\\x07h",
    ]


def test_a_text_block_keeps_its_lines_and_escapes_each() -> None:
    stream = io.StringIO()
    Output("table", stream).text_block("key: 1\nbad: \x1b]0;title\x07\n")
    assert stream.getvalue() == "key: 1\nbad: \\x1b]0;title\\x07\n\n"


def test_shown_input_masks_what_could_be_a_secret() -> None:
    assert shown_input("web") == "'web'"
    assert shown_input("a\x1bb") == "'a\\x1bb'"
    assert shown_input("0123456789abcdef") == f"'0123{ELLIPSIS}'"


def test_json_is_requested_anywhere_before_the_end_of_options() -> None:
    assert json_requested(["-o", "json", "--version"])
    assert json_requested(["tokens", "list", "--output=json"])
    assert json_requested(["--version", "-ojson"])
    assert not json_requested(["-o", "table", "--version"])
    assert not json_requested(["tokens", "create", "--", "-o", "json"])
    assert not json_requested(["tokens", "create", "json"])


def test_streamed_documents_are_the_text_of_one_document() -> None:
    samples: list[list[object]] = [
        [],
        [{}],
        [{"name": "a\nb \u00e9\u2028", "nested": {"list": [1, [], {}], "none": None}}],
        [{"x": 1}, 'text with "quotes" and \\n', 2.5, [{"y": [True, False]}], None],
    ]
    for values in samples:
        for fmt in ("json", "yaml"):
            whole, streamed = io.StringIO(), io.StringIO()
            Output(fmt, whole).document(values)
            Output(fmt, streamed).documents(iter(values))
            assert streamed.getvalue() == whole.getvalue(), (fmt, values)
