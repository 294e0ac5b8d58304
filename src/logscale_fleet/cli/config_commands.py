"""`logscale-fleet configs ...`: collector configurations as code.

Read (list, show, pull, diff, merged), write (create, draft, publish, rename, describe, delete)
and test (test start|add|remove|stop). Every command that takes an ID takes a name instead with
`--by-name`. YAML files are checked locally (parses, a mapping, within LogScale's size) before
anything is sent, and a problem names the file, line and column. `publish` and `delete` send the
version last seen (`--expect-version`, default: the version read just before): when someone
else changed the configuration in between, nothing is overwritten and the command exits 6.
"""

from __future__ import annotations

import argparse
import difflib
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.exit_codes import CHANGES_PENDING, CommandError, NotFound, UsageError
from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.output import Output, notice, printable, shown_input
from logscale_fleet.cli.session import api_command
from logscale_fleet.cli.terminal import confirm, stdin_is_terminal
from logscale_fleet.errors import GraphQLError, InvalidInputError

if TYPE_CHECKING:
    from logscale_fleet import Configuration
    from logscale_fleet.client import FleetClient

BY_NAME_HELP = "ID is a configuration name, not an id (names must be unique)"


def register(commands: Any) -> None:
    configs = commands.add_parser(
        "configs",
        help="manage log collector configurations",
        description="Log collector configurations: the YAML LogScale Collectors run, versioned.",
    )
    sub = configs.add_subparsers(dest="configs_command", metavar="SUBCOMMAND")
    sub.required = True
    common = leaf_options()

    def leaf(name: str, summary: str, description: str, parser: Any = sub) -> Any:
        return parser.add_parser(name, help=summary, description=description, parents=[common])

    def target(parser: Any, *, many: bool = False) -> None:
        if many:
            parser.add_argument("targets", nargs="+", metavar="ID", help="configuration ids")
        else:
            parser.add_argument("target", metavar="ID", help="configuration id (`configs list`)")
        parser.add_argument("--by-name", action="store_true", help=BY_NAME_HELP)

    listing = leaf("list", "list configurations", "List configurations.")
    listing.add_argument("--search", metavar="TEXT", help="only those matching TEXT")
    listing.set_defaults(handler=api_command(run_list))

    show = leaf(
        "show",
        "show one configuration and its YAML",
        "Show one configuration, its published YAML and whether it has an unpublished draft.",
    )
    target(show)
    show.set_defaults(handler=api_command(run_show))

    create = leaf(
        "create",
        "create a configuration from a YAML file and publish it",
        "Create a configuration named NAME with the YAML in FILE and publish it as version 1 "
        "(--draft-only: leave it as a draft).",
    )
    create.add_argument("name", metavar="NAME")
    create.add_argument("--file", "-f", required=True, metavar="FILE", help="YAML file, or -")
    create.add_argument("--description", metavar="TEXT")
    create.add_argument("--draft-only", action="store_true", help="do not publish")
    create.set_defaults(handler=api_command(run_create))

    draft = leaf(
        "draft",
        "set a configuration's draft from a YAML file",
        "Replace the unpublished draft; the published version is untouched.",
    )
    target(draft)
    draft.add_argument("--file", "-f", required=True, metavar="FILE", help="YAML file, or -")
    draft.set_defaults(handler=api_command(run_draft))

    publish = leaf(
        "publish",
        "publish a YAML file (or the draft) as the next version",
        "Publish FILE (without --file: the draft) as the next version. Refused, with exit 6, "
        "when the configuration is no longer at the expected version (default: the version "
        "read just before), so nobody's change is overwritten.",
    )
    target(publish)
    publish.add_argument("--file", "-f", metavar="FILE", help="YAML file, or -")
    publish.add_argument(
        "--expect-version", type=int, metavar="N", help="the version you last saw (default: now)"
    )
    publish.set_defaults(handler=api_command(run_publish))

    diff = leaf(
        "diff",
        "compare the published YAML with a local file",
        "A unified diff from the published YAML to FILE. --detailed-exitcode: exit 0 when they "
        "are the same, 7 when they differ.",
    )
    target(diff)
    diff.add_argument("file", metavar="FILE", help="YAML file, or -")
    diff.add_argument("--detailed-exitcode", action="store_true", help="exit 7 when different")
    diff.set_defaults(handler=api_command(run_diff))

    pull = leaf("pull", "write the published YAML", "Write the published YAML to FILE or stdout.")
    target(pull)
    pull.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    pull.set_defaults(handler=api_command(run_pull))

    rename = leaf("rename", "rename a configuration", "Give a configuration a new name.")
    target(rename)
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.set_defaults(handler=api_command(run_rename))

    describe = leaf("describe", "set the description", "Set (or --clear) the description.")
    target(describe)
    text = describe.add_mutually_exclusive_group(required=True)
    text.add_argument("description", nargs="?", metavar="TEXT")
    text.add_argument("--clear", action="store_true", help="remove the description")
    describe.set_defaults(handler=api_command(run_describe))

    delete = leaf(
        "delete",
        "delete a configuration",
        "Delete a configuration that is still at --version V (exit 6 if it moved on). Asks on "
        "a terminal; without a terminal, --yes is required. LogScale may refuse while install "
        "tokens are assigned to it.",
    )
    target(delete)
    delete.add_argument("--version", type=int, required=True, metavar="V", dest="expect_version")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=api_command(run_delete, check=check_delete))

    test = sub.add_parser(
        "test",
        help="test a configuration's draft on some collectors",
        description="Run a configuration's draft on chosen collectors before publishing it.",
    )
    tests = test.add_subparsers(dest="test_command", metavar="SUBCOMMAND")
    tests.required = True
    for name, summary in (
        ("start", "start a test on these collectors"),
        ("add", "add collectors to the running test"),
        ("remove", "remove collectors from the running test"),
    ):
        step = leaf(name, summary, summary.capitalize() + ".", tests)
        target(step)
        step.add_argument("collectors", nargs="+", metavar="COLLECTOR_ID")
        step.set_defaults(handler=api_command(run_test), test_step=name)
    stop = leaf("stop", "stop the running test", "Stop the running test.", tests)
    target(stop)
    stop.set_defaults(handler=api_command(run_test), test_step="stop", collectors=[])

    merged = leaf(
        "merged",
        "the merged YAML of several configurations",
        "What a collector that runs these configurations gets, and any problems.",
    )
    target(merged, many=True)
    merged.set_defaults(handler=api_command(run_merged))


