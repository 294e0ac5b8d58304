"""`logscale-fleet schema ...`: make and check the schema slice."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from logscale_fleet.errors import InvalidInputError


def register(commands: Any) -> None:
    schema = commands.add_parser("schema", help="make and check the schema slice")
    schema_commands = schema.add_subparsers(dest="schema_command", metavar="SUBCOMMAND")
    schema_commands.required = True
    pull = schema_commands.add_parser(
        "pull",
        help="prune a full LogScale schema to the fleet slice",
        description="Read a full LogScale SDL file and print (or write) the fleet slice: every "
        "type reachable from the root fields that queries/ uses plus those configured in "
        "pyproject.toml [tool.logscale-fleet] schema-root-fields.",
    )
    pull.add_argument("--from", dest="source", required=True, metavar="FILE", help="full SDL file")
    pull.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    pull.add_argument("--full", action="store_true", help="keep the whole schema, unpruned")
    pull.add_argument(
        "--project", default=".", metavar="DIR", help="folder with queries/ and pyproject.toml"
    )
    pull.set_defaults(handler=run_pull)


def run_pull(args: argparse.Namespace) -> int:
    from logscale_fleet.schema.pull import pull_from_sdl, slice_root_fields

    source = Path(args.source)
    try:
        sdl = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError("--from", f"cannot read {source}: {exc.strerror}") from None
    if args.full:
        output = sdl
    else:
        root_fields = slice_root_fields(Path(args.project))
        output = pull_from_sdl(sdl, source_name=source.name, root_fields=root_fields).sdl
    if args.out:
        Path(args.out).write_text(output, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(output)
    return 0
