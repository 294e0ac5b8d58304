"""fleet.collectors: searchFleet's union and polling, filters, bulk ids, secrets, input rules."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import GraphQLError, InvalidInputError, InvalidResponseError, TimeoutError
from logscale_fleet._core import polling
from logscale_fleet.resources import collectors as collectors_module
from tests.fleet_payloads import collector, in_progress, result_set
from tests.payloads import data
from tests.unit.conftest import RecordingFleetClient

DEBUG_TOKEN = "ingest-token-5e1d9c3b7a2f4e6d"


def bodies(httpx_mock: HTTPXMock) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in httpx_mock.get_requests()]


def fleet_answer(answer: dict[str, Any]) -> dict[str, Any]:
    return data(searchFleet=answer)


async def test_a_result_set_is_returned_after_one_request(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=fleet_answer(result_set([collector("m-1"), collector("m-2")])))
    found = await fleet.collectors.list()
    assert [c.machine_id for c in found] == ["m-1", "m-2"]
    assert found[0].ingest_last_24_h == 123456789012
    assert len(httpx_mock.get_requests()) == 1
    assert fleet.waits == []


async def test_in_progress_answers_are_polled_with_their_query_state_and_backoff(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=fleet_answer(in_progress("qs-1", 10)))
    httpx_mock.add_response(json=fleet_answer(in_progress("qs-2", 40)))
    httpx_mock.add_response(json=fleet_answer(in_progress("qs-3", 80)))
    httpx_mock.add_response(json=fleet_answer(result_set([collector("m-1")])))
    heard: list[polling.Progress] = []
    found = await fleet.collectors.list(on_progress=heard.append)
    assert [c.machine_id for c in found] == ["m-1"]
    sent = bodies(httpx_mock)
    assert [b["variables"].get("queryState") for b in sent] == [None, "qs-1", "qs-2", "qs-3"]
    # Every poll repeats the same search.
    assert {
        json.dumps({k: v for k, v in b["variables"].items() if k != "queryState"}) for b in sent
    } == {json.dumps({k: v for k, v in sent[0]["variables"].items() if k != "queryState"})}
    assert fleet.waits == [0.2, 0.4, 0.8]
    assert [p.total_results for p in heard] == [10, 40, 80]


async def test_a_search_that_never_finishes_within_wait_raises_timeout_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    # A fake clock that the recorded sleeps advance: the deadline is reached without waiting.
    now = [0.0]

    async def sleep(delay: float) -> None:
        fleet.waits.append(delay)
        now[0] += delay

    fleet._executor.sleep = sleep
    fleet._executor.clock = lambda: now[0]
    httpx_mock.add_response(json=fleet_answer(in_progress()), is_reusable=True)
    with pytest.raises(TimeoutError, match=r"SearchFleet was still in progress after \d+ polls"):
        await fleet.collectors.list(wait=5)
    assert sum(fleet.waits) == pytest.approx(5.0)
    assert len(httpx_mock.get_requests()) == len(fleet.waits) + 1


async def test_a_server_answering_in_progress_instantly_forever_is_bounded_by_polls(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "MAX_POLLS", 7)
    httpx_mock.add_response(json=fleet_answer(in_progress()), is_reusable=True)
    with pytest.raises(TimeoutError, match="after 7 polls"):
        await fleet.collectors.list(wait=3600)
    assert len(httpx_mock.get_requests()) == 8


async def test_pages_carry_the_previous_query_state_and_stop_at_the_total(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=fleet_answer(result_set([collector("m-1"), collector("m-2")], 3)))
    httpx_mock.add_response(json=fleet_answer(in_progress("qs-9", 3)))
    httpx_mock.add_response(json=fleet_answer(result_set([collector("m-3")], 3)))
    found = [c.machine_id async for c in fleet.collectors.iter(page_size=2)]
    assert found == ["m-1", "m-2", "m-3"]
    sent = [b["variables"] for b in bodies(httpx_mock)]
    assert [(v["skip"], v.get("queryState")) for v in sent] == [
        (0, None),
        (2, "qs-done"),
        (2, "qs-9"),
    ]


async def test_filters_become_search_fleet_arguments(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=fleet_answer(result_set([])))
    await fleet.collectors.list(
        search="web",
        config_id="cfg-1",
        group_ids=["g1", "g2"],
        status="error",
        os="windows",
        version="1.8.1",
        live=True,
        sort_by="version",
        order="desc",
    )
    (body,) = bodies(httpx_mock)
    assert body["variables"] == {
        "searchFilter": "web",
        "configIdFilter": "cfg-1",
        "groupIdsFilter": ["g1", "g2"],
        "statusFilter": "Error",
        "osFilter": "Windows",
        "versionFilter": {"version": "1.8.1", "needsUpdate": None},
        "isLiveFilter": True,
        "sortBy": "Version",
        "orderBy": "DESC",
        "skip": 0,
        "limit": 200,
    }


async def test_many_ids_are_assigned_in_one_request_per_batch(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collectors_module, "BULK_SIZE", 2)
    enrolled = [{"id": f"c{i}", "machineId": f"m{i}", "configId": "cfg-1"} for i in range(3)]
    httpx_mock.add_response(json=data(assignLogCollectorsToConfiguration=enrolled[:2]))
    httpx_mock.add_response(json=data(assignLogCollectorsToConfiguration=enrolled[2:]))
    assigned = await fleet.collectors.assign_configuration(["c0", "c1", "c2", "c1"], "cfg-1")
    assert assigned == ["c0", "c1", "c2"]
    assert [b["variables"] for b in bodies(httpx_mock)] == [
        {"ids": ["c0", "c1"], "configId": "cfg-1"},
        {"ids": ["c2"], "configId": "cfg-1"},
    ]


async def test_one_id_uses_the_single_assignment(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(assignLogCollectorConfiguration=True))
    assert await fleet.collectors.assign_configuration("c0", None) == ["c0"]
    (body,) = bodies(httpx_mock)
    assert (body["operationName"], body["variables"]) == (
        "AssignLogCollectorConfiguration",
        {"id": "c0", "configId": None},
    )


async def test_unenroll_returns_what_the_server_unenrolled_and_is_resent_after_a_timeout(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    httpx_mock.add_response(
        json=data(unenrollLogCollectors=[{"id": "c0", "machineId": "m0", "configId": None}])
    )
    removed = await fleet.collectors.unenroll(["c0", "c-unknown"])
    assert [c.id for c in removed] == ["c0"]
    assert len(httpx_mock.get_requests()) == 2


async def test_set_wanted_version_sends_one_request_per_collector(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(setWantedLogCollectorVersion=True), is_reusable=True)
    await fleet.collectors.set_wanted_version(["c0", "c1"], "1.9.0")
    assert [b["variables"] for b in bodies(httpx_mock)] == [
        {"id": "c0", "version": "1.9.0", "timeOfUpdate": None},
        {"id": "c1", "version": "1.9.0", "timeOfUpdate": None},
    ]


async def test_set_wanted_version_answered_false_is_an_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(setWantedLogCollectorVersion=False))
    with pytest.raises(InvalidResponseError, match="answered false"):
        await fleet.collectors.set_wanted_version("c0", "1.9.0")


async def test_get_returns_details_or_none(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    details = {
        k: v
        for k, v in collector("m-1").items()
        if k not in ("configId", "configName", "groups", "wantedVersion", "usesRemoteUpdate")
    }
    details.update(cpuAverage5Min=1.5, memoryMax5Min=1024, diskMax5Min=40.0)
    httpx_mock.add_response(json=data(getLogCollectorDetails=details))
    httpx_mock.add_response(json=data(getLogCollectorDetails=None))
    found = await fleet.collectors.get("m-1")
    assert found is not None
    assert found.memory_max_5_min == 1024
    assert await fleet.collectors.get("m-2") is None
    assert bodies(httpx_mock)[0]["variables"] == {"machineId": "m-1", "isLive": None}


async def test_the_debug_logging_token_never_appears_in_an_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json={"data": None, "errors": [{"message": f"token {DEBUG_TOKEN} is not valid"}]}
    )
    with pytest.raises(GraphQLError) as caught:
        await fleet.collectors.enable_debug_logging("c0", token=DEBUG_TOKEN, level="info")
    assert DEBUG_TOKEN not in str(caught.value)
    assert DEBUG_TOKEN not in repr(caught.value)
    assert bodies(httpx_mock)[0]["variables"]["token"] == DEBUG_TOKEN


async def test_debug_logging_and_lost_days_round_trip(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(disableLogCollectorInstanceDebugLogging=True))
    httpx_mock.add_response(json=data(getLostCollectorDays=14))
    httpx_mock.add_response(json=data(setLostCollectorDays=True))
    assert await fleet.collectors.disable_debug_logging("c0") is True
    assert await fleet.collectors.lost_collector_days() == 14
    assert await fleet.collectors.set_lost_collector_days(30) is True
    assert bodies(httpx_mock)[2]["variables"] == {"days": 30}


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda f: f.collectors.list(status="broken"), "status"),
        (lambda f: f.collectors.list(os="beos"), "os"),
        (lambda f: f.collectors.list(group_ids="g1"), "group_ids"),
        (lambda f: f.collectors.list(wait=0), "wait"),
        (lambda f: f.collectors.list(sort_by="colour"), "sort_by"),
        (lambda f: f.collectors.unenroll([]), "collector_ids"),
        (lambda f: f.collectors.assign_configuration(["a b"], "cfg"), "collector_ids"),
        (lambda f: f.collectors.set_lost_collector_days(0), "days"),
        (lambda f: f.collectors.enable_debug_logging("c0", token="", level="info"), "token"),
        (lambda f: f.collectors.enable_debug_logging("c0", token="t", level="loud"), "level"),
        (lambda f: f.collectors.get(""), "machine_id"),
    ],
)
async def test_bad_input_fails_before_sending(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, call: Any, argument: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await call(fleet)
    assert caught.value.argument == argument
    assert httpx_mock.get_requests() == []
