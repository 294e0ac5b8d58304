"""`logscale-fleet configs ...`: the collector configurations tokens can be assigned."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.exit_codes import NotFound
from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.output import Output, notice, shown_input
from logscale_fleet.cli.session import api_command
from logscale_fleet.errors import GraphQLError

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient


def register(commands: Any) -> None:
    configs = commands.add_parser(
        "configs",
        help="list and show log collector configurations",
        description="Log collector configurations, which install tokens can be assigned.",
    )
    sub = configs.add_subparsers(dest="configs_command", metavar="SUBCOMMAND")
    sub.required = True
    common = leaf_options()

    listing = sub.add_parser(
        "list", help="list configurations", description="List configurations.", parents=[common]
    )
    listing.add_argument("--search", metavar="TEXT", help="only those matching TEXT")
    listing.set_defaults(handler=api_command(run_list))

    show = sub.add_parser(
        "show",
        help="show one configuration and its YAML",
        description="Show one configuration, its YAML and any unpublished draft.",
        parents=[common],
    )
    show.add_argument("config_id", metavar="ID", help="configuration id (`configs list`)")
    show.set_defaults(handler=api_command(run_show))


async def run_list(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    configurations = await fleet.configurations.list(search=args.search)
    documents = [c.model_dump(by_alias=True, mode="json") for c in configurations]
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
    try:
        configuration = await fleet.configurations.get(args.config_id)
    except GraphQLError:
        # The field is non-null, so LogScale answers an unknown id with a GraphQL error whose
        # wording is not an API; the list tells "does not exist" from other failures.
        known = {c.id for c in await fleet.configurations.list()}
        if args.config_id not in known:
            raise NotFound(
                f"no configuration has the id {shown_input(args.config_id)} "
                "(`configs list` shows them)"
            ) from None
        raise
    document = configuration.model_dump(by_alias=True, mode="json")
    if out.json:
        out.document(document)
        return 0
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
    if document["yaml"]:
        out.line()
        out.text_block(document["yaml"].rstrip("\n"))
    return 0


def _date(value: str | None) -> str:
    """`2025-09-18T08:12:44.512Z` -> `2025-09-18 08:12`: enough for a table."""
    if not value:
        return "-"
    return value[:16].replace("T", " ")


def _draft(document: dict[str, Any]) -> str:
    if not document["draft"]:
        return "no"
    return f"yes, modified {document['draftModifiedAt'] or '(unknown)'}"
