"""The LogScale Collector builds the sandbox offers: a fixed catalogue (nothing to store).

Versions are those `setWantedLogCollectorVersion` and group wanted versions accept; each has a
Linux deb and rpm (x64 and arm64), a Windows msi and a macOS pkg.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VERSIONS", "Installer", "installers"]

# Newest first, as LogScale lists them.
VERSIONS: tuple[str, ...] = ("1.9.1", "1.9.0", "1.8.2", "1.8.1")

_BUILDS: tuple[tuple[str, str, str, int], ...] = (
    # (file name pattern, architecture, type, size in bytes)
    ("humio-log-collector_{v}_linux_amd64.deb", "x64", "deb", 31_457_280),
    ("humio-log-collector_{v}_linux_arm64.deb", "arm64", "deb", 29_884_416),
    ("humio-log-collector-{v}-1.x86_64.rpm", "x64", "rpm", 31_522_816),
    ("humio-log-collector-{v}-1.aarch64.rpm", "arm64", "rpm", 29_949_952),
    ("humio-log-collector_{v}_windows_amd64.msi", "x64", "msi", 27_262_976),
    ("humio-log-collector_{v}_darwin_universal.pkg", "universal", "pkg", 45_088_768),
)

_ICONS = {"deb": "linux.svg", "rpm": "linux.svg", "msi": "windows.svg", "pkg": "macos.svg"}


@dataclass(frozen=True)
class Installer:
    name: str
    version: str
    architecture: str
    type: str
    size: int
    icon: str


def installers() -> list[Installer]:
    return [
        Installer(pattern.format(v=version), version, arch, kind, size, _ICONS[kind])
        for version in VERSIONS
        for pattern, arch, kind, size in _BUILDS
    ]
