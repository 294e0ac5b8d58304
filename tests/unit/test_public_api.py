"""The public names: all importable at run time, and `import logscale_fleet` stays light."""

from __future__ import annotations

import subprocess
import sys

import logscale_fleet
from logscale_graphql.fragments import ConfigurationFields, InstallTokenFields


def test_every_public_name_resolves() -> None:
    for name in logscale_fleet.__all__:
        assert getattr(logscale_fleet, name) is not None, name


def test_the_models_users_receive_are_the_generated_ones() -> None:
    from logscale_fleet import Configuration, EnsureOutcome, InstallToken
    from logscale_fleet.resources.install_tokens import EnsureOutcome as Defined

    assert InstallToken is InstallTokenFields
    assert Configuration is ConfigurationFields
    assert EnsureOutcome is Defined


def test_every_error_class_is_exported() -> None:
    from logscale_fleet import errors

    assert set(errors.__all__) <= set(logscale_fleet.__all__)


def test_importing_the_package_loads_no_http_or_models() -> None:
    probe = (
        "import sys, logscale_fleet\n"
        "heavy = [m for m in ('httpx', 'pydantic', 'logscale_graphql', 'aiohttp') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
