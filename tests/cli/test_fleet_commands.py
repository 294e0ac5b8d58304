"""`groups`, `collectors`, `installers` and `sandbox enroll` through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_fleet.sandbox.services.installers.state import VERSIONS
from tests.cli.conftest import LINUX_CONFIG_ID, WINDOWS_CONFIG_ID, Run, create


def _enrol(server: ThreadedSandbox, cli: Run) -> str:
    token = str(create(cli, "fleet", "--config", LINUX_CONFIG_ID)["token"])
    server.enroll(token, "web", labels={"env": "prod"}, count=3)
    server.enroll(token, "db", os="windows", labels={"env": "prod"})
    return token


def test_groups_create_list_show_update_delete(cli: Run, server: ThreadedSandbox) -> None:
    _enrol(server, cli)
    created = cli(
        "-o", "json", "groups", "create", "web", "--filter", "hostname = web*",
        "--config", "windows-events", "--wanted-version", VERSIONS[1],
    )  # fmt: skip
    assert created.code == 0, created.err
    group = created.json()
    assert (group["collectorCount"], group["wantedVersion"]) == (3, VERSIONS[1])
    assert [c["id"] for c in group["configurations"]] == [WINDOWS_CONFIG_ID]

    table = cli("groups", "list")
    assert table.code == 0
    assert table.out.splitlines()[0].split()[:2] == ["ID", "NAME"]
    assert "hostname = web*" in table.out
    shown = cli("-o", "json", "groups", "show", "web").json()
    assert shown["id"] == group["id"]

    updated = cli(
        "-o", "json", "groups", "update", "web", "--name", "all-prod",
        "--filter", "labels.env = prod", "--no-configs", "--no-wanted-version",
    )  # fmt: skip
    assert updated.code == 0, updated.err
    assert updated.json()["name"] == "all-prod"
    assert updated.json()["collectorCount"] == 4
    assert updated.json()["configurations"] == []
    assert updated.json()["wantedVersion"] is None

    refused = cli("groups", "delete", "all-prod")  # stdin is not a terminal under pytest
    assert refused.code == 2
    assert "--yes" in refused.err
    deleted = cli("-o", "json", "groups", "delete", "all-prod", "--yes")
    assert deleted.code == 0
    assert [d["name"] for d in deleted.json()["deleted"]] == ["all-prod"]
    assert cli("-o", "json", "groups", "list").json() == []


def test_group_errors_have_their_exit_codes(cli: Run, server: ThreadedSandbox) -> None:
    assert cli("groups", "show", "nope").code == 4
    assert cli("groups", "create", "x", "--config", "no-such-config").code == 4
    bad = cli("-o", "json", "groups", "create", "x", "--filter", "cpu > 5")
    assert bad.code == 1
    assert "unknown field 'cpu'" in bad.json()["error"]["message"]
    cli("groups", "create", "twin")
    cli("groups", "create", "twin")
    ambiguous = cli("groups", "show", "twin")
    assert ambiguous.code == 2
    assert "several groups are named 'twin'" in ambiguous.err
    assert cli("groups", "update", "twin").code == 2  # nothing to change


def test_collectors_list_with_filters(cli: Run, server: ThreadedSandbox) -> None:
    _enrol(server, cli)
    cli("groups", "create", "web", "--filter", "hostname = web*")
    everything = cli("-o", "json", "collectors", "list")
    assert everything.code == 0
    assert len(everything.json()) == 4
    by_group = cli("-o", "json", "collectors", "list", "--group", "web").json()
    assert sorted(c["hostname"] for c in by_group) == ["web-1", "web-2", "web-3"]
    windows = cli("-o", "json", "collectors", "list", "--os", "windows").json()
    assert [c["hostname"] for c in windows] == ["db"]
    text = cli("-o", "json", "collectors", "list", "--filter", "web-2").json()
    assert [c["hostname"] for c in text] == ["web-2"]
    by_config = cli("-o", "json", "collectors", "list", "--config", "linux-syslog").json()
    assert len(by_config) == 4
    assert cli("-o", "json", "collectors", "list", "--version", "0.1.0").json() == []
    table = cli("collectors", "list", "--status", "ok")
    assert table.out.splitlines()[0].split()[:3] == ["ID", "MACHINE", "ID"]
    assert len(table.out.splitlines()) == 5
    # Progress is for terminals only: captured stderr holds nothing but notes.
    assert "searching the fleet" not in table.err


def test_collectors_show_assign_upgrade_unenroll(cli: Run, server: ThreadedSandbox) -> None:
    _enrol(server, cli)
    listed = cli("-o", "json", "collectors", "list").json()
    ids = [c["id"] for c in listed]
    shown = cli("-o", "json", "collectors", "show", listed[0]["machineId"])
    assert (shown.code, shown.json()["hostname"]) == (0, listed[0]["hostname"])
    assert cli("collectors", "show", "no-such-machine").code == 4

    assigned = cli("-o", "json", "collectors", "assign", "--config", "windows-events", *ids[:2])
    assert assigned.code == 0, assigned.err
    assert sorted(assigned.json()["assigned"]) == sorted(ids[:2])
    running = cli("-o", "json", "collectors", "list", "--config", WINDOWS_CONFIG_ID).json()
    assert sorted(c["id"] for c in running) == sorted(ids[:2])

    upgraded = cli("-o", "json", "collectors", "upgrade", "--version", VERSIONS[2], ids[0])
    assert upgraded.code == 0, upgraded.err
    assert cli("collectors", "upgrade", "--version", VERSIONS[2]).code == 2  # no target
    assert cli("collectors", "upgrade", "--version", "0.0.1", ids[0]).code == 1
    wanting = [c for c in cli("-o", "json", "collectors", "list").json() if c["wantedVersion"]]
    assert [c["id"] for c in wanting] == [ids[0]]

    assert cli("collectors", "unenroll", ids[3]).code == 2  # no terminal, no --yes
    gone = cli("-o", "json", "collectors", "unenroll", ids[3], "missing-id", "--yes")
    assert gone.code == 4  # one id was unknown
    assert [c["id"] for c in gone.json()["unenrolled"]] == [ids[3]]
    assert gone.json()["notFound"] == ["missing-id"]
    assert len(cli("-o", "json", "collectors", "list").json()) == 3


def test_upgrade_a_group(cli: Run, server: ThreadedSandbox) -> None:
    _enrol(server, cli)
    cli("groups", "create", "web", "--filter", "hostname = web*")
    result = cli("-o", "json", "collectors", "upgrade", "--version", VERSIONS[0], "--group", "web")
    assert result.code == 0, result.err
    assert result.json()["group"]["wantedVersion"] == VERSIONS[0]


def test_installers_list(cli: Run, server: ThreadedSandbox) -> None:
    found = cli("-o", "json", "installers", "list", "--os", "macos", "--version", VERSIONS[0])
    assert found.code == 0
    assert [d["type"] for d in found.json()] == ["pkg"]
    table = cli("installers", "list", "--os", "linux")
    assert len(table.out.splitlines()) == 1 + 4 * len(VERSIONS)


def test_sandbox_enroll_feeds_the_in_process_sandbox(cli: Run, sandbox_state: Path) -> None:
    token = create(cli, "local", "--sandbox", "--config", LINUX_CONFIG_ID)["token"]
    enrolled = cli(
        "-o", "json", "sandbox", "enroll", "--token", token, "--hostname", "edge",
        "--os", "macos", "--label", "env=lab", "--label", "rack=7", "--count", "12",
    )  # fmt: skip
    assert enrolled.code == 0, enrolled.err
    document = enrolled.json()
    assert [c["hostname"] for c in document["enrolled"]][:2] == ["edge-01", "edge-02"]
    assert document["enrolled"][0]["labels"] == {"env": "lab", "rack": "7"}
    assert token not in enrolled.out + enrolled.err
    listed = cli("--sandbox", "-o", "json", "collectors", "list", "--os", "macos").json()
    assert len(listed) == 12
    assert {c["configId"] for c in listed} == {LINUX_CONFIG_ID}


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["--token", "not-a-token-value-at-all", "--hostname", "h"], "no fleet installation token"),
        (["--label", "novalue"], "is not K=V"),
        (["--count", "0"], "count must be"),
    ],
)
def test_sandbox_enroll_refuses_bad_input_with_exit_2(
    cli: Run, sandbox_state: Path, options: list[str], problem: str
) -> None:
    token = create(cli, "local", "--sandbox")["token"]
    base = ["--token", token, "--hostname", "h"]
    result = cli("sandbox", "enroll", *base, *options)
    assert result.code == 2
    assert problem in result.err
    assert token not in result.err


class _Terminal:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        return None


def test_search_progress_is_drawn_only_on_a_terminal() -> None:
    import io

    from logscale_fleet._core.polling import Progress
    from logscale_fleet.cli.collector_commands import _progress

    assert _progress(io.StringIO()) is None
    terminal = _Terminal()
    draw = _progress(terminal)
    assert draw is not None
    draw(Progress("SearchFleet", polls=2, elapsed=3.2, total_results=1200))
    assert terminal.text == "\rsearching the fleet (3 s, 1200 so far)\x1b[K"


def test_plan_and_apply_a_groups_declaration(
    cli: Run, server: ThreadedSandbox, tmp_path: Path
) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(
        "groups:\n"
        "  - name: web\n"
        "    filter: 'hostname = web*'\n"
        "    configurations: [linux-syslog]\n"
        f"    wanted_version: '{VERSIONS[0]}'\n",
        encoding="utf-8",
    )
    planned = cli("-o", "json", "plan", str(path), "--detailed-exitcode")
    assert planned.code == 7
    assert [(c["action"], c["kind"], c["name"]) for c in planned.json()["changes"]] == [
        ("create", "group", "web")
    ]
    applied = cli("-o", "json", "apply", str(path))
    assert applied.code == 0, applied.err
    assert cli("plan", str(path), "--detailed-exitcode").code == 0
    (group,) = cli("-o", "json", "groups", "list").json()
    assert (group["filter"], group["wantedVersion"]) == ("hostname = web*", VERSIONS[0])


def _debug_state(server: ThreadedSandbox, machine_id: str) -> tuple[str | None, str | None]:
    entry, _ = server.store.collectors.details(machine_id)
    assert entry is not None
    return entry.collector.debug_level, entry.collector.debug_repository


def test_debug_logging_enable_and_disable(
    cli: Run, server: ThreadedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    _enrol(server, cli)
    collector = cli("-o", "json", "collectors", "list").json()[0]
    ingest = "ingest-0123456789abcdef-secret"
    token_file = tmp_path / "ingest"
    token_file.write_text(ingest + "\n")
    token_file.chmod(0o600)

    enabled = cli(
        "-o", "json", "collectors", "debug-logging", "enable", collector["id"],
        "--ingest-token-file", str(token_file), "--level", "trace",
        "--repository", "collector-logs",
    )  # fmt: skip
    assert enabled.code == 0, enabled.err
    assert enabled.json() == {"id": collector["id"], "debugLogging": True, "level": "trace"}
    assert ingest not in enabled.out + enabled.err
    assert _debug_state(server, collector["machineId"]) == ("trace", "collector-logs")

    disabled = cli("collectors", "debug-logging", "disable", collector["id"])
    assert (disabled.code, disabled.out) == (
        0,
        f"collector {collector['id']} no longer sends its logs\n",
    )
    assert _debug_state(server, collector["machineId"]) == (None, None)

    # The token from standard input; the default level.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ingest.encode())))
    from_stdin = cli(
        "collectors", "debug-logging", "enable", collector["id"], "--ingest-token-file", "-"
    )
    assert from_stdin.code == 0, from_stdin.err
    assert _debug_state(server, collector["machineId"]) == ("debug", None)

    # The sandbox refuses an unknown id with a GraphQL error, as it does for every collector.
    unknown = cli(
        "collectors", "debug-logging", "enable", "no-such-id",
        "--ingest-token-file", str(token_file),
    )  # fmt: skip
    assert unknown.code == 1
    assert "no enrolled log collector with id 'no-such-id'" in unknown.err
    assert ingest not in unknown.out + unknown.err


@pytest.mark.parametrize("action", ["enable", "disable"])
def test_a_server_answering_false_is_not_found(
    cli: Run, httpx_mock: HTTPXMock, tmp_path: Path, action: str
) -> None:
    field = f"{action}LogCollectorInstanceDebugLogging"
    httpx_mock.add_response(json={"data": {field: False}})
    token_file = tmp_path / "ingest"
    token_file.write_text("ingest-secret-value")
    token_file.chmod(0o600)
    extra = ("--ingest-token-file", str(token_file)) if action == "enable" else ()
    result = cli(
        "--url", "https://logscale.example.com", "--token", "t0123456789",
        "collectors", "debug-logging", action, "c-1", *extra,
    )  # fmt: skip
    assert result.code == 4, result.err
    assert "no enrolled collector has the id 'c-1'" in result.err


def test_debug_logging_refuses_a_bad_token_file_before_sending(
    cli: Run, server: ThreadedSandbox, tmp_path: Path
) -> None:
    _enrol(server, cli)
    collector = cli("-o", "json", "collectors", "list").json()[0]
    empty = tmp_path / "empty"
    empty.write_text("  \n")
    empty.chmod(0o600)
    for path, message in ((tmp_path / "missing", "ingest token file"), (empty, "is empty")):
        result = cli(
            "collectors",
            "debug-logging",
            "enable",
            collector["id"],
            "--ingest-token-file",
            str(path),
        )
        assert result.code == 2, result.err
        assert message in result.err
    assert _debug_state(server, collector["machineId"]) == (None, None)
    bad_level = cli(
        "collectors", "debug-logging", "enable", collector["id"], "--ingest-token-file", str(empty),
        "--level", "loud",
    )  # fmt: skip
    assert bad_level.code == 2


def test_lost_days_show_set_and_default(cli: Run, server: ThreadedSandbox) -> None:
    default = cli("-o", "json", "collectors", "lost-days").json()["lostCollectorDays"]
    changed = cli("-o", "json", "collectors", "lost-days", "--set", "45")
    assert (changed.code, changed.json()) == (0, {"lostCollectorDays": 45})
    assert (
        cli("collectors", "lost-days").out
        == "collectors are lost after 45 day(s) without contact\n"
    )
    restored = cli("-o", "json", "collectors", "lost-days", "--default")
    assert restored.json() == {"lostCollectorDays": default} != {"lostCollectorDays": 45}
    for bad in (("--set", "0"), ("--set", "3651"), ("--set", "x"), ("--set", "5", "--default")):
        assert cli("collectors", "lost-days", *bad).code == 2, bad
    assert cli("-o", "json", "collectors", "lost-days").json() == {"lostCollectorDays": default}
