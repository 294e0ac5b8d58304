"""`tokens ...` against the served sandbox, in-process: output shapes, masking, behaviour."""

from __future__ import annotations

import io
from typing import Any

import pytest

from logscale_fleet.cli.output import ELLIPSIS
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, LINUX_CONFIG_ID, Run, create, names


class Terminal(io.StringIO):
    """Standard input that claims to be a terminal, with the person's answers in it."""

    def isatty(self) -> bool:
        return True


def test_create_prints_token_jwt_and_install_commands_in_full(
    cli: Run, server: ThreadedSandbox
) -> None:
    result = cli("tokens", "create", "web-01", "--config-id", LINUX_CONFIG_ID)
    assert result.code == 0, result.err
    lines = dict(line.split(":", 1) for line in result.out.splitlines())
    assert lines["name"].strip() == "web-01"
    value = lines["token"].strip()
    assert ELLIPSIS not in value
    assert len(value) > 12
    assert lines["jwt token"].strip().startswith("eyJ")
    assert value in lines["linux install"]
    assert lines["configuration"].strip() == f"linux-syslog ({LINUX_CONFIG_ID})"


def test_create_json_uses_graphql_field_names(cli: Run, server: ThreadedSandbox) -> None:
    token = create(cli, "web", "--config-id", DOCS_CONFIG_ID)
    assert set(token) == {
        "name",
        "token",
        "jwtToken",
        "assignedConfiguration",
        "installationCommands",
    }
    assert set(token["installationCommands"]) == {"linuxCommand", "windowsCommand", "macosCommand"}
    assert token["assignedConfiguration"]["id"] == DOCS_CONFIG_ID
    assert token["token"] in token["installationCommands"]["linuxCommand"]
    assert token["jwtToken"].count(".") == 2


def test_list_masks_secrets_unless_asked(cli: Run, server: ThreadedSandbox) -> None:
    token = create(cli, "web")
    masked = cli("-o", "json", "tokens", "list")
    assert masked.code == 0
    shown = {t["name"]: t for t in masked.json()}["web"]
    assert shown["token"] == token["token"][:4] + ELLIPSIS
    assert shown["jwtToken"] == token["jwtToken"][:4] + ELLIPSIS
    assert token["token"] not in masked.out
    assert token["jwtToken"] not in masked.out
    assert shown["installationCommands"]["linuxCommand"].endswith(token["token"][:4] + ELLIPSIS)

    table = cli("tokens", "list")
    assert token["token"] not in table.out
    assert token["token"][:4] + ELLIPSIS in table.out

    full = cli("-o", "json", "tokens", "list", "--show-secrets")
    assert {t["name"]: t for t in full.json()}["web"] == token


def test_list_table_is_aligned_sorted_and_limited(cli: Run, server: ThreadedSandbox) -> None:
    for name in ("charlie", "alpha", "bravo"):
        create(cli, name, *(("--config-id", LINUX_CONFIG_ID) if name == "bravo" else ()))
    result = cli("tokens", "list")
    lines = result.out.splitlines()
    assert lines[0].split() == ["NAME", "TOKEN", "CONFIGURATION", "CONFIG", "ID"]
    assert [line.split()[0] for line in lines[1:]] == ["alpha", "bravo", "charlie", "default"]
    token_column = lines[0].index("TOKEN")
    assert all(line[token_column - 2 : token_column] == "  " for line in lines[1:])

    descending = cli("-o", "json", "tokens", "list", "--order", "desc", "--limit", "2")
    assert [t["name"] for t in descending.json()] == ["default", "charlie"]
    by_config = cli("-o", "json", "tokens", "list", "--sort", "config", "--order", "desc")
    assert by_config.json()[0]["name"] == "bravo"


def test_list_paginates_past_one_page(cli: Run, server: ThreadedSandbox) -> None:
    for i in range(105):
        server.store.install_tokens.create(f"bulk-{i:03d}")
    result = cli("-o", "json", "tokens", "list")
    assert len(result.json()) == 106
    assert len(cli("-o", "json", "tokens", "list", "--limit", "101").json()) == 101


