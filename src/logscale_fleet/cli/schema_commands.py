"""`logscale-fleet schema ...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from logscale_fleet.errors import InvalidInputError
from logscale_fleet.schema.pull import pull_from_sdl, slice_root_fields


def run_schema(args: argparse.Namespace) -> int:
    if args.schema_command == "pull":
        return _pull(args)
    raise InvalidInputError("command", f"unknown schema command {args.schema_command}")


def _pull(args: argparse.Namespace) -> int:
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
