"""Every root field of schema.graphql through the generated client, over real HTTP."""

from __future__ import annotations

import base64
import json

import pytest

from logscale_fleet.sandbox.seed import DOCS_EXAMPLE_CONFIG_ID, SEED_CONFIGURATIONS
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_graphql import Client
from logscale_graphql.base_client import GraphQLErrorsError
from logscale_graphql.enums import (
    FleetConfiguration__SortBy,
    FleetInstallationTokens__SortBy,
    OrderBy,
)

LINUX_CONFIG = SEED_CONFIGURATIONS[0]
WINDOWS_CONFIG = SEED_CONFIGURATIONS[1]


def error_messages(exc: pytest.ExceptionInfo[GraphQLErrorsError]) -> list[str]:
    return [str(error["message"]) for error in exc.value.errors]


async def create(client: Client, name: str, config_id: str | None = None) -> str:
    if config_id is None:
        created = await client.create_fleet_install_token(name=name)
    else:
        created = await client.create_fleet_install_token(name=name, config_id=config_id)
    return created.create_fleet_install_token.token


async def test_create_without_config(client: Client, logscale_sandbox: ThreadedSandbox) -> None:
    created = (await client.create_fleet_install_token(name="web-01")).create_fleet_install_token

    assert created.name == "web-01"
    assert created.assigned_configuration is None
    assert len(created.token) >= 32
    commands = created.installation_commands
    for command in (commands.linux_command, commands.windows_command, commands.macos_command):
        assert logscale_sandbox.url in command
        assert created.token in command


async def test_create_returns_a_jwt_shaped_token(client: Client) -> None:
    created = (await client.create_fleet_install_token(name="jwt")).create_fleet_install_token

    header, payload, signature = created.jwt_token.split(".")
    padded = header + "=" * (-len(header) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {"alg": "HS256", "typ": "JWT"}
    assert payload
    assert len(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))) == 32


async def test_create_with_config(client: Client) -> None:
    created = await client.create_fleet_install_token(name="linux", config_id=LINUX_CONFIG.id)

    assigned = created.create_fleet_install_token.assigned_configuration
    assert assigned is not None
    assert (assigned.id, assigned.name, assigned.version) == (
        LINUX_CONFIG.id,
        LINUX_CONFIG.name,
        LINUX_CONFIG.version,
    )


async def test_create_with_null_config_is_unassigned(client: Client) -> None:
    created = await client.create_fleet_install_token(name="null-config", config_id=None)

    assert created.create_fleet_install_token.assigned_configuration is None


async def test_create_with_unknown_config_is_an_error(client: Client) -> None:
    with pytest.raises(GraphQLErrorsError) as exc:
        await client.create_fleet_install_token(name="orphan", config_id="no-such-config")

    assert error_messages(exc) == ["no log collector configuration with id 'no-such-config'"]
    assert exc.value.data is None
    tokens = await client.fleet_installation_tokens()
    assert "orphan" not in [t.name for t in tokens.fleet_installation_tokens]


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
async def test_create_rejects_blank_names(client: Client, name: str) -> None:
    with pytest.raises(GraphQLErrorsError) as exc:
        await client.create_fleet_install_token(name=name)

    assert "name must not be empty" in error_messages(exc)[0]


async def test_tokens_are_unique(client: Client) -> None:
    tokens = {await create(client, "same-name") for _ in range(5)}

    assert len(tokens) == 5


async def test_rename(client: Client) -> None:
    token = await create(client, "old-name")

    renamed = await client.update_fleet_install_token_name(token=token, name="new-name")

    assert renamed.update_fleet_install_token_name.name == "new-name"
    found = await client.fleet_installation_token(token=token)
    assert found.fleet_installation_token is not None
    assert found.fleet_installation_token.name == "new-name"


async def test_rename_to_blank_is_an_error(client: Client) -> None:
    token = await create(client, "keep-me")

    with pytest.raises(GraphQLErrorsError):
        await client.update_fleet_install_token_name(token=token, name=" ")


