"""Each fault kind shows up as its documented HTTP behaviour; probabilities replay by seed."""

from __future__ import annotations

import time

import httpx
import pytest

from logscale_fleet.sandbox.faults import FaultRule, FaultSpecError
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_graphql import Client
from logscale_graphql.base_client import GraphQLErrorsError, HTTPStatusError

LIST = {
    "query": "query FleetInstallationTokens { fleetInstallationTokens { name } }",
    "operationName": "FleetInstallationTokens",
}
CREATE = {
    "query": 'mutation CreateFleetInstallToken { createFleetInstallToken(name: "x") { name } }',
    "operationName": "CreateFleetInstallToken",
}


@pytest.mark.parametrize(
    ("spec", "status", "retry_after"),
    [
        ("429", 429, "1"),
        ("429,retry_after=3", 429, "3"),
        ("500", 500, None),
        ("502", 502, None),
        ("503", 503, None),
        ("503,retry_after=7", 503, "7"),
    ],
)
async def test_status_faults(
    logscale_sandbox: ThreadedSandbox,
    raw: httpx.AsyncClient,
    spec: str,
    status: int,
    retry_after: str | None,
) -> None:
    logscale_sandbox.set_faults([spec])

    response = await raw.post("/graphql", json=LIST)

    assert response.status_code == status
    assert response.headers.get("retry-after") == retry_after
    assert response.headers["x-sandbox-fault"] == spec.split(",")[0]
    assert response.headers["content-type"].startswith("text/plain")


async def test_status_fault_through_the_generated_client(
    logscale_sandbox: ThreadedSandbox, client: Client
) -> None:
    logscale_sandbox.set_faults(["429,retry_after=2"])

    with pytest.raises(HTTPStatusError) as exc:
        await client.fleet_installation_tokens()

    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["retry-after"] == "2"


@pytest.mark.parametrize(("spec", "status"), [("html", 502), ("html,status=504", 504)])
async def test_html_error_page(
    logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient, spec: str, status: int
) -> None:
    logscale_sandbox.set_faults([spec])

    response = await raw.post("/graphql", json=LIST)

    assert response.status_code == status
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith("<html>")
    assert f"<h1>{status} " in response.text


async def test_dropped_connection(
    logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient
) -> None:
    logscale_sandbox.set_faults(["drop,times=1"])

    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        await raw.post("/graphql", json=LIST)

    assert (await raw.post("/graphql", json=LIST)).status_code == 200


async def test_graphql_error_fault(logscale_sandbox: ThreadedSandbox, client: Client) -> None:
    logscale_sandbox.set_faults(["graphql,message=backend unavailable"])

    with pytest.raises(GraphQLErrorsError) as exc:
        await client.fleet_installation_tokens()

    assert exc.value.response.status_code == 200
    assert exc.value.data is None
    assert exc.value.errors[0]["message"] == "backend unavailable"


async def test_latency(logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient) -> None:
    logscale_sandbox.set_faults(["latency,seconds=0.2"])

    started = time.monotonic()
    response = await raw.post("/graphql", json=LIST)

    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200


async def test_latency_then_another_fault(
    logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient
) -> None:
    logscale_sandbox.set_faults(["latency,seconds=0.1", "503"])

    started = time.monotonic()
    response = await raw.post("/graphql", json=LIST)

    assert time.monotonic() - started >= 0.1
    assert response.status_code == 503
    assert logscale_sandbox.fault_counts()["injected"] == {"latency": 1, "503": 1}


async def test_faults_match_the_operation(
    logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient
) -> None:
    logscale_sandbox.set_faults(["500,operation=CreateFleetInstallToken"])

    assert (await raw.post("/graphql", json=LIST)).status_code == 200
    assert (await raw.post("/graphql", json=CREATE)).status_code == 500
    # Without operationName, the document's only named operation is the one matched.
    unnamed = {"query": CREATE["query"]}
    assert (await raw.post("/graphql", json=unnamed)).status_code == 500


async def test_times_limits_a_rule(
    logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient
) -> None:
    logscale_sandbox.set_faults(["503,times=2"])

    statuses = [(await raw.post("/graphql", json=LIST)).status_code for _ in range(4)]

    assert statuses == [503, 503, 200, 200]


async def test_control_endpoints_are_never_faulted(
    logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient
) -> None:
    logscale_sandbox.set_faults(["503"])

    assert (await raw.get("/_sandbox/faults")).status_code == 200
    assert (await raw.get("/api/v1/status")).status_code == 200


async def _pattern(raw: httpx.AsyncClient, seed: int) -> list[int]:
    rules = {"rules": [{"kind": "503", "probability": 0.5}], "seed": seed}
    assert (await raw.post("/_sandbox/faults", json=rules)).status_code == 200
    return [(await raw.post("/graphql", json=LIST)).status_code for _ in range(20)]


async def test_probability_is_reproducible_by_seed(raw: httpx.AsyncClient) -> None:
    first = await _pattern(raw, seed=42)
    again = await _pattern(raw, seed=42)
    other = await _pattern(raw, seed=7)

    assert first == again
    assert first != other
    assert 0 < first.count(503) < 20


async def test_fault_counts(logscale_sandbox: ThreadedSandbox, raw: httpx.AsyncClient) -> None:
    first = await _pattern(raw, seed=3)

    snapshot = (await raw.get("/_sandbox/faults")).json()

    assert snapshot["seed"] == 3
    assert snapshot["requests"] == 20
    assert snapshot["total"] == first.count(503)
    assert snapshot["injected"] == {"503": first.count(503)}
    assert snapshot["rules"] == [{"kind": "503", "probability": 0.5, "injected": first.count(503)}]


