"""`logscale-fleet schema ...`: make and check the schema slice."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from logscale_fleet.cli.options import leaf_options
from logscale_fleet.errors import InvalidInputError


def register(commands: Any) -> None:
    schema = commands.add_parser("schema", help="make and check the schema slice")
    schema_commands = schema.add_subparsers(dest="schema_command", metavar="SUBCOMMAND")
    schema_commands.required = True
    common = leaf_options()
    pull = schema_commands.add_parser(
        "pull",
        parents=[common],
        help="make the fleet slice from a live LogScale or a full SDL file",
        description="Introspect a live LogScale (--url/--token, or the global options and "
        "LOGSCALE_URL/LOGSCALE_TOKEN; descriptions included, so stability levels survive) or "
        "read a full SDL file (--from), and print (or write) the fleet slice: every type "
        "reachable from the root fields that queries/ uses plus those configured in "
        "pyproject.toml [tool.logscale-fleet] schema-root-fields. The header names the source "
        "and, when live, the LogScale version from GET /api/v1/status.",
    )
    pull.add_argument("--from", dest="source", metavar="FILE", help="full SDL file")
    # SUPPRESS: when not given here, the global --url/--token (or the environment) still count.
    pull.add_argument("--url", dest="url", default=argparse.SUPPRESS, help="LogScale to introspect")
    pull.add_argument(
        "--token", dest="api_token", default=argparse.SUPPRESS, help="API token for --url"
    )
    pull.add_argument(
        "--token-file",
        dest="api_token_file",
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="file holding the API token for --url",
    )
    pull.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    pull.add_argument("--full", action="store_true", help="keep the whole schema, unpruned")
    pull.add_argument(
        "--project", default=".", metavar="DIR", help="folder with queries/ and pyproject.toml"
    )
    pull.set_defaults(handler=run_pull)

    check = schema_commands.add_parser(
        "check",
        parents=[common],
        help="check the operations, generated code, compatibility and stability",
        description=CHECK_DESCRIPTION,
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "--against",
        metavar="FILE|URL",
        help="another schema to check our operations against: an SDL file (full or sliced) or "
        "a live LogScale URL (introspected with the global --token / LOGSCALE_TOKEN)",
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default=None,
        help="report format (default: json with -o json, else text)",
    )
    check.add_argument(
        "--strict", action="store_true", help="also fail on dangerous changes (deprecations ...)"
    )
    check.add_argument(
        "--skip-generated",
        action="store_true",
        help="skip check 2, which regenerates the client with ariadne-codegen to compare",
    )
    check.add_argument(
        "--project",
        default=".",
        metavar="DIR",
        help="folder with schema.graphql, queries/, generated/ and pyproject.toml",
    )
    check.set_defaults(handler=run_check)


CHECK_DESCRIPTION = """\
Checks, offline:
  1. every operation in queries/ is valid against schema.graphql (errors as file:line:col);
  2. generated/ is exactly what ariadne-codegen makes from the current inputs;
  3. with --against: what in another schema (full or sliced SDL) breaks or endangers OUR
     operations; changes they do not touch are ignored;
  4. the LogScale stability level of every selected field, read from the schema checked;
     a Preview field fails unless listed in pyproject.toml [tool.logscale-fleet] allow-preview.
"""

CHECK_EPILOG = """\
exit codes:
  0  every check passed (dangerous changes are warnings unless --strict)
  1  an operation is invalid, generated/ is stale, a change breaks an operation, a Preview
     field is used without being allowed, or (--strict) a change is dangerous
  2  usage or invalid input (unreadable file, invalid SDL, bad configuration)
"""


def run_pull(args: argparse.Namespace) -> int:
    from logscale_fleet.schema.pull import pull_from_sdl, slice_root_fields

    version: str | None = None
    if args.source is not None:
        source = Path(args.source)
        try:
            sdl = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError("--from", f"cannot read {source}: {exc.strerror}") from None
        source_name = source.name
    else:
        source_name, sdl, version = _introspect(args, url=None)
    if args.full:
        output = sdl
    else:
        root_fields = slice_root_fields(Path(args.project))
        output = pull_from_sdl(
            sdl, source_name=source_name, root_fields=root_fields, version=version
        ).sdl
    if args.out:
        Path(args.out).write_text(output, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    if getattr(args, "output", "table") == "json":
        document: dict[str, str | None] = {"source": source_name, "version": version}
        document.update({"out": args.out} if args.out else {"sdl": output})
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif not args.out:
        sys.stdout.write(output)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from logscale_fleet.schema.check import SchemaSource, check_project
    from logscale_fleet.schema.report import render_json, render_text

    against = None
    if args.against:
        if args.against.startswith(("http://", "https://")):
            name, sdl, _ = _introspect(args, url=args.against)
            against = SchemaSource(name, sdl)
        else:
            against = SchemaSource.from_file(Path(args.against), argument="--against")
    # Unreadable files, invalid SDL and bad settings raise InvalidInputError or
    # ConfigurationError, which main() reports as usage errors (exit 2).
    report = check_project(
        Path(args.project),
        against=against,
        strict=args.strict,
        include_generated=not args.skip_generated,
    )
    fmt = args.format or ("json" if getattr(args, "output", "table") == "json" else "text")
    sys.stdout.write(render_json(report) if fmt == "json" else render_text(report))
    return report.exit_code


def _introspect(args: argparse.Namespace, *, url: str | None) -> tuple[str, str, str | None]:
    """(source name, SDL, version) of a live LogScale, through FleetClient (never raw HTTP)."""
    import asyncio
    import os

    from logscale_fleet.cli import logs
    from logscale_fleet.cli.session import is_configured, open_client
    from logscale_fleet.settings import URL_VARIABLES

    if url is not None:
        args.url = url
    elif not args.sandbox and args.url is None and not is_configured(os.environ, URL_VARIABLES):
        # Pulling the sandbox's schema by accident would be useless: ask for a source.
        raise InvalidInputError(
            "--from",
            "give a full SDL file with --from, or a LogScale to introspect with --url "
            "(or LOGSCALE_URL)",
        )
    fleet = open_client(args)
    logs.add_secret(fleet.settings.token)

    async def fetch() -> tuple[str, str | None]:
        async with fleet:
            sdl = await fleet.fetch_schema_sdl()
            return sdl, await fleet.server_version()

    sdl, version = asyncio.run(fetch())
    name = "the local sandbox" if fleet.source == "sandbox" else fleet.settings.base_url
    return name, sdl, version
