"""`logscale-fleet profiles list|show|add|remove|use`: named clusters in the profile file.

`add` takes the global connection options (`--url`, `--token-file`, `--ca-cert`, `--insecure`)
as the new profile's settings, asks for what is missing on a terminal (the token without echo),
and saves only after the connection works. A token typed at the prompt is stored in the 0600
profile file; `--token-file` stores the path, not the token. No command prints a token.
humioctl's profiles are listed and usable but never changed: that file belongs to humioctl.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.exit_codes import NotFound, UsageError
from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.output import Output, notice
from logscale_fleet.cli.terminal import stdin_is_terminal

if TYPE_CHECKING:
    from logscale_fleet.profiles import Profile

DESCRIPTION = """\
Named LogScale clusters, so `--profile prod` (or LOGSCALE_PROFILE=prod) replaces a set of
variables. Profiles live in $XDG_CONFIG_HOME/logscale-fleet/config.toml (default
~/.config/logscale-fleet/config.toml, mode 0600); humioctl's ~/.humio/config.yaml is read too,
never written. `profiles use NAME` makes NAME the default.
"""


def register(commands: Any) -> None:
    profiles = commands.add_parser(
        "profiles",
        help="list, show, add, remove and choose cluster profiles",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = profiles.add_subparsers(dest="profiles_command", metavar="SUBCOMMAND")
    sub.required = True
    common = leaf_options()

    listing = sub.add_parser("list", help="list profiles (ours and humioctl's)", parents=[common])
    listing.set_defaults(handler=run_list)

    show = sub.add_parser(
        "show", help="show a profile (default: the selected one); never its token", parents=[common]
    )
    show.add_argument("name", metavar="PROFILE", nargs="?", help="profile name")
    show.set_defaults(handler=run_show)

    add = sub.add_parser(
        "add",
        help="add a profile after testing the connection",
        description="Add a profile. Its settings are the global options --url, --token-file, "
        "--ca-cert and --insecure; on a terminal the URL is asked for if missing and the API "
        "token is read without echo unless --token-file is given. The connection is tested "
        "(one cheap Fleet Management read) before anything is saved.",
        parents=[common],
    )
    add.add_argument("name", metavar="NAME", help="profile name (letters, digits, - and _)")
    add.add_argument(
        "--default", dest="make_default", action="store_true", help="make it the default"
    )
    add.add_argument("--force", action="store_true", help="replace a profile of that name")
    add.add_argument("--no-check", action="store_true", help="save without testing the connection")
    add.set_defaults(handler=run_add)

    remove = sub.add_parser("remove", help="remove a profile", parents=[common])
    remove.add_argument("name", metavar="PROFILE", help="profile name")
    remove.set_defaults(handler=run_remove)

    use = sub.add_parser("use", help="make a profile the default", parents=[common])
    use.add_argument("name", metavar="PROFILE", help="profile name")
    use.set_defaults(handler=run_use)


def _document(profile: Profile, default: str | None) -> dict[str, Any]:
    return {
        "name": profile.name,
        "default": profile.name == default,
        "from": profile.kind,
        "file": str(profile.path),
        "url": profile.url,
        "token": profile.token_description,
        "caCert": profile.ca_cert,
        "insecure": bool(profile.insecure),
    }


def run_list(args: argparse.Namespace) -> int:
    from logscale_fleet.profiles import all_profiles

    out = Output.for_args(args)
    ours, humioctl = all_profiles()
    listed = list(ours.profiles.values()) + [
        p for name, p in humioctl.profiles.items() if name not in ours.profiles
    ]
    documents = [_document(p, ours.default) for p in listed]
    if out.json:
        out.document(documents)
        return 0
    if not documents:
        notice(f"no profiles in {ours.path} or {humioctl.path} (`profiles add NAME` adds one)")
        return 0
    out.table(
        ("NAME", "DEFAULT", "URL", "FROM"),
        ((d["name"], "*" if d["default"] else "", d["url"] or "-", d["from"]) for d in documents),
    )
    return 0


def run_show(args: argparse.Namespace) -> int:
    from logscale_fleet.profiles import select

    out = Output.for_args(args)
    selection = select(args.name or args.profile)
    if selection.profile is None:
        raise UsageError(f"no profile selected ({selection.reason}); name one: profiles show NAME")
    from logscale_fleet.profiles import load_config

    document = _document(selection.profile, load_config().default)
    if out.json:
        out.document(document)
        return 0
    out.fields(
        [
            ("name", document["name"] + (" (default)" if document["default"] else "")),
            ("from", f"{document['from']}, {document['file']}"),
            ("url", document["url"] or "-"),
            ("token", document["token"]),
            ("ca cert", document["caCert"] or "-"),
            ("insecure", "yes" if document["insecure"] else "no"),
        ]
    )
    return 0


def run_add(args: argparse.Namespace) -> int:
    from logscale_fleet import profiles
    from logscale_fleet.settings import normalize_url, read_token_file

    name = profiles.check_name(args.name)
    config = profiles.load_config()
    if name in config.profiles and not args.force:
        raise UsageError(f"profile {name!r} exists in {config.path}; --force replaces it")
    if args.api_token is not None:
        raise UsageError(
            "profiles add does not take --token (other users see it in `ps`): give "
            "--token-file FILE, or run it on a terminal to be asked"
        )
    url = args.url or _ask("LogScale URL (e.g. https://cloud.humio.com): ", "--url URL")
    normalize_url(url, source="the URL")
    token: str | None = None
    token_file: str | None = None
    if args.api_token_file is not None:
        from pathlib import Path

        token_file = str(Path(args.api_token_file).expanduser().absolute())
        read_token_file(token_file, "--token-file")  # usable now, not at the first command
    else:
        token = _ask_secret("API token (not shown): ")
    profile = profiles.Profile(
        name,
        url=url.strip(),
        token=token,
        token_file=token_file,
        ca_cert=args.ca_cert,
        insecure=True if args.insecure else None,
    )
    if not args.no_check:
        _check_connection(profile)
    profiles.save_config(profiles.with_profile(config, profile, default=args.make_default))
    saved = profiles.load_config()
    suffix = " (the default)" if saved.default == name else ""
    notice(f"saved profile {name!r}{suffix} in {saved.path}")
    return 0


def _check_connection(profile: Profile) -> None:
    import asyncio

    from logscale_fleet.cli import logs
    from logscale_fleet.cli.status_command import probe
    from logscale_fleet.client import FleetClient
    from logscale_fleet.settings import read_token_file

    secret = profile.token
    if secret is None and profile.token_file is not None:
        secret = read_token_file(profile.token_file, "--token-file")
    logs.add_secret(secret or "")

    async def run() -> None:
        async with FleetClient(
            profile.url,
            secret,
            ca_cert=profile.ca_cert,
            verify=not profile.insecure,
            max_retries=0,
        ) as fleet:
            report, failure = await probe(fleet)
        if failure is not None:
            notice("not saved: the connection test failed (--no-check saves anyway)")
            raise failure
        notice(f"connected: LogScale {report['serverVersion'] or '(version unknown)'}")

    asyncio.run(run())


def _ask(prompt: str, option: str) -> str:
    if not stdin_is_terminal():
        raise UsageError(f"standard input is not a terminal, so nobody can be asked: pass {option}")
    sys.stderr.write(prompt)
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    if not answer:
        raise UsageError(f"nothing entered; pass {option}")
    return answer


def _ask_secret(prompt: str) -> str:
    if not stdin_is_terminal():
        raise UsageError(
            "standard input is not a terminal, so the API token cannot be asked for: pass "
            "--token-file FILE"
        )
    import getpass

    answer = getpass.getpass(prompt, stream=sys.stderr).strip()
    if not answer:
        raise UsageError("no API token entered")
    return answer


def run_remove(args: argparse.Namespace) -> int:
    from logscale_fleet import profiles

    config = profiles.load_config()
    if args.name not in config.profiles:
        _not_ours(args.name, config.path)
    remaining = {k: v for k, v in config.profiles.items() if k != args.name}
    default = None if config.default == args.name else config.default
    profiles.save_config(replace(config, profiles=remaining, default=default))
    notice(f"removed profile {args.name!r} from {config.path}")
    return 0


def run_use(args: argparse.Namespace) -> int:
    from logscale_fleet import profiles

    config, humioctl = profiles.all_profiles()
    if args.name not in config.profiles and args.name not in humioctl.profiles:
        raise NotFound(
            f"no profile {args.name!r} in {config.path} or {humioctl.path} "
            "(`profiles list` shows them)"
        )
    profiles.save_config(replace(config, default=args.name))
    notice(f"{args.name!r} is now the default profile ({config.path})")
    return 0


def _not_ours(name: str, path: Any) -> None:
    from logscale_fleet.profiles import load_humioctl

    humioctl = load_humioctl()
    if name in humioctl.profiles:
        raise UsageError(
            f"profile {name!r} is humioctl's ({humioctl.path}); logscale-fleet never changes "
            "that file"
        )
    raise NotFound(f"no profile {name!r} in {path} (`profiles list` shows them)")
