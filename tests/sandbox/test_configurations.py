"""The sandbox's collector configurations: versions, drafts, tests, merged view, deletion rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from logscale_fleet._core.yaml_check import MAX_YAML_CHARACTERS
from logscale_fleet.sandbox.errors import SandboxInvalidArgument as InvalidArgumentError
from logscale_fleet.sandbox.errors import SandboxNotFound as NotFoundError
from logscale_fleet.sandbox.seed import DOCS_EXAMPLE_CONFIG_ID
from logscale_fleet.sandbox.services.configurations.merge import MergedConfiguration, merge
from logscale_fleet.sandbox.services.configurations.state import (
    SANDBOX_USER,
    ConfigurationInUseError,
    ConfigurationState,
    StaleVersionError,
)
from logscale_fleet.sandbox.store import SandboxStore
from logscale_graphql import Client
from logscale_graphql.base_client import GraphQLErrorsError

YAML_A = (
    "sources:\n  a:\n    type: file\n    include: /a\n    sink: s\nsinks:\n  s:\n    type: humio\n"
)
YAML_B = "sources:\n  b:\n    type: journald\n    sink: s\nsinks:\n  s:\n    type: humio\n"


def merged_view(service: ConfigurationState, ids: list[str]) -> MergedConfiguration:
    return merge(service.for_merge(ids))


@pytest.fixture
def store() -> Iterator[SandboxStore]:
    opened = SandboxStore()
    yield opened
    opened.close()


@pytest.fixture
def service(store: SandboxStore) -> ConfigurationState:
    return store.configurations


def test_create_makes_version_zero_with_the_draft_and_no_published_yaml(
    service: ConfigurationState, store: SandboxStore
) -> None:
    created = service.create("web", YAML_A)
    assert (created.name, created.version, created.yaml, created.draft) == ("web", 0, None, YAML_A)
    assert created.draft_modified_at is not None
    assert created.modified_by == SANDBOX_USER
    assert created.yaml_characters_count == 0
    assert store.configurations.get(created.id) == created
    assert service.create("empty", None).draft_modified_at is None


def test_names_are_unique_and_not_blank(service: ConfigurationState) -> None:
    service.create("web", None)
    with pytest.raises(InvalidArgumentError, match="named 'web' already exists"):
        service.create("web", None)
    with pytest.raises(InvalidArgumentError, match="empty"):
        service.create("  ", None)
    other = service.create("db", None)
    with pytest.raises(InvalidArgumentError, match="already exists"):
        service.rename(other.id, "web")
    assert service.rename(other.id, "db").name == "db"  # its own name is no clash
    assert service.rename(other.id, "database").name == "database"


def test_publish_increments_the_version_and_keeps_draft_and_published_apart(
    service: ConfigurationState,
) -> None:
    created = service.create("web", YAML_A)
    first = service.publish(created.id, None, 0)  # the draft
    assert (first.version, first.yaml, first.draft, first.draft_modified_at) == (
        1,
        YAML_A,
        None,
        None,
    )
    assert first.yaml_characters_count == len(YAML_A)
    drafted = service.update_draft(created.id, YAML_B)
    assert (drafted.version, drafted.yaml, drafted.draft) == (1, YAML_A, YAML_B)
    assert drafted.modified_at == first.modified_at
    second = service.publish(created.id, "x: 1\n", 1)  # yaml given: the draft is replaced
    assert (second.version, second.yaml, second.draft) == (2, "x: 1\n", None)
    assert service.versions(created.id) == [(1, YAML_A), (2, "x: 1\n")]


def test_a_stale_current_version_is_refused_with_who_and_when(
    service: ConfigurationState,
) -> None:
    created = service.create("web", YAML_A)
    published = service.publish(created.id, None, 0)
    with pytest.raises(StaleVersionError) as caught:
        service.publish(created.id, YAML_B, 0)
    assert "currentVersion 0 is stale" in str(caught.value)
    assert "at version 1" in str(caught.value)
    assert caught.value.extensions == {
        "code": "VERSION_CONFLICT",
        "currentVersion": 1,
        "modifiedBy": SANDBOX_USER,
        "modifiedAt": published.modified_at,
    }
    assert service.versions(created.id) == [(1, YAML_A)]
    with pytest.raises(StaleVersionError):
        service.publish(created.id, YAML_B, 2)  # a version from the future is stale too


def test_publish_needs_yaml_or_a_draft(service: ConfigurationState) -> None:
    created = service.create("web", None)
    with pytest.raises(InvalidArgumentError, match="nothing to publish"):
        service.publish(created.id, None, 0)


def test_text_is_stored_as_given_within_the_size_limit(service: ConfigurationState) -> None:
    created = service.create("web", None)
    assert service.publish(created.id, "a: [unclosed\n", 0).yaml == "a: [unclosed\n"
    with pytest.raises(InvalidArgumentError, match="limit"):
        service.update_draft(created.id, "a" * (MAX_YAML_CHARACTERS + 1))
    with pytest.raises(InvalidArgumentError, match="limit"):
        service.publish(created.id, "a" * (MAX_YAML_CHARACTERS + 1), 1)


def test_describe_and_clear_the_description(service: ConfigurationState) -> None:
    created = service.create("web", None)
    assert service.describe(created.id, "Linux web servers").description == "Linux web servers"
    assert service.describe(created.id, None).description is None


def test_unknown_ids_are_not_found(service: ConfigurationState) -> None:
    for call in (
        lambda: service.update_draft("nope", None),
        lambda: service.publish("nope", "a: 1", 0),
        lambda: service.rename("nope", "x"),
        lambda: service.describe("nope", "x"),
        lambda: service.delete("nope", 0),
        lambda: service.start_test("nope", ["c1"]),
        lambda: merged_view(service, ["nope"]),
    ):
        with pytest.raises(NotFoundError, match="'nope'"):
            call()


def test_a_test_starts_grows_shrinks_and_stops(
    service: ConfigurationState, store: SandboxStore
) -> None:
    created = service.create("web", YAML_A)
    started = service.start_test(created.id, ["c1", "c2", "c1"])
    assert started.collector_ids == ("c1", "c2")
    assert store.configurations.get(created.id).is_test_running  # type: ignore[union-attr]
    with pytest.raises(InvalidArgumentError, match="already running"):
        service.start_test(created.id, ["c3"])
    assert service.add_to_test(created.id, ["c3", "c1"]).collector_ids == ("c1", "c2", "c3")
    assert service.remove_from_test(created.id, ["c1", "zz"]).collector_ids == ("c2", "c3")
    stopped = service.stop_test(created.id)
    assert stopped.collector_ids == ("c2", "c3")
    assert not store.configurations.get(created.id).is_test_running  # type: ignore[union-attr]
    assert service.test_collectors(created.id) == ()
    calls: list[Callable[[], object]] = [
        lambda: service.add_to_test(created.id, ["c1"]),
        lambda: service.remove_from_test(created.id, ["c1"]),
        lambda: service.stop_test(created.id),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError, match="no test"):
            call()
    with pytest.raises(InvalidArgumentError, match="at least one collector"):
        service.start_test(created.id, [])
    with pytest.raises(InvalidArgumentError, match="empty id"):
        service.start_test(created.id, [" "])


def test_delete_needs_the_current_version(service: ConfigurationState) -> None:
    created = service.create("web", YAML_A)
    service.publish(created.id, None, 0)
    with pytest.raises(StaleVersionError):
        service.delete(created.id, 0)
    assert service.delete(created.id, 1) is True
    assert service.versions(created.id) == []
    with pytest.raises(NotFoundError):
        service.delete(created.id, 1)


def test_delete_is_refused_while_a_token_points_at_it(
    service: ConfigurationState, store: SandboxStore
) -> None:
    created = service.create("web", YAML_A)
    token = store.install_tokens.create("web-servers", created.id)
    with pytest.raises(ConfigurationInUseError, match="assigned to 1 install token"):
        service.delete(created.id, 0)
    store.install_tokens.assign_configuration(token.token, None)
    service.start_test(created.id, ["c1"])
    assert service.delete(created.id, 0)
    assert store.configurations.get(created.id) is None
    assert service.test_collectors(created.id) == ()


def test_merged_combines_sources_and_reports_problems(service: ConfigurationState) -> None:
    a = service.publish(service.create("a", YAML_A).id, None, 0)
    b = service.publish(service.create("b", YAML_B).id, None, 0)
    clash = service.publish(
        service.create("clash", "sinks:\n  s:\n    type: other\ndataDirectory: /x\n").id, None, 0
    )
    broken = service.publish(service.create("broken", "a: [1,\n").id, None, 0)
    unpublished = service.create("unpublished", YAML_A)
    merged = merged_view(service, [a.id, b.id, clash.id, broken.id, unpublished.id])
    assert "a:" in merged.content
    assert "b:" in merged.content
    assert "dataDirectory: /x" in merged.content
    assert "type: other" not in merged.content
    assert [(p.number, p.path) for p in merged.problems] == [
        (1, "sinks.s"),
        (2, "broken"),
        (3, "unpublished"),
    ]
    assert "defined differently by a and clash" in merged.problems[0].summary
    assert "line 2, column 1" in (merged.problems[1].details or "")
    clean = merged_view(service, [a.id, b.id])
    assert clean.problems == ()
    with pytest.raises(InvalidArgumentError, match="at least one"):
        merged_view(service, [])


def test_reset_restores_the_seed_and_forgets_new_state(
    service: ConfigurationState, store: SandboxStore
) -> None:
    created = service.create("web", YAML_A)
    service.start_test(created.id, ["c1"])
    service.publish(DOCS_EXAMPLE_CONFIG_ID, YAML_B, 1)
    store.reset()
    assert store.configurations.get(created.id) is None
    assert service.test_collectors(created.id) == ()
    assert service.versions(DOCS_EXAMPLE_CONFIG_ID) == [
        (1, store.configurations.get(DOCS_EXAMPLE_CONFIG_ID).yaml)  # type: ignore[union-attr]
    ]


# -- through GraphQL, the served sandbox ---------------------------------------------------


async def test_every_operation_through_graphql(client: Client) -> None:
    created = (
        await client.create_log_collector_configuration("gql", YAML_A)
    ).create_log_collector_configuration
    assert (created.version, created.draft, created.yaml) == (0, YAML_A, None)
    published = (
        await client.publish_log_collector_configuration(created.id, current_version=0)
    ).publish_log_collector_configuration
    assert (published.version, published.yaml) == (1, YAML_A)
    drafted = (
        await client.update_draft_log_collector_configuration(created.id, YAML_B)
    ).update_draft_log_collector_configuration
    assert drafted.draft == YAML_B
    renamed = (
        await client.update_log_collector_configuration_name(created.id, "gql2")
    ).update_log_collector_configuration_name
    assert renamed.name == "gql2"
    described = (
        await client.update_log_collector_configuration_description(created.id, "d")
    ).update_log_collector_configuration_description
    assert described.description == "d"
    started = (
        await client.start_log_collector_configuration_test(created.id, ["c1"])
    ).start_log_collector_configuration_test
    assert (started.config_id, started.collector_ids) == (created.id, ["c1"])
    added = await client.add_to_log_collector_configuration_test(created.id, ["c2"])
    assert added.add_to_log_collector_configuration_test.collector_ids == ["c1", "c2"]
    removed = await client.remove_from_log_collector_configuration_test(created.id, ["c1"])
    assert removed.remove_from_log_collector_configuration_test.collector_ids == ["c2"]
    stopped = await client.stop_log_collector_configuration_test(created.id)
    assert stopped.stop_log_collector_configuration_test.collector_ids == ["c2"]
    merged = (
        await client.log_collector_merged_configuration([created.id, DOCS_EXAMPLE_CONFIG_ID])
    ).log_collector_merged_configuration
    assert "var_log" in merged.content
    assert merged.problems == []
    assert (
        await client.delete_log_collector_configuration(created.id, 1)
    ).delete_log_collector_configuration


async def test_a_stale_publish_is_a_documented_graphql_error(client: Client) -> None:
    with pytest.raises(GraphQLErrorsError) as caught:
        await client.publish_log_collector_configuration(
            DOCS_EXAMPLE_CONFIG_ID, current_version=0, yaml=YAML_B
        )
    (error,) = caught.value.errors
    assert "currentVersion 0 is stale" in error["message"]
    assert error["path"] == ["publishLogCollectorConfiguration"]
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    assert error["extensions"]["currentVersion"] == 1
