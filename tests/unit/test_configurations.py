"""`fleet.configurations` against a scripted LogScale: every operation, the version guard, the
read-back after an ambiguous publish, and input checks before sending."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet.errors import (
    ConflictError,
    GraphQLError,
    InvalidInputError,
    ServerError,
    TimeoutError,
    TransportError,
)
from tests.payloads import CONFIGURATION, data
from tests.unit.conftest import RecordingFleetClient

YAML = "sources:\n  syslog:\n    type: file\n    include: /var/log/syslog\n"
NEW_YAML = "sources:\n  syslog:\n    type: file\n    include: /var/log/messages\n"


def config(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(CONFIGURATION), **changes}


def sent(httpx_mock: HTTPXMock) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in httpx_mock.get_requests()]


def stale_error() -> dict[str, Any]:
    return {
        "data": None,
        "errors": [
            {
                "message": "publishLogCollectorConfiguration: currentVersion 3 is stale",
                "path": ["publishLogCollectorConfiguration"],
            }
        ],
    }


# -- reads ----------------------------------------------------------------------------------


async def test_find_and_get_by_name_match_exactly(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    page = {"totalResults": 2, "results": [config(), config(id="cfg-2", name="linux-syslog-2")]}
    httpx_mock.add_response(json=data(searchLogCollectorConfigurations=page))
    httpx_mock.add_response(json=data(searchLogCollectorConfigurations=page))
    assert [c.id for c in await fleet.configurations.find("linux-syslog")] == ["cfg-0001"]
    found = await fleet.configurations.get_by_name("linux-syslog")
    assert found is not None
    assert found.id == "cfg-0001"
    assert sent(httpx_mock)[0]["variables"]["searchFilter"] == "linux-syslog"


async def test_get_by_name_refuses_an_ambiguous_name(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    page = {"totalResults": 2, "results": [config(), config(id="cfg-2")]}
    httpx_mock.add_response(json=data(searchLogCollectorConfigurations=page))
    with pytest.raises(InvalidInputError, match="2 configurations are named 'linux-syslog'"):
        await fleet.configurations.get_by_name("linux-syslog")


async def test_merged_sends_the_ids_and_returns_content_and_problems(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    problem = {"summary": "does not parse", "details": "line 2", "path": "web", "number": 1}
    httpx_mock.add_response(
        json=data(logCollectorMergedConfiguration={"content": "a: 1\n", "problems": [problem]})
    )
    merged = await fleet.configurations.merged(["cfg-1", "cfg-2"])
    assert merged.content == "a: 1\n"
    assert [(p.path, p.number) for p in merged.problems] == [("web", 1)]
    assert sent(httpx_mock)[0]["variables"] == {"configIds": ["cfg-1", "cfg-2"]}


# -- writes ---------------------------------------------------------------------------------


async def test_create_sends_name_and_draft_then_the_description(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createLogCollectorConfiguration=config(version=0)))
    httpx_mock.add_response(
        json=data(updateLogCollectorConfigurationDescription=config(description="web servers"))
    )
    created = await fleet.configurations.create("web", YAML, description="web servers")
    assert created.description == "web servers"
    first, second = sent(httpx_mock)
    assert first["operationName"] == "CreateLogCollectorConfiguration"
    assert first["variables"] == {"name": "web", "draft": YAML}
    assert second["variables"] == {"configId": "cfg-0001", "description": "web servers"}


async def test_create_without_description_is_one_request(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(createLogCollectorConfiguration=config(version=0)))
    await fleet.configurations.create("web")
    assert [r["variables"] for r in sent(httpx_mock)] == [{"name": "web"}]


async def test_a_create_that_timed_out_is_not_resent(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    with pytest.raises(TimeoutError):
        await fleet.configurations.create("web", YAML)
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize(
    ("operation", "call", "variables"),
    [
        (
            "UpdateDraftLogCollectorConfiguration",
            lambda f: f.configurations.update_draft("cfg-0001", NEW_YAML),
            {"id": "cfg-0001", "draft": NEW_YAML},
        ),
        (
            "UpdateDraftLogCollectorConfiguration",
            lambda f: f.configurations.update_draft("cfg-0001", None),
            {"id": "cfg-0001", "draft": None},
        ),
        (
            "UpdateLogCollectorConfigurationName",
            lambda f: f.configurations.rename("cfg-0001", "web-2"),
            {"configId": "cfg-0001", "name": "web-2"},
        ),
        (
            "UpdateLogCollectorConfigurationDescription",
            lambda f: f.configurations.describe("cfg-0001", None),
            {"configId": "cfg-0001", "description": None},
        ),
    ],
)
async def test_set_a_value_writes_are_retried_after_a_timeout(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    operation: str,
    call: Any,
    variables: dict[str, Any],
) -> None:
    field = operation[0].lower() + operation[1:]
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(json=data(**{field: config()}))
    assert (await call(fleet)).id == "cfg-0001"
    requests = sent(httpx_mock)
    assert len(requests) == 2
    assert requests[1]["operationName"] == operation
    assert requests[1]["variables"] == variables


async def test_publish_sends_yaml_and_the_expected_version(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(publishLogCollectorConfiguration=config(version=4)))
    published = await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert published.version == 4
    assert sent(httpx_mock)[0]["variables"] == {
        "id": "cfg-0001",
        "yaml": NEW_YAML,
        "currentVersion": 3,
    }


async def test_publish_without_yaml_publishes_the_draft(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=data(publishLogCollectorConfiguration=config(version=4)))
    await fleet.configurations.publish("cfg-0001", expected_version=3)
    assert sent(httpx_mock)[0]["variables"] == {"id": "cfg-0001", "currentVersion": 3}


async def test_a_stale_publish_is_a_conflict_saying_who_and_when(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=stale_error())
    moved = config(version=4, modifiedBy="bob@example.com", modifiedAt="2025-10-02T08:00:00Z")
    httpx_mock.add_response(json=data(logCollectorConfiguration=moved))
    with pytest.raises(ConflictError) as caught:
        await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    error = caught.value
    assert (error.current_version, error.modified_by) == (4, "bob@example.com")
    assert error.modified_at is not None
    assert error.modified_at.startswith("2025-10-02T08:00:00")
    assert "expected version 3, it is at version 4 (changed by bob@example.com at" in str(error)
    # One publish, one read: never a second publish over someone else's change.
    assert [r["operationName"] for r in sent(httpx_mock)] == [
        "PublishLogCollectorConfiguration",
        "LogCollectorConfiguration",
    ]


async def test_another_graphql_refusal_stays_a_graphql_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": None, "errors": [{"message": "nothing to publish"}]})
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=3)))
    with pytest.raises(GraphQLError, match="nothing to publish"):
        await fleet.configurations.publish("cfg-0001", expected_version=3)


@pytest.mark.parametrize(
    "failure",
    [
        lambda m: m.add_exception(httpx.ReadTimeout("timed out")),
        lambda m: m.add_exception(httpx.RemoteProtocolError("peer closed connection")),
        lambda m: m.add_response(status_code=502, text="bad gateway"),
    ],
    ids=["read-timeout", "dropped", "502"],
)
async def test_an_ambiguous_publish_that_landed_is_read_back_not_resent(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, failure: Any
) -> None:
    failure(httpx_mock)
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=4, yaml=NEW_YAML)))
    published = await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert (published.version, published.yaml) == (4, NEW_YAML)
    assert [r["operationName"] for r in sent(httpx_mock)] == [
        "PublishLogCollectorConfiguration",
        "LogCollectorConfiguration",
    ]


async def test_an_ambiguous_publish_that_did_not_land_is_sent_once_more(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=3)))
    httpx_mock.add_response(json=data(publishLogCollectorConfiguration=config(version=4)))
    published = await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert published.version == 4
    operations = [
        (r["operationName"], r["variables"].get("currentVersion")) for r in sent(httpx_mock)
    ]
    assert operations == [
        ("PublishLogCollectorConfiguration", 3),
        ("LogCollectorConfiguration", None),
        ("PublishLogCollectorConfiguration", 3),
    ]


async def test_a_resend_refused_because_the_first_landed_late_is_a_success(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=3)))
    httpx_mock.add_response(json=stale_error())
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=4, yaml=NEW_YAML)))
    published = await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert published.version == 4
    assert len(httpx_mock.get_requests()) == 4


async def test_two_ambiguous_failures_in_a_row_give_up(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    for _ in range(2):
        httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
        httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=3)))
    with pytest.raises(TimeoutError):
        await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert len(httpx_mock.get_requests()) == 4


async def test_an_ambiguous_publish_that_someone_else_overtook_is_a_conflict(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=503, text="unavailable")
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=4, yaml="x: 1\n")))
    with pytest.raises(ConflictError):
        await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)


@pytest.mark.parametrize("resent", [False, True], ids=["read-back", "after-resend"])
async def test_an_ambiguous_publish_buried_under_later_versions_stays_ambiguous(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, resent: bool
) -> None:
    # Ours may be version 4 under a rival's 5: neither a conflict (ours may have landed) nor
    # something to resend (that would publish it twice).
    httpx_mock.add_response(status_code=503, text="unavailable")
    if resent:
        httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=3)))
        httpx_mock.add_response(json=stale_error())
    httpx_mock.add_response(json=data(logCollectorConfiguration=config(version=5, yaml="x: 1\n")))
    with pytest.raises(ServerError) as caught:
        await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert caught.value.status_code == 503
    published = [r for r in sent(httpx_mock) if r["operationName"].startswith("Publish")]
    assert len(published) == (2 if resent else 1)


async def test_when_the_read_back_fails_the_original_error_stands(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=502, text="bad gateway")
    httpx_mock.add_response(status_code=500, text="broken", is_reusable=True)
    with pytest.raises(ServerError) as caught:
        await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert caught.value.status_code == 502


async def test_a_publish_that_could_not_connect_is_retried_as_usual(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("refused"))
    httpx_mock.add_response(json=data(publishLogCollectorConfiguration=config(version=4)))
    await fleet.configurations.publish("cfg-0001", NEW_YAML, expected_version=3)
    assert [r["operationName"] for r in sent(httpx_mock)] == [
        "PublishLogCollectorConfiguration"
    ] * 2


async def test_delete_sends_the_version(fleet: RecordingFleetClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=data(deleteLogCollectorConfiguration=True))
    assert await fleet.configurations.delete("cfg-0001", expected_version=3) is True
    assert sent(httpx_mock)[0]["variables"] == {"configId": "cfg-0001", "versionId": 3}


async def test_a_stale_delete_is_a_conflict(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": None, "errors": [{"message": "stale"}]})
    page = {"totalResults": 1, "results": [config(version=5)]}
    httpx_mock.add_response(json=data(searchLogCollectorConfigurations=page))
    with pytest.raises(ConflictError, match=r"cannot delete .* it is at version 5"):
        await fleet.configurations.delete("cfg-0001", expected_version=3)


async def test_a_refused_delete_of_a_current_version_is_the_servers_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": None, "errors": [{"message": "assigned to 2 tokens"}]})
    page = {"totalResults": 1, "results": [config(version=3)]}
    httpx_mock.add_response(json=data(searchLogCollectorConfigurations=page))
    with pytest.raises(GraphQLError, match="assigned to 2 tokens"):
        await fleet.configurations.delete("cfg-0001", expected_version=3)


async def test_an_ambiguous_delete_is_resolved_by_looking(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(
        json=data(searchLogCollectorConfigurations={"totalResults": 0, "results": []})
    )
    assert await fleet.configurations.delete("cfg-0001", expected_version=3) is True
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    page = {"totalResults": 1, "results": [config(version=3)]}
    httpx_mock.add_response(json=data(searchLogCollectorConfigurations=page))
    with pytest.raises(TimeoutError):
        await fleet.configurations.delete("cfg-0001", expected_version=3)
    publishes = [r for r in sent(httpx_mock) if r["operationName"].startswith("Delete")]
    assert len(publishes) == 2  # never resent


# -- tests of a configuration ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "call", "variables", "resent"),
    [
        (
            "StartLogCollectorConfigurationTest",
            lambda f: f.configurations.start_test("cfg-0001", ["c1", "c2"]),
            {"configId": "cfg-0001", "collectorIds": ["c1", "c2"]},
            False,
        ),
        (
            "AddToLogCollectorConfigurationTest",
            lambda f: f.configurations.add_to_test("cfg-0001", ["c3"]),
            {"configId": "cfg-0001", "collectorIds": ["c3"]},
            True,
        ),
        (
            "RemoveFromLogCollectorConfigurationTest",
            lambda f: f.configurations.remove_from_test("cfg-0001", ["c1"]),
            {"configId": "cfg-0001", "collectorIds": ["c1"]},
            True,
        ),
        (
            "StopLogCollectorConfigurationTest",
            lambda f: f.configurations.stop_test("cfg-0001"),
            {"configId": "cfg-0001"},
            False,
        ),
    ],
)
async def test_test_operations_and_their_resend_policy(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    operation: str,
    call: Any,
    variables: dict[str, Any],
    resent: bool,
) -> None:
    field = operation[0].lower() + operation[1:]
    answer = {"configId": "cfg-0001", "collectorIds": ["c1"]}
    httpx_mock.add_response(json=data(**{field: answer}))
    test = await call(fleet)
    assert (test.config_id, test.collector_ids) == ("cfg-0001", ["c1"])
    assert sent(httpx_mock)[0]["variables"] == variables
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    if resent:
        httpx_mock.add_response(json=data(**{field: answer}))
        await call(fleet)
        assert len(httpx_mock.get_requests()) == 3
    else:
        with pytest.raises(TransportError):
            await call(fleet)
        assert len(httpx_mock.get_requests()) == 2


# -- bad input, refused before sending ------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda f: f.configurations.create("web", "a: [1,\n"), "invalid draft: line 2, column 1"),
        (lambda f: f.configurations.create("", None), "invalid name"),
        (lambda f: f.configurations.create("web", None, description=3), "invalid description"),
        (lambda f: f.configurations.update_draft("cfg", "- a\n"), "not a list"),
        (
            lambda f: f.configurations.publish("cfg", "a: 1\na: 2\n", expected_version=1),
            "invalid yaml: line 2, column 1: the key 'a' appears twice",
        ),
        (lambda f: f.configurations.publish("cfg", "", expected_version=1), "empty"),
        (
            lambda f: f.configurations.publish("cfg", "a: 1", expected_version=-1),
            "expected_version",
        ),
        (
            lambda f: f.configurations.publish("cfg", "a: 1", expected_version=True),
            "expected_version",
        ),
        (lambda f: f.configurations.publish("", "a: 1", expected_version=1), "config_id"),
        (lambda f: f.configurations.delete("cfg", expected_version="3"), "expected_version"),
        (lambda f: f.configurations.start_test("cfg", []), "at least one id"),
        (lambda f: f.configurations.start_test("cfg", "c1"), "list of ids"),
        (lambda f: f.configurations.add_to_test("cfg", ["c 1"]), "whitespace"),
        (lambda f: f.configurations.merged([]), "at least one id"),
        (lambda f: f.configurations.rename("cfg", " web"), "whitespace"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, call: Any, words: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await call(fleet)
    assert words in str(caught.value)
    assert httpx_mock.get_requests() == []