async def test_assign_and_unassign(client: Client) -> None:
    token = await create(client, "moving", LINUX_CONFIG.id)

    moved = await client.update_fleet_install_token_config_id(
        token=token, config_id=WINDOWS_CONFIG.id
    )
    assigned = moved.update_fleet_install_token_config_id.assigned_configuration
    assert assigned is not None
    assert assigned.id == WINDOWS_CONFIG.id

    cleared = await client.update_fleet_install_token_config_id(token=token, config_id=None)
    assert cleared.update_fleet_install_token_config_id.assigned_configuration is None

    await client.update_fleet_install_token_config_id(token=token, config_id=LINUX_CONFIG.id)
    omitted = await client.update_fleet_install_token_config_id(token=token)
    assert omitted.update_fleet_install_token_config_id.assigned_configuration is None


async def test_assign_unknown_config_is_an_error_and_changes_nothing(client: Client) -> None:
    token = await create(client, "stays", LINUX_CONFIG.id)

    with pytest.raises(GraphQLErrorsError) as exc:
        await client.update_fleet_install_token_config_id(token=token, config_id="nope")

    assert "no log collector configuration" in error_messages(exc)[0]
    found = await client.fleet_installation_token(token=token)
    assert found.fleet_installation_token is not None
    assigned = found.fleet_installation_token.assigned_configuration
    assert assigned is not None
    assert assigned.id == LINUX_CONFIG.id


async def test_delete(client: Client) -> None:
    token = await create(client, "short-lived")

    deleted = await client.delete_fleet_install_token(token=token)

    assert deleted.delete_fleet_install_token is True
    found = await client.fleet_installation_token(token=token)
    assert found.fleet_installation_token is None


async def _on_unknown(client: Client, operation: str, token: str) -> object:
    if operation == "rename":
        return await client.update_fleet_install_token_name(token=token, name="x")
    if operation == "assign":
        return await client.update_fleet_install_token_config_id(token=token, config_id=None)
    return await client.delete_fleet_install_token(token=token)


@pytest.mark.parametrize("operation", ["rename", "assign", "delete"])
async def test_unknown_token_is_an_error_that_does_not_echo_it(
    client: Client, operation: str
) -> None:
    secret = "a-token-that-does-not-exist-0123456789"
    with pytest.raises(GraphQLErrorsError) as exc:
        await _on_unknown(client, operation, secret)

    messages = error_messages(exc)
    assert messages == ["no fleet installation token matches the given token"]
    assert secret not in json.dumps(exc.value.errors)


async def test_get_known_and_unknown(client: Client) -> None:
    token = await create(client, "findable", LINUX_CONFIG.id)

    found = (await client.fleet_installation_token(token=token)).fleet_installation_token
    missing = await client.fleet_installation_token(token="unknown")

    assert found is not None
    assert (found.name, found.token) == ("findable", token)
    assert missing.fleet_installation_token is None


async def test_list_includes_default_and_created_in_creation_order(client: Client) -> None:
    first = await create(client, "b-first")
    second = await create(client, "a-second")

    listed = (await client.fleet_installation_tokens()).fleet_installation_tokens

    assert [t.name for t in listed] == ["default", "b-first", "a-second"]
    assert [t.token for t in listed][1:] == [first, second]


async def test_default_token(client: Client) -> None:
    default = (await client.default_fleet_installation_token()).default_fleet_installation_token

    assert default is not None
    assert default.name == "default"
    listed = (await client.fleet_installation_tokens()).fleet_installation_tokens
    assert default.token in [t.token for t in listed]


async def test_default_token_is_null_once_deleted(client: Client) -> None:
    default = (await client.default_fleet_installation_token()).default_fleet_installation_token
    assert default is not None

    await client.delete_fleet_install_token(token=default.token)

    after = await client.default_fleet_installation_token()
    assert after.default_fleet_installation_token is None


async def test_search_tokens_pages_and_sorts(client: Client) -> None:
    for name in ["delta", "alpha", "charlie", "bravo"]:
        await create(client, name)

    everything = await client.search_fleet_installation_tokens()
    page = await client.search_fleet_installation_tokens(
        skip=1, limit=2, sort_by=FleetInstallationTokens__SortBy.Name, order_by=OrderBy.ASC
    )
    descending = await client.search_fleet_installation_tokens(
        sort_by=FleetInstallationTokens__SortBy.Name, order_by=OrderBy.DESC
    )

    result = page.search_fleet_installation_tokens
    assert everything.search_fleet_installation_tokens.total_results == 5
    assert result.total_results == 5
    assert [t.name for t in result.results] == ["bravo", "charlie"]
    names = [t.name for t in descending.search_fleet_installation_tokens.results]
    assert names == ["delta", "default", "charlie", "bravo", "alpha"]


