"""fleet.groups: what each method sends, what it returns, paging and input rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import InvalidInputError, TimeoutError
from tests.fleet_payloads import group
from tests.payloads import data
from tests.unit.conftest import RecordingFleetClient


def bodies(httpx_mock: HTTPXMock) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in httpx_mock.get_requests()]


def page(results: list[dict[str, Any]], total: int) -> dict[str, Any]:
    return data(searchLogCollectorGroups={"totalResults": total, "results": results})


async def test_create_sends_name_filter_and_configuration_ids(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createLogCollectorGroup=group()))
    created = await fleet.groups.create("web", 'hostname = "web-*"', ["cfg-0001", "cfg-0001"])
    (body,) = bodies(httpx_mock)
    assert body["operationName"] == "CreateLogCollectorGroup"
    assert body["variables"] == {
        "name": "web",
        "filter": 'hostname = "web-*"',
        "configIds": ["cfg-0001"],
    }
    assert (created.id, created.filter_, created.configurations[0].name) == (
        "grp-1",
        'hostname = "web-*"',
        "linux-syslog",
    )


async def test_create_is_not_resent_after_a_read_timeout(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    import httpx

    httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    with pytest.raises(TimeoutError):
        await fleet.groups.create("web")
    assert len(httpx_mock.get_requests()) == 1


async def test_set_configurations_is_resent_after_a_read_timeout(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    import httpx

    httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    httpx_mock.add_response(json=data(updateLogCollectorGroupConfigIds=group(configurations=[])))
    updated = await fleet.groups.set_configurations("grp-1", [])
    assert updated.configurations == []
    assert [b["variables"] for b in bodies(httpx_mock)] == [{"id": "grp-1", "configIds": []}] * 2


@pytest.mark.parametrize(
    ("call", "operation", "variables", "field"),
    [
        (
            lambda f: f.groups.rename("grp-1", "web-2"),
            "UpdateLogCollectorGroupName",
            {"id": "grp-1", "name": "web-2"},
            "updateLogCollectorGroupName",
        ),
        (
            lambda f: f.groups.set_filter("grp-1", None),
            "UpdateLogCollectorGroupFilter",
            {"id": "grp-1", "filter": None},
            "updateLogCollectorGroupFilter",
        ),
        (
            lambda f: f.groups.set_wanted_version("grp-1", "1.9.0"),
            "UpdateLogCollectorGroupWantedVersion",
            {"id": "grp-1", "wantedVersion": "1.9.0"},
            "updateLogCollectorGroupWantedVersion",
        ),
    ],
)
async def test_updates_send_the_group_id_and_the_new_value(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    call: Any,
    operation: str,
    variables: dict[str, Any],
    field: str,
) -> None:
    httpx_mock.add_response(json=data(**{field: group(name="web-2")}))
    updated = await call(fleet)
    (body,) = bodies(httpx_mock)
    assert (body["operationName"], body["variables"]) == (operation, variables)
    assert updated.name == "web-2"


async def test_delete_returns_the_servers_answer(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(deleteLogCollectorGroup=True))
    assert await fleet.groups.delete("grp-1") is True
    assert bodies(httpx_mock)[0]["variables"] == {"id": "grp-1"}


async def test_list_pages_through_every_group(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=page([group("g1"), group("g2")], 3))
    httpx_mock.add_response(json=page([group("g3")], 3))
    groups = [g async for g in fleet.groups.iter(page_size=2)]
    assert [g.id for g in groups] == ["g1", "g2", "g3"]
    assert [(b["variables"]["skip"], b["variables"]["limit"]) for b in bodies(httpx_mock)] == [
        (0, 2),
        (2, 2),
    ]


async def test_get_finds_by_id_and_find_by_exact_name(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=page([group("g1", "web"), group("g2", "web-2")], 2))
    httpx_mock.add_response(json=page([group("g1", "web"), group("g2", "web-2")], 2))
    httpx_mock.add_response(json=page([group("g1", "web")], 1))
    assert (await fleet.groups.get("g2")).name == "web-2"  # type: ignore[union-attr]
    assert [g.id for g in await fleet.groups.find("web")] == ["g1"]
    assert await fleet.groups.get("nope") is None
    assert bodies(httpx_mock)[1]["variables"]["searchFilter"] == "web"


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda f: f.groups.create(""), "name"),
        (lambda f: f.groups.create("web", "a\x00b"), "filter"),
        (lambda f: f.groups.create("web", None, "cfg-1"), "config_ids"),
        (lambda f: f.groups.rename("", "x"), "group_id"),
        (lambda f: f.groups.set_wanted_version("g", "1 2"), "version"),
        (lambda f: f.groups.set_configurations("g", ["a b"]), "config_ids"),
    ],
)
async def test_bad_input_fails_before_sending(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, call: Any, argument: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await call(fleet)
    assert caught.value.argument == argument
    assert httpx_mock.get_requests() == []
