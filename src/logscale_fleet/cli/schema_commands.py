"""`logscale-fleet schema ...`: make and check the schema slice."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.options import leaf_options
from logscale_fleet.errors import InvalidInputError

if TYPE_CHECKING:
    from logscale_fleet.schema.check import CheckReport, SchemaSource


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
    # --url, --token and --token-file come from the global options, accepted here too.
    pull.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    pull.add_argument("--full", action="store_true", help="keep the whole schema, unpruned")
    pull.add_argument(
        "--project", default=".", metavar="DIR", help="folder with queries/ and pyproject.toml"
    )
    pull.set_defaults(handler=run_pull)

    _register_update(schema_commands)

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
        action="append",
        default=[],
        help="another schema to check our operations against: an SDL file (full or sliced) or "
        "a live LogScale URL (introspected with the global --token / LOGSCALE_TOKEN); repeat "
        "it to check several versions in one run (a matrix)",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="report format: text, json, github (Actions annotations), sarif (2.1.0) "
        "(default: json with -o json, else text)",
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
        metavar="DIR",
        help="folder with schema.graphql, queries/, generated/ and pyproject.toml (default: "
        "this folder; outside a checkout, the operations this installed logscale-fleet carries)",
    )
    check.set_defaults(handler=run_check)


def _register_update(schema_commands: Any) -> None:
    update = schema_commands.add_parser(
        "update",
        help="pull the slice, show what changed, check the operations, regenerate generated/",
        description="Pull the fleet slice from a full SDL file (--from) or a live LogScale "
        "(--url, or the global options / LOGSCALE_URL), print what changed in it (types, "
        "fields, arguments, enum values, stability levels), check every operation in queries/ "
        "against it, then write schema.graphql and regenerate generated/ with ariadne-codegen. "
        "Nothing is written when the operations break (exit 1) unless --force; --dry-run "
        "writes nothing. Deterministic: a second run changes nothing.",
        epilog="exit codes:\n  0  the operations work against the new slice (written unless "
        "--dry-run)\n  1  an operation breaks or a Preview field is not allowed (nothing "
        "written unless --force)\n  2  usage or invalid input",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    update.add_argument("--from", dest="source", metavar="FILE", help="full SDL file")
    update.add_argument(
        "--url", dest="url", default=argparse.SUPPRESS, help="LogScale to introspect"
    )
    update.add_argument(
        "--token", dest="api_token", default=argparse.SUPPRESS, help="API token for --url"
    )
    update.add_argument(
        "--token-file",
        dest="api_token_file",
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="file holding the API token for --url",
    )
    update.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    update.add_argument("--force", action="store_true", help="write even when the operations break")
    update.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (text)"
    )
    update.add_argument(
        "--project",
        default=".",
        metavar="DIR",
        help="folder with schema.graphql, queries/, generated/, codegen.toml and pyproject.toml",
    )
    update.set_defaults(handler=run_update)


def run_update(args: argparse.Namespace) -> int:
    from logscale_fleet.schema.check import SchemaSource
    from logscale_fleet.schema.update import update_project
    from logscale_fleet.schema.update_report import render_update_json, render_update_text

    if args.format == "json":
        args.output = "json"
    live = args.source is None
    if live:
        name, sdl, version = _introspect(args, url=None)
        source = SchemaSource(name, sdl, name, version)
    else:
        source = SchemaSource.from_file(Path(args.source), argument="--from")
    result = update_project(
        Path(args.project), source, live=live, dry_run=args.dry_run, force=args.force
    )
    render = render_update_json if args.format == "json" else render_update_text
    sys.stdout.write(render(result))
    return result.exit_code


FORMATS = ("text", "json", "github", "sarif")

CHECK_DESCRIPTION = """\
Checks, offline:
  1. every operation in queries/ is valid against schema.graphql (errors as file:line:col);
  2. generated/ is exactly what ariadne-codegen makes from the current inputs;
  3. with --against (repeatable): what in each other schema (full or sliced SDL, or a live
     LogScale) breaks or endangers OUR operations; changes they do not touch are ignored;
  4. the LogScale stability level of every selected field, read from the schema checked;
     a Preview field fails unless listed in pyproject.toml [tool.logscale-fleet] allow-preview.
"""

CHECK_EPILOG = """\
exit codes:
  0  every check passed (dangerous changes are warnings unless --strict)
  1  an operation is invalid, generated/ is stale, a change in any target breaks an operation,
     a Preview field is used without being allowed, or (--strict) a change is dangerous
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
    if args.format is None:
        args.format = "json" if getattr(args, "output", "table") == "json" else "text"
    if args.format == "json":
        # Failures before a report exists (exit 2) then print one JSON error document too.
        args.output = "json"
    try:
        return _check(args)
    except Exception as exc:
        _print_failure(args.format, exc)
        raise


def _check(args: argparse.Namespace) -> int:
    from logscale_fleet.schema.check import check_project
    from logscale_fleet.schema.packaged import project_to_check

    project, packaged = project_to_check(args.project)
    if packaged:
        from logscale_fleet import __version__

        print(
            f"logscale-fleet: no queries/ here: checking the operations logscale-fleet "
            f"{__version__} carries (--project DIR checks a checkout)",
            file=sys.stderr,
        )
    # Unreadable files, invalid SDL and bad settings raise InvalidInputError or
    # ConfigurationError, which main() reports as usage errors (exit 2).
    report = check_project(
        project,
        against=[_target(args, value) for value in args.against],
        strict=args.strict,
        # An installed package has no generated/ sources to compare, only its own modules.
        include_generated=not (args.skip_generated or packaged),
    )
    sys.stdout.write(render_report(report, args.format, project=str(project)))
    return report.exit_code


def render_report(report: CheckReport, output_format: str, *, project: str) -> str:
    """The report in the chosen format; CI formats get paths relative to where CI runs."""
    if output_format == "json":
        from logscale_fleet.schema.report import render_json

        return render_json(report)
    if output_format in ("github", "sarif"):
        from logscale_fleet.schema.annotations import project_prefix

        prefix = project_prefix(project)
        if output_format == "github":
            from logscale_fleet.schema.github import render_github

            return render_github(report, prefix=prefix)
        from logscale_fleet.schema.sarif import render_sarif

        return render_sarif(report, prefix=prefix)
    from logscale_fleet.schema.report import render_text

    return render_text(report)


def _print_failure(output_format: str, exc: Exception) -> None:
    """The CI formats say why no report came: an annotation, or a SARIF log without results.
    (Text goes to stderr from main(); JSON is the CLI's one error document.)"""
    from logscale_fleet.cli import exit_codes, logs

    message = logs.scrub(exit_codes.describe(exc))
    if output_format == "github":
        from logscale_fleet.schema.github import render_github_error

        sys.stdout.write(render_github_error(message))
    elif output_format == "sarif":
        from logscale_fleet.schema.sarif import render_sarif_error

        sys.stdout.write(render_sarif_error(message, exit_codes.exit_code_for(exc)))


def _target(args: argparse.Namespace, value: str) -> SchemaSource:
    from logscale_fleet.schema.check import SchemaSource

    if value.startswith(("http://", "https://")):
        name, sdl, version = _introspect(args, url=value)
        return SchemaSource(name, sdl, name, version)
    return SchemaSource.from_file(Path(value), argument="--against")


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