async def test_search_tokens_pages_cover_everything_once(client: Client) -> None:
    for index in range(7):
        await create(client, f"same-{index % 2}")
    seen: list[str] = []
    for skip in range(0, 8, 3):
        page = await client.search_fleet_installation_tokens(skip=skip, limit=3)
        seen += [t.token for t in page.search_fleet_installation_tokens.results]

    assert len(seen) == len(set(seen)) == 8


async def test_search_tokens_by_config_name(client: Client) -> None:
    await create(client, "w", WINDOWS_CONFIG.id)
    await create(client, "l", LINUX_CONFIG.id)

    ascending = await client.search_fleet_installation_tokens(
        sort_by=FleetInstallationTokens__SortBy.ConfigName, order_by=OrderBy.ASC
    )

    names = [t.name for t in ascending.search_fleet_installation_tokens.results]
    assert names == ["default", "l", "w"]  # unassigned first, then linux-, then windows-


async def test_search_tokens_rejects_negative_paging(client: Client) -> None:
    with pytest.raises(GraphQLErrorsError) as exc:
        await client.search_fleet_installation_tokens(skip=-1)

    assert error_messages(exc) == ["skip must be 0 or more, got -1"]


async def test_get_configuration(client: Client) -> None:
    found = await client.log_collector_configuration(id=LINUX_CONFIG.id)

    config = found.log_collector_configuration
    assert config.name == LINUX_CONFIG.name
    assert config.yaml == LINUX_CONFIG.yaml
    assert config.yaml_characters_count == len(LINUX_CONFIG.yaml or "")
    assert config.modified_at.year == 2025
    assert config.instances == LINUX_CONFIG.instances
    assert config.is_test_running is False


async def test_get_unknown_configuration_is_an_error(client: Client) -> None:
    with pytest.raises(GraphQLErrorsError) as exc:
        await client.log_collector_configuration(id="missing")

    assert error_messages(exc) == ["no log collector configuration with id 'missing'"]
    assert exc.value.errors[0]["path"] == ["logCollectorConfiguration"]


async def test_search_configurations(client: Client) -> None:
    everything = await client.search_log_collector_configurations()
    filtered = await client.search_log_collector_configurations(search_filter="LINUX")
    by_instances = await client.search_log_collector_configurations(
        sort_by=FleetConfiguration__SortBy.Instances, order_by=OrderBy.DESC, limit=2
    )
    skipped = await client.search_log_collector_configurations(skip=2)

    assert everything.search_log_collector_configurations.total_results == 3
    assert [c.id for c in filtered.search_log_collector_configurations.results] == [LINUX_CONFIG.id]
    top = by_instances.search_log_collector_configurations
    assert top.total_results == 3
    assert [c.name for c in top.results] == ["linux-syslog", "windows-events"]
    assert len(skipped.search_log_collector_configurations.results) == 1


@pytest.mark.parametrize(
    ("sort_by", "first"),
    [
        (FleetConfiguration__SortBy.Name, "docs-example"),
        (FleetConfiguration__SortBy.ModifiedBy, "platform-team@example.com"),
        (FleetConfiguration__SortBy.Size, "docs-example"),
        (FleetConfiguration__SortBy.LastModified, "docs-example"),
    ],
)
async def test_search_configurations_sorts(
    client: Client, sort_by: FleetConfiguration__SortBy, first: str
) -> None:
    found = await client.search_log_collector_configurations(sort_by=sort_by, order_by=OrderBy.ASC)

    head = found.search_log_collector_configurations.results[0]
    assert first in (head.name, head.modified_by)


async def test_docs_example_configuration_exists(client: Client) -> None:
    found = await client.log_collector_configuration(id=DOCS_EXAMPLE_CONFIG_ID)

    assert found.log_collector_configuration.name == "docs-example"


async def test_reset_restores_the_seed(client: Client, logscale_sandbox: ThreadedSandbox) -> None:
    default_before = await client.default_fleet_installation_token()
    await create(client, "temporary")

    logscale_sandbox.reset()

    listed = (await client.fleet_installation_tokens()).fleet_installation_tokens
    assert [t.name for t in listed] == ["default"]
    default_after = await client.default_fleet_installation_token()
    assert default_before.default_fleet_installation_token is not None
    assert default_after.default_fleet_installation_token is not None
    assert (
        default_after.default_fleet_installation_token.token
        != default_before.default_fleet_installation_token.token
    )
