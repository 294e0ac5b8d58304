"""`configs list` and `configs show` against the served sandbox."""

from __future__ import annotations

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, LINUX_CONFIG_ID, Run


def test_list_as_table_and_json(cli: Run, server: ThreadedSandbox) -> None:
    table = cli("configs", "list")
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "VERSION", "INSTANCES", "MODIFIED", "DESCRIPTION"]
    assert any(line.startswith(f"{LINUX_CONFIG_ID}  linux-syslog") for line in lines)
    documents = cli("-o", "json", "configs", "list").json()
    assert {d["name"] for d in documents} == {"linux-syslog", "windows-events", "docs-example"}
    assert {"yamlCharactersCount", "modifiedAt", "isTestRunning"} <= set(documents[0])


def test_list_search(cli: Run, server: ThreadedSandbox) -> None:
    found = cli("-o", "json", "configs", "list", "--search", "windows").json()
    assert [d["name"] for d in found] == ["windows-events"]
    none = cli("configs", "list", "--search", "solaris")
    assert (none.code, none.out) == (0, "")
    assert "no configurations match 'solaris'" in none.err


def test_show(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("configs", "show", DOCS_CONFIG_ID)
    assert result.code == 0
    assert result.out.startswith(f"id:            {DOCS_CONFIG_ID}\nname:          docs-example\n")
    assert "\nsources:\n" in result.out  # the YAML follows the fields
    document = cli("-o", "json", "configs", "show", LINUX_CONFIG_ID).json()
    assert document["id"] == LINUX_CONFIG_ID
    assert "sources:" in document["yaml"]


def test_show_unknown_id_exits_4(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("configs", "show", "nope")
    assert result.code == 4
    assert "no configuration has the id 'nope'" in result.err
