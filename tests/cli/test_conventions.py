"""CLI conventions: options after the command, suggestions, yaml, quiet, width-fitting tables."""

from __future__ import annotations

import io
import json

import pytest
import yaml  # type: ignore[import-untyped]

from logscale_fleet.cli.output import ELLIPSIS, Output, render_table
from logscale_fleet.cli.terminal import Progress
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run, create


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_global_options_work_after_the_command(cli: Run, logscale_sandbox: ThreadedSandbox) -> None:
    connect = ("--url", logscale_sandbox.url, "--token", logscale_sandbox.token)
    before = cli(*connect, "--output", "json", "tokens", "list")
    after = cli("tokens", "list", "-o", "json", *connect)
    assert after.code == 0, after.err
    assert json.loads(after.out) == json.loads(before.out)
    assert "sandbox" not in after.err  # the served one, through the options given after


def test_an_option_after_the_command_wins(cli: Run) -> None:
    assert cli("-o", "table", "--sandbox", "tokens", "list", "-o", "json").out.startswith("[")
    assert cli("--sandbox", "-o", "json", "configs", "list").out.startswith("[")


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["tokns", "list"], "did you mean 'tokens'?"),
        (["tokens", "lst"], "did you mean 'list'?"),
        (["profiles", "remov", "x"], "did you mean 'remove'?"),
        (["-o", "yml", "status"], "did you mean 'yaml'?"),
    ],
)
def test_a_mistyped_word_suggests_the_nearest(cli: Run, argv: list[str], suggestion: str) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert suggestion in result.err


def test_nothing_near_lists_the_choices(cli: Run) -> None:
    result = cli("zzzzzz")
    assert result.code == 2
    assert "choose from tokens, configs" in result.err


@pytest.mark.parametrize(("argv", "heading"), [([], "COMMAND"), (["tokens"], "SUBCOMMAND")])
def test_no_command_prints_the_help(cli: Run, argv: list[str], heading: str) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert result.out.startswith("usage: logscale-fleet")
    assert heading in result.out


def test_yaml_is_the_same_document_as_json(cli: Run) -> None:
    create(cli, "web-servers", "--config-id", "123456", "--sandbox")
    as_json = json.loads(cli("--sandbox", "-o", "json", "tokens", "list").out)
    as_yaml = yaml.safe_load(cli("--sandbox", "tokens", "list", "-o", "yaml").out)
    assert as_yaml == as_json
    assert any(t["name"] == "web-servers" for t in as_yaml)


def test_quiet_prints_identifiers_for_xargs(cli: Run) -> None:
    for name in ("b-token", "a-token"):
        create(cli, name, "--sandbox")
    assert cli("--sandbox", "tokens", "list", "-q").out == "a-token\nb-token\ndefault\n"
    ids = cli("--sandbox", "configs", "list", "--quiet").out.split()
    documents = json.loads(cli("--sandbox", "-o", "json", "configs", "list").out)
    assert ids == [d["id"] for d in documents]


def test_tables_fit_the_width_with_an_ellipsis() -> None:
    rows = [("web-servers-" + "x" * 40, "tnSU…", "linux-syslog-" + "y" * 30)]
    lines = render_table(("NAME", "TOKEN", "CONFIGURATION"), rows, width=60)
    assert max(len(line) for line in lines) <= 60
    assert lines[1].count(ELLIPSIS) == 3  # two cut columns and the masked token's own
    assert lines[1].split()[1] == "tnSU…"  # a narrow column is left whole
    full = render_table(("NAME", "TOKEN", "CONFIGURATION"), rows)
    assert rows[0][0] in full[1]


def test_columns_never_shrink_below_their_floor() -> None:
    lines = render_table(("NAME", "CONFIGURATION"), [("a" * 30, "b" * 30)], width=10)
    assert lines[0].split() == ["NAME", "CONFIGURATION"]
    assert lines[1].split() == ["aaaaa" + ELLIPSIS, "b" * 12 + ELLIPSIS]


def test_output_fits_a_terminal_unless_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    rows = [("n" * 50, "c" * 50)]
    narrow = Terminal()
    Output(stream=narrow).table(("NAME", "CONFIG"), rows)
    assert max(map(len, narrow.getvalue().splitlines())) <= 30
    wide = Terminal()
    Output(stream=wide, wide=True).table(("NAME", "CONFIG"), rows)
    assert "n" * 50 in wide.getvalue()
    piped = io.StringIO()  # a pipe is never cut: scripts read whole values
    Output(stream=piped).table(("NAME", "CONFIG"), rows)
    assert "n" * 50 in piped.getvalue()


def test_the_progress_line_stays_within_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    stream = Terminal()
    with Progress(2, stream=stream) as progress:
        progress.step("creating " + "w" * 60)
        progress.step("short")
    drawn = [part for part in stream.getvalue().split("\r") if part.strip()]
    assert drawn
    assert all(len(part) < 20 for part in drawn)
    assert drawn[0].rstrip().endswith(ELLIPSIS)


def test_a_mistyped_option_suggests_the_nearest(cli: Run) -> None:
    result = cli("--sandbox", "tokens", "list", "--shwo-secrets")
    assert result.code == 2
    assert "did you mean '--show-secrets'?" in result.err
    assert "did you mean" not in cli("--sandbox", "tokens", "list", "--zzzzzzzz").err


def test_an_option_of_the_command_itself_after_a_command_says_where_it_goes(cli: Run) -> None:
    result = cli("tokens", "list", "--version")
    assert result.code == 2
    assert "(--version goes before the command: logscale-fleet --version)" in result.err
    assert "did you mean" not in result.err  # not "did you mean '--version'?" for --version
    assert "did you mean '--version'?" in cli("tokens", "list", "--vers").err


@pytest.mark.parametrize(
    ("argv", "prog", "named"),
    [
        (["-o", "json"], "logscale-fleet", "COMMAND is required (one of tokens, configs"),
        (
            ["tokens", "-o", "json"],
            "logscale-fleet tokens",
            "SUBCOMMAND is required (one of create",
        ),
        (["configs", "test", "--output", "json"], "logscale-fleet configs test", "(one of start"),
    ],
)
def test_no_command_with_json_output_is_one_json_error(
    cli: Run, argv: list[str], prog: str, named: str
) -> None:
    result = cli(*argv)
    assert result.code == 2
    error = json.loads(result.out)["error"]
    assert named in error["message"]
    assert (error["type"], error["exitCode"]) == ("UsageError", 2)
    # The help still reaches a person, on stderr.
    assert f"usage: {prog}" in result.err
