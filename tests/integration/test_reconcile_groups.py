"""`groups:` in a declaration: checked, planned against the served sandbox, applied, converged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from logscale_fleet import FleetClient
from logscale_fleet.reconcile import Declaration
from logscale_fleet.reconcile.problems import DeclarationError
from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_fleet.sandbox.services.installers.state import VERSIONS

LINUX = "linux-syslog"
WINDOWS = "windows-events"


def declaration(*groups: dict[str, Any], tokens: list[dict[str, Any]] | None = None) -> Declaration:
    document: dict[str, Any] = {"groups": list(groups)}
    if tokens is not None:
        document["tokens"] = tokens
    return Declaration.from_mapping(document, "fleet.yaml")


WEB = {"name": "web", "filter": "hostname = web*", "configurations": [LINUX]}


async def test_plan_apply_converge_update_and_prune(
    fleet: FleetClient, sandbox: ThreadedSandbox
) -> None:
    await fleet.groups.create("stray", "os = windows")
    wanted = declaration(
        WEB,
        {"name": "win", "filter": "os = windows", "configurations": [WINDOWS, LINUX],
         "wanted_version": VERSIONS[0]},
        tokens=[{"name": "web-token", "config_name": LINUX}],
    )  # fmt: skip
    plan = await fleet.plan(wanted, prune=True)
    assert [(c.action, c.kind, c.name) for c in plan.changes] == [
        ("create", "install_token", "web-token"),
        ("create", "group", "web"),
        ("create", "group", "win"),
        ("delete", "group", "stray"),
    ]
    result = await fleet.apply(plan)
    assert result.ok
    groups = {g.name: g for g in await fleet.groups.list()}
    assert set(groups) == {"web", "win"}
    assert [c.name for c in groups["win"].configurations] == [WINDOWS, LINUX]
    assert groups["win"].wanted_version == VERSIONS[0]

    again = await fleet.plan(wanted, prune=True)
    assert again.in_sync
    assert {(u.kind, u.name) for u in again.unchanged} == {
        ("install_token", "web-token"),
        ("group", "web"),
        ("group", "win"),
    }

    # Drift on the server is planned back, field by field.
    await fleet.groups.set_filter(groups["web"].id, "hostname = www*")
    await fleet.groups.set_configurations(groups["win"].id, [])
    drift = await fleet.plan(wanted)
    assert [(c.action, c.name, [f.field for f in c.fields]) for c in drift.changes] == [
        ("update", "web", ["filter"]),
        ("update", "win", ["configurations"]),
    ]
    assert drift.changes[1].fields[0].to_dict() == {
        "field": "configurations",
        "from": [],
        "to": [WINDOWS, LINUX],
    }
    await fleet.apply(drift)
    assert (await fleet.plan(wanted)).in_sync


async def test_an_omitted_field_means_none(fleet: FleetClient) -> None:
    await fleet.apply(await fleet.plan(declaration(WEB)))
    bare = declaration({"name": "web"})
    plan = await fleet.plan(bare)
    (change,) = plan.changes
    assert {f.field: (f.before, f.after) for f in change.fields} == {
        "filter": ("hostname = web*", None),
        "configurations": ([LINUX], []),
    }


async def test_server_side_problems_are_declaration_errors(fleet: FleetClient) -> None:
    await fleet.groups.create("twin")
    await fleet.groups.create("twin")
    with pytest.raises(DeclarationError) as caught:
        await fleet.plan(
            declaration({"name": "twin"}, {"name": "x", "configurations": ["no-such-config"]})
        )
    problems = "\n".join(caught.value.problems)
    assert "item 1: name: 2 groups on the server are named 'twin'" in problems
    assert "item 2: configurations: no configuration is named 'no-such-config'" in problems


async def test_a_create_whose_answer_was_lost_is_found_not_repeated(
    sandbox: ThreadedSandbox,
) -> None:
    # The create lands, then its answer is replaced by a 502: the engine looks the group up by
    # name instead of creating a second one.
    sandbox.set_faults(["502,operation=CreateLogCollectorGroup,after=true,times=1"])
    async with FleetClient(sandbox.url, sandbox.token, timeout=5) as fleet:
        result = await fleet.apply(await fleet.plan(declaration(WEB)))
        assert result.ok
        assert [g.name for g in await fleet.groups.list()] == ["web"]


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"filter": "os = linux"}, "item 1: name: is required"),
        ({"name": "a", "colour": "red"}, "unknown key 'colour'"),
        ({"name": "a", "configurations": LINUX}, "must be a list of configuration names"),
        ({"name": "a", "configurations": [LINUX, LINUX]}, "is listed twice"),
        ({"name": "a", "wanted_version": 1.9}, "wanted_version: must be text"),
        ({"name": "a", "filter": "a\x00b"}, "filter: must not contain control characters"),
    ],
)
def test_bad_items_are_reported_with_their_place(item: dict[str, Any], problem: str) -> None:
    with pytest.raises(DeclarationError) as caught:
        declaration(item)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_duplicate_names_in_the_file_are_refused() -> None:
    with pytest.raises(DeclarationError, match="already declared by item 1"):
        declaration({"name": "a"}, {"name": "a"})


async def test_a_group_may_name_a_configuration_the_same_file_declares(
    fleet: FleetClient, tmp_path: Path
) -> None:
    (tmp_path / "edge.yaml").write_text(
        "sources:\n  a:\n    type: file\n    include: /var/log/edge.log\n    sink: s\n"
        "sinks:\n  s:\n    type: humio\n    token: ${T}\n    url: https://x.example.com\n",
        encoding="utf-8",
    )
    path = tmp_path / "fleet.yaml"
    path.write_text(
        "configurations:\n  - name: edge\n    file: edge.yaml\n"
        "groups:\n  - name: edge\n    filter: 'hostname = edge*'\n"
        "    configurations: [edge, linux-syslog]\n",
        encoding="utf-8",
    )
    wanted = Declaration.load(path)
    plan = await fleet.plan(wanted)
    assert [(c.action, c.kind, c.name) for c in plan.changes] == [
        ("create", "configuration", "edge"),
        ("create", "group", "edge"),
    ]
    assert (await fleet.apply(plan)).ok
    (group,) = await fleet.groups.list()
    (created,) = [c for c in await fleet.configurations.list() if c.name == "edge"]
    assert group.configurations[0].id == created.id
    assert [c.name for c in group.configurations] == ["edge", LINUX]
    assert (await fleet.plan(wanted)).in_sync
