"""`tokens apply`: file checks and planning as pure functions, then the command end to end."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet.cli.apply import (
    Change,
    Configuration,
    DesiredToken,
    ExistingToken,
    plan,
    resolve_configurations,
)
from logscale_fleet.cli.declared import DeclarationError, DeclaredToken, check, parse
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, LINUX_CONFIG_ID, WINDOWS_CONFIG_ID, Run, create

LINUX = Configuration(LINUX_CONFIG_ID, "linux-syslog")
WINDOWS = Configuration(WINDOWS_CONFIG_ID, "windows-events")

# -- the file ---------------------------------------------------------------------------------


def problems(document: Any, source: str = "tokens.yaml") -> list[str]:
    with pytest.raises(DeclarationError) as caught:
        check(source, document)
    return caught.value.problems


def test_both_shapes_and_formats_are_accepted() -> None:
    yaml_list = parse("t.yaml", "- name: web\n  config_name: linux-syslog\n- name: spare\n")
    yaml_table = parse("t.yml", "tokens:\n  - name: web\n    config_name: linux-syslog\n")
    toml = parse("t.toml", '[[tokens]]\nname = "web"\nconfig_name = "linux-syslog"\n')
    expected = [DeclaredToken(1, "web", config_name="linux-syslog")]
    assert check("t.yaml", yaml_list) == [*expected, DeclaredToken(2, "spare")]
    assert check("t.yml", yaml_table) == expected
    assert check("t.toml", toml) == expected


def test_format_is_sniffed_without_a_known_extension() -> None:
    assert parse("tokens", 'tokens = [{name = "web"}]') == {"tokens": [{"name": "web"}]}
    assert parse("tokens", "tokens:\n  - name: web\n") == {"tokens": [{"name": "web"}]}
    assert parse("<stdin>", '[{"name": "web"}]') == [{"name": "web"}]  # JSON is YAML
    with pytest.raises(DeclarationError, match="neither TOML nor YAML"):
        parse("tokens", "tokens: [\n")


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(DeclarationError, match=r"t\.yaml: invalid YAML: line 2, column 11: found"):
        parse("t.yaml", "tokens:\n  - name: @web\n")
    with pytest.raises(DeclarationError, match=r"t\.toml: invalid TOML: .*line 2, column 8"):
        parse("t.toml", "[[tokens]]\nname = \n")


def test_every_problem_is_reported_with_its_location() -> None:
    found = problems(
        [
            {"name": ""},
            {"name": "web", "config_id": 123456},
            {"name": "web", "configId": "x"},
            {"name": "both", "config_id": "a", "config_name": "b"},
            "just-a-string",
            {"config_id": "a"},
            {"name": True},
            {"name": " padded"},
            {"name": "ok", "config_id": "has space"},
        ]
    )
    assert found == [
        "item 1: name: must not be empty or only whitespace",
        "item 2: config_id: must be text, not a number; quote it",
        "item 3: unknown key 'configId' (known: name, config_id, config_name)",
        "item 3: name: 'web' is already declared by item 2 (names must be unique)",
        "item 4: give config_id or config_name, not both",
        "item 5: must be a table with a name, not text",
        "item 6: name: is required",
        "item 7: name: must be text, not a boolean; quote it",
        "item 8: name: must not start or end with whitespace",
        "item 9: config_id: must not contain whitespace",
    ]


def test_the_message_lists_problems_with_the_file_name() -> None:
    with pytest.raises(DeclarationError) as caught:
        check("tokens.yaml", [{"name": ""}, {"name": "a"}, {"name": "a"}])
    assert str(caught.value).splitlines() == [
        "tokens.yaml has 2 problems:",
        "  tokens.yaml: item 1: name: must not be empty or only whitespace",
        "  tokens.yaml: item 3: name: 'a' is already declared by item 2 (names must be unique)",
    ]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (None, "declares nothing; to declare an empty set on purpose write `tokens: []`"),
        ({}, "declares nothing"),
        ({"token": []}, "unknown top-level key 'token' (expected only: tokens)"),
        ({"tokens": {"name": "x"}}, "tokens: must be a list of tokens, not a table"),
        ("web", "must be a list of tokens or have a `tokens` list, not text"),
    ],
)
def test_document_shape_problems(document: Any, problem: str) -> None:
    assert any(p.startswith(problem) for p in problems(document)), problems(document)


def test_an_explicitly_empty_set_is_allowed() -> None:
    assert check("t.yaml", {"tokens": []}) == []


# -- planning ---------------------------------------------------------------------------------


def test_configurations_resolve_by_id_or_name() -> None:
    declared = [
        DeclaredToken(1, "a", config_id=LINUX_CONFIG_ID),
        DeclaredToken(2, "b", config_name="windows-events"),
        DeclaredToken(3, "c"),
    ]
    assert resolve_configurations("t", declared, [LINUX, WINDOWS]) == [
        DesiredToken(1, "a", LINUX),
        DesiredToken(2, "b", WINDOWS),
        DesiredToken(3, "c", None),
    ]


def test_unknown_and_ambiguous_configurations_are_all_reported() -> None:
    twin = Configuration("other-id", "linux-syslog")
    declared = [
        DeclaredToken(1, "a", config_id="nope"),
        DeclaredToken(2, "b", config_name="nope"),
        DeclaredToken(3, "c", config_name="linux-syslog"),
    ]
    with pytest.raises(DeclarationError) as caught:
        resolve_configurations("t.yaml", declared, [LINUX, WINDOWS, twin])
    assert caught.value.problems == [
        "item 1: config_id: no configuration has the id 'nope' (`configs list` shows them)",
        "item 2: config_name: no configuration is named 'nope' (known: linux-syslog, "
        "windows-events)",
        f"item 3: config_name: 2 configurations are named 'linux-syslog' ({LINUX_CONFIG_ID}, "
        "other-id); use config_id",
    ]


def test_plan_creates_updates_keeps_and_prunes() -> None:
    desired = [
        DesiredToken(1, "new", LINUX),
        DesiredToken(2, "moved", WINDOWS),
        DesiredToken(3, "same", LINUX),
        DesiredToken(4, "unassigned", None),
    ]
    existing = [
        ExistingToken("moved", "tok-moved", LINUX),
        ExistingToken("same", "tok-same", LINUX),
        ExistingToken("unassigned", "tok-un", WINDOWS),
        ExistingToken("stray", "tok-stray", None),
        ExistingToken("default", "tok-default", None),
    ]
    expected = [
        Change("create", "new", None, LINUX),
        Change("update", "moved", "tok-moved", WINDOWS, LINUX),
        Change("unchanged", "same", "tok-same", LINUX),
        Change("update", "unassigned", "tok-un", None, WINDOWS),
    ]
    assert plan("t", desired, existing, prune=False) == expected
    pruned = plan("t", desired, existing, prune=True, protected=frozenset({"tok-default"}))
    assert pruned == [*expected, Change("delete", "stray", "tok-stray", None)]


def test_plan_refuses_a_declared_name_the_server_has_twice() -> None:
    existing = [ExistingToken("web", "t1", None), ExistingToken("web", "t2", None)]
    with pytest.raises(DeclarationError, match="2 install tokens on the server are named 'web'"):
        plan("t", [DesiredToken(1, "web", None)], existing, prune=False)


def test_change_documents_mask_token_values() -> None:
    change = Change("update", "web", "abcdefghijklmnop", WINDOWS, LINUX)
    assert change.document() == {
        "action": "update",
        "name": "web",
        "token": "abcd\u2026",
        "configId": WINDOWS_CONFIG_ID,
        "configName": "windows-events",
        "previousConfigId": LINUX_CONFIG_ID,
        "previousConfigName": "linux-syslog",
    }


# -- the command ------------------------------------------------------------------------------

DECLARATION = f"""\
tokens:
  - name: web
    config_name: linux-syslog
  - name: win
    config_id: {WINDOWS_CONFIG_ID}
  - name: spare
