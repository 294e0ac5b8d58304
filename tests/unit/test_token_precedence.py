"""Which API token wins when several are configured: the README's order, checked pair by pair."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet.settings import resolve_settings

URL = "https://logscale.example.com"

# Highest precedence first, as the README's configuration table and `--help` list them.
SOURCES = ("token", "token_file", "LOGSCALE_TOKEN", "LOGSCALE_TOKEN_FILE", "HUMIO_TOKEN")


def _configure(source: str, folder: Path, kwargs: dict[str, Any], env: dict[str, str]) -> str:
    """Set `source` to a token of its own; that token."""
    value = f"token-from-{source.lower().replace('_', '-')}"
    if source in ("token_file", "LOGSCALE_TOKEN_FILE"):
        path = folder / f"{source}.txt"
        path.write_text(value + "\n")
        path.chmod(0o600)
        where: str = str(path)
    else:
        where = value
    if source in ("token", "token_file"):
        kwargs[source] = where
    else:
        env[source] = where
    return value


PAIRS = list(itertools.combinations(SOURCES, 2))


@pytest.mark.parametrize(("higher", "lower"), PAIRS, ids=[f"{a}-over-{b}" for a, b in PAIRS])
def test_the_higher_source_wins(tmp_path: Path, higher: str, lower: str) -> None:
    kwargs: dict[str, Any] = {}
    env = {"LOGSCALE_URL": URL}
    expected = _configure(higher, tmp_path, kwargs, env)
    _configure(lower, tmp_path, kwargs, env)
    assert resolve_settings(env=env, **kwargs).token == expected


@pytest.mark.parametrize("source", SOURCES)
def test_each_source_alone_is_used(tmp_path: Path, source: str) -> None:
    kwargs: dict[str, Any] = {}
    env = {"LOGSCALE_URL": URL}
    expected = _configure(source, tmp_path, kwargs, env)
    assert resolve_settings(env=env, **kwargs).token == expected
