"""`plan`, `apply` and `tokens apply`: run the reconcile engine and render what it says.

The engine (logscale_fleet.reconcile) plans and applies; this module only decides what to ask
the person at the terminal (confirming deletes), shows progress, and renders plans and results:
`+ create`, `~ update` with the difference, `- delete`, a summary line. Every server-provided
string in a line goes through `printable()`, so an escape sequence in a token's name cannot
hide a delete row; JSON output is exact and one document.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli.exit_codes import CHANGES_PENDING, UsageError
from logscale_fleet.cli.options import whole_number
from logscale_fleet.cli.output import Output, notice, printable
from logscale_fleet.cli.terminal import Progress, confirm, stdin_is_terminal

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient
    from logscale_fleet.reconcile import ApplyResult, ChangeEvent
    from logscale_fleet.reconcile.plan import Change, FieldChange, Plan

SYMBOLS = {"create": "+", "update": "~", "delete": "-"}
# The engine's words, here too so that `--help` need not import the engine (and asyncio).
PAST = {"create": "created", "update": "updated", "delete": "deleted"}
MAX_CONCURRENCY = 256


def load_declaration(args: argparse.Namespace, *, tokens_only: bool = False) -> None:
    """Before connecting: every problem in the file is reported without touching a server."""
    from logscale_fleet.reconcile import Declaration

    declaration = Declaration.load(args.file)
    if tokens_only and set(declaration.kinds) - {"tokens"}:
        raise UsageError(
            f"{declaration.source}: `tokens apply` takes files that declare only tokens; "
            "use `logscale-fleet apply` for the whole file"
        )
    args.declaration = declaration


async def run_plan(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    plan = await _plan(fleet, args)
    if out.json:
        out.document({**plan.to_dict(), "dryRun": True})
    else:
        render_plan(out, plan)
    if getattr(args, "detailed_exitcode", False) and not plan.in_sync:
        return CHANGES_PENDING
    return 0


async def run_apply(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    if getattr(args, "dry_run", False):
        return await run_plan(fleet, args, out)
    plan = await _plan(fleet, args)
    if not out.json:
        render_plan(out, plan)
    if plan.in_sync:
        if out.json:
            result = await fleet.apply(plan)
            out.document({**result.to_dict(), "dryRun": False})
        return 0
    _allow_deletes(plan, args)
    result = await _execute(fleet, plan, args)
    if out.json:
        out.document({**result.to_dict(), "dryRun": False})
    else:
        render_result(out, result)
    return 0


async def _plan(fleet: FleetClient, args: argparse.Namespace) -> Plan:
    plan = await fleet.plan(args.declaration, prune=args.prune)
    for note in plan.notes:
        notice(printable(note))
    return plan


def _allow_deletes(plan: Plan, args: argparse.Namespace) -> None:
    """The guards on deleting: --max-deletes, then a person's yes or --yes."""
    deletes = plan.deletes
    if not deletes:
        return
    count = f"{len(deletes)} resource{'s' if len(deletes) != 1 else ''}"
    if len(deletes) > args.max_deletes:
        raise UsageError(
            f"the plan deletes {count}, more than --max-deletes {args.max_deletes}; nothing "
            "changed (raise --max-deletes if that is what you want)"
        )
    if args.yes:
        return
    if not stdin_is_terminal():
        raise UsageError(
            f"refusing to delete {count} without --yes: standard input is not a terminal, so "
            "nobody can confirm; nothing changed"
        )
    listed = ", ".join(printable(c.label) for c in deletes[:20])
    more = f" and {len(deletes) - 20} more" if len(deletes) > 20 else ""
    if not confirm(f"Apply, deleting {count} ({listed}{more})?"):
        raise UsageError("nothing changed (not confirmed)")


async def _execute(fleet: FleetClient, plan: Plan, args: argparse.Namespace) -> ApplyResult:
    from logscale_fleet.reconcile import ApplyError, ApplyResult

    result = ApplyResult()
    with Progress(len(plan.changes)) as progress:

        def on_change(event: ChangeEvent) -> None:
            if event.status != "started":
                word = PAST[event.change.action] if event.status == "done" else "failed"
                progress.step(f"{word} {printable(event.change.label)}")

        try:
            return await fleet.apply(
                plan,
                concurrency=args.concurrency,
                on_change=on_change,
                max_deletes=args.max_deletes,
                result=result,
            )
        except ApplyError as error:
            progress.close()
            _say_what_was_done(result, "this failure")
            # The first failure decides the error line and the exit code.
            raise error.result.failed[0].error from None
        except BaseException:
            progress.close()
            _say_what_was_done(result, "the interruption")
            raise


