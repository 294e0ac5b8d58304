"""`--help` stays light: it imports no HTTP client, models, sandbox or schema tools."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "httpx",
    "pydantic",
    "logscale_graphql",
    "logscale_fleet.client",
    "logscale_fleet.sandbox",
    "logscale_fleet.schema",
    "graphql",
    "ariadne",
    "uvicorn",
    "yaml",
    "asyncio",
)


def imported_modules(*argv: str) -> set[str]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and CLI
        [sys.executable, "-X", "importtime", "-m", "logscale_fleet.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: logscale-fleet")
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("tokens", "--help"), ("tokens", "apply", "--help"), ("configs", "--help")],
)
def test_help_imports_nothing_heavy(argv: tuple[str, ...]) -> None:
    modules = imported_modules(*argv)
    assert "logscale_fleet.cli.main" in modules  # the measurement itself works
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
    assert heavy == []