def test_show_by_value_and_by_name(cli: Run, server: ThreadedSandbox) -> None:
    token = create(cli, "web", "--config-id", DOCS_CONFIG_ID)
    by_value = cli("-o", "json", "tokens", "show", token["token"])
    assert by_value.code == 0
    assert by_value.json()["token"] == token["token"][:4] + ELLIPSIS
    by_name = cli("--output", "json", "tokens", "show", "--by-name", "web", "--show-secrets")
    assert by_name.json() == token
    table = cli("tokens", "show", "--by-name", "web")
    assert "configuration:" in table.out
    assert token["token"] not in table.out


def test_output_option_also_works_after_the_command(cli: Run, server: ThreadedSandbox) -> None:
    create(cli, "web")
    result = cli("tokens", "show", "--by-name", "web", "-o", "json")
    assert result.json()["name"] == "web"


def test_rename(cli: Run, server: ThreadedSandbox) -> None:
    token = create(cli, "old")
    result = cli("tokens", "rename", token["token"], "new")
    assert result.code == 0
    assert result.out == f"renamed 'old' to 'new' ({token['token'][:4]}{ELLIPSIS})\n"
    assert names(cli) == ["default", "new"]
    renamed = cli("-o", "json", "tokens", "rename", "--by-name", "new", "newer")
    assert renamed.json()["name"] == "newer"
    assert renamed.json()["token"] == token["token"][:4] + ELLIPSIS


def test_assign_and_unassign(cli: Run, server: ThreadedSandbox) -> None:
    create(cli, "web")
    assigned = cli(
        "-o", "json", "tokens", "assign", "--by-name", "web", "--config-id", DOCS_CONFIG_ID
    )
    assert assigned.code == 0
    assert assigned.json()["assignedConfiguration"]["id"] == DOCS_CONFIG_ID
    unassigned = cli("tokens", "assign", "--by-name", "web", "--none")
    assert unassigned.code == 0
    assert "now has no configuration" in unassigned.out
    shown = cli("-o", "json", "tokens", "show", "--by-name", "web")
    assert shown.json()["assignedConfiguration"] is None


def test_assign_needs_exactly_one_target(cli: Run, server: ThreadedSandbox) -> None:
    assert cli("tokens", "assign", "x").code == 2
    both = cli("tokens", "assign", "x", "--none", "--config-id", "1")
    assert both.code == 2
    assert "not allowed with argument" in both.err


def test_delete_with_yes(cli: Run, server: ThreadedSandbox) -> None:
    a, b = create(cli, "a"), create(cli, "b")
    result = cli("-o", "json", "tokens", "delete", "--yes", a["token"], b["token"])
    assert result.code == 0
    assert result.json() == [
        {"name": "a", "token": a["token"][:4] + ELLIPSIS},
        {"name": "b", "token": b["token"][:4] + ELLIPSIS},
    ]
    assert names(cli) == ["default"]


