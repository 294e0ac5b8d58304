"""The apply engine with fake resource kinds: order, concurrency, guards, failures, cancelling,
and the ambiguous-create rule. No server: the fakes record what the engine asks of them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from logscale_fleet.errors import InvalidInputError, ServerError, TimeoutError, TransportError
from logscale_fleet.reconcile import ApplyError, ApplyResult, ChangeEvent, InSync, Plan
from logscale_fleet.reconcile.apply import apply_plan
from logscale_fleet.reconcile.plan import ordered
from logscale_fleet.reconcile.registry import phases
from tests.reconcile.fakes import Boom, FakeAdapter, change

FLEET: Any = object()


def plan_of(*changes: Any) -> Plan:
    return Plan(ordered(changes, phases()))


async def test_referenced_kinds_first_and_deletes_last_in_reverse(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    config, _ = kinds
    plan = plan_of(
        change("delete", "config", "old-config", "c0"),
        change("create", "member", "m1"),
        change("delete", "member", "old-member", "m0"),
        change("create", "config", "c1"),
        change("update", "member", "m2", "m2"),
    )
    assert [(c.action, c.kind) for c in plan.changes] == [
        ("create", "config"),
        ("create", "member"),
        ("update", "member"),
        ("delete", "member"),
        ("delete", "config"),
    ]
    result = await apply_plan(FLEET, plan, concurrency=4)
    # Phases do not overlap: every member write waits for every config write, and so on.
    assert config.log == [
        "create config c1",
        "create member m1",
        "update member m2",
        "delete member old-member",
        "delete config old-config",
    ]
    assert result.ok
    assert result.summary() == {"create": 2, "update": 1, "delete": 2, "unchanged": 0}


async def test_concurrency_is_bounded_within_a_phase(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    _, member = kinds
    member.gate = asyncio.Event()
    plan = plan_of(*(change("create", "member", f"m{i}") for i in range(40)))
    run = asyncio.ensure_future(apply_plan(FLEET, plan, concurrency=5))
    for _ in range(50):  # let every worker reach the gate
        await asyncio.sleep(0)
    assert member.in_flight == 5
    member.gate.set()
    result = await run
    assert member.max_in_flight == 5
    assert len(result.done) == 40
    assert sorted(member.calls) == sorted(("create", f"m{i}") for i in range(40))


async def test_progress_events_for_every_change(kinds: tuple[FakeAdapter, FakeAdapter]) -> None:
    _, member = kinds
    member.fail["bad"] = Boom("refused")
    events: list[ChangeEvent] = []
    plan = plan_of(change("create", "member", "good"), change("create", "member", "bad"))
    with pytest.raises(ApplyError):
        await apply_plan(FLEET, plan, concurrency=1, on_change=events.append)
    assert [(e.change.name, e.status) for e in events] == [
        ("good", "started"),
        ("good", "done"),
        ("bad", "started"),
        ("bad", "failed"),
    ]
    assert [e.finished for e in events if e.status != "started"] == [1, 2]
    assert all(e.total == 2 for e in events)
    assert isinstance(events[-1].error, Boom)


async def test_a_failure_stops_before_the_next_phase_and_says_what_was_done(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    config, member = kinds
    config.fail["c2"] = Boom("no")
    plan = plan_of(
        change("create", "config", "c1"),
        change("create", "config", "c2"),
        change("create", "member", "m1"),
        change("delete", "config", "old", "x"),
    )
    with pytest.raises(ApplyError) as caught:
        await apply_plan(FLEET, plan, concurrency=1)
    result = caught.value.result
    assert isinstance(caught.value.__cause__, Boom)
    assert [a.change.name for a in result.done] == ["c1"]
    assert [f.change.name for f in result.failed] == ["c2"]
    assert [c.name for c in result.not_started] == ["m1", "old"]
    assert member.calls == []
    assert "made 1 of 4 changes" in str(caught.value)
    assert result.to_dict()["failed"][0]["error"] == "no"


async def test_max_deletes_refuses_before_any_change(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    config, member = kinds
    plan = plan_of(
        change("create", "member", "new"),
        *(change("delete", "member", f"d{i}", f"t{i}") for i in range(3)),
    )
    with pytest.raises(InvalidInputError, match="deletes 3 resources, more than max_deletes=2"):
        await apply_plan(FLEET, plan, max_deletes=2)
    assert member.calls == []
    assert config.calls == []
    result = await apply_plan(FLEET, plan, max_deletes=3)
    assert result.summary()["delete"] == 3


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, 10_000])
async def test_concurrency_is_checked(kinds: tuple[FakeAdapter, FakeAdapter], bad: Any) -> None:
    with pytest.raises(InvalidInputError, match="concurrency"):
        await apply_plan(FLEET, plan_of(change("create", "member", "x")), concurrency=bad)


async def test_cancelling_mid_apply_says_what_was_done(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    _, member = kinds
    member.gate = asyncio.Event()  # member writes never finish: they are in flight when cancelled
    plan = plan_of(
        change("create", "config", "c1"),
        *(change("create", "member", f"m{i}") for i in range(6)),
        change("delete", "config", "old", "x"),
    )
    result = ApplyResult()
    run = asyncio.ensure_future(apply_plan(FLEET, plan, concurrency=2, result=result))
    for _ in range(50):
        await asyncio.sleep(0)
    assert member.in_flight == 2
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert [a.change.name for a in result.done] == ["c1"]
    assert [c.name for c in result.interrupted] == ["m0", "m1"]
    assert [c.name for c in result.not_started] == ["m2", "m3", "m4", "m5", "old"]
    assert not result.ok
    assert member.in_flight == 0  # the cancelled calls were unwound, none left running


async def test_an_ambiguous_create_that_landed_is_done(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    _, member = kinds
    member.fail["web"] = ServerError("HTTP 502", status_code=502)
    member.landed_as["web"] = InSync("member", "web", "id-landed")
    result = await apply_plan(FLEET, plan_of(change("create", "member", "web")))
    assert member.landed_calls == ["web"]
    assert [(a.change.name, a.target) for a in result.done] == [("web", "id-landed")]


async def test_an_ambiguous_create_that_landed_differently_is_converged(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    _, member = kinds
    member.fail["web"] = TransportError("connection dropped", request_sent=True)
    member.landed_as["web"] = change("update", "member", "web", "id-landed")
    result = await apply_plan(FLEET, plan_of(change("create", "member", "web")))
    assert member.calls == [("create", "web"), ("update", "web")]
    assert result.done[0].target == "id-landed"
    assert result.summary()["create"] == 1


async def test_a_timed_out_create_is_looked_up_again_after_waiting(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    _, member = kinds
    member.fail["web"] = TimeoutError("read timeout", request_sent=True)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    with pytest.raises(ApplyError) as caught:
        await apply_plan(
            FLEET, plan_of(change("create", "member", "web")), ambiguous_wait=7.0, sleep=sleep
        )
    assert member.landed_calls == ["web", "web"]
    assert waits == [7.0]
    assert isinstance(caught.value.result.failed[0].error, TimeoutError)


@pytest.mark.parametrize(
    ("action", "error"),
    [
        ("create", TransportError("refused", request_sent=False)),  # surely not sent
        ("update", ServerError("HTTP 502", status_code=502)),  # only creates are ambiguous
        ("create", Boom("a GraphQL refusal is an answer")),
    ],
)
async def test_unambiguous_failures_are_not_looked_up(
    kinds: tuple[FakeAdapter, FakeAdapter], action: str, error: Exception
) -> None:
    _, member = kinds
    member.fail["web"] = error
    with pytest.raises(ApplyError):
        await apply_plan(FLEET, plan_of(change(action, "member", "web", "t")))
    assert member.landed_calls == []


async def test_a_bug_in_an_adapter_is_not_swallowed(
    kinds: tuple[FakeAdapter, FakeAdapter],
) -> None:
    _, member = kinds
    member.fail["web"] = KeyError("bug")
    with pytest.raises(KeyError):
        await apply_plan(FLEET, plan_of(change("create", "member", "web")))


def test_plans_are_plain_data_without_secrets() -> None:
    secret = "s3cr3t-token-value-0123456789"
    plan = Plan((change("delete", "member", "web", secret),), (InSync("member", "x", secret),))
    assert secret not in repr(plan)
    assert secret not in str(plan.to_dict())
    assert plan.to_dict()["changes"][0]["target"] == "s3cr\u2026"
    assert plan.summary() == {"create": 0, "update": 0, "delete": 1, "unchanged": 1}
    assert not plan.in_sync
    assert Plan(()).in_sync
