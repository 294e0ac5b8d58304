"""`logscale-fleet groups ...`: collector groups, their filters, configurations and versions."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.exit_codes import UsageError
from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.output import Output, notice, printable, shown_input
from logscale_fleet.cli.session import api_command
from logscale_fleet.cli.terminal import confirm, stdin_is_terminal

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient
    from logscale_graphql.fragments import GroupFields


def register(commands: Any) -> None:
    groups = commands.add_parser(
        "groups",
        help="list, show, create, update and delete collector groups",
        description="Collector groups: a filter selects collectors; the group gives them its "
        "configurations and, optionally, a collector version to update to.",
    )
    sub = groups.add_subparsers(dest="groups_command", metavar="SUBCOMMAND")
    sub.required = True
    common = leaf_options()

    listing = sub.add_parser(
        "list", help="list groups", description="List groups by name.", parents=[common]
    )
    listing.add_argument("--search", metavar="TEXT", help="only groups whose name contains TEXT")
    listing.set_defaults(handler=api_command(run_list))

    show = sub.add_parser(
        "show", help="show one group", description="Show one group.", parents=[common]
    )
    show.add_argument("group", metavar="GROUP", help="group name or id")
    show.set_defaults(handler=api_command(run_show))

    create = sub.add_parser(
        "create",
        help="create a group",
        description="Create a group. Not retried after an ambiguous failure (it could make "
        "two): check with `groups list` before running it again.",
        parents=[common],
    )
    create.add_argument("name", metavar="NAME")
    create.add_argument("--filter", metavar="FILTER", help="e.g. 'os = linux hostname = \"web*\"'")
    create.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="CONFIG",
        help="configuration name or id; repeatable, in order",
    )
    create.add_argument("--wanted-version", metavar="VERSION", help="collector version to run")
    create.set_defaults(handler=api_command(run_create))

    update = sub.add_parser(
        "update",
        help="change a group's name, filter, configurations or wanted version",
        description="Change what is given; everything else stays.",
        parents=[common],
    )
    update.add_argument("group", metavar="GROUP", help="group name or id")
    update.add_argument("--name", metavar="NAME", help="new name")
    filters = update.add_mutually_exclusive_group()
    filters.add_argument("--filter", metavar="FILTER", help="new filter")
    filters.add_argument("--no-filter", action="store_true", help="remove the filter")
    configs = update.add_mutually_exclusive_group()
    configs.add_argument(
        "--config",
        action="append",
        metavar="CONFIG",
        help="the group's configurations (name or id), repeatable; replaces the list",
    )
    configs.add_argument("--no-configs", action="store_true", help="remove every configuration")
    versions = update.add_mutually_exclusive_group()
    versions.add_argument("--wanted-version", metavar="VERSION", help="collector version to run")
    versions.add_argument(
        "--no-wanted-version", action="store_true", help="stop asking for a version"
    )
    update.set_defaults(handler=api_command(run_update))

    delete = sub.add_parser(
        "delete",
        help="delete groups",
        description="Delete groups. Asks on a terminal; without one, --yes is required.",
        parents=[common],
    )
    delete.add_argument("groups", nargs="+", metavar="GROUP", help="group names or ids")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=api_command(run_delete, check=check_delete))


def group_document(group: GroupFields) -> dict[str, Any]:
    return group.model_dump(by_alias=True, mode="json")


def _row(document: dict[str, Any]) -> tuple[str, ...]:
    return (
        document["id"],
        document["name"],
        document["filter"] or "-",
        ", ".join(c["name"] for c in document["configurations"]) or "-",
        "-" if document["collectorCount"] is None else str(document["collectorCount"]),
        document["wantedVersion"] or "-",
    )


HEADERS = ("ID", "NAME", "FILTER", "CONFIGURATIONS", "COLLECTORS", "WANTED VERSION")


def _show(out: Output, group: GroupFields) -> None:
    document = group_document(group)
    if out.json:
        out.document(document)
        return
    row = _row(document)
    out.fields(list(zip([h.lower() for h in HEADERS], row, strict=True)))


async def run_list(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    documents = [group_document(g) for g in await fleet.groups.list(args.search)]
    if out.json:
        out.document(documents)
    elif not documents:
        notice("no groups" + (f" match {shown_input(args.search)}" if args.search else ""))
    else:
        out.table(HEADERS, (_row(d) for d in documents), key=1)
    return 0


async def run_show(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    _show(out, await fleet_lookup.group(fleet, args.group))
    return 0


async def run_create(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    config_ids = await fleet_lookup.configuration_ids(fleet, args.config)
    created = await fleet.groups.create(args.name, args.filter, config_ids)
    if args.wanted_version is not None:
        created = await fleet.groups.set_wanted_version(created.id, args.wanted_version)
    _show(out, created)
    return 0


async def run_update(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    changes = [
        args.name is not None,
        args.filter is not None or args.no_filter,
        args.config is not None or args.no_configs,
        args.wanted_version is not None or args.no_wanted_version,
    ]
    if not any(changes):
        raise UsageError(
            "nothing to change: give --name, --filter/--no-filter, --config/--no-configs or "
            "--wanted-version/--no-wanted-version"
        )
    group = await fleet_lookup.group(fleet, args.group)
    config_ids = await fleet_lookup.configuration_ids(fleet, args.config or [])
    if args.name is not None:
        group = await fleet.groups.rename(group.id, args.name)
    if changes[1]:
        group = await fleet.groups.set_filter(group.id, None if args.no_filter else args.filter)
    if changes[2]:
        group = await fleet.groups.set_configurations(group.id, config_ids)
    if changes[3]:
        wanted = None if args.no_wanted_version else args.wanted_version
        group = await fleet.groups.set_wanted_version(group.id, wanted)
    _show(out, group)
    return 0


def check_delete(args: argparse.Namespace) -> None:
    # Refuse before connecting: a script without --yes must fail at once, not half-run.
    if not args.yes and not stdin_is_terminal():
        raise UsageError(
            "refusing to delete without --yes: standard input is not a terminal, so nobody "
            "can confirm"
        )


async def run_delete(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    targets: dict[str, GroupFields] = {}
    for given in args.groups:
        found = await fleet_lookup.group(fleet, given)
        targets.setdefault(found.id, found)
    if not args.yes:
        listed = ", ".join(f"{g.name} ({g.id})" for g in targets.values())
        if not confirm(f"Delete {len(targets)} group{'s' if len(targets) != 1 else ''}: {listed}?"):
            raise UsageError("nothing deleted (not confirmed)")
    deleted = []
    for group in targets.values():
        await fleet.groups.delete(group.id)
        deleted.append(group_document(group))
    if out.json:
        out.document({"deleted": deleted})
    else:
        for document in deleted:
            out.line(printable(f"deleted group {document['name']} ({document['id']})"))
    return 0