async def test_control_endpoints_set_get_and_clear(raw: httpx.AsyncClient) -> None:
    rules = [{"kind": "429", "retry_after": 2, "operation": "X"}, {"kind": "latency", "seconds": 0}]

    posted = await raw.post("/_sandbox/faults", json={"rules": rules})
    listed = await raw.get("/_sandbox/faults")
    cleared = await raw.delete("/_sandbox/faults")

    assert posted.status_code == 200
    assert [r["kind"] for r in listed.json()["rules"]] == ["429", "latency"]
    assert listed.json()["rules"][0]["retry_after"] == 2
    assert cleared.json()["rules"] == []


SPEC_RULES = [
    {"kind": "503", "operation": "CreateFleetInstallToken", "times": 1},
    {"kind": "latency", "seconds": 0.5},
]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        # The documented SPEC strings, as `sandbox serve --fault SPEC` takes them ...
        {
            "json": {
                "rules": ["503,operation=CreateFleetInstallToken,times=1", "latency,seconds=0.5"]
            }
        },
        {"json": ["503,operation=CreateFleetInstallToken,times=1", "latency,seconds=0.5"]},
        {"content": b"503,operation=CreateFleetInstallToken,times=1\nlatency,seconds=0.5\n"},
        # ... mixed with the JSON form
        {"json": ["503,operation=CreateFleetInstallToken,times=1", SPEC_RULES[1]]},
    ],
    ids=["rules-of-specs", "list-of-specs", "spec-lines", "mixed"],
)
async def test_control_endpoint_takes_the_documented_spec_strings(
    raw: httpx.AsyncClient, request_kwargs: dict[str, object]
) -> None:
    response = await raw.post("/_sandbox/faults", **request_kwargs)  # type: ignore[arg-type]

    assert response.status_code == 200, response.text
    rules = [
        {k: v for k, v in r.items() if k in ("kind", "operation", "times", "seconds")}
        for r in response.json()["rules"]
    ]
    assert rules == SPEC_RULES


async def test_a_single_spec_posted_as_text_or_a_json_string_is_one_rule(
    raw: httpx.AsyncClient,
) -> None:
    as_text = await raw.post("/_sandbox/faults", content=b"503")
    as_string = await raw.post("/_sandbox/faults", json="429,retry_after=2")

    assert [r["kind"] for r in as_text.json()["rules"]] == ["503"]
    assert [(r["kind"], r["retry_after"]) for r in as_string.json()["rules"]] == [("429", 2.0)]


async def test_a_bad_spec_line_is_a_400_naming_it(raw: httpx.AsyncClient) -> None:
    response = await raw.post("/_sandbox/faults", content=b"503\nteapot,times=1\n")

    assert response.status_code == 400
    assert "teapot" in response.json()["errors"][0]["message"]
    assert (await raw.get("/_sandbox/faults")).json()["rules"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"rules": [{"kind": "418"}]}, "unknown fault kind '418'"),
        ({"rules": [{"kind": "503", "probability": 2}]}, "probability must be between 0 and 1"),
        ({"rules": [{"kind": "500", "seconds": 1}]}, "fault '500' does not take seconds"),
        ({"rules": [{"kind": "429", "retry_after": "soon"}]}, "retry_after must be a number"),
        ({"rules": [{"probability": 1}]}, "a fault rule needs a 'kind'"),
        ({"rules": [{"kind": "drop", "colour": 1}]}, "unknown fault rule key(s): colour"),
        ({"rules": "503"}, 'expected {"rules": [...], "seed": N}'),
        ({"rules": [], "seed": "x"}, "seed must be an integer"),
    ],
)
async def test_control_endpoint_rejects_bad_rules(
    raw: httpx.AsyncClient, body: object, message: str
) -> None:
    response = await raw.post("/_sandbox/faults", json=body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith(message)


@pytest.mark.parametrize(
    ("spec", "rule"),
    [
        ("drop", FaultRule("drop")),
        ("latency,seconds=0.5", FaultRule("latency", seconds=0.5)),
        (
            "503, operation=CreateFleetInstallToken, probability=0.25, times=3",
            FaultRule("503", operation="CreateFleetInstallToken", probability=0.25, times=3),
        ),
        ("429,retry-after=4,p=1", FaultRule("429", retry_after=4, probability=1.0)),
        ("graphql,message=boom", FaultRule("graphql", message="boom")),
    ],
)
def test_parse_cli_specs(spec: str, rule: FaultRule) -> None:
    assert FaultRule.parse(spec) == rule


@pytest.mark.parametrize(
    "spec", ["", "teapot", "503,times=0", "503,probability", "latency,seconds=-1", "429,times=1.5"]
)
def test_parse_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultRule.parse(spec)


def test_after_is_parsed_and_refused_for_429() -> None:
    from logscale_fleet.sandbox.faults import FaultRule, FaultSpecError

    assert FaultRule.parse("502,after=true").after is True
    assert FaultRule.parse("drop,after=0").after is False
    with pytest.raises(FaultSpecError, match="cannot be after"):
        FaultRule.parse("429,after=1")
    with pytest.raises(FaultSpecError, match="after must be true or false"):
        FaultRule.parse("502,after=maybe")