"""


@pytest.fixture
def declaration(tmp_path: Path) -> Path:
    path = tmp_path / "tokens.yaml"
    path.write_text(DECLARATION, encoding="utf-8")
    return path


def server_state(cli: Run) -> dict[str, str | None]:
    result = cli("-o", "json", "tokens", "list")
    return {t["name"]: (t["assignedConfiguration"] or {}).get("id") for t in result.json()}


def test_dry_run_prints_the_plan_and_changes_nothing(
    cli: Run, server: ThreadedSandbox, declaration: Path
) -> None:
    create(cli, "web", "--config-id", DOCS_CONFIG_ID)
    create(cli, "stray")
    before = server_state(cli)
    result = cli("-o", "json", "tokens", "apply", str(declaration), "--dry-run", "--prune")
    assert result.code == 0, result.err
    report = result.json()
    assert report["dryRun"] is True
    assert [(c["action"], c["name"]) for c in report["changes"]] == [
        ("update", "web"),
        ("create", "win"),
        ("create", "spare"),
        ("delete", "stray"),
    ]
    assert report["summary"] == {"create": 2, "update": 1, "delete": 1, "unchanged": 0}
    assert server_state(cli) == before

    table = cli("tokens", "apply", str(declaration), "--dry-run")
    assert table.out.splitlines()[0].split() == ["ACTION", "NAME", "TOKEN", "CONFIGURATION"]
    assert "update  web" in table.out
    assert "docs-example -> linux-syslog" in table.out
    assert table.out.splitlines()[-1] == (
        "plan: 2 to create, 1 to update, 0 to delete, 0 unchanged (dry run: nothing changed)"
    )
    assert server_state(cli) == before


def test_apply_twice_is_a_no_op_the_second_time(
    cli: Run, server: ThreadedSandbox, declaration: Path
) -> None:
    create(cli, "web", "--config-id", DOCS_CONFIG_ID)
    first = cli("-o", "json", "tokens", "apply", str(declaration))
    assert first.code == 0, first.err
    assert first.json()["summary"] == {"create": 2, "update": 1, "delete": 0, "unchanged": 0}
    created = [c for c in first.json()["changes"] if c["action"] == "create"]
    assert all(c["token"].endswith("\u2026") for c in created)
    after = server_state(cli)
    assert after == {
        "default": None,
        "web": LINUX_CONFIG_ID,
        "win": WINDOWS_CONFIG_ID,
        "spare": None,
    }
    second = cli("tokens", "apply", str(declaration))
    assert second.code == 0
    assert second.out.splitlines()[-1].endswith("created 0, updated 0, deleted 0, unchanged 3")
    assert server_state(cli) == after


def test_prune_deletes_undeclared_tokens_but_keeps_the_default(
    cli: Run, server: ThreadedSandbox, declaration: Path
) -> None:
    create(cli, "stray-1")
    create(cli, "stray-2")
    result = cli("tokens", "apply", str(declaration), "--prune")
    assert result.code == 0, result.err
    assert "deleted  stray-1" in result.out
    assert "keeps the default install token 'default'" in result.err
    assert set(server_state(cli)) == {"default", "web", "win", "spare"}
    again = cli("-o", "json", "tokens", "apply", str(declaration), "--prune")
    assert again.json()["summary"] == {"create": 0, "update": 0, "delete": 0, "unchanged": 3}


def test_without_prune_undeclared_tokens_stay(
    cli: Run, server: ThreadedSandbox, declaration: Path
) -> None:
    create(cli, "stray")
    assert cli("tokens", "apply", str(declaration)).code == 0
    assert "stray" in server_state(cli)


def test_toml_and_stdin(
    cli: Run, server: ThreadedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "tokens.toml"
    toml.write_text('[[tokens]]\nname = "from-toml"\nconfig_id = "123456"\n', encoding="utf-8")
    assert cli("tokens", "apply", str(toml)).code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("- name: from-stdin\n"))
    result = cli("-o", "json", "tokens", "apply", "-")
    assert result.json()["file"] == "<stdin>"
    assert server_state(cli) == {"default": None, "from-toml": DOCS_CONFIG_ID, "from-stdin": None}


def test_an_invalid_file_fails_before_connecting(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No server at all: the file is judged locally, and the sandbox is not even opened.
    bad = tmp_path / "tokens.yaml"
    bad.write_text("- name: ''\n- name: a\n- name: a\n", encoding="utf-8")
    result = cli(
        "--url", "http://127.0.0.1:9", "--token", "t0123456789", "tokens", "apply", str(bad)
    )
    assert result.code == 2
    assert f"{bad} has 2 problems:" in result.err
    assert f"  {bad}: item 1: name: must not be empty or only whitespace" in result.err
    assert cli("tokens", "apply", str(tmp_path / "missing.yaml")).code == 2


def test_unknown_configuration_names_fail_before_any_change(
    cli: Run, server: ThreadedSandbox, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.yaml"
    path.write_text("- name: new\n- name: b\n  config_name: nope\n", encoding="utf-8")
    result = cli("tokens", "apply", str(path))
    assert result.code == 2
    assert "item 2: config_name: no configuration is named 'nope'" in result.err
    assert "new" not in server_state(cli)


def test_a_failure_part_way_says_what_was_done(
    cli: Run, server: ThreadedSandbox, tmp_path: Path
) -> None:
    create(cli, "web")
    path = tmp_path / "tokens.yaml"
    path.write_text(
        f"- name: web\n  config_id: '{DOCS_CONFIG_ID}'\n- name: new\n", encoding="utf-8"
    )
    server.set_faults(["503,operation=CreateFleetInstallToken"])
    result = cli("-o", "json", "tokens", "apply", str(path))
    assert result.code == 1
    assert result.json()["error"]["exitCode"] == 1  # the error document, no half plan
    assert "made 1 of 2 changes before this failure: updated web" in result.err
    server.clear_faults()
    rerun = cli("-o", "json", "tokens", "apply", str(path))
    assert rerun.json()["summary"] == {"create": 1, "update": 0, "delete": 0, "unchanged": 1}
