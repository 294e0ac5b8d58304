"""`fleet.installers`: the LogScale Collector builds LogScale offers for download, and the
versions collectors can be remotely updated to."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Literal

from logscale_fleet._core import validation
from logscale_fleet._core.executor import Executor
from logscale_fleet.settings import Timeouts

if TYPE_CHECKING:
    from logscale_graphql.fragments import InstallerFields as Installer
    from logscale_graphql.log_collector_installers import LogCollectorInstallers
    from logscale_graphql.log_collector_versions_available import LogCollectorVersionsAvailable

OperatingSystem = Literal["linux", "windows", "macos"]

# LogScale names an installer's type (deb, rpm, msi ...), not its operating system.
_OS_OF_TYPE = {"deb": "linux", "rpm": "linux", "msi": "windows", "exe": "windows", "pkg": "macos"}


def installer_os(installer: Installer) -> str | None:
    """The operating system an installer is for, from its type (None when unknown)."""
    return _OS_OF_TYPE.get(installer.type_.lower())


class Installers:
    """Collector installers and versions. Every method takes `timeout=` and `max_retries=`."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    async def list(
        self,
        *,
        os: OperatingSystem | None = None,
        version: str | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[Installer]:
        """Every installer, or only those for `os` and/or `version` (filtered here: LogScale's
        query takes no filters)."""
        if os is not None:
            os = validation.check_choice(
                os, "os", {"linux": "linux", "windows": "windows", "macos": "macos"}
            )
        if version is not None:
            validation.check_id(version, "version")
        result: LogCollectorInstallers = await self._executor.run(
            "LogCollectorInstallers", timeout=timeout, max_retries=max_retries
        )
        return [
            installer
            for installer in result.log_collector_installers or ()
            if (os is None or installer_os(installer) == os)
            and (version is None or installer.version == version)
        ]

    async def versions(
        self, *, timeout: float | Timeouts | None = None, max_retries: int | None = None
    ) -> builtins.list[str]:
        """The collector versions available through remote update."""
        result: LogCollectorVersionsAvailable = await self._executor.run(
            "LogCollectorVersionsAvailable", timeout=timeout, max_retries=max_retries
        )
        return [*result.log_collector_versions_available]
