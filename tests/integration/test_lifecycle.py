"""The whole install-token lifecycle through FleetClient against the served sandbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from logscale_fleet import AuthenticationError, FleetClient, GraphQLError, TransportError
from logscale_fleet._core.http import HttpBackend
from logscale_fleet.sandbox.server import ThreadedSandbox


async def test_lifecycle(sandbox: ThreadedSandbox, backend: HttpBackend) -> None:
    async with FleetClient(sandbox.url, sandbox.token, http_backend=backend) as fleet:
        configs = await fleet.configurations.list()
        assert len(configs) >= 2
        config = await fleet.configurations.get(configs[0].id)
        assert config.name == configs[0].name

        created = await fleet.install_tokens.create("web-servers", config_id=config.id)
        assert created.name == "web-servers"
        assert created.assigned_configuration is not None
        assert created.assigned_configuration.id == config.id
        assert created.jwt_token.count(".") == 2
        for command in (
            created.installation_commands.linux_command,
            created.installation_commands.windows_command,
            created.installation_commands.macos_command,
        ):
            assert created.token in command
            assert sandbox.url in command

        fetched = await fleet.install_tokens.get(created.token)
        assert fetched == created

        renamed = await fleet.install_tokens.rename(created.token, "web-frontends")
        assert renamed.name == "web-frontends"
        unassigned = await fleet.install_tokens.assign_configuration(created.token, None)
        assert unassigned.assigned_configuration is None
        reassigned = await fleet.install_tokens.assign_configuration(created.token, configs[1].id)
        assert reassigned.assigned_configuration is not None
        assert reassigned.assigned_configuration.id == configs[1].id
        stored = await fleet.install_tokens.get(created.token)
        assert stored is not None
        assert stored.assigned_configuration is not None
        assert stored.assigned_configuration.id == configs[1].id

        assert created.token in {t.token for t in await fleet.install_tokens.list()}
        assert await fleet.install_tokens.default() is not None

        assert await fleet.install_tokens.delete(created.token) is True
        assert await fleet.install_tokens.get(created.token) is None


async def test_server_rules_surface_as_graphql_errors(fleet: FleetClient) -> None:
    with pytest.raises(GraphQLError) as caught:
        await fleet.install_tokens.create("web", config_id="no-such-config")
    assert caught.value.errors[0].path == ("createFleetInstallToken",)
    for call in (
        fleet.install_tokens.rename("no-such-token", "x"),
        fleet.install_tokens.assign_configuration("no-such-token", None),
        fleet.install_tokens.delete("no-such-token"),
        fleet.configurations.get("no-such-config"),
    ):
        with pytest.raises(GraphQLError):
            await call


async def test_pagination_and_sorting(fleet: FleetClient) -> None:
    names = [f"host-{i:02d}" for i in range(7)]
    for name in reversed(names):
        await fleet.install_tokens.create(name)
    everything = await fleet.install_tokens.list()
    ours = [t async for t in fleet.install_tokens.iter(page_size=2, sort_by="name", order="desc")]
    assert [t.name for t in ours if t.name.startswith("host-")] == sorted(names, reverse=True)
    assert len(ours) == len(everything)


@pytest.mark.parametrize("sort_by", ["name", "config"])
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_a_sorted_list_is_in_the_order_of_the_servers_search(
    fleet: FleetClient, sandbox: ThreadedSandbox, sort_by: str, order: str
) -> None:
    # Mixed case, equal names (ties) and tokens with and without a configuration: the one
    # request `list` sends, sorted here, must come out as the server's sorted pages do.
    configs = [c.id for c in await fleet.configurations.list()]
    for index, name in enumerate(["beta", "Alpha", "beta", "alpha", "Gamma", "BETA", "delta"]):
        config_id = configs[index % len(configs)] if index % 3 else None
        sandbox.store.install_tokens.create(name, config_id)
    listed = await fleet.install_tokens.list(sort_by=sort_by, order=order)  # type: ignore[arg-type]
    searched = [
        t
        async for t in fleet.install_tokens.iter(page_size=3, sort_by=sort_by, order=order)  # type: ignore[arg-type]
    ]
    assert [t.token for t in listed] == [t.token for t in searched]
    unsorted = await fleet.install_tokens.list()
    assert [t.token for t in listed] != [t.token for t in unsorted]


async def test_a_bad_sort_is_refused_before_a_request(fleet: FleetClient) -> None:
    from logscale_fleet import InvalidInputError

    with pytest.raises(InvalidInputError, match="sort_by"):
        await fleet.install_tokens.list(sort_by="size")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="order"):
        await fleet.install_tokens.list(sort_by="name", order="up")  # type: ignore[arg-type]


async def test_a_wrong_api_token_is_an_authentication_error(
    sandbox: ThreadedSandbox, backend: HttpBackend
) -> None:
    async with FleetClient(sandbox.url, "wrong-token", http_backend=backend) as fleet:
        with pytest.raises(AuthenticationError, match="The supplied authentication is invalid"):
            await fleet.install_tokens.list()


async def test_a_closed_port_is_a_transport_error_not_sent(backend: HttpBackend) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FleetClient(
        f"http://127.0.0.1:{port}", "t", max_retries=0, http_backend=backend
    ) as fleet:
        with pytest.raises(TransportError) as caught:
            await fleet.install_tokens.create("web")
    assert caught.value.request_sent is False


async def test_concurrent_ensures_create_each_name_once(fleet: FleetClient) -> None:
    names = [f"rollout-{i}" for i in range(10)]
    results = await asyncio.gather(*(fleet.install_tokens.ensure(n) for n in names * 5))
    created = [token.name for token, was_created in results if was_created]
    assert sorted(created) == sorted(names)
    listed = [t.name for t in await fleet.install_tokens.list() if t.name.startswith("rollout-")]
    assert sorted(listed) == sorted(names)


async def test_concurrent_creates_are_all_distinct(fleet: FleetClient) -> None:
    tokens = await asyncio.gather(*(fleet.install_tokens.create(f"bulk-{i}") for i in range(100)))
    assert len({t.token for t in tokens}) == 100
    listed = {t.token for t in await fleet.install_tokens.list()}
    assert {t.token for t in tokens} <= listed


async def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    with ThreadedSandbox(db=db) as first:
        async with FleetClient(first.url, first.token) as fleet:
            created = await fleet.install_tokens.create("persistent")
    with ThreadedSandbox(db=db) as second:
        async with FleetClient(second.url, second.token) as fleet:
            again = await fleet.install_tokens.get(created.token)
    assert again is not None
    assert again.name == "persistent"


async def test_the_in_process_sandbox_factory(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    async with FleetClient.sandbox(state) as fleet:
        assert fleet.source == "sandbox"
        created = await fleet.install_tokens.create("embedded")
    async with FleetClient.sandbox(state) as fleet:
        assert await fleet.install_tokens.get(created.token) is not None
    assert state.is_file()


async def test_schema_and_version_from_the_server(fleet: FleetClient, project_root: Path) -> None:
    from graphql import build_schema, print_schema

    sdl = await fleet.fetch_schema_sdl()
    ours = build_schema((project_root / "schema.graphql").read_text())
    assert print_schema(build_schema(sdl)) == print_schema(ours)
    assert await fleet.server_version()
