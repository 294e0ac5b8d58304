"""A FleetClient against a scripted LogScale (pytest-httpx); retry waits recorded, not slept."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from logscale_fleet import FleetClient

API_TOKEN = "api-token-7f3c9a1e5b2d4c6e8f0a"
BASE_URL = "https://logscale.example.com"


class RecordingFleetClient(FleetClient):
    """FleetClient whose retry waits are recorded instead of slept."""

    waits: list[float]


@pytest.fixture
async def fleet() -> AsyncIterator[RecordingFleetClient]:
    client = RecordingFleetClient(BASE_URL, API_TOKEN)
    client.waits = []

    async def record(delay: float) -> None:
        client.waits.append(delay)

    client._executor.sleep = record
    async with client:
        yield client
