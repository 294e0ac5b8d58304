"""`logscale-fleet completion bash|zsh|fish`: shell completion generated from the argparse tree.

The tree (commands, options, which options take values, their choices, which arguments are
files) is read from the same parser the command uses, so completion cannot drift from the CLI.
bash and zsh share small lookup functions keyed by the command path (" tokens create"); each
shell's driver walks the words typed so far to find that path, skipping option values.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

SHELLS = ("bash", "zsh", "fish")
PROG = "logscale-fleet"
FUNC = "_logscale_fleet"
FILE_METAVARS = frozenset({"FILE", "PATH", "DIR"})

BASH_INSTALL = (
    "mkdir -p ~/.local/share/bash-completion/completions && logscale-fleet completion bash "
    "> ~/.local/share/bash-completion/completions/logscale-fleet"
)
FISH_INSTALL = (
    "mkdir -p ~/.config/fish/completions && logscale-fleet completion fish "
    "> ~/.config/fish/completions/logscale-fleet.fish"
)
ZSH_INSTALL = "mkdir -p ~/.zfunc && logscale-fleet completion zsh > ~/.zfunc/_logscale-fleet"

# The install lines create their folder: on a fresh home none of them exists yet.
DESCRIPTION = f"""\
Print a completion script for SHELL on stdout. To enable it:

  bash:  {BASH_INSTALL}
         or: eval "$(logscale-fleet completion bash)"   (e.g. in ~/.bashrc)
  zsh:   {ZSH_INSTALL}
         then in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
         or: eval "$(logscale-fleet completion zsh)"    (after compinit, in ~/.zshrc)
  fish:  {FISH_INSTALL}
"""


def register(commands: Any, root: argparse.ArgumentParser) -> None:
    """Add `completion`; `root` is the whole parser, whose tree the script completes."""
    from logscale_fleet.cli.options import leaf_options

    parser = commands.add_parser(
        "completion",
        parents=[leaf_options()],
        help="print a shell completion script",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish")
    parser.set_defaults(handler=functools.partial(run_completion, root))


def run_completion(root: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    script = generate(args.shell, root)
    if getattr(args, "output", "table") == "json":
        print(json.dumps({"shell": args.shell, "script": script}, indent=2))
    else:
        print(script, end="")
    return 0


# -- the tree -----------------------------------------------------------------------------------


@dataclass
class Option:
    flags: list[str]
    help: str
    takes_value: bool
    choices: list[str]
    files: bool


@dataclass
class Node:
    path: tuple[str, ...]
    options: list[Option] = field(default_factory=list)
    commands: dict[str, tuple[str, Node]] = field(default_factory=dict)  # name -> (help, node)
    positional_choices: list[str] = field(default_factory=list)
    positional_files: bool = False

    @property
    def key(self) -> str:
        """The path as the shell drivers build it: each word preceded by a space."""
        return "".join(f" {word}" for word in self.path)

    def walk(self) -> list[Node]:
        return [self, *(n for _, child in self.commands.values() for n in child.walk())]


def tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Node:
    node = Node(path)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, child in action.choices.items():
                if name in helps:  # aliases have no entry of their own
                    node.commands[name] = (_short(helps[name]), tree(child, (*path, name)))
        elif action.option_strings:
            node.options.append(
                Option(
                    flags=list(action.option_strings),
                    help=_short(action.help or ""),
                    takes_value=action.nargs != 0,
                    choices=[str(c) for c in action.choices or ()],
                    files=str(action.metavar) in FILE_METAVARS,
                )
            )
        else:
            node.positional_choices.extend(str(c) for c in action.choices or ())
            node.positional_files |= str(action.metavar) in FILE_METAVARS
    return node


def _short(text: str) -> str:
    if text == argparse.SUPPRESS:
        return ""
    text = " ".join(text.replace("%%", "%").split())
    return text if len(text) <= 80 else text[:77] + "..."


# -- scripts ------------------------------------------------------------------------------------


def generate(shell: str, parser: argparse.ArgumentParser) -> str:
    root = tree(parser)
    nodes = root.walk()
    for node in nodes:
        for word in (*node.path, *(f for o in node.options for f in o.flags)):
            # Names go into shell case patterns unquoted-safe only if they are plain words.
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*|--?[A-Za-z0-9][A-Za-z0-9_-]*", word):
                raise ValueError(f"cannot complete the unusual name {word!r}")
    if shell == "bash":
        return _bash(nodes)
    if shell == "zsh":
        return _zsh(nodes)
    if shell == "fish":
        return _fish(nodes)
    raise ValueError(f"unknown shell {shell!r}")


def _case(name: str, entries: list[tuple[str, str]], default: str) -> list[str]:
    """A shell function `name` that runs the body of the first pattern matching "$1|$2"."""
    lines = [f"{name}() {{", '    case "$1|$2" in']
    for pattern, body in entries:
        lines.append(f'        "{pattern}") {body} ;;')
    lines += [f"        *) {default} ;;", "    esac", "}"]
    return lines


def _lookups(nodes: list[Node]) -> list[str]:
    """The helpers bash and zsh share: all plain POSIX-style shell functions."""
    commands = [(f"{n.key}|{name}", "return 0") for n in nodes for name in n.commands]
    valued = [
        (f"{n.key}|{f}", "return 0")
        for n in nodes
        for o in n.options
        if o.takes_value
        for f in o.flags
    ]
    choices = [
        (f"{n.key}|{f}", f"echo {shlex.quote(' '.join(o.choices))}")
        for n in nodes
        for o in n.options
        if o.choices
        for f in o.flags
    ]
    files = [
        (f"{n.key}|{f}", "return 0") for n in nodes for o in n.options if o.files for f in o.flags
    ]
    words = [
        (f"{n.key}|", f"echo {shlex.quote(' '.join([*n.commands, *n.positional_choices]))}")
        for n in nodes
        if n.commands or n.positional_choices
    ]
    options = [
        (f"{n.key}|", f"echo {shlex.quote(' '.join(f for o in n.options for f in o.flags))}")
        for n in nodes
    ]
    positional_files = [(f"{n.key}|", "return 0") for n in nodes if n.positional_files]
    lines: list[str] = []
    lines += _case(f"{FUNC}_is_command", commands, "return 1")
    lines += _case(f"{FUNC}_takes_value", valued, "return 1")
    lines += _case(f"{FUNC}_choices", choices, ":")
    lines += _case(f"{FUNC}_is_file", files, "return 1")
    lines += _case(f"{FUNC}_words", words, ":")
    lines += _case(f"{FUNC}_options", options, ":")
    lines += _case(f"{FUNC}_positional_files", positional_files, "return 1")
    return lines


# The walk over the words before the cursor, identical in bash and zsh apart from the array.
_WALK = """\
    for (( i = {first}; i < {current}; i++ )); do
        word="${{{array}[i]}}"
        if (( skip )); then skip=0; continue; fi
        case "$word" in
            -*=*) ;;
            -*) {func}_takes_value "$cmd" "$word" && skip=1 ;;
            *) {func}_is_command "$cmd" "$word" && cmd="$cmd $word" ;;
        esac
    done