# -- looking configurations up ------------------------------------------------------------------


async def resolve_configuration(fleet: FleetClient, given: str, *, by_name: bool) -> Configuration:
    """The configuration named on the command line, by id or (`--by-name`) by name."""
    if by_name:
        found = await fleet.configurations.get_by_name(given)
        if found is None:
            raise NotFound(
                f"no configuration is named {shown_input(given)} (`configs list` shows them)"
            )
        return found
    try:
        return await fleet.configurations.get(given)
    except GraphQLError:
        # The field is non-null, so LogScale answers an unknown id with a GraphQL error whose
        # wording is not an API; the list tells "does not exist" from other failures.
        known = {c.id for c in await fleet.configurations.list()}
        if given not in known:
            raise NotFound(
                f"no configuration has the id {shown_input(given)} (`configs list` shows them)"
            ) from None
        raise


def read_yaml_file(path: str) -> str:
    """The file's text if it is a usable collector configuration; else exit 2 naming the file,
    line and column."""
    from logscale_fleet._core.yaml_check import MAX_YAML_CHARACTERS, check_yaml
    from logscale_fleet.input_files import read_input_file

    shown = "<stdin>" if path == "-" else path
    text = read_input_file(
        path,
        what="configuration file",
        limit=4 * MAX_YAML_CHARACTERS,  # UTF-8: at most 4 bytes a character
        error=lambda message: InvalidInputError("--file", message),
    )
    return check_yaml(text, printable(shown))


