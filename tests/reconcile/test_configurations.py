"""The configurations kind of a declaration: checking items and files, diffing against the
server, ordering, and tokens referencing a declared configuration (pure: no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.reconcile import Declaration, DeclarationError
from logscale_fleet.reconcile.adapter import PlanPart, planned_creates
from logscale_fleet.reconcile.configurations import (
    CONFIGURATIONS,
    DeclaredConfiguration,
    ExistingConfiguration,
)
from logscale_fleet.reconcile.plan import ordered
from logscale_fleet.reconcile.registry import phases
from logscale_fleet.reconcile.tokens import TOKENS, Configuration, TokenState

YAML = "sources:\n  a:\n    type: file\n    include: /a\n    sink: s\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "web.yaml").write_text(YAML)
    (tmp_path / "configs" / "bad.yaml").write_text("sources:\n  a: [1,\n")
    return tmp_path


def load(folder: Path, text: str) -> Declaration:
    path = folder / "fleet.yaml"
    path.write_text(text)
    return Declaration.load(path)


def test_files_are_read_relative_to_the_declaration(folder: Path) -> None:
    declaration = load(
        folder,
        "configurations:\n  - name: web\n    file: configs/web.yaml\n    description: Web\n",
    )
    (configuration,) = declaration.configurations
    assert (configuration.name, configuration.yaml, configuration.description) == (
        "web",
        YAML,
        "Web",
    )
    assert configuration.manages_description


def test_every_problem_is_named_with_its_item_file_line_and_column(folder: Path) -> None:
    text = (
        "configurations:\n"
        "  - name: web\n    file: configs/bad.yaml\n"
        "  - name: gone\n    file: configs/missing.yaml\n"
        "  - file: configs/web.yaml\n"
        "  - name: web\n    file: configs/web.yaml\n"
        "  - name: x\n    file: configs/web.yaml\n    colour: red\n"
        "  - name: y\n    file: 42\n"
        "tokens: []\n"
    )
    with pytest.raises(DeclarationError) as caught:
        load(folder, text)
    problems = caught.value.problems
    assert problems[0].startswith(
        "configurations: item 1: file: configs/bad.yaml: line 3, column 1: "
    )
    assert problems[1].startswith("configurations: item 2: file: configuration file ")
    assert "does not exist" in problems[1]
    assert problems[2] == "configurations: item 3: name: is required"
    assert "item 4: name: 'web' is already declared by item 1" in problems[3]
    assert "item 5: unknown key 'colour'" in problems[4]
    assert "item 6: file: must be text, not a number" in problems[5]


def declared(name: str = "web", yaml: str = YAML, **more: object) -> DeclaredConfiguration:
    return DeclaredConfiguration(1, name, f"{name}.yaml", yaml, **more)  # type: ignore[arg-type]


def existing(name: str = "web", yaml: str | None = YAML, version: int = 3) -> ExistingConfiguration:
    return ExistingConfiguration(f"id-{name}", name, yaml, version, None)


def diff(
    wanted: list[DeclaredConfiguration], state: list[ExistingConfiguration], prune: bool = False
) -> tuple[PlanPart, list[str]]:
    problems: list[str] = []
    return CONFIGURATIONS.diff(wanted, state, prune=prune, problems=problems), problems


def test_new_changed_unchanged_and_pruned() -> None:
    part, problems = diff(
        [declared("new"), declared("same"), declared("changed", "x: 2\n")],
        [existing("same"), existing("changed"), existing("stray")],
        prune=True,
    )
    assert problems == []
    assert [(c.action, c.name) for c in part.changes] == [
        ("create", "new"),
        ("update", "changed"),
        ("delete", "stray"),
    ]
    update = part.changes[1]
    # The version read at plan time guards the publish.
    assert update.desired == {"expected_version": 3, "yaml": "x: 2\n"}
    assert update.target == "id-changed"
    assert [(f.field, f.before, f.after) for f in update.fields] == [("yaml", YAML, "x: 2\n")]
    assert part.changes[2].desired == {"expected_version": 3}
    assert [u.name for u in part.unchanged] == ["same"]


def test_description_is_managed_only_when_declared() -> None:
    unmanaged, _ = diff([declared()], [existing()])
    assert unmanaged.changes == []
    managed, _ = diff([declared(description="Web", manages_description=True)], [existing()])
    (change,) = managed.changes
    assert change.desired == {"expected_version": 3, "description": "Web"}


def test_an_unpublished_configuration_is_published() -> None:
    part, _ = diff([declared()], [existing(yaml=None, version=0)])
    assert part.changes[0].desired == {"expected_version": 0, "yaml": YAML}


def test_a_name_two_server_configurations_share_is_a_problem() -> None:
    part, problems = diff([declared()], [existing(), existing()])
    assert part.changes == []
    assert "2 configurations on the server are named 'web'" in problems[0]


def test_configurations_come_before_tokens_and_are_deleted_after_them() -> None:
    part, _ = diff([declared("new")], [existing("stray")], prune=True)
    token_problems: list[str] = []
    token_part = TOKENS.diff([], TokenState([], []), prune=False, problems=token_problems)
    from logscale_fleet.reconcile.plan import Change

    token_create = Change("create", "install_token", "t")
    token_delete = Change("delete", "install_token", "old")
    plan = ordered([*part.changes, token_delete, token_create, *token_part.changes], phases())
    assert [(c.action, c.kind) for c in plan] == [
        ("create", "configuration"),
        ("create", "install_token"),
        ("delete", "install_token"),
        ("delete", "configuration"),
    ]


def test_a_token_may_reference_a_configuration_the_run_creates() -> None:
    from logscale_fleet.reconcile.tokens import DeclaredToken

    tokens = [DeclaredToken(1, "web-servers", config_name="web")]
    state = TokenState([], [Configuration("id-other", "other")])
    problems: list[str] = []
    TOKENS.diff(tokens, state, prune=False, problems=problems)
    assert "no configuration is named 'web'" in problems[0]
    part, _ = diff([declared("web")], [])
    reset = planned_creates.set({("configuration", "web"): part.changes[0]})
    try:
        problems = []
        token_part = TOKENS.diff(tokens, state, prune=False, problems=problems)
    finally:
        planned_creates.reset(reset)
    assert problems == []
    (change,) = token_part.changes
    assert change.desired == {"config_id": "", "config_name": "web"}
    assert change.fields[0].after == {"id": None, "name": "web"}
