"""Fleet as code against the served sandbox over real HTTP: plan, apply, prune, drift, an
interrupted run, lost answers, and a chaos run through faults."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import pytest

from logscale_fleet import FleetClient
from logscale_fleet.reconcile import ApplyError, ApplyResult, ChangeEvent, Declaration
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.integration.conftest import no_wait

LINUX = "linux-syslog"


def declaration(*names: str, config_name: str | None = None) -> Declaration:
    items = [{"name": n, **({"config_name": config_name} if config_name else {})} for n in names]
    return Declaration.from_mapping({"tokens": items}, "fleet.yaml")


def names_on(sandbox: ThreadedSandbox) -> Counter[str]:
    return Counter(t.name for t in sandbox.store.install_tokens.all())


async def test_plan_apply_and_a_second_run_is_a_no_op(
    fleet: FleetClient, sandbox: ThreadedSandbox
) -> None:
    sandbox.store.install_tokens.create("moved")
    sandbox.store.install_tokens.create("stray")
    wanted = declaration("web", "moved", config_name=LINUX)
    plan = await fleet.plan(wanted, prune=True)
    assert [(c.action, c.name) for c in plan.changes] == [
        ("create", "web"),
        ("update", "moved"),
        ("delete", "stray"),
    ]
    assert plan.changes[1].fields[0].before is None
    assert plan.changes[1].fields[0].after["name"] == LINUX
    assert plan.notes == (
        "--prune keeps the default install token 'default' (`tokens delete` removes it)",
    )
    result = await fleet.apply(plan)
    assert result.summary() == {"create": 1, "update": 1, "delete": 1, "unchanged": 0}
    assert names_on(sandbox) == Counter({"default": 1, "web": 1, "moved": 1})
    assert {t.name: t.config_id for t in sandbox.store.install_tokens.all()}["moved"] is not None
    again = await fleet.plan(wanted, prune=True)
    assert again.in_sync
    assert [u.name for u in again.unchanged] == ["web", "moved"]


async def test_max_deletes_guards_a_large_prune(
    fleet: FleetClient, sandbox: ThreadedSandbox
) -> None:
    for i in range(12):
        sandbox.store.install_tokens.create(f"stray-{i}")
    plan = await fleet.plan(declaration("web"), prune=True)
    assert plan.count("delete") == 12
    with pytest.raises(ValueError, match="more than max_deletes=10"):
        await fleet.apply(plan)
    assert names_on(sandbox)["web"] == 0  # refused before any change
    await fleet.apply(plan, max_deletes=12)
    assert set(names_on(sandbox)) == {"default", "web"}


async def test_an_interrupted_apply_says_what_it_changed_and_a_rerun_converges(
    sandbox: ThreadedSandbox,
) -> None:
    names = [f"host-{i:02d}" for i in range(30)]
    sandbox.set_faults(["latency,operation=CreateFleetInstallToken,seconds=0.05"])
    async with FleetClient(sandbox.url, sandbox.token, timeout=5) as fleet:
        plan = await fleet.plan(declaration(*names))
        result = ApplyResult()
        enough = asyncio.Event()

        def on_change(event: ChangeEvent) -> None:
            if event.status == "done" and event.finished >= 8:
                enough.set()

        run = asyncio.ensure_future(
            fleet.apply(plan, concurrency=4, on_change=on_change, result=result)
        )
        await asyncio.wait_for(enough.wait(), timeout=30)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        done = {a.change.name for a in result.done}
        unknown = {c.name for c in result.interrupted}
        assert len(done) >= 8
        assert len(done) + len(unknown) + len(result.not_started) == 30
        assert not result.ok
        # A cancelled request may still be handled by the server: let those finish (a rerun
        # right away could create such a token a second time; the README says so).
        assert await asyncio.to_thread(sandbox.wait_idle, 10)
        on_server = set(names_on(sandbox)) - {"default"}
        assert done <= on_server
        assert on_server - done <= unknown
        assert not (on_server & {c.name for c in result.not_started})
        sandbox.clear_faults()
        rerun = await fleet.apply(await fleet.plan(declaration(*names)))
        assert rerun.ok
        assert names_on(sandbox) == Counter({"default": 1, **dict.fromkeys(names, 1)})
        assert (await fleet.plan(declaration(*names))).in_sync


async def test_a_create_whose_answer_is_lost_is_found_not_duplicated(
    sandbox: ThreadedSandbox,
) -> None:
    sandbox.set_faults(["drop,operation=CreateFleetInstallToken,after=true,times=1"])
    async with no_wait(FleetClient(sandbox.url, sandbox.token, timeout=5)) as fleet:
        result = await fleet.apply(await fleet.plan(declaration("web", config_name=LINUX)))
    assert result.summary()["create"] == 1
    assert result.done[0].target is not None
    assert names_on(sandbox)["web"] == 1
    web = next(t for t in sandbox.store.install_tokens.all() if t.name == "web")
    assert result.done[0].target == web.token


async def test_a_failed_create_is_reported_with_what_was_done(
    sandbox: ThreadedSandbox,
) -> None:
    sandbox.store.install_tokens.create("moved")
    sandbox.set_faults(["503,operation=CreateFleetInstallToken"])
    async with no_wait(FleetClient(sandbox.url, sandbox.token, timeout=5, max_retries=0)) as fleet:
        plan = await fleet.plan(declaration("moved", "new", config_name=LINUX))
        with pytest.raises(ApplyError) as caught:
            await fleet.apply(plan, concurrency=1)
        assert [a.change.name for a in caught.value.result.done] == ["moved"]
        assert [f.change.name for f in caught.value.result.failed] == ["new"]
        sandbox.clear_faults()
        rerun = await fleet.plan(declaration("moved", "new", config_name=LINUX))
        assert [(c.action, c.name) for c in rerun.changes] == [("create", "new")]


async def test_chaos_apply_loses_nothing_and_duplicates_nothing(
    sandbox: ThreadedSandbox,
) -> None:
    from tests.reliability.chaos import FAULTS, READ_TIMEOUT

    names = [f"chaos-{i:03d}" for i in range(150)]
    sandbox.set_faults(FAULTS, seed=3)
    logging.getLogger("logscale_fleet").setLevel(logging.WARNING)
    runs = 0
    failures = 0
    # Real waits: after a timed-out create the engine waits a read timeout before looking again.
    async with FleetClient(sandbox.url, sandbox.token, timeout=READ_TIMEOUT) as fleet:
        # Bounded: each run makes progress; ten are far more than the faults need.
        for runs in range(1, 11):  # noqa: B007 - the count is reported below
            try:
                plan = await fleet.plan(declaration(*names, config_name=LINUX))
                if plan.in_sync:
                    break
                await fleet.apply(plan, concurrency=16)
            except Exception:  # faults make runs fail; the next one converges
                failures += 1
        injected = sandbox.fault_counts()
        sandbox.clear_faults()
        final = await fleet.plan(declaration(*names, config_name=LINUX))
    counts = names_on(sandbox)
    duplicates = {n: c for n, c in counts.items() if c > 1}
    # The figures the README's Reliability table quotes (`pytest -s` shows them).
    print(
        f"\nreconcile chaos: {len(names)} tokens, {runs} runs, {failures} failed runs, "
        f"{injected['total']} faults in {injected['requests']} requests, "
        f"{len(duplicates)} duplicates, "
        f"{len(set(names) - set(counts))} missing"
    )
    assert duplicates == {}
    assert set(names) <= set(counts)
    assert final.in_sync, [c.to_dict() for c in final.changes]
    assert failures >= 1, "the faults must really bite for the verdict to mean anything"
    assert injected
