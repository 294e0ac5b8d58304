"""`logscale-fleet collectors ...` and `installers list`: the enrolled fleet and its builds."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from logscale_fleet._core.validation import DEBUG_LEVELS, MAX_LOST_DAYS
from logscale_fleet.cli.exit_codes import NOT_FOUND, NotFound, UsageError
from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.output import Output, notice, printable, shown_input
from logscale_fleet.cli.session import api_command
from logscale_fleet.cli.terminal import confirm, is_terminal, stdin_is_terminal

if TYPE_CHECKING:
    from logscale_fleet._core.polling import Progress
    from logscale_fleet.client import FleetClient

OS_CHOICES = ("linux", "windows", "macos", "unknown")


def register(commands: Any) -> None:
    collectors = commands.add_parser(
        "collectors",
        help="list, show, assign, upgrade and unenrol enrolled collectors",
        description="Enrolled LogScale Collectors (the fleet).",
    )
    sub = collectors.add_subparsers(dest="collectors_command", metavar="SUBCOMMAND")
    sub.required = True
    common = leaf_options()

    listing = sub.add_parser(
        "list",
        help="list collectors",
        description="List collectors matching every filter given. Long searches show progress "
        "on a terminal.",
        parents=[common],
    )
    listing.add_argument("--filter", metavar="TEXT", help="free-text search (hostname ...)")
    listing.add_argument("--config", metavar="CONFIG", help="running this configuration")
    listing.add_argument("--group", metavar="GROUP", help="in this group (name or id)")
    listing.add_argument("--status", choices=("ok", "error"), help="by status")
    listing.add_argument("--os", choices=OS_CHOICES, help="by operating system")
    listing.add_argument("--version", metavar="V", help="running collector version V")
    listing.set_defaults(handler=api_command(run_list))

    show = sub.add_parser(
        "show", help="show one collector", description="Show one collector.", parents=[common]
    )
    show.add_argument("machine_id", metavar="MACHINE_ID")
    show.set_defaults(handler=api_command(run_show))

    assign = sub.add_parser(
        "assign",
        help="assign a configuration to collectors",
        description="Run one configuration on these collectors (by collector id, `collectors "
        "list` shows it); many ids go in one request.",
        parents=[common],
    )
    assign.add_argument("--config", required=True, metavar="CONFIG", help="name or id")
    assign.add_argument("ids", nargs="+", metavar="ID")
    assign.set_defaults(handler=api_command(run_assign))

    unenroll = sub.add_parser(
        "unenroll",
        help="unenrol collectors",
        description="Unenrol collectors by id. Asks on a terminal; without one, --yes is "
        "required. Ids the server does not know are reported, and exit 4.",
        parents=[common],
    )
    unenroll.add_argument("ids", nargs="+", metavar="ID")
    unenroll.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    unenroll.set_defaults(handler=api_command(run_unenroll, check=check_unenroll))

    upgrade = sub.add_parser(
        "upgrade",
        help="ask collectors or a group to run a collector version",
        description="Set the wanted collector version of these collectors (ids), or of a "
        "group (its collectors follow it). `installers list` shows the versions.",
        parents=[common],
    )
    upgrade.add_argument("--version", required=True, metavar="V")
    upgrade.add_argument("--group", metavar="GROUP", help="group name or id")
    upgrade.add_argument("ids", nargs="*", default=[], metavar="ID")
    upgrade.set_defaults(handler=api_command(run_upgrade, check=check_upgrade))

    debug = sub.add_parser(
        "debug-logging",
        help="send a collector's own debug logs to LogScale, or stop",
        description="A collector's own logs (not the data it collects), sent to LogScale "
        "with an ingest token.",
    )
    debug_sub = debug.add_subparsers(dest="debug_command", metavar="SUBCOMMAND")
    debug_sub.required = True
    enable = debug_sub.add_parser(
        "enable",
        help="start sending this collector's debug logs",
        description="Start sending this collector's own logs, at --level, with the ingest "
        "token read from --ingest-token-file (a file, or - for standard input: a token on the "
        "command line would show in `ps` and the shell's history).",
        parents=[common],
    )
    enable.add_argument("id", metavar="ID", help="collector id (`collectors list` shows it)")
    enable.add_argument(
        "--ingest-token-file",
        required=True,
        metavar="FILE",
        help="file holding the ingest token, or - for stdin",
    )
    enable.add_argument(
        "--level", choices=DEBUG_LEVELS, default="debug", help="log level (default: debug)"
    )
    enable.add_argument(
        "--ingest-url", metavar="URL", help="LogScale URL to send to (default: this one)"
    )
    enable.add_argument("--repository", metavar="NAME", help="repository to send to")
    enable.set_defaults(handler=api_command(run_debug_enable, check=check_debug_enable))
    disable = debug_sub.add_parser(
        "disable",
        help="stop sending this collector's debug logs",
        description="Stop sending this collector's own logs.",
        parents=[common],
    )
    disable.add_argument("id", metavar="ID", help="collector id")
    disable.set_defaults(handler=api_command(run_debug_disable))

    lost = sub.add_parser(
        "lost-days",
        help="show or set after how many days without contact a collector is lost",
        description="Show the days without contact after which LogScale counts a collector "
        "as lost; --set N changes them, --default restores LogScale's default.",
        parents=[common],
    )
    change = lost.add_mutually_exclusive_group()
    change.add_argument("--set", type=int, metavar="N", dest="days", help=f"1 to {MAX_LOST_DAYS}")
    change.add_argument("--default", action="store_true", help="restore LogScale's default")
    lost.set_defaults(handler=api_command(run_lost_days))

    installers = commands.add_parser(
        "installers",
        help="list LogScale Collector installers",
        description="LogScale Collector installers offered for download.",
    )
    installers_sub = installers.add_subparsers(dest="installers_command", metavar="SUBCOMMAND")
    installers_sub.required = True
    listed = installers_sub.add_parser(
        "list",
        help="list installers",
        description="List installers, optionally for one OS and/or version.",
        parents=[common],
    )
    listed.add_argument("--os", choices=("linux", "windows", "macos"))
    listed.add_argument("--version", metavar="V")
    listed.set_defaults(handler=api_command(run_installers))


def _progress(stream: Any = None) -> Any:
    """A progress callback drawing on stderr when it is a terminal; None otherwise."""
    target = stream if stream is not None else sys.stderr
    if not is_terminal(target):
        return None

    def draw(progress: Progress) -> None:
        found = "" if progress.total_results is None else f", {progress.total_results} so far"
        target.write(f"\rsearching the fleet ({progress.elapsed:.0f} s{found})\033[K")
        target.flush()

    return draw


def _row(document: dict[str, Any]) -> tuple[str, ...]:
    configs = ", ".join(c["name"] for c in document["configurations"]) or "-"
    return (
        document["id"] or "-",
        document["machineId"],
        document["hostname"],
        document["system"],
        document["version"],
        configs,
        ", ".join(g["name"] for g in document["groups"]) or "-",
        document["status"] or "-",
    )


async def run_list(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    filters: dict[str, Any] = {"search": args.filter, "status": args.status, "os": args.os}
    if args.version is not None:
        filters["version"] = args.version
    if args.config is not None:
        (filters["config_id"],) = await fleet_lookup.configuration_ids(fleet, [args.config])
    if args.group is not None:
        filters["group_ids"] = [(await fleet_lookup.group(fleet, args.group)).id]
    draw = _progress()
    documents = [
        c.model_dump(by_alias=True, mode="json")
        async for c in fleet.collectors.iter(on_progress=draw, **filters)
    ]
    if draw is not None:
        sys.stderr.write("\r\033[K")
    if out.json:
        out.document(documents)
    elif not documents:
        notice("no collectors match")
    else:
        out.table(
            ("ID", "MACHINE ID", "HOSTNAME", "OS", "VERSION", "CONFIGURATIONS", "GROUPS", "STATUS"),
            (_row(d) for d in documents),
        )
    return 0


async def run_show(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    found = await fleet.collectors.get(args.machine_id)
    if found is None:
        raise NotFound(
            f"no collector has the machine id {shown_input(args.machine_id)} "
            "(`collectors list` shows them)"
        )
    document = found.model_dump(by_alias=True, mode="json")
    if out.json:
        out.document(document)
        return 0
    out.fields(
        [
            ("id", document["id"] or "-"),
            ("machine id", document["machineId"]),
            ("hostname", document["hostname"]),
            ("os", document["system"]),
            ("version", document["version"]),
            ("ip address", document["ipAddress"] or "-"),
            ("last activity", document["lastActivity"]),
            ("status", document["status"] or "-"),
            (
                "configurations",
                ", ".join(f"{c['name']} ({c['assignment']})" for c in document["configurations"])
                or "-",
            ),
            (
                "labels",
                ", ".join(f"{lb['name']}={lb['value']}" for lb in document["labels"]) or "-",
            ),
            ("errors", "; ".join(document["errors"]) or "-"),
        ]
    )
    return 0


async def run_assign(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    (config_id,) = await fleet_lookup.configuration_ids(fleet, [args.config])
    assigned = await fleet.collectors.assign_configuration(args.ids, config_id)
    missing = [i for i in dict.fromkeys(args.ids) if i not in set(assigned)]
    if out.json:
        out.document({"assigned": assigned, "configId": config_id, "notFound": missing})
    else:
        out.line(f"assigned configuration {config_id} to {len(assigned)} collector(s)")
    if missing:
        notice(f"no enrolled collector has the id(s): {', '.join(map(shown_input, missing))}")
        return NOT_FOUND
    return 0


def check_unenroll(args: argparse.Namespace) -> None:
    if not args.yes and not stdin_is_terminal():
        raise UsageError(
            "refusing to unenrol without --yes: standard input is not a terminal, so nobody "
            "can confirm"
        )


async def run_unenroll(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    ids = list(dict.fromkeys(args.ids))
    if not args.yes and not confirm(f"Unenrol {len(ids)} collector(s): {', '.join(ids)}?"):
        raise UsageError("nothing unenrolled (not confirmed)")
    removed = await fleet.collectors.unenroll(ids)
    gone = {c.id for c in removed}
    missing = [i for i in ids if i not in gone]
    if out.json:
        out.document(
            {
                "unenrolled": [c.model_dump(by_alias=True, mode="json") for c in removed],
                "notFound": missing,
            }
        )
    else:
        for collector in removed:
            out.line(printable(f"unenrolled {collector.id} (machine {collector.machine_id})"))
    if missing:
        notice(f"no enrolled collector has the id(s): {', '.join(map(shown_input, missing))}")
        return NOT_FOUND
    return 0


def check_upgrade(args: argparse.Namespace) -> None:
    if (args.group is None) == (not args.ids):
        raise UsageError("give either collector ids or --group GROUP (one of them)")


async def run_upgrade(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import fleet_lookup

    if args.group is not None:
        group = await fleet_lookup.group(fleet, args.group)
        updated = await fleet.groups.set_wanted_version(group.id, args.version)
        if out.json:
            out.document({"group": updated.model_dump(by_alias=True, mode="json")})
        else:
            out.line(printable(f"group {updated.name} now wants collector version {args.version}"))
        return 0
    await fleet.collectors.set_wanted_version(args.ids, args.version)
    if out.json:
        out.document({"collectors": list(dict.fromkeys(args.ids)), "wantedVersion": args.version})
    else:
        out.line(f"{len(set(args.ids))} collector(s) now want version {args.version}")
    return 0


def check_debug_enable(args: argparse.Namespace) -> None:
    from logscale_fleet.errors import InvalidInputError
    from logscale_fleet.input_files import MAX_TOKEN_FILE_BYTES, read_input_file
    from logscale_fleet.settings import Secret

    # Read before any client exists: a bad file fails with nothing sent.
    text = read_input_file(
        args.ingest_token_file,
        what="ingest token file",
        limit=MAX_TOKEN_FILE_BYTES,
        error=lambda message: InvalidInputError("--ingest-token-file", message),
        private=True,
    ).strip()
    if not text:
        raise InvalidInputError("--ingest-token-file", "the file is empty")
    args.ingest_token = Secret(text)


async def run_debug_enable(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    enabled = await fleet.collectors.enable_debug_logging(
        args.id,
        token=str(args.ingest_token),
        level=args.level,
        url=args.ingest_url,
        repository=args.repository,
    )
    return _debug_answer(out, args.id, enabled, {"debugLogging": True, "level": args.level})


async def run_debug_disable(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    disabled = await fleet.collectors.disable_debug_logging(args.id)
    return _debug_answer(out, args.id, disabled, {"debugLogging": False})


def _debug_answer(out: Output, collector_id: str, done: bool, state: dict[str, Any]) -> int:
    if not done:
        raise NotFound(
            f"no enrolled collector has the id {shown_input(collector_id)} "
            "(`collectors list` shows them)"
        )
    if out.json:
        out.document({"id": collector_id, **state})
    elif state["debugLogging"]:
        out.line(printable(f"collector {collector_id} sends its {state['level']} logs"))
    else:
        out.line(printable(f"collector {collector_id} no longer sends its logs"))
    return 0


async def run_lost_days(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    if args.days is not None or args.default:
        await fleet.collectors.set_lost_collector_days(None if args.default else args.days)
    days = await fleet.collectors.lost_collector_days()
    if out.json:
        out.document({"lostCollectorDays": days})
    else:
        out.line(f"collectors are lost after {days} day(s) without contact")
    return 0


async def run_installers(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.resources.installers import installer_os

    found = await fleet.installers.list(os=args.os, version=args.version)
    documents = [i.model_dump(by_alias=True, mode="json") for i in found]
    if out.json:
        out.document(documents)
    elif not documents:
        notice("no installers match")
    else:
        out.table(
            ("NAME", "VERSION", "OS", "ARCH", "TYPE", "SIZE", "URL"),
            (
                (
                    d["name"],
                    d["version"],
                    installer_os(i) or "-",
                    d["architecture"],
                    d["type"],
                    f"{d['size'] / 2**20:.1f} MiB",
                    d["url"],
                )
                for d, i in zip(documents, found, strict=True)
            ),
        )
    return 0
