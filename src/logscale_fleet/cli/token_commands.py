"""`logscale-fleet tokens ...`: the install-token lifecycle.

A token is named on the command line by its value (LogScale gives tokens no other id) or, with
`--by-name`, by its name, which keeps the secret value out of shell history and `ps`. Token values
never appear in messages: they are masked like in the tables.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.apply import add_apply_arguments, add_file_argument
from logscale_fleet.cli.exit_codes import CommandError, NotFound, UsageError
from logscale_fleet.cli.fleet_commands import FILE_FORMAT
from logscale_fleet.cli.options import leaf_options, whole_number
from logscale_fleet.cli.output import (
    OS_FIELDS,
    Output,
    configuration_label,
    mask,
    notice,
    printable,
    shown_input,
    token_document,
    token_fields,
)
from logscale_fleet.cli.session import api_command
from logscale_fleet.cli.terminal import Progress, check_delete, confirm

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient, InstallToken

BY_NAME_HELP = "TOKEN is the token's name instead of its value (the name must be unique)"
SHOW_SECRETS_HELP = "show token values, JWTs and install commands in full (default: masked)"


def register(commands: Any) -> None:
    """Add `tokens` and its subcommands to the top-level subparsers."""
    tokens = commands.add_parser(
        "tokens",
        help="create, list, change and delete install tokens",
        description="Manage Fleet Management installation tokens, which enrol LogScale "
        "Collectors. Token values, JWTs and install commands are masked (first 4 characters "
        "and an ellipsis) unless --show-secrets is given; create and ensure print them in full.",
    )
    sub = tokens.add_subparsers(dest="tokens_command", metavar="SUBCOMMAND")
    sub.required = True
    common = leaf_options()

    def leaf(name: str, help_text: str, description: str | None = None) -> Any:
        return sub.add_parser(
            name, help=help_text, description=description or help_text, parents=[common]
        )

    create = leaf(
        "create",
        "create an install token and print it, its JWT and install commands",
        "Create an install token. Its value, JWT and install commands are printed in full; "
        "store them now (later commands mask them unless --show-secrets is given).",
    )
    create.add_argument("name", metavar="NAME", help="token name")
    create.add_argument("--config-id", metavar="ID", help="collector configuration to assign")
    create.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="create it even if a token with this name exists (LogScale allows it; "
        "`tokens ensure` reuses the existing one instead)",
    )
    create.set_defaults(handler=api_command(run_create))

    listing = leaf("list", "list install tokens (secrets masked)")
    listing.add_argument(
        "--sort",
        choices=("name", "config"),
        default="name",
        help="sort by token name or configuration name (default: name)",
    )
    listing.add_argument(
        "--order", choices=("asc", "desc"), default="asc", help="sort order (default: asc)"
    )
    listing.add_argument(
        "--limit", type=positive_int, metavar="N", help="show at most N tokens (default: all)"
    )
    listing.add_argument("--show-secrets", action="store_true", help=SHOW_SECRETS_HELP)
    listing.set_defaults(handler=api_command(run_list))

    show = leaf("show", "show one install token (secrets masked)")
    show.add_argument("target", metavar="TOKEN", help="token value (or name with --by-name)")
    show.add_argument("--by-name", action="store_true", help=BY_NAME_HELP)
    show.add_argument("--show-secrets", action="store_true", help=SHOW_SECRETS_HELP)
    show.set_defaults(handler=api_command(run_show))

    rename = leaf("rename", "rename an install token")
    rename.add_argument("target", metavar="TOKEN", help="token value (or name with --by-name)")
    rename.add_argument("new_name", metavar="NEW_NAME", help="the new name")
    rename.add_argument("--by-name", action="store_true", help=BY_NAME_HELP)
    rename.set_defaults(handler=api_command(run_rename))

    assign = leaf("assign", "assign a collector configuration to an install token, or none")
    assign.add_argument("target", metavar="TOKEN", help="token value (or name with --by-name)")
    target = assign.add_mutually_exclusive_group(required=True)
    target.add_argument("--config-id", metavar="ID", help="configuration to assign")
    target.add_argument("--none", action="store_true", help="unassign the configuration")
    assign.add_argument("--by-name", action="store_true", help=BY_NAME_HELP)
    assign.set_defaults(handler=api_command(run_assign))

    delete = leaf(
        "delete",
        "delete install tokens",
        "Delete install tokens. Every token is looked up first; if any does not exist, "
        "nothing is deleted (exit 4). Asks for confirmation on a terminal; without a "
        "terminal, --yes is required (exit 2 otherwise).",
    )
    delete.add_argument(
        "targets", nargs="+", metavar="TOKEN", help="token values (or names with --by-name)"
    )
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.add_argument("--by-name", action="store_true", help=BY_NAME_HELP)
    delete.set_defaults(handler=api_command(run_delete, check=check_delete))

    ensure = leaf(
        "ensure",
        "make sure a token with this name and configuration exists",
        "Idempotent create-or-update: reuse the token named NAME (reassigning its "
        "configuration if it differs; no --config-id means none) or create it. Says "
        "whether it created, updated or left it unchanged, and prints the token in full so "
        "scripts can enrol hosts with it.",
    )
    ensure.add_argument("name", metavar="NAME", help="token name (must be unique on the server)")
    ensure.add_argument("--config-id", metavar="ID", help="configuration the token must have")
    ensure.set_defaults(handler=api_command(run_ensure))

    install = leaf(
        "install-command",
        "print only a token's install command, for piping",
        "Print the collector install command for one operating system and nothing else. "
        'With --output json: {"linuxCommand": ...} (the GraphQL field name).',
    )
    install.add_argument("target", metavar="TOKEN", help="token value (or name with --by-name)")
    install.add_argument("--os", required=True, choices=tuple(OS_FIELDS), dest="os")
    install.add_argument("--by-name", action="store_true", help=BY_NAME_HELP)
    install.set_defaults(handler=api_command(run_install_command))

    apply = leaf(
        "apply",
        "make the server's install tokens match a file (alias of `apply`, tokens only)",
        APPLY_DESCRIPTION,
    )
    apply.formatter_class = argparse.RawDescriptionHelpFormatter
    add_file_argument(apply)
    apply.add_argument("--dry-run", action="store_true", help="print the plan (as `plan`)")
    add_apply_arguments(apply)
    apply.set_defaults(handler=api_command(run_apply, check=check_apply, bulk=True))


APPLY_DESCRIPTION = (
    "The token-only form of `logscale-fleet apply` (--dry-run: `logscale-fleet plan`). "
    "Missing tokens are created, tokens whose configuration differs are updated, and with "
    "--prune tokens the file does not name are deleted (asking first).\n\n" + FILE_FORMAT
)


positive_int = whole_number(1)


# -- looking tokens up ------------------------------------------------------------------------


async def resolve_token(fleet: FleetClient, given: str, *, by_name: bool) -> InstallToken:
    """The token named on the command line, or NotFound (exit 4)."""
    if by_name:
        matches = await fleet.install_tokens.find(given)
        if not matches:
            raise NotFound(
                f"no install token is named {shown_input(given)} (`tokens list` shows them)"
            )
        if len(matches) > 1:
            shown = ", ".join(mask(t.token) for t in matches)
            raise UsageError(
                f"{len(matches)} install tokens are named {shown_input(given)} ({shown}); pass "
                "the token "
                "value instead of --by-name (`tokens list --show-secrets` shows the values)"
            )
        return matches[0]
    found = await fleet.install_tokens.get(given)
    if found is None:
        raise NotFound(
            f"no install token has the value {mask(given)} (`tokens list` shows them; "
            "--by-name looks tokens up by name)"
        )
    return found


def describe_token(token: InstallToken) -> str:
    return f"{printable(token.name)} ({mask(token.token)})"


def show_token(out: Output, token: InstallToken, *, show_secrets: bool) -> None:
    document = token_document(token, show_secrets=show_secrets)
    if out.json:
        out.document(document)
    else:
        out.fields(token_fields(document))


# -- commands ---------------------------------------------------------------------------------


async def run_create(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli.create import ambiguous_create_error

    ensure = ensure_command(args.name, args.config_id)
    if not args.allow_duplicate:
        # A second token of the same name is almost always an accident, and it makes later
        # `ensure`, `apply` and `--by-name` refuse the name as ambiguous.
        existing = await fleet.install_tokens.find(args.name)
        if existing:
            shown = ", ".join(mask(t.token) for t in existing)
            raise UsageError(
                f"an install token named {shown_input(args.name)} already exists ({shown}): "
                f"`{ensure}` reuses it; --allow-duplicate creates another one"
            )
    try:
        token = await fleet.install_tokens.create(args.name, config_id=args.config_id)
    except Exception as exc:
        ambiguous = ambiguous_create_error(exc, ensure)
        if ambiguous is None:
            raise
        raise ambiguous from exc
    show_token(out, token, show_secrets=True)
    return 0


def ensure_command(name: str, config_id: str | None) -> str:
    import shlex

    words = ["logscale-fleet", "tokens", "ensure", name]
    if config_id is not None:
        words += ["--config-id", config_id]
    return printable(shlex.join(words))


LIST_PAGE_SIZE = 1000


async def run_list(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    tokens: list[InstallToken] = []
    if args.limit:
        # The first N in the server's order: only N tokens cross the wire.
        async for token in fleet.install_tokens.iter(
            page_size=min(args.limit, LIST_PAGE_SIZE), sort_by=args.sort, order=args.order
        ):
            tokens.append(token)
            if len(tokens) >= args.limit:
                break
    else:
        # Everything in one request, sorted locally: paging 10,000 tokens 1,000 at a time paid
        # 11 round trips (and the server's sort per page) for what one request carries.
        tokens = await fleet.install_tokens.list(sort_by=args.sort, order=args.order)
    documents = (token_document(token, show_secrets=args.show_secrets) for token in tokens)
    if out.json:
        out.documents(documents)
    elif not tokens:
        notice("no install tokens")
    else:
        out.table(
            ("NAME", "TOKEN", "CONFIGURATION", "CONFIG ID"),
            (
                (
                    d["name"],
                    d["token"],
                    (d["assignedConfiguration"] or {}).get("name", "-"),
                    (d["assignedConfiguration"] or {}).get("id", "-"),
                )
                for d in documents
            ),
        )
    return 0


async def run_show(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    token = await resolve_token(fleet, args.target, by_name=args.by_name)
    show_token(out, token, show_secrets=args.show_secrets)
    return 0


async def run_rename(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    token = await resolve_token(fleet, args.target, by_name=args.by_name)
    renamed = await fleet.install_tokens.rename(token.token, args.new_name)
    if out.json:
        out.document(token_document(renamed, show_secrets=False))
    else:
        out.line(f"renamed {token.name!r} to {renamed.name!r} ({mask(renamed.token)})")
    return 0


async def run_assign(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    token = await resolve_token(fleet, args.target, by_name=args.by_name)
    config_id = None if args.none else args.config_id
    updated = await fleet.install_tokens.assign_configuration(token.token, config_id)
    document = token_document(updated, show_secrets=False)
    if out.json:
        out.document(document)
    else:
        label = configuration_label(document.get("assignedConfiguration"))
        what = "no configuration" if config_id is None else f"configuration {label}"
        out.line(f"{describe_token(updated)} now has {what}")
    return 0


async def run_delete(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    targets: dict[str, InstallToken] = {}
    with Progress(len(args.targets)) as progress:
        for given in args.targets:
            progress.step(f"looking up {shown_input(given) if args.by_name else mask(given)}")
            token = await resolve_token(fleet, given, by_name=args.by_name)
            targets.setdefault(token.token, token)
    if not args.yes:
        listed = ", ".join(describe_token(t) for t in targets.values())
        count = f"{len(targets)} install token{'s' if len(targets) != 1 else ''}"
        if not confirm(f"Delete {count}: {listed}?"):
            raise UsageError("nothing deleted (not confirmed)")
    deleted: list[InstallToken] = []
    try:
        with Progress(len(targets)) as progress:
            for token in targets.values():
                progress.step(f"deleting {describe_token(token)}")
                if not await fleet.install_tokens.delete(token.token):
                    raise CommandError(
                        f"the server did not delete {describe_token(token)} (it answered false)"
                    )
                deleted.append(token)
    except BaseException:
        # The progress line is gone by now; say what did happen before the error line.
        if deleted:
            done = ", ".join(describe_token(t) for t in deleted)
            notice(f"deleted {len(deleted)} of {len(targets)} before this failure: {done}")
        raise
    if out.json:
        out.document([{"name": t.name, "token": mask(t.token)} for t in deleted])
    else:
        for token in deleted:
            out.line(f"deleted {describe_token(token)}")
    return 0


async def run_ensure(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    outcome = await fleet.install_tokens.reconcile(args.name, config_id=args.config_id)
    token, action = outcome.token, outcome.action
    document = token_document(token, show_secrets=True)
    if out.json:
        out.document({"action": action, "installToken": document})
    else:
        out.line(f"{action} install token {token.name!r}")
        out.fields(token_fields(document))
    return 0


async def run_install_command(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    token = await resolve_token(fleet, args.target, by_name=args.by_name)
    key = OS_FIELDS[args.os]
    command: str = token.model_dump(by_alias=True)["installationCommands"][key]
    if out.json:
        out.document({key: command})
    else:
        out.line(command)
    return 0


def check_apply(args: argparse.Namespace) -> None:
    from logscale_fleet.cli.apply import load_declaration

    load_declaration(args, tokens_only=True)


async def run_apply(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import apply

    return await apply.run_apply(fleet, args, out)
