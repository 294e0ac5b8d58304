"""The operations an installed logscale-fleet sends, for `schema check` outside a checkout.

A wheel carries a copy of its schema.graphql, queries/ and pyproject.toml (hatch force-include,
into `logscale_fleet/_data/`, where the sandbox finds its schema too), so `logscale-fleet schema
check --against URL` run anywhere checks the client that is installed: what an "answer does not
fit the generated model" error asks a user to run. A checkout has no such copy; there the
project folder is the truth.
"""

from __future__ import annotations

from pathlib import Path

from logscale_fleet.schema.check import QUERIES_DIR

PACKAGED = Path(__file__).resolve().parents[1] / "_data"


def project_to_check(given: str | None) -> tuple[Path, bool]:
    """The project folder to check and whether it is the packaged copy.

    An explicit `--project` is always used as given; without one, the current folder when it
    holds queries/, else the packaged copy when this is an installed wheel."""
    project = Path(given if given is not None else ".")
    if given is not None or (project / QUERIES_DIR).is_dir():
        return project, False
    if (PACKAGED / QUERIES_DIR).is_dir():
        return PACKAGED, True
    return project, False
