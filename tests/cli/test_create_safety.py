"""`tokens create` makes no duplicate by accident, and says what to do when unsure it worked."""

from __future__ import annotations

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run, create, names


def test_an_existing_name_is_refused_and_points_at_ensure(
    cli: Run, server: ThreadedSandbox
) -> None:
    first = create(cli, "web")
    again = cli("tokens", "create", "web", "--config-id", "123456")
    assert again.code == 2
    assert again.out == ""
    assert "an install token named 'web' already exists" in again.err
    assert "`logscale-fleet tokens ensure web --config-id 123456` reuses it" in again.err
    assert "--allow-duplicate" in again.err
    assert first["token"] not in again.err  # masked
    assert names(cli) == ["default", "web"]


def test_allow_duplicate_creates_a_second_one(cli: Run, server: ThreadedSandbox) -> None:
    create(cli, "web")
    second = create(cli, "web", "--allow-duplicate")
    assert second["name"] == "web"
    assert names(cli) == ["default", "web", "web"]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("500,operation=CreateFleetInstallToken,after=true", 1),
        ("drop,operation=CreateFleetInstallToken,after=true", 5),
    ],
    ids=["5xx-after-landing", "lost-answer"],
)
def test_an_ambiguous_failure_says_the_token_may_exist(
    cli: Run, server: ThreadedSandbox, fault: str, code: int
) -> None:
    server.set_faults([fault])
    result = cli("tokens", "create", "web")
    assert result.code == code, result.err
    assert "the install token may have been created anyway" in result.err
    assert "run `logscale-fleet tokens ensure web`" in result.err
    assert "may still complete" not in result.err
    server.clear_faults()
    # It did land: ensure finds it instead of making a second one.
    ensured = cli("-o", "json", "tokens", "ensure", "web")
    assert ensured.json()["action"] == "unchanged"
    assert names(cli) == ["default", "web"]


def test_a_timeout_also_says_the_create_may_still_complete(
    cli: Run, server: ThreadedSandbox
) -> None:
    server.set_faults(["latency,seconds=3,operation=CreateFleetInstallToken"])
    result = cli("--timeout", "0.5", "tokens", "create", "slow")
    assert result.code == 5, result.err
    assert "the install token may have been created anyway" in result.err
    assert "the create may still complete on the server" in result.err
    assert "`logscale-fleet tokens ensure slow`" in result.err


def test_a_refused_create_is_not_called_ambiguous(cli: Run, server: ThreadedSandbox) -> None:
    server.set_faults(["graphql,operation=CreateFleetInstallToken,message=no"])
    result = cli("tokens", "create", "web")
    assert result.code == 1
    assert "may have been created" not in result.err
