"""The `logscale-fleet` command."""

from logscale_fleet.cli.main import main

__all__ = ["main"]
