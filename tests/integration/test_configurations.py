"""`fleet.configurations` over real HTTP against the served sandbox, on both wire paths: every
operation, the version guard, concurrent publishers, and publishes whose answers are lost."""

from __future__ import annotations

import asyncio

import pytest

from logscale_fleet import FleetClient
from logscale_fleet._core.http import HttpBackend
from logscale_fleet.errors import ConflictError, GraphQLError, ServerError
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.integration.conftest import no_wait

YAML = (
    "sources:\n  a:\n    type: file\n    include: /a\n    sink: s\nsinks:\n  s:\n    type: humio\n"
)
CHANGED = YAML.replace("/a", "/b")


async def test_the_whole_lifecycle(sandbox: ThreadedSandbox, backend: HttpBackend) -> None:
    async with FleetClient(sandbox.url, sandbox.token, timeout=5, http_backend=backend) as fleet:
        configs = fleet.configurations
        created = await configs.create("web", YAML, description="Web servers")
        assert (created.version, created.draft, created.description) == (0, YAML, "Web servers")
        first = await configs.publish(created.id, expected_version=0)
        assert (first.version, first.yaml, first.draft) == (1, YAML, None)
        drafted = await configs.update_draft(created.id, CHANGED)
        assert (drafted.yaml, drafted.draft) == (YAML, CHANGED)
        assert drafted.draft_modified_at is not None
        second = await configs.publish(created.id, CHANGED, expected_version=1)
        assert (second.version, second.yaml_characters_count) == (2, len(CHANGED))
        with pytest.raises(ConflictError) as caught:
            await configs.publish(created.id, YAML, expected_version=1)
        assert caught.value.current_version == 2
        assert caught.value.modified_by == "sandbox-user@localhost"
        assert (await configs.rename(created.id, "web-2")).name == "web-2"
        assert (await configs.describe(created.id, None)).description is None
        assert [c.id for c in await configs.find("web-2")] == [created.id]
        test = await configs.start_test(created.id, ["c1", "c2"])
        assert test.collector_ids == ["c1", "c2"]
        assert (await configs.get(created.id)).is_test_running
        assert (await configs.add_to_test(created.id, ["c3"])).collector_ids == ["c1", "c2", "c3"]
        assert (await configs.remove_from_test(created.id, ["c2"])).collector_ids == ["c1", "c3"]
        assert (await configs.stop_test(created.id)).collector_ids == ["c1", "c3"]
        merged = await configs.merged([created.id, "123456"])
        assert "include: /b" in merged.content
        assert merged.problems == []
        token = await fleet.install_tokens.create("web-servers", config_id=created.id)
        with pytest.raises(GraphQLError, match="assigned to 1 install token"):
            await configs.delete(created.id, expected_version=2)
        await fleet.install_tokens.assign_configuration(token.token, None)
        with pytest.raises(ConflictError):
            await configs.delete(created.id, expected_version=1)
        assert await configs.delete(created.id, expected_version=2) is True
        assert await configs.get_by_name("web-2") is None


async def test_merged_reports_yaml_that_does_not_parse(
    sandbox: ThreadedSandbox, fleet: FleetClient
) -> None:
    # The client refuses such YAML, so it is put there the way another tool might.
    broken = sandbox.store.configurations.create("broken", None)
    sandbox.store.configurations.publish(broken.id, "a: [1,\n", 0)
    merged = await fleet.configurations.merged(["123456", broken.id])
    assert [(p.number, p.path) for p in merged.problems] == [(1, "broken")]
    assert "line 2, column 1" in (merged.problems[0].details or "")
    assert "var_log" in merged.content


async def test_concurrent_publishers_of_one_version_exactly_one_wins(
    sandbox: ThreadedSandbox, fleet: FleetClient
) -> None:
    created = await fleet.configurations.create("web", YAML)
    texts = [YAML.replace("/a", f"/w{i}") for i in range(10)]
    outcomes = await asyncio.gather(
        *(fleet.configurations.publish(created.id, t, expected_version=0) for t in texts),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(o, ConflictError) for o in outcomes if o not in winners)
    assert sandbox.store.configurations.versions(created.id) == [(1, winners[0].yaml)]


@pytest.mark.parametrize(
    "rule",
    ["502,after=true", "drop,after=true", "latency,seconds=1.5,after=true"],
)
async def test_a_publish_whose_answer_was_lost_is_read_back_once(
    sandbox: ThreadedSandbox, rule: str
) -> None:
    async with FleetClient(sandbox.url, sandbox.token, timeout=1) as fleet:
        no_wait(fleet)
        created = await fleet.configurations.create("web", YAML)
        sandbox.set_faults([f"{rule},operation=PublishLogCollectorConfiguration,times=1"])
        published = await fleet.configurations.publish(created.id, CHANGED, expected_version=0)
    assert (published.version, published.yaml) == (1, CHANGED)
    sandbox.wait_idle()
    assert sandbox.store.configurations.versions(created.id) == [(1, CHANGED)]
    assert sandbox.fault_counts()["injected"] == {rule.split(",")[0]: 1}


@pytest.mark.parametrize("rule", ["502", "503", "drop"])
async def test_a_publish_that_failed_before_running_is_sent_again(
    sandbox: ThreadedSandbox, fleet: FleetClient, rule: str
) -> None:
    no_wait(fleet)
    created = await fleet.configurations.create("web", YAML)
    sandbox.set_faults([f"{rule},operation=PublishLogCollectorConfiguration,times=1"])
    published = await fleet.configurations.publish(created.id, CHANGED, expected_version=0)
    assert published.version == 1
    assert sandbox.store.configurations.versions(created.id) == [(1, CHANGED)]


async def test_a_publish_that_keeps_failing_is_reported_and_publishes_nothing(
    sandbox: ThreadedSandbox, fleet: FleetClient
) -> None:
    no_wait(fleet)
    created = await fleet.configurations.create("web", YAML)
    sandbox.set_faults(["503,operation=PublishLogCollectorConfiguration"])
    with pytest.raises(ServerError):
        await fleet.configurations.publish(created.id, CHANGED, expected_version=0)
    assert sandbox.store.configurations.versions(created.id) == []
