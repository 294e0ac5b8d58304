"""The sandbox's fleet control surface: /_sandbox/settings, enrolment bodies, reset, and the
searchFleet union as a peer client written against LogScale's schema sees it."""

from __future__ import annotations

import httpx
import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox

SEARCH = """
query Fleet($state: String) {
  searchFleet(queryState: $state, limit: 10) {
    __typename
    ... on SearchFleetInProgress { queryState totalResults }
    ... on SearchFleetResultSet {
      queryState totalResults totalResultsInfo { ... on OnlyTotal { total } }
      results { hostname groups { name collectorCount } debugLogging {
        ... on LogCollectorDebugLoggingStatic { level token } } }
    }
  }
}
"""


async def _search(raw: httpx.AsyncClient, state: str | None = None) -> dict[str, object]:
    response = await raw.post("/graphql", json={"query": SEARCH, "variables": {"state": state}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    found: dict[str, object] = body["data"]["searchFleet"]
    return found


async def test_settings_make_search_fleet_answer_in_progress_then_reset_restores_them(
    raw: httpx.AsyncClient, logscale_sandbox: ThreadedSandbox
) -> None:
    response = await raw.post("/_sandbox/settings", json={"searchInProgressPolls": 2})
    assert response.json() == {"searchInProgressPolls": 2, "largeFleet": 1000, "largeFleetPolls": 1}
    first = await _search(raw)
    assert first["__typename"] == "SearchFleetInProgress"
    second = await _search(raw, str(first["queryState"]))
    assert second["__typename"] == "SearchFleetInProgress"
    third = await _search(raw, str(second["queryState"]))
    assert third["__typename"] == "SearchFleetResultSet"
    assert third["totalResultsInfo"] == {"total": 0}

    logscale_sandbox.reset()
    settings = (await raw.get("/_sandbox/settings")).json()
    assert settings["searchInProgressPolls"] == 0
    assert (await _search(raw))["__typename"] == "SearchFleetResultSet"


async def test_a_query_state_the_sandbox_did_not_make_is_a_graphql_error(
    raw: httpx.AsyncClient,
) -> None:
    response = await raw.post("/graphql", json={"query": SEARCH, "variables": {"state": "forged"}})
    assert response.status_code == 200
    assert "queryState was not made by this sandbox" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"searchInProgressPolls": -1}, "must be a whole number"),
        ({"searchInProgressPolls": True}, "must be a whole number"),
        ({"colour": 1}, "unknown settings: colour"),
        ([1, 2], "expected an object"),
        ({"largeFleetPolls": 5000}, "at most 1000"),
    ],
)
async def test_bad_settings_are_400(raw: httpx.AsyncClient, body: object, problem: str) -> None:
    response = await raw.post("/_sandbox/settings", json=body)
    assert response.status_code == 400
    assert problem in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"hostname": "h"}, "token is required"),
        ({"token": "t", "hostname": "h", "colour": "red"}, "unknown fields: colour"),
        ({"token": "t", "hostname": "h", "labels": {"a": 1}}, "labels must be"),
        ({"token": "t", "hostname": "h", "count": 0}, "count must be"),
        ("text", "expected"),
    ],
)
async def test_bad_enrolment_bodies_are_400(
    raw: httpx.AsyncClient, body: object, problem: str
) -> None:
    response = await raw.post("/_sandbox/collectors", json=body)
    assert response.status_code == 400
    assert problem in response.json()["errors"][0]["message"]


async def test_collectors_and_groups_are_gone_after_reset_and_debug_tokens_never_shown(
    raw: httpx.AsyncClient, logscale_sandbox: ThreadedSandbox
) -> None:
    token = logscale_sandbox.store.install_tokens.all()[0].token
    (collector,) = logscale_sandbox.enroll(token, "web-1")
    logscale_sandbox.store.groups.create("web", "hostname = web*", None)
    logscale_sandbox.store.collectors.enable_debug_logging(collector.id, "debug", None, None)
    found = await _search(raw)
    assert found["results"] == [
        {
            "hostname": "web-1",
            "groups": [{"name": "web", "collectorCount": 1}],
            "debugLogging": {"level": "debug", "token": "****"},
        }
    ]
    logscale_sandbox.reset()
    assert (await _search(raw))["totalResults"] == 0
    assert logscale_sandbox.store.groups.search(lambda tx, groups: {})[0] == 0
