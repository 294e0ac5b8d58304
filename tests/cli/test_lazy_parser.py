"""`main` parses with only the named command's parsers, and answers as the whole parser would."""

from __future__ import annotations

import argparse
import contextlib
import functools
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from logscale_fleet.cli import completion
from logscale_fleet.cli.main import COMMAND_MODULES, Parser, build_parser, main, parse

MODULES = list(dict.fromkeys(COMMAND_MODULES.values()))


def top_level_commands(parser: argparse.ArgumentParser) -> list[str]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def test_the_table_names_exactly_what_each_module_registers() -> None:
    for module in MODULES:
        parser = Parser(prog="logscale-fleet")
        module.register(parser.add_subparsers(dest="command"))
        named = [word for word, owner in COMMAND_MODULES.items() if owner is module]
        assert top_level_commands(parser) == named, module.__name__


def test_the_whole_parser_has_every_command_of_the_table_and_completion() -> None:
    assert top_level_commands(build_parser()) == [*COMMAND_MODULES, "completion"]


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules whose parsers get built, in order, for each build."""
    built: list[str] = []

    def spy(module: ModuleType, register: Callable[..., None]) -> Callable[..., None]:
        def counting(*args: Any) -> None:
            built.append(module.__name__.rsplit(".", 1)[1])
            register(*args)

        return counting

    for module in [*MODULES, completion]:
        monkeypatch.setattr(module, "register", spy(module, module.register))
    return built


@pytest.mark.parametrize(
    ("argv", "module"),
    [
        (["tokens", "list"], "token_commands"),
        (["-o", "json", "installers", "list"], "collector_commands"),
        (["apply", "fleet.yaml", "--prune"], "fleet_commands"),
        (["--profile", "prod", "status"], "status_command"),
    ],
)
def test_a_command_builds_only_its_own_modules_parsers(
    registered: list[str], argv: list[str], module: str
) -> None:
    parse(argv, json_output=False)

    assert registered == [module]


def handler_name(value: Any) -> Any:
    func = value.func if isinstance(value, functools.partial) else value
    return getattr(func, "__qualname__", value)


def readable(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed values, the handler by name (each parser build makes its own partials)."""
    return {k: handler_name(v) if k == "handler" else v for k, v in vars(args).items()}


@pytest.mark.parametrize(
    "argv",
    [
        ["tokens", "list"],
        ["-o", "json", "tokens", "show", "abc", "--show-secrets"],
        ["tokens", "apply", "tokens.yaml"],
        # The first command word is an option's value: the other command is the one run.
        ["--profile", "tokens", "configs", "list"],
        ["--profile", "configs", "tokens", "list"],
        ["--prof", "apply", "plan", "fleet.yaml"],  # an abbreviated option, as argparse allows
        ["--url", "http://x", "plan", "apply"],  # a file named `apply`
        ["tokens"],  # a group without its subcommand: its help
    ],
)
def test_the_command_line_parses_as_with_the_whole_parser(argv: list[str]) -> None:
    args = parse(argv, json_output=False)

    assert readable(args) == readable(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["--help", "tokens"],  # top-level help, which lists every command
        ["-h", "plan"],
        ["--profile", "tokens"],  # no command at all: the top-level help
        ["completion", "bash"],  # completes the whole tree
    ],
)
def test_what_needs_every_command_gets_the_whole_parser(
    registered: list[str], argv: list[str]
) -> None:
    helps = "-h" in argv or "--help" in argv
    with pytest.raises(SystemExit) if helps else contextlib.nullcontext():
        parse(argv, json_output=False)

    assert registered[-len(MODULES) - 1 :] == [m.__name__.rsplit(".", 1)[1] for m in MODULES] + [
        "completion"
    ]


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help", "tokens"]) == 0

    out = capsys.readouterr().out
    for word in [*COMMAND_MODULES, "completion"]:
        assert f"\n    {word} " in out


def test_a_usage_error_suggests_options_of_other_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--prune` belongs to `apply`; the suggestion comes from the whole parser."""
    assert main(["tokens", "list", "--prun"]) == 2

    err = capsys.readouterr().err
    assert "unrecognized arguments: --prun (did you mean '--prune'?)" in err


def test_a_mistyped_command_next_to_a_real_one_is_refused_as_before(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `tokens` looks like the command, but argparse reads `tokenz` as the command word.
    assert main(["tokenz", "tokens"]) == 2

    err = capsys.readouterr().err
    assert "invalid choice: 'tokenz' (did you mean 'tokens'?)" in err
