"""`schema update`: pull the slice, say what changed, check our operations, regenerate.

    plan_update   the new slice from a full schema, what changed in it (diff.py), and the check
                  of our operations against it; reads the project, writes nothing
    apply_update  generates the client from the new slice in a temporary copy, then writes
                  schema.graphql and generated/ (only when the operations still work, or forced)

Nothing is written when the operations break: the project stays as it was, consistent, and the
report says what to fix. Output is deterministic: the same source gives the same slice and the
same generated files, byte for byte, so a second run finds nothing to change.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from graphql import GraphQLSchema

from logscale_fleet.errors import ConfigurationError
from logscale_fleet.schema.check import (
    QUERIES_DIR,
    SCHEMA_FILE,
    CheckReport,
    GeneratedCheck,
    SchemaSource,
    TargetReport,
    build_schema_from,
)
from logscale_fleet.schema.compat import check_compatibility
from logscale_fleet.schema.config import allowed_preview_fields
from logscale_fleet.schema.diff import SliceChange, diff_slices
from logscale_fleet.schema.documents import read_operations
from logscale_fleet.schema.freshness import CodegenLayout, python_files, regenerate
from logscale_fleet.schema.pull import pull_from_sdl, slice_root_fields
from logscale_fleet.schema.stability import stability_report
from logscale_fleet.schema.validate import validate_operations

NEW_SLICE = "the new schema.graphql"


@dataclass(frozen=True)
class UpdatePlan:
    source: SchemaSource  # the full schema the slice is pulled from
    current_sdl: str
    new_sdl: str
    changes: tuple[SliceChange, ...]
    check: CheckReport  # the operations against the new slice

    @property
    def slice_changed(self) -> bool:
        return self.current_sdl != self.new_sdl

    @property
    def breaks(self) -> bool:
        return not self.check.ok


@dataclass(frozen=True)
class UpdateResult:
    plan: UpdatePlan
    dry_run: bool
    written: bool
    generated_changed: tuple[str, ...]  # generated files written or removed, project-relative
    codegen_error: str | None = None  # --force on broken operations: the slice written alone

    @property
    def exit_code(self) -> int:
        return 1 if self.plan.breaks else 0


def plan_update(project_dir: Path, source: SchemaSource, *, live: bool = False) -> UpdatePlan:
    """Everything `schema update` would do, decided without writing.

    The slice's header names the LogScale version only when `live` (asked from the server),
    as `schema pull` does, so an update from a file makes the same slice as a pull from it."""
    current_path = project_dir / SCHEMA_FILE
    current = SchemaSource.from_file(current_path, argument=SCHEMA_FILE)
    new_sdl = pull_from_sdl(
        source.sdl,
        source_name=source.name,
        root_fields=slice_root_fields(project_dir),
        version=source.version if live else None,
    ).sdl
    ours = build_schema_from(current)
    theirs = build_schema_from(SchemaSource(NEW_SLICE, new_sdl))
    return UpdatePlan(
        source=source,
        current_sdl=current.sdl,
        new_sdl=new_sdl,
        changes=diff_slices(ours, theirs),
        check=_check(project_dir, source, ours, theirs),
    )


def _check(
    project_dir: Path, source: SchemaSource, ours: GraphQLSchema, theirs: GraphQLSchema
) -> CheckReport:
    """The operations must be valid against the new slice (a new operation may need it, so it is
    not required against the current one); what changed for the current client, and the
    stability levels, come from comparing the two slices."""
    operations = read_operations(project_dir / QUERIES_DIR, relative_to=project_dir)
    validation = validate_operations(theirs, operations, schema_name=NEW_SLICE)
    compatibility = check_compatibility(operations, ours, theirs, schema_name=source.name)
    # A removed field is both invalid and breaking: say it once, as the breaking change.
    explained = {f.location for f in compatibility.breaking if f.location is not None}
    validation = replace(
        validation,
        errors=tuple(
            e for e in validation.errors if not (e.locations and e.locations[0] in explained)
        ),
    )
    target = TargetReport(
        source=source,
        compatibility=compatibility,
        stability=stability_report(
            operations,
            theirs,
            schema_name=source.name,
            allow_preview=allowed_preview_fields(project_dir / "pyproject.toml"),
        ),
        strict=False,
    )
    failures = [f"{len(validation.errors)} invalid operation error(s)"] if validation.errors else []
    return CheckReport(
        project=str(project_dir),
        schema=NEW_SLICE,
        strict=False,
        operations=validation,
        generated=GeneratedCheck(skipped=True),
        targets=(target,),
        slice_stability=None,
        failures=(*failures, *target.failures),
    )


def apply_update(
    project_dir: Path, plan: UpdatePlan, *, force: bool = False, dry_run: bool = False
) -> UpdateResult:
    """Regenerate from the new slice and write it, unless the operations break (or `force`).
    A dry run generates in a temporary folder too, to list the files that would change."""
    if (plan.breaks and not force) or not plan.slice_changed:
        return UpdateResult(plan, dry_run=dry_run, written=False, generated_changed=())
    codegen_error = None
    changed: tuple[str, ...] = ()
    with tempfile.TemporaryDirectory(prefix="logscale-fleet-update-") as tmp:
        try:
            fresh = regenerate(project_dir, Path(tmp), replace={SCHEMA_FILE: plan.new_sdl})
        except ConfigurationError as exc:
            if not plan.breaks:
                raise
            # Forced over broken operations: codegen cannot succeed until queries/ is fixed.
            codegen_error = exc.message
        else:
            package = CodegenLayout.read(project_dir).package
            changed = _sync_package(fresh, project_dir, package, write=not dry_run)
    if dry_run:
        return UpdateResult(plan, True, False, changed, codegen_error)
    # The slice last: were anything above to fail, the project keeps its old, consistent pair.
    (project_dir / SCHEMA_FILE).write_text(plan.new_sdl, encoding="utf-8")
    return UpdateResult(plan, False, True, changed, codegen_error)


def _sync_package(fresh: Path, project_dir: Path, package: str, *, write: bool) -> tuple[str, ...]:
    """The generated files that differ (project-relative); with `write`, make them equal."""
    committed = project_dir / package
    fresh_files = python_files(fresh)
    committed_files = python_files(committed)
    prefix = package
    changed = []
    for name in sorted(fresh_files | committed_files):
        source, target = fresh / name, committed / name
        if name not in fresh_files:
            if write:
                target.unlink()
        elif target.is_file() and target.read_bytes() == source.read_bytes():
            continue
        elif write:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        changed.append(f"{prefix}/{name}")
    return tuple(changed)


def update_project(
    project_dir: Path,
    source: SchemaSource,
    *,
    live: bool = False,
    dry_run: bool = False,
    force: bool = False,
) -> UpdateResult:
    plan = plan_update(project_dir, source, live=live)
    return apply_update(project_dir, plan, force=force, dry_run=dry_run)
