"""`plan`/`apply` with a `configurations:` section against the served sandbox: created and
published before the tokens that reference them, a YAML diff in the plan, the version guard on
publish, a no-op second run, and prune deleting after the tokens let go."""

from __future__ import annotations

from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run

YAML = (
    "sources:\n  a:\n    type: file\n    include: /a\n    sink: s\nsinks:\n  s:\n    type: humio\n"
)
DECLARATION = """\
configurations:
  - name: web-config
    file: configs/web.yaml
    description: Web servers
tokens:
  - name: web-servers
    config_name: web-config
"""


@pytest.fixture
def fleet_file(tmp_path: Path) -> Path:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "web.yaml").write_text(YAML)
    path = tmp_path / "fleet.yaml"
    path.write_text(DECLARATION)
    return path


def configuration(server: ThreadedSandbox, name: str) -> object:
    (found,) = [c for c in server.store.configurations.all() if c.name == name]
    return found


def test_apply_creates_the_configuration_first_and_the_token_points_at_it(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    plan = cli("plan", str(fleet_file), "--detailed-exitcode")
    assert plan.code == 7, plan.err
    lines = plan.out.splitlines()
    assert lines[0] == "+ configuration web-config  yaml: 8 lines, description: Web servers"
    assert "    +    include: /a" in lines
    assert lines[-2] == "+ install token web-servers  configuration: web-config"
    applied = cli("apply", str(fleet_file))
    assert applied.code == 0, applied.err
    created = configuration(server, "web-config")
    assert (created.version, created.yaml, created.description) == (1, YAML, "Web servers")  # type: ignore[attr-defined]
    (token,) = [t for t in server.store.install_tokens.all() if t.name == "web-servers"]
    assert token.config_id == created.id  # type: ignore[attr-defined]
    again = cli("plan", str(fleet_file), "--detailed-exitcode")
    assert again.code == 0
    assert again.out.splitlines() == ["Plan: 0 to create, 0 to update, 0 to delete (2 unchanged)"]


def test_a_changed_file_is_published_as_the_next_version_with_a_diff(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    assert cli("apply", str(fleet_file)).code == 0
    (fleet_file.parent / "configs" / "web.yaml").write_text(YAML.replace("/a", "/b"))
    plan = cli("plan", str(fleet_file))
    assert plan.out.splitlines()[:6] == [
        "~ configuration web-config ("
        + plan.out.split("(", 1)[1].split(")", 1)[0]
        + ")  yaml: 8 -> 8 lines",
        "    --- server",
        "    +++ declared",
        "    @@ -1,7 +1,7 @@",
        "     sources:",
        "       a:",
    ]
    assert "    -    include: /a" in plan.out.splitlines()
    document = cli("-o", "json", "plan", str(fleet_file)).json()
    (change,) = document["changes"]
    assert change["fields"][0]["field"] == "yaml"
    assert cli("apply", str(fleet_file)).code == 0
    published = configuration(server, "web-config")
    assert published.version == 2  # type: ignore[attr-defined]
    assert [v for v, _ in server.store.configurations.versions(published.id)] == [1, 2]  # type: ignore[attr-defined]


def test_prune_reassigns_tokens_before_deleting_their_configuration(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    assert cli("apply", str(fleet_file)).code == 0
    fleet_file.write_text("configurations: []\ntokens:\n  - name: web-servers\n")
    pruned = cli("apply", str(fleet_file), "--prune", "--yes", "--max-deletes", "10")
    assert pruned.code == 0, pruned.err
    # `configurations: []` with --prune declares that there are none: the seeded ones go too.
    assert server.store.configurations.all() == []
    (token,) = [t for t in server.store.install_tokens.all() if t.name == "web-servers"]
    assert token.config_id is None


def test_a_bad_configuration_file_stops_everything_before_planning(
    cli: Run, server: ThreadedSandbox, fleet_file: Path
) -> None:
    (fleet_file.parent / "configs" / "web.yaml").write_text("sources: 1\nsources: 2\n")
    result = cli("apply", str(fleet_file))
    assert result.code == 2
    assert "configurations: item 1: file: configs/web.yaml: line 2, column 1" in result.err
    assert not [c for c in server.store.configurations.all() if c.name == "web-config"]


@pytest.mark.parametrize(
    "rule",
    [
        "502,after=true,operation=CreateLogCollectorConfiguration,times=1",
        "drop,after=true,operation=PublishLogCollectorConfiguration,times=1",
    ],
)
def test_a_lost_answer_while_creating_still_converges_to_one_configuration(
    cli: Run, server: ThreadedSandbox, fleet_file: Path, rule: str
) -> None:
    server.set_faults([rule])
    applied = cli("apply", str(fleet_file))
    assert applied.code == 0, applied.err
    server.clear_faults()
    (created,) = [c for c in server.store.configurations.all() if c.name == "web-config"]
    assert (created.version, created.yaml, created.description) == (1, YAML, "Web servers")
    (token,) = [t for t in server.store.install_tokens.all() if t.name == "web-servers"]
    assert token.config_id == created.id
    assert cli("plan", str(fleet_file), "--detailed-exitcode").code == 0
