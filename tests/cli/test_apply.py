"""`tokens apply` (the token-only alias of `apply`): file checks and token planning as pure
functions, then the command end to end."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet.reconcile import Change, Declaration, DeclarationError, DeclaredToken
from logscale_fleet.reconcile.declaration import parse
from logscale_fleet.reconcile.plan import FieldChange, InSync
from logscale_fleet.reconcile.tokens import (
    TOKENS,
    Configuration,
    ExistingToken,
    TokenState,
    resolve_configurations,
)
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, LINUX_CONFIG_ID, WINDOWS_CONFIG_ID, Run, create

LINUX = Configuration(LINUX_CONFIG_ID, "linux-syslog")
WINDOWS = Configuration(WINDOWS_CONFIG_ID, "windows-events")

# -- the file ---------------------------------------------------------------------------------


def check(source: str, document: Any) -> list[DeclaredToken]:
    return list(Declaration.from_mapping(document, source).tokens)


def problems(document: Any, source: str = "tokens.yaml") -> list[str]:
    with pytest.raises(DeclarationError) as caught:
        check(source, document)
    found: list[str] = caught.value.problems
    return found


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
        (
            {"token": []},
            "unknown top-level key 'token' (expected only: configurations, tokens, groups)",
        ),
        ({"tokens": {"name": "x"}}, "tokens: must be a list of tokens, not a table"),
        ("web", "must be a list of tokens or have a `tokens` list, not text"),
    ],
)
def test_document_shape_problems(document: Any, problem: str) -> None:
    assert any(p.startswith(problem) for p in problems(document)), problems(document)


def test_an_explicitly_empty_set_is_allowed() -> None:
    assert check("t.yaml", {"tokens": []}) == []


# -- planning ---------------------------------------------------------------------------------


def resolve(declared: list[DeclaredToken], configurations: list[Configuration]) -> Any:
    found: list[str] = []
    resolved = resolve_configurations(declared, configurations, found)
    if found:
        raise DeclarationError("t.yaml", found)
    return resolved


def test_configurations_resolve_by_id_or_name() -> None:
    declared = [
        DeclaredToken(1, "a", config_id=LINUX_CONFIG_ID),
        DeclaredToken(2, "b", config_name="windows-events"),
        DeclaredToken(3, "c"),
    ]
    assert resolve(declared, [LINUX, WINDOWS]) == [
        (1, "a", LINUX),
        (2, "b", WINDOWS),
        (3, "c", None),
    ]


def test_unknown_and_ambiguous_configurations_are_all_reported() -> None:
    twin = Configuration("other-id", "linux-syslog")
    declared = [
        DeclaredToken(1, "a", config_id="nope"),
        DeclaredToken(2, "b", config_name="nope"),
        DeclaredToken(3, "c", config_name="linux-syslog"),
    ]
    with pytest.raises(DeclarationError) as caught:
        resolve(declared, [LINUX, WINDOWS, twin])
    assert caught.value.problems == [
        "item 1: config_id: no configuration has the id 'nope' (`configs list` shows them)",
        "item 2: config_name: no configuration is named 'nope' (known: linux-syslog, "
        "windows-events)",
        f"item 3: config_name: 2 configurations are named 'linux-syslog' ({LINUX_CONFIG_ID}, "
        "other-id); use config_id",
    ]


def diff(declared: list[DeclaredToken], state: TokenState, *, prune: bool) -> Any:
    found: list[str] = []
    part = TOKENS.diff(declared, state, prune=prune, problems=found)
    if found:
        raise DeclarationError("t.yaml", found)
    return part


def configuration(before: Configuration | None, after: Configuration | None) -> FieldChange:
    return FieldChange(
        "configuration",
        before.document() if before else None,
        after.document() if after else None,
    )


def test_plan_creates_updates_keeps_and_prunes() -> None:
    declared = [
        DeclaredToken(1, "new", config_id=LINUX_CONFIG_ID),
        DeclaredToken(2, "moved", config_id=WINDOWS_CONFIG_ID),
        DeclaredToken(3, "same", config_id=LINUX_CONFIG_ID),
        DeclaredToken(4, "unassigned"),
    ]
    existing = [
        ExistingToken("moved", "tok-moved", LINUX),
        ExistingToken("same", "tok-same", LINUX),
        ExistingToken("unassigned", "tok-un", WINDOWS),
        ExistingToken("stray", "tok-stray", None),
        ExistingToken("default", "tok-default", None),
    ]
    state = TokenState(existing, [LINUX, WINDOWS], default=existing[-1])
    part = diff(declared, state, prune=False)
    expected = [
        Change(
            "create",
            "install_token",
            "new",
            (configuration(None, LINUX),),
            {"config_id": LINUX_CONFIG_ID},
            item=1,
        ),
        Change(
            "update",
            "install_token",
            "moved",
            (configuration(LINUX, WINDOWS),),
            {"config_id": WINDOWS_CONFIG_ID},
            item=2,
        ),
        Change(
            "update",
            "install_token",
            "unassigned",
            (configuration(WINDOWS, None),),
            {"config_id": None},
            item=4,
        ),
    ]
    assert part.changes == expected
    assert [c.target for c in part.changes] == [None, "tok-moved", "tok-un"]
    assert part.unchanged == [InSync("install_token", "same")]
    assert part.notes == []
    pruned = diff(declared, state, prune=True)
    assert pruned.changes == [
        *expected,
        Change("delete", "install_token", "stray", (configuration(None, None),)),
    ]
    assert pruned.changes[-1].target == "tok-stray"
    assert pruned.notes == [
        "--prune keeps the default install token 'default' (`tokens delete` removes it)"
    ]


def test_plan_refuses_a_declared_name_the_server_has_twice() -> None:
    existing = [ExistingToken("web", "t1", None), ExistingToken("web", "t2", None)]
    with pytest.raises(DeclarationError, match="2 install tokens on the server are named 'web'"):
        diff([DeclaredToken(1, "web")], TokenState(existing, []), prune=False)


def test_change_documents_mask_token_values() -> None:
    change = Change(
        "update",
        "install_token",
        "web",
        (configuration(LINUX, WINDOWS),),
        target="abcdefghijklmnop",
    )
    assert "abcdefghijklmnop" not in repr(change)
    assert change.to_dict() == {
        "action": "update",
        "kind": "install_token",
        "name": "web",
        "target": "abcd\u2026",
        "fields": [
            {
                "field": "configuration",
                "from": {"id": LINUX_CONFIG_ID, "name": "linux-syslog"},
                "to": {"id": WINDOWS_CONFIG_ID, "name": "windows-events"},
            }
        ],
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
    lines = table.out.splitlines()
    assert lines[0].startswith("~ install token web (")
    assert lines[0].endswith("configuration: docs-example -> linux-syslog")
    assert lines[1:3] == [
        "+ install token win  configuration: windows-events",
        "+ install token spare  configuration: none",
    ]
    assert lines[-1] == "Plan: 2 to create, 1 to update, 0 to delete (0 unchanged)"
    assert server_state(cli) == before


def test_apply_twice_is_a_no_op_the_second_time(
    cli: Run, server: ThreadedSandbox, declaration: Path
) -> None:
    create(cli, "web", "--config-id", DOCS_CONFIG_ID)
    first = cli("-o", "json", "tokens", "apply", str(declaration))
    assert first.code == 0, first.err
    assert first.json()["summary"] == {"create": 2, "update": 1, "delete": 0, "unchanged": 0}
    created = [c for c in first.json()["changes"] if c["action"] == "create"]
    assert len(created) == 2
    assert all(c["target"].endswith("\u2026") for c in created)
    after = server_state(cli)
    assert after == {
        "default": None,
        "web": LINUX_CONFIG_ID,
        "win": WINDOWS_CONFIG_ID,
        "spare": None,
    }
    second = cli("tokens", "apply", str(declaration))
    assert second.code == 0
    assert second.out.splitlines() == ["Plan: 0 to create, 0 to update, 0 to delete (3 unchanged)"]
    assert server_state(cli) == after


def test_prune_deletes_undeclared_tokens_but_keeps_the_default(
    cli: Run, server: ThreadedSandbox, declaration: Path
) -> None:
    create(cli, "stray-1")
    create(cli, "stray-2")
    result = cli("tokens", "apply", str(declaration), "--prune", "--yes")
    assert result.code == 0, result.err
    assert "- install token stray-1 (" in result.out
    assert "deleted install token stray-1 (" in result.out
    assert "keeps the default install token 'default'" in result.err
    assert set(server_state(cli)) == {"default", "web", "win", "spare"}
    again = cli("-o", "json", "tokens", "apply", str(declaration), "--prune", "--yes")
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
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"- name: from-stdin\n")))
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