"""

_BASH_MAIN = """\
{func}() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" cmd="" word="" i skip=0
    (( COMP_CWORD > 1 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    COMPREPLY=()
{walk}\
    if [[ -n "$prev" ]] && {func}_takes_value "$cmd" "$prev"; then
        local choices
        choices="$({func}_choices "$cmd" "$prev")"
        if [[ -n "$choices" ]]; then
            COMPREPLY=( $(compgen -W "$choices" -- "$cur") )
        elif {func}_is_file "$cmd" "$prev"; then
            COMPREPLY=( $(compgen -f -- "$cur") )
        fi
        return 0
    fi
    if [[ "$cur" == -* ]]; then
        COMPREPLY=( $(compgen -W "$({func}_options "$cmd")" -- "$cur") )
    else
        COMPREPLY=( $(compgen -W "$({func}_words "$cmd")" -- "$cur") )
        if {func}_positional_files "$cmd"; then
            COMPREPLY+=( $(compgen -f -- "$cur") )
        fi
    fi
    return 0
}}
complete -o bashdefault -F {func} {prog}
"""


def _bash(nodes: list[Node]) -> str:
    walk = _WALK.format(first=1, current="COMP_CWORD", array="COMP_WORDS", func=FUNC)
    return "\n".join(
        [
            f"# bash completion for {PROG} (generated by `{PROG} completion bash`)",
            *_lookups(nodes),
            _BASH_MAIN.format(func=FUNC, prog=PROG, walk=walk),
        ]
    )


_ZSH_MAIN = """\
{func}() {{
    local cur="${{words[CURRENT]}}" prev="" cmd="" word="" i skip=0
    (( CURRENT > 2 )) && prev="${{words[CURRENT-1]}}"
{walk}\
    if [[ -n "$prev" ]] && {func}_takes_value "$cmd" "$prev"; then
        local choices="$({func}_choices "$cmd" "$prev")"
        if [[ -n "$choices" ]]; then
            compadd -- ${{=choices}}
        elif {func}_is_file "$cmd" "$prev"; then
            _files
        fi
        return
    fi
    local -a entries
    if [[ "$cur" == -* ]]; then
        entries=( ${{(f)"$({func}_option_entries "$cmd")"}} )
        (( ${{#entries}} )) && _describe -t options option entries
    else
        entries=( ${{(f)"$({func}_word_entries "$cmd")"}} )
        (( ${{#entries}} )) && _describe -t commands command entries
        {func}_positional_files "$cmd" && _files
    fi
}}
if (( $+functions[compdef] )); then
    compdef {func} {prog}
fi
"""


def _zsh_entry(name: str, help_text: str) -> str:
    escaped = name.replace(":", "\\:")  # _describe splits name and description at a colon
    return shlex.quote(f"{escaped}:{help_text}" if help_text else escaped)


def _zsh(nodes: list[Node]) -> str:
    # Entries with descriptions for _describe: one "name:description" per line.
    option_entries = []
    word_entries = []
    for n in nodes:
        opts = [_zsh_entry(f, o.help) for o in n.options for f in o.flags]
        option_entries.append((f"{n.key}|", "printf '%s\\n' " + " ".join(opts) if opts else ":"))
        words = [_zsh_entry(name, help_text) for name, (help_text, _) in n.commands.items()]
        words += [_zsh_entry(choice, "") for choice in n.positional_choices]
        if words:
            word_entries.append((f"{n.key}|", "printf '%s\\n' " + " ".join(words)))
    walk = _WALK.format(first=2, current="CURRENT", array="words", func=FUNC)
    return "\n".join(
        [
            f"#compdef {PROG}",
            f"# zsh completion for {PROG} (generated by `{PROG} completion zsh`)",
            *_lookups(nodes),
            *_case(f"{FUNC}_option_entries", option_entries, ":"),
            *_case(f"{FUNC}_word_entries", word_entries, ":"),
            _ZSH_MAIN.format(func=FUNC, prog=PROG, walk=walk),
        ]
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(nodes: list[Node]) -> str:
    fn = "__logscale_fleet"
    commands = " ".join(_fish_quote(f"{n.key}|{name}") for n in nodes for name in n.commands)
    valued = " ".join(
        _fish_quote(f"{n.key}|{f}")
        for n in nodes
        for o in n.options
        if o.takes_value
        for f in o.flags
    )
    lines = [
        f"# fish completion for {PROG} (generated by `{PROG} completion fish`)",
        f"function {fn}_is_command",
        f'    contains -- "$argv[1]|$argv[2]" {commands}',
        "end",
        f"function {fn}_takes_value",
        f'    contains -- "$argv[1]|$argv[2]" {valued}' if valued else "    return 1",
        "end",
        "# The command path typed so far, e.g. ' tokens create' (option values skipped).",
        f"function {fn}_path",
        "    set -l typed (commandline -opc)",
        '    set -l cmd ""',
        "    set -l skip 0",
        "    for word in $typed[2..-1]",
        "        if test $skip = 1",
        "            set skip 0",
        "            continue",
        "        end",
        "        switch $word",
        "            case '-*=*'",
        "            case '-*'",
        f'                {fn}_takes_value "$cmd" $word; and set skip 1',
        "            case '*'",
        f'                {fn}_is_command "$cmd" $word; and set cmd "$cmd $word"',
        "        end",
        "    end",
        '    echo "$cmd"',
        "end",
        f"function {fn}_at",
        f"    set -l cmd ({fn}_path)",
        '    test "$cmd" = "$argv[1]"',
        "end",
        f"complete -c {PROG} -f",
    ]
    for n in nodes:
        at = f"-n {_fish_quote(f'{fn}_at {_fish_quote(n.key)}')}"
        for name, (help_text, _) in n.commands.items():
            lines.append(f"complete -c {PROG} {at} -a {name} -d {_fish_quote(help_text)}")
        for choice in n.positional_choices:
            lines.append(f"complete -c {PROG} {at} -a {_fish_quote(choice)}")
        if n.positional_files:
            lines.append(f"complete -c {PROG} {at} -F")
        for option in n.options:
            parts = []
            for flag in option.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
            if option.choices:
                parts.append(f"-x -a {_fish_quote(' '.join(option.choices))}")
            elif option.files:
                parts.append("-r -F")
            elif option.takes_value:
                parts.append("-x")
            if option.help:
                parts.append(f"-d {_fish_quote(option.help)}")
            lines.append(f"complete -c {PROG} {at} {' '.join(parts)}")
    return "\n".join(lines) + "\n"