def test_delete_refuses_without_yes_when_stdin_is_not_a_terminal(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = create(cli, "keep")
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # answers, but not a terminal
    result = cli("tokens", "delete", token["token"])
    assert result.code == 2
    assert "--yes" in result.err
    assert names(cli) == ["default", "keep"]


def test_delete_asks_on_a_terminal(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(cli, "a")
    create(cli, "b")
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    declined = cli("tokens", "delete", "--by-name", "a", "b")
    assert declined.code == 2
    assert "Delete 2 install tokens: a (" in declined.err
    assert "[y/N]" in declined.err
    assert names(cli) == ["a", "b", "default"]

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    accepted = cli("tokens", "delete", "--by-name", "a", "b")
    assert accepted.code == 0
    assert accepted.out.splitlines()[0].startswith("deleted a (")
    assert names(cli) == ["default"]


def test_delete_deletes_nothing_when_one_token_is_missing(
    cli: Run, server: ThreadedSandbox
) -> None:
    create(cli, "a")
    result = cli("tokens", "delete", "--yes", "--by-name", "a", "missing")
    assert result.code == 4
    assert "no install token is named 'missing'" in result.err
    assert names(cli) == ["a", "default"]


def test_ensure_says_created_updated_unchanged(cli: Run, server: ThreadedSandbox) -> None:
    first = cli("-o", "json", "tokens", "ensure", "web", "--config-id", DOCS_CONFIG_ID)
    assert first.code == 0
    assert first.json()["action"] == "created"
    token = first.json()["installToken"]
    assert ELLIPSIS not in token["token"]  # printed in full, for enrolment scripts

    again = cli("-o", "json", "tokens", "ensure", "web", "--config-id", DOCS_CONFIG_ID)
    assert again.json() == {"action": "unchanged", "installToken": token}

    moved = cli("tokens", "ensure", "web", "--config-id", LINUX_CONFIG_ID)
    assert moved.out.startswith("updated install token 'web'\n")
    unassigned = cli("-o", "json", "tokens", "ensure", "web")
    assert unassigned.json()["action"] == "updated"
    assert unassigned.json()["installToken"]["assignedConfiguration"] is None
    assert names(cli) == ["default", "web"]


def test_ensure_refuses_an_ambiguous_name(cli: Run, server: ThreadedSandbox) -> None:
    create(cli, "twin")
    create(cli, "twin", "--allow-duplicate")
    result = cli("tokens", "ensure", "twin")
    assert result.code == 2
    assert "2 install tokens are already named 'twin'" in result.err


def test_install_command_prints_only_the_command(cli: Run, server: ThreadedSandbox) -> None:
    token = create(cli, "web")
    for os_name, key in (
        ("linux", "linuxCommand"),
        ("windows", "windowsCommand"),
        ("macos", "macosCommand"),
    ):
        result = cli("tokens", "install-command", token["token"], "--os", os_name)
        assert result.code == 0
        assert result.out == token["installationCommands"][key] + "\n"
    as_json = cli("-o", "json", "tokens", "install-command", "--by-name", "web", "--os", "linux")
    assert as_json.json() == {"linuxCommand": token["installationCommands"]["linuxCommand"]}


def test_by_name_with_duplicate_names_asks_for_the_value(cli: Run, server: ThreadedSandbox) -> None:
    create(cli, "twin")
    create(cli, "twin", "--allow-duplicate")
    result = cli("tokens", "show", "--by-name", "twin")
    assert result.code == 2
    assert "2 install tokens are named 'twin'" in result.err


def test_empty_list(cli: Run, server: ThreadedSandbox) -> None:
    server.store.install_tokens.delete(server.store.install_tokens.default().token)  # type: ignore[union-attr]
    table = cli("tokens", "list")
    assert (table.code, table.out) == (0, "")
    assert "no install tokens" in table.err
    assert cli("-o", "json", "tokens", "list").json() == []


def test_list_sends_one_request_and_a_limit_pages_only_that_far(
    cli: Run, server: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logscale_fleet._core.executor import Executor

    for i in range(30):
        server.store.install_tokens.create(f"bulk-{i:02d}")
    sent: list[tuple[str, Any]] = []
    original = Executor.run

    async def spy(self: Executor, operation: str, **kwargs: Any) -> Any:
        sent.append((operation, kwargs.get("limit")))
        return await original(self, operation, **kwargs)

    monkeypatch.setattr(Executor, "run", spy)
    everything = cli("-o", "json", "tokens", "list", "--sort", "name", "--order", "desc")
    assert everything.code == 0
    assert len(everything.json()) == 31
    assert sent == [("FleetInstallationTokens", None)]
    sent.clear()
    limited = cli("-o", "json", "tokens", "list", "--order", "desc", "--limit", "7")
    assert sent == [("SearchFleetInstallationTokens", 7)]
    assert limited.json() == everything.json()[:7]
