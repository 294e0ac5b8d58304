"""fleet.installers: installers filtered by OS and version, available versions."""

from __future__ import annotations

import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import InvalidInputError
from tests.fleet_payloads import installer
from tests.payloads import data
from tests.unit.conftest import RecordingFleetClient

INSTALLERS = [
    installer("collector_1.8.1_linux-amd64.deb", kind="deb"),
    installer("collector-1.8.1-1.x86_64.rpm", kind="rpm"),
    installer("collector_1.8.1_windows-amd64.msi", kind="msi"),
    installer("collector_1.8.1_darwin.pkg", kind="pkg"),
    installer("collector_1.7.0_linux-amd64.deb", kind="deb", version="1.7.0"),
]


@pytest.mark.parametrize(
    ("os", "version", "expected"),
    [
        (None, None, 5),
        ("linux", None, 3),
        ("Windows", None, 1),
        ("macos", "1.8.1", 1),
        ("linux", "1.7.0", 1),
        (None, "9.9.9", 0),
    ],
)
async def test_list_filters_by_os_and_version(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    os: str | None,
    version: str | None,
    expected: int,
) -> None:
    httpx_mock.add_response(json=data(logCollectorInstallers=INSTALLERS))
    found = await fleet.installers.list(os=os, version=version)  # type: ignore[arg-type]
    assert len(found) == expected
    assert len(httpx_mock.get_requests()) == 1


async def test_no_installers_is_an_empty_list(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(logCollectorInstallers=None))
    assert await fleet.installers.list() == []


async def test_versions(fleet: RecordingFleetClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=data(logCollectorVersionsAvailable=["1.8.1", "1.7.0"]))
    assert await fleet.installers.versions() == ["1.8.1", "1.7.0"]


async def test_an_unknown_os_fails_before_sending(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidInputError, match="os"):
        await fleet.installers.list(os="beos")  # type: ignore[arg-type]
    assert httpx_mock.get_requests() == []
