"""Helpers for deriving schemas and locating selections in the schema-check tests."""

from __future__ import annotations

from pathlib import Path


def derive(sdl: str, old: str, new: str) -> str:
    """`sdl` with exactly one change; fails loudly if `old` is not there exactly once, so a
    test never silently compares a schema with itself."""
    count = sdl.count(old)
    assert count == 1, f"expected one {old!r} in the schema, found {count}"
    return sdl.replace(old, new)


def location_in(path: Path, line_text: str, *, at: str | None = None, relative_to: Path) -> str:
    """`file:line:col` of `at` (default: the start of `line_text`) on the only line holding
    `line_text`, computed from the file as it is now so edits to queries/ do not break tests."""
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [i for i, line in enumerate(lines) if line_text in line]
    assert len(matches) == 1, f"expected one {line_text!r} in {path}, found {len(matches)}"
    line = lines[matches[0]]
    column = line.index(at if at is not None else line_text)
    return f"{path.relative_to(relative_to).as_posix()}:{matches[0] + 1}:{column + 1}"
