"""How to install an optional extra, for error messages: no package index serves logscale-fleet.

The package is installed from a checkout or from a wheel built from one (`uv build`); advice to
install it by name would send users to an index that does not have it.
"""

from __future__ import annotations

from logscale_fleet._version import __version__


def wheel_name() -> str:
    return f"logscale_fleet-{__version__}-py3-none-any.whl"


def extra_advice(extra: str) -> str:
    """`install it with ...` advice for the `extra` extra, from a checkout or a built wheel."""
    return (
        f"install the {extra} extra from a checkout (`uv tool install '.[{extra}]'`, or "
        f"`uv sync --extra {extra}` for development) or from a built wheel "
        f"(`uv tool install 'dist/{wheel_name()}[{extra}]'`); no package index serves "
        "logscale-fleet"
    )