def _say_what_was_done(result: ApplyResult, what: str) -> None:
    total = (
        len(result.done) + len(result.failed) + len(result.interrupted) + len(result.not_started)
    )
    if result.done:
        listed = ", ".join(
            f"{PAST[a.change.action]} {printable(a.change.name)}" for a in result.done[:50]
        )
        more = f" and {len(result.done) - 50} more" if len(result.done) > 50 else ""
        notice(f"made {len(result.done)} of {total} changes before {what}: {listed}{more}")
    else:
        notice(f"made none of {total} changes before {what}")
    if result.interrupted:
        listed = ", ".join(printable(c.label) for c in result.interrupted[:50])
        notice(f"in flight, may or may not have happened: {listed}")
    notice("run the same command again to finish: it plans from what the server has now")


# -- rendering --------------------------------------------------------------------------------


def render_plan(out: Output, plan: Plan) -> None:
    for change in plan.changes:
        out.line(plan_line(change))
        for line in yaml_diff(change):
            out.line(f"    {printable(line)}")
    counts = plan.summary()
    out.line(
        f"Plan: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['delete']} to delete ({counts['unchanged']} unchanged)"
    )


def plan_line(change: Change) -> str:
    from logscale_fleet.reconcile.plan import mask

    head = f"{SYMBOLS[change.action]} {change.kind.replace('_', ' ')} {printable(change.name)}"
    if change.target:
        head += f" ({mask(change.target)})"
    details = _details(change.action, change.fields)
    return f"{head}  {details}" if details else head


def yaml_diff(change: Change) -> list[str]:
    """A configuration's YAML change as unified-diff lines (shown under its plan line)."""
    import difflib

    lines: list[str] = []
    for field in change.fields:
        if field.field == "yaml" and change.action != "delete":
            lines += [
                line.rstrip("\n")
                for line in difflib.unified_diff(
                    (field.before or "").splitlines(keepends=True),
                    (field.after or "").splitlines(keepends=True),
                    fromfile="server",
                    tofile="declared",
                )
            ]
    return lines


def _details(action: str, fields: Sequence[FieldChange]) -> str:
    parts = []
    for field in fields:
        if field.field == "yaml":
            # The YAML itself follows as a diff; the line says how big it is.
            before = len((field.before or "").splitlines())
            after = len((field.after or "").splitlines())
            parts.append(
                f"yaml: {after} lines" if action == "create" else f"yaml: {before} -> {after} lines"
            )
            continue
        if action == "create":
            parts.append(f"{field.field}: {_value(field.after)}")
        elif action == "update":
            parts.append(f"{field.field}: {_value(field.before)} -> {_value(field.after)}")
        else:
            parts.append(f"{field.field}: {_value(field.before)}")
    return ", ".join(parts)


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict) and "name" in value:
        return printable(str(value["name"]))
    return printable(str(value))


def render_result(out: Output, result: ApplyResult) -> None:
    from logscale_fleet.reconcile.plan import mask

    for applied in result.done:
        change = applied.change
        line = f"{PAST[change.action]} {change.kind.replace('_', ' ')} {printable(change.name)}"
        if applied.target:
            line += f" ({mask(applied.target)})"
        out.line(line)
    counts = result.summary()
    out.line(
        f"Apply complete: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted ({counts['unchanged']} unchanged)"
    )


# -- arguments --------------------------------------------------------------------------------


concurrency = whole_number(1, MAX_CONCURRENCY)
non_negative = whole_number(0)


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="the declaration (.yaml, .yml, .toml; - reads stdin)"
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also delete resources the file does not declare (never the default install token)",
    )


def add_apply_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--yes", "-y", action="store_true", help="delete without asking (needed without a terminal)"
    )
    parser.add_argument(
        "--concurrency",
        type=concurrency,
        default=16,
        metavar="N",
        help="changes in flight at once within a phase (default 16)",
    )
    parser.add_argument(
        "--max-deletes",
        type=non_negative,
        default=10,
        metavar="N",
        help="refuse a plan that deletes more than N resources (default 10)",
    )
