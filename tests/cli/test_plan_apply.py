"""`logscale-fleet plan` and `apply`: drift exit codes, the guards on deleting (issue 11 item
13), escaped server strings in plan lines (item 15), one exact JSON document."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.cli.exit_codes import CHANGES_PENDING
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run, names

DECLARATION = "tokens:\n  - name: web\n    config_name: linux-syslog\n  - name: spare\n"


@pytest.fixture
def fleet_file(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.yaml"
    path.write_text(DECLARATION, encoding="utf-8")
    return path


def strays(server: ThreadedSandbox, count: int) -> None:
    for i in range(count):
        server.store.install_tokens.create(f"stray-{i:02d}")


def test_plan_detailed_exitcode_detects_drift(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    pending = cli("plan", str(fleet_file), "--detailed-exitcode")
    assert pending.code == CHANGES_PENDING == 7
    assert pending.out.splitlines() == [
        "+ install token web  configuration: linux-syslog",
        "+ install token spare  configuration: none",
        "Plan: 2 to create, 0 to update, 0 to delete (0 unchanged)",
    ]
    assert cli("plan", str(fleet_file)).code == 0  # without the flag: 0 either way
    assert names(cli) == ["default"]  # a plan changes nothing
    assert cli("apply", str(fleet_file)).code == 0
    in_sync = cli("plan", str(fleet_file), "--detailed-exitcode")
    assert in_sync.code == 0
    assert in_sync.out.splitlines() == ["Plan: 0 to create, 0 to update, 0 to delete (2 unchanged)"]
    # Drift made behind the file's back is detected on the next scheduled check.
    server.store.install_tokens.create("drift")
    assert cli("plan", str(fleet_file), "--prune", "--detailed-exitcode").code == 7


@pytest.mark.parametrize("command", [("apply",), ("tokens", "apply")])
def test_prune_without_a_terminal_needs_yes(
    cli: Run, server: ThreadedSandbox, fleet_file: Path, command: tuple[str, ...]
) -> None:
    strays(server, 2)
    refused = cli(*command, str(fleet_file), "--prune")
    assert refused.code == 2
    assert "refusing to delete 2 resources without --yes" in refused.err
    assert names(cli) == ["default", "stray-00", "stray-01"]  # nothing changed at all
    done = cli(*command, str(fleet_file), "--prune", "--yes")
    assert done.code == 0, done.err
    assert names(cli) == ["default", "spare", "web"]


def test_no_deletes_no_yes_needed(cli: Run, server: ThreadedSandbox, fleet_file: Path) -> None:
    assert cli("apply", str(fleet_file), "--prune").code == 0


def test_prune_on_a_terminal_asks(
    cli: Run, server: ThreadedSandbox, fleet_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    strays(server, 1)
    asked: list[str] = []
    answer = [False]

    def confirm(question: str) -> bool:
        asked.append(question)
        return answer[0]

    monkeypatch.setattr("logscale_fleet.cli.apply.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("logscale_fleet.cli.apply.confirm", confirm)
    declined = cli("apply", str(fleet_file), "--prune")
    assert declined.code == 2
    assert "nothing changed (not confirmed)" in declined.err
    assert asked == ["Apply, deleting 1 resource (install token stray-00)?"]
    assert names(cli) == ["default", "stray-00"]
    answer[0] = True
    assert cli("apply", str(fleet_file), "--prune").code == 0
    assert names(cli) == ["default", "spare", "web"]


def test_max_deletes_refuses_a_large_prune(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    strays(server, 11)
    refused = cli("apply", str(fleet_file), "--prune", "--yes")
    assert refused.code == 2
    assert "deletes 11 resources, more than --max-deletes 10" in refused.err
    assert len(names(cli)) == 12
    lower = cli("tokens", "apply", str(fleet_file), "--prune", "--yes", "--max-deletes", "3")
    assert lower.code == 2
    raised = cli("apply", str(fleet_file), "--prune", "--yes", "--max-deletes", "11")
    assert raised.code == 0, raised.err
    assert "Apply complete: 2 created, 0 updated, 11 deleted (0 unchanged)" in raised.out


def test_escape_sequences_in_server_names_cannot_hide_a_delete(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    # A name that, printed raw, erases its own line and writes a harmless-looking one instead.
    hostile = "x\x1b[2K\r+ install token harmless"
    server.store.install_tokens.create(hostile)
    result = cli("plan", str(fleet_file), "--prune")
    assert result.code == 0
    delete_lines = [line for line in result.out.splitlines() if line.startswith("- ")]
    assert len(delete_lines) == 1
    assert "\x1b" not in result.out
    assert "\r" not in result.out
    assert delete_lines[0].startswith("- install token x\\x1b[2K\\x0d+ install token harmless (")
    # JSON stays exact: the real name, once.
    document = cli("-o", "json", "plan", str(fleet_file), "--prune").json()
    assert [c["name"] for c in document["changes"] if c["action"] == "delete"] == [hostile]


def test_json_plan_and_result_are_one_document_each(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    plan = cli("-o", "json", "plan", str(fleet_file))
    document = plan.json()
    assert document["dryRun"] is True
    assert document["summary"] == {"create": 2, "update": 0, "delete": 0, "unchanged": 0}
    web = document["changes"][0]
    assert web["name"] == "web"
    assert web["fields"][0]["from"] is None
    assert web["fields"][0]["to"]["name"] == "linux-syslog"
    applied = cli("-o", "json", "apply", str(fleet_file), "--concurrency", "2")
    result = applied.json()
    assert result["ok"] is True
    assert result["dryRun"] is False
    assert sorted(c["name"] for c in result["changes"]) == ["spare", "web"]
    assert all(c["target"].endswith("\u2026") for c in result["changes"])
    again = cli("-o", "json", "apply", str(fleet_file)).json()
    assert again["changes"] == []
    assert again["summary"]["unchanged"] == 2


@pytest.mark.parametrize("bad", ["0", "-1", "x", "257"])
def test_concurrency_is_checked_before_connecting(cli: Run, fleet_file: Path, bad: str) -> None:
    assert cli("apply", str(fleet_file), "--concurrency", bad).code == 2


def test_a_reserved_section_is_a_usage_error(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every designed section has an adapter today; the mechanism stays for the next kind.
    from logscale_fleet.reconcile import registry

    monkeypatch.setattr(registry, "RESERVED", {"collectors": "collectors join later"})
    path = tmp_path / "fleet.yaml"
    path.write_text("tokens: []\ncollectors:\n  - name: linux\n", encoding="utf-8")
    result = cli("plan", str(path))
    assert result.code == 2
    assert "collectors: not supported yet" in result.err


def test_ctrl_c_mid_apply_says_what_was_done_and_a_rerun_converges(
    cli: Run, server: ThreadedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logscale_fleet.reconcile import tokens

    path = tmp_path / "fleet.yaml"
    path.write_text("".join(f"- name: host-{i}\n" for i in range(5)), encoding="utf-8")
    real = tokens._create_token
    made: list[str] = []

    async def interrupted_after_two(fleet: object, name: str, config_id: str | None) -> str:
        if len(made) == 2:
            raise KeyboardInterrupt  # as Ctrl-C arrives in the event loop
        made.append(name)
        return await real(fleet, name, config_id)  # type: ignore[arg-type]

    monkeypatch.setattr(tokens, "_create_token", interrupted_after_two)
    result = cli("apply", str(path), "--concurrency", "1")
    assert result.code == 130
    assert "made 2 of 5 changes before the interruption: created host-0, created host-1" in (
        result.err
    )
    assert "in flight, may or may not have happened: install token host-2" in result.err
    assert names(cli) == ["default", "host-0", "host-1"]
    monkeypatch.setattr(tokens, "_create_token", real)
    rerun = cli("apply", str(path))
    assert rerun.code == 0, rerun.err
    assert "Apply complete: 3 created, 0 updated, 0 deleted (2 unchanged)" in rerun.out