# -- commands -----------------------------------------------------------------------------------


async def run_list(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configurations = await fleet.configurations.list(search=args.search)
    documents = [_document(c) for c in configurations]
    if out.json:
        out.document(documents)
    elif not documents:
        notice("no configurations" + (f" match {shown_input(args.search)}" if args.search else ""))
    else:
        out.table(
            ("ID", "NAME", "VERSION", "INSTANCES", "MODIFIED", "DESCRIPTION"),
            (
                (
                    d["id"],
                    d["name"],
                    str(d["version"]),
                    str(d["instances"]),
                    _date(d["modifiedAt"]),
                    d["description"] or "",
                )
                for d in documents
            ),
        )
    return 0


async def run_show(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    _show(out, configuration, with_yaml=True)
    return 0


async def run_create(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    import shlex

    from logscale_fleet.cli.create import outcome_unknown

    text = read_yaml_file(args.file)
    publish = printable(
        shlex.join(
            ["logscale-fleet", "configs", "publish", "--by-name", args.name, "-f", args.file]
        )
    )
    existing = await fleet.configurations.get_by_name(args.name)
    if existing is not None:
        # A second configuration of one name makes `--by-name` and declarations ambiguous.
        raise UsageError(
            f"a configuration named {shown_input(args.name)} already exists "
            f"({printable(existing.id)}): `{publish}` publishes the file as its next version"
        )
    try:
        created = await fleet.configurations.create(args.name, text, description=args.description)
    except Exception as exc:
        unknown = outcome_unknown(
            exc,
            "the configuration may have been created anyway",
            f"`{publish}` finishes the job if it was (creating again may duplicate it)",
        )
        if unknown is None:
            raise
        raise unknown from exc
    if not args.draft_only:
        created = await fleet.configurations.publish(
            created.id, text, expected_version=created.version
        )
    _done(out, created, "created" if args.draft_only else f"created v{created.version} of")
    return 0


async def run_draft(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    text = read_yaml_file(args.file)
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    updated = await fleet.configurations.update_draft(configuration.id, text)
    _done(out, updated, "saved the draft of")
    return 0


async def run_publish(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    text = read_yaml_file(args.file) if args.file is not None else None
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    expected = configuration.version if args.expect_version is None else args.expect_version
    if text is None and configuration.draft is None:
        raise UsageError(f"{_label(configuration)} has no draft to publish; give --file")
    published = await fleet.configurations.publish(
        configuration.id, text, expected_version=expected
    )
    _done(out, published, f"published v{published.version} of")
    return 0


async def run_diff(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    text = read_yaml_file(args.file)
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    published = configuration.yaml or ""
    local = "<stdin>" if args.file == "-" else args.file
    lines = list(
        difflib.unified_diff(
            published.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{configuration.name} (v{configuration.version}, published)",
            tofile=local,
        )
    )
    same = not lines
    if out.json:
        out.document(
            {
                "id": configuration.id,
                "name": configuration.name,
                "version": configuration.version,
                "same": same,
                "diff": "".join(lines),
            }
        )
    elif same:
        notice(f"{_label(configuration)} v{configuration.version} is the same as {local}")
    else:
        out.text_block("".join(_ended(line) for line in lines).rstrip("\n"))
    return CHANGES_PENDING if args.detailed_exitcode and not same else 0


async def run_pull(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    if configuration.yaml is None:
        raise CommandError(f"{_label(configuration)} has no published version yet")
    if args.out is None:
        out.stream.write(configuration.yaml)
        out.stream.flush()
        return 0
    try:
        _write(args.out, configuration.yaml)
    except OSError as exc:
        raise UsageError(f"cannot write {printable(args.out)}: {exc.strerror}") from None
    notice(f"wrote v{configuration.version} of {_label(configuration)} to {printable(args.out)}")
    return 0


async def run_rename(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    renamed = await fleet.configurations.rename(configuration.id, args.new_name)
    _done(out, renamed, "renamed")
    return 0


async def run_describe(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    description = None if args.clear else args.description
    updated = await fleet.configurations.describe(configuration.id, description)
    _done(out, updated, "described")
    return 0


def check_delete(args: argparse.Namespace) -> None:
    # Refuse before connecting: a script without --yes must fail at once, not half-run.
    if not args.yes and not stdin_is_terminal():
        raise UsageError(
            "refusing to delete without --yes: standard input is not a terminal, so nobody "
            "can confirm"
        )


async def run_delete(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    if not args.yes and not confirm(
        f"Delete configuration {_label(configuration)} at version {args.expect_version}?"
    ):
        raise UsageError("nothing deleted (not confirmed)")
    if not await fleet.configurations.delete(
        configuration.id, expected_version=args.expect_version
    ):
        raise CommandError(f"the server did not delete {_label(configuration)} (it answered false)")
    if out.json:
        out.document({"id": configuration.id, "name": configuration.name, "deleted": True})
    else:
        out.line(f"deleted {_label(configuration)}")
    return 0


async def run_test(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configuration = await resolve_configuration(fleet, args.target, by_name=args.by_name)
    calls = {
        "start": fleet.configurations.start_test,
        "add": fleet.configurations.add_to_test,
        "remove": fleet.configurations.remove_from_test,
    }
    if args.test_step == "stop":
        test = await fleet.configurations.stop_test(configuration.id)
    else:
        test = await calls[args.test_step](configuration.id, args.collectors)
    if out.json:
        out.document(test.model_dump(by_alias=True, mode="json"))
        return 0
    collectors = ", ".join(printable(c) for c in test.collector_ids) or "none"
    verb = "stopped the test of" if args.test_step == "stop" else "testing"
    out.line(f"{verb} {_label(configuration)} on: {collectors}")
    return 0


async def run_merged(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    ids = [
        (await resolve_configuration(fleet, given, by_name=args.by_name)).id
        for given in args.targets
    ]
    merged = await fleet.configurations.merged(ids)
    if out.json:
        out.document(merged.model_dump(by_alias=True, mode="json"))
        return 0
    for problem in merged.problems:
        details = f" ({problem.details})" if problem.details else ""
        notice(f"problem {problem.number} at {problem.path}: {problem.summary}{details}")
    if merged.content:
        out.text_block(merged.content.rstrip("\n"))
    return 0


# -- output -------------------------------------------------------------------------------------


def _document(configuration: Configuration) -> dict[str, Any]:
    return configuration.model_dump(by_alias=True, mode="json")


def _label(configuration: Configuration) -> str:
    return f"{printable(repr(configuration.name))} ({printable(configuration.id)})"


def _done(out: Output, configuration: Configuration, what: str) -> None:
    if out.json:
        out.document(_document(configuration))
    else:
        out.line(f"{what} {_label(configuration)}: version {configuration.version}")


def _show(out: Output, configuration: Configuration, *, with_yaml: bool) -> None:
    document = _document(configuration)
    if out.json:
        out.document(document)
        return
    out.fields(
        [
            ("id", document["id"]),
            ("name", document["name"]),
            ("description", document["description"] or ""),
            ("version", str(document["version"])),
            ("instances", str(document["instances"])),
            ("modified", f"{document['modifiedAt']} by {document['modifiedBy']}"),
            ("draft", _draft(document)),
            ("test running", "yes" if document["isTestRunning"] else "no"),
        ]
    )
    if with_yaml and document["yaml"]:
        out.line()
        out.text_block(document["yaml"].rstrip("\n"))


def _write(path: str, text: str) -> None:
    # A local file of a few hundred KiB: writing it blocks the loop for microseconds.
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _date(value: str | None) -> str:
    """`2025-09-18T08:12:44.512Z` -> `2025-09-18 08:12`: enough for a table."""
    if not value:
        return "-"
    return value[:16].replace("T", " ")


def _draft(document: dict[str, Any]) -> str:
    if not document["draft"]:
        return "no"
    return f"yes, modified {document['draftModifiedAt'] or '(unknown)'}"
