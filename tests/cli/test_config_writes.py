"""`configs create|draft|publish|diff|pull|rename|describe|delete|test|merged` through the real
CLI against the served sandbox: output, JSON documents, exit codes (6 on conflict, 7 on diff)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, Run

YAML = (
    "sources:\n  a:\n    type: file\n    include: /a\n    sink: s\nsinks:\n  s:\n    type: humio\n"
)
CHANGED = YAML.replace("/a", "/b")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"v1": tmp_path / "v1.yaml", "v2": tmp_path / "v2.yaml", "bad": tmp_path / "bad.yaml"}
    paths["v1"].write_text(YAML)
    paths["v2"].write_text(CHANGED)
    paths["bad"].write_text("sources:\n  a: 1\n  a: 2\n")
    return paths


def created(cli: Run, files: dict[str, Path], name: str = "web") -> dict[str, object]:
    result = cli("-o", "json", "configs", "create", name, "-f", str(files["v1"]))
    assert result.code == 0, result.err
    document: dict[str, object] = result.json()
    return document


def test_create_publishes_version_1_with_the_description(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    result = cli("configs", "create", "web", "-f", str(files["v1"]), "--description", "Web")
    assert result.code == 0, result.err
    assert result.out.startswith("created v1 of 'web' (")
    shown = cli("-o", "json", "configs", "show", "--by-name", "web").json()
    assert (shown["version"], shown["yaml"], shown["draft"], shown["description"]) == (
        1,
        YAML,
        None,
        "Web",
    )
    assert shown["yamlCharactersCount"] == len(YAML)


def test_create_draft_only_leaves_version_0(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    document = cli("-o", "json", "configs", "create", "web", "-f", str(files["v1"]), "--draft-only")
    assert document.code == 0, document.err
    assert (document.json()["version"], document.json()["draft"]) == (0, YAML)


def test_a_bad_file_exits_2_naming_file_line_and_column_before_sending(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    result = cli("configs", "create", "web", "-f", str(files["bad"]))
    assert result.code == 2
    assert f"invalid {files['bad']}: line 3, column 3: the key 'a' appears twice" in result.err
    assert cli("configs", "show", "--by-name", "web").code == 4  # nothing was created
    missing = cli("configs", "create", "web", "-f", str(files["bad"]) + ".nope")
    assert missing.code == 2
    assert "does not exist" in missing.err


def test_draft_then_publish_the_draft(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    config_id = str(created(cli, files)["id"])
    drafted = cli("-o", "json", "configs", "draft", config_id, "-f", str(files["v2"]))
    assert drafted.code == 0, drafted.err
    assert (drafted.json()["yaml"], drafted.json()["draft"]) == (YAML, CHANGED)
    published = cli("-o", "json", "configs", "publish", config_id)
    assert published.code == 0, published.err
    assert (published.json()["version"], published.json()["yaml"]) == (2, CHANGED)
    nothing = cli("configs", "publish", config_id)
    assert nothing.code == 2
    assert "has no draft to publish" in nothing.err


def test_publish_against_a_stale_version_exits_6_and_changes_nothing(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    created(cli, files)
    ok = cli(
        "configs", "publish", "--by-name", "web", "-f", str(files["v2"]), "--expect-version", "1"
    )
    assert ok.code == 0, ok.err
    stale = cli(
        "configs", "publish", "--by-name", "web", "-f", str(files["v1"]), "--expect-version", "1"
    )
    assert stale.code == 6
    assert (
        "you expected version 1, it is at version 2 (changed by sandbox-user@localhost" in stale.err
    )
    assert cli("-o", "json", "configs", "show", "--by-name", "web").json()["yaml"] == CHANGED
    as_json = cli(
        "-o",
        "json",
        "configs",
        "publish",
        "--by-name",
        "web",
        "-f",
        str(files["v1"]),
        "--expect-version",
        "1",
    )
    assert as_json.code == 6
    assert as_json.json()["error"]["exitCode"] == 6
    assert as_json.json()["error"]["type"] == "ConflictError"


def test_diff_and_its_detailed_exit_code(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    created(cli, files)
    same = cli("configs", "diff", "--by-name", "web", str(files["v1"]), "--detailed-exitcode")
    assert (same.code, same.out) == (0, "")
    assert "is the same as" in same.err
    different = cli("configs", "diff", "--by-name", "web", str(files["v2"]), "--detailed-exitcode")
    assert different.code == 7
    assert "-    include: /a\n+    include: /b\n" in different.out
    assert different.out.startswith("--- web (v1, published)\n+++ ")
    plain = cli("configs", "diff", "--by-name", "web", str(files["v2"]))
    assert plain.code == 0  # without the flag a difference is not a failure
    document = cli("-o", "json", "configs", "diff", "--by-name", "web", str(files["v2"])).json()
    assert document["same"] is False
    assert document["version"] == 1


def test_pull_writes_the_published_yaml(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path], tmp_path: Path
) -> None:
    created(cli, files)
    to_stdout = cli("configs", "pull", "--by-name", "web")
    assert (to_stdout.code, to_stdout.out) == (0, YAML)
    out = tmp_path / "pulled.yaml"
    to_file = cli("configs", "pull", "--by-name", "web", "--out", str(out))
    assert to_file.code == 0
    assert out.read_text() == YAML
    draft_only = cli("configs", "create", "drafty", "-f", str(files["v1"]), "--draft-only")
    assert draft_only.code == 0
    unpublished = cli("configs", "pull", "--by-name", "drafty")
    assert unpublished.code == 1
    assert "has no published version" in unpublished.err


def test_rename_and_describe(cli: Run, server: ThreadedSandbox, files: dict[str, Path]) -> None:
    created(cli, files)
    assert cli("configs", "rename", "--by-name", "web", "web-2").code == 0
    described = cli("-o", "json", "configs", "describe", "--by-name", "web-2", "Web servers")
    assert described.json()["description"] == "Web servers"
    cleared = cli("-o", "json", "configs", "describe", "--by-name", "web-2", "--clear")
    assert cleared.json()["description"] is None
    assert cli("configs", "show", "--by-name", "web").code == 4


def test_delete_needs_yes_the_version_and_no_tokens(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    config_id = str(created(cli, files)["id"])
    no_yes = cli("configs", "delete", config_id, "--version", "1")
    assert no_yes.code == 2
    assert "--yes" in no_yes.err
    stale = cli("configs", "delete", config_id, "--version", "0", "--yes")
    assert stale.code == 6
    token = cli("-o", "json", "tokens", "create", "web-servers", "--config-id", config_id)
    assert token.code == 0
    in_use = cli("configs", "delete", config_id, "--version", "1", "--yes")
    assert in_use.code == 1
    assert "assigned to 1 install token" in in_use.err
    assert cli("tokens", "assign", "--by-name", "web-servers", "--none").code == 0
    deleted = cli("-o", "json", "configs", "delete", config_id, "--version", "1", "--yes")
    assert deleted.code == 0, deleted.err
    assert deleted.json() == {"id": config_id, "name": "web", "deleted": True}
    assert cli("configs", "show", config_id).code == 4


def test_a_test_runs_through_its_steps(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    created(cli, files)
    steps = [
        (("start", "c1", "c2"), ["c1", "c2"]),
        (("add", "c3"), ["c1", "c2", "c3"]),
        (("remove", "c1"), ["c2", "c3"]),
        (("stop",), ["c2", "c3"]),
    ]
    for (step, *collectors), expected in steps:
        result = cli("-o", "json", "configs", "test", step, "--by-name", "web", *collectors)
        assert result.code == 0, result.err
        assert result.json()["collectorIds"] == expected
    again = cli("configs", "test", "stop", "--by-name", "web")
    assert again.code == 1
    assert "no test" in again.err
    table = cli("configs", "test", "start", "--by-name", "web", "c9")
    assert table.out == f"testing 'web' ({created_id(cli)}) on: c9\n"


def created_id(cli: Run) -> str:
    return str(cli("-o", "json", "configs", "show", "--by-name", "web").json()["id"])


def test_merged_prints_content_and_problems(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path], tmp_path: Path
) -> None:
    created(cli, files)
    clash = tmp_path / "clash.yaml"
    clash.write_text("sinks:\n  s:\n    type: other\n")
    assert cli("configs", "create", "clash", "-f", str(clash)).code == 0
    result = cli("configs", "merged", "--by-name", "web", "docs-example", "clash")
    assert result.code == 0, result.err
    assert "var_log:" in result.out
    assert "include: /a" in result.out
    assert "problem 1 at sinks.s: sinks.s is defined differently by web and clash" in result.err
    document = cli("-o", "json", "configs", "merged", DOCS_CONFIG_ID).json()
    assert document["problems"] == []
    assert "var_log" in document["content"]


def test_unknown_names_and_ids_exit_4(cli: Run, server: ThreadedSandbox) -> None:
    for argv in (
        ("configs", "publish", "--by-name", "nope"),
        ("configs", "pull", "nope"),
        ("configs", "test", "stop", "--by-name", "nope"),
        ("configs", "merged", "123456", "nope"),
    ):
        assert cli(*argv).code == 4, argv


# -- two writers race to publish ------------------------------------------------------------

COMMAND = [sys.executable, "-m", "logscale_fleet.cli"]


def test_two_writers_racing_to_publish_exactly_one_wins(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    config_id = str(created(cli, files)["id"])
    env = {**os.environ, "LOGSCALE_URL": server.url, "LOGSCALE_TOKEN": server.token}
    # Both writers read version 1 and publish their own file against it, at the same moment.
    argvs = [
        [*COMMAND, "configs", "publish", config_id, "-f", str(files[f]), "--expect-version", "1"]
        for f in ("v1", "v2")
    ]
    start = threading.Barrier(2)
    results: list[subprocess.CompletedProcess[str]] = []

    def write(argv: list[str]) -> None:
        start.wait(timeout=30)
        results.append(
            subprocess.run(  # noqa: S603 - our own CLI, arguments built here
                argv, env=env, capture_output=True, text=True, timeout=60, check=False
            )
        )

    writers = [threading.Thread(target=write, args=(argv,)) for argv in argvs]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=90)
    assert sorted(r.returncode for r in results) == [0, 6], [r.stderr for r in results]
    (loser,) = [r for r in results if r.returncode == 6]
    assert "you expected version 1, it is at version 2" in loser.stderr
    (winner,) = [r for r in results if r.returncode == 0]
    shown = cli("-o", "json", "configs", "show", config_id).json()
    assert shown["version"] == 2
    won_with = YAML if winner.args == argvs[0] else CHANGED
    assert shown["yaml"] == won_with
    versions = server.store.configurations.versions(config_id)
    assert [v for v, _ in versions] == [1, 2]


def test_create_refuses_a_name_in_use(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    created(cli, files)
    again = cli("configs", "create", "web", "-f", str(files["v2"]))
    assert again.code == 2
    assert "a configuration named 'web' already exists" in again.err
    assert "configs publish --by-name web -f" in again.err


def test_a_create_whose_answer_was_lost_says_what_to_run(
    cli: Run, server: ThreadedSandbox, files: dict[str, Path]
) -> None:
    server.set_faults(["502,after=true,operation=CreateLogCollectorConfiguration,times=1"])
    result = cli("configs", "create", "web", "-f", str(files["v1"]))
    assert result.code == 1
    assert "the configuration may have been created anyway" in result.err
    assert f"logscale-fleet configs publish --by-name web -f {files['v1']}" in result.err
    finish = cli("-o", "json", "configs", "publish", "--by-name", "web", "-f", str(files["v1"]))
    assert finish.code == 0, finish.err
    assert finish.json()["version"] == 1
