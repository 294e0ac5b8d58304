"""The `logscale_sandbox` fixture as a user's project gets it: through the pytest11 entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from logscale_fleet.sandbox import pytest_plugin
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.conftest import PROJECT_ROOT

USER_TESTS = """
import httpx

QUERY = {"query": "{ fleetInstallationTokens { name } }"}


def names(sandbox):
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    response = httpx.post(sandbox.graphql_url, headers=headers, json=QUERY, timeout=10)
    return [t["name"] for t in response.json()["data"]["fleetInstallationTokens"]]


def test_first(logscale_sandbox):
    logscale_sandbox.store.install_tokens.create("from-first-test")
    logscale_sandbox.set_faults(["503"])
    assert logscale_sandbox.url.startswith("http://127.0.0.1:")


def test_second_starts_clean(logscale_sandbox, logscale_sandbox_server):
    assert logscale_sandbox is logscale_sandbox_server
    assert logscale_sandbox.fault_counts()["rules"] == []
    assert names(logscale_sandbox) == ["default"]
"""


def test_the_entry_point_gives_users_the_fixture(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TESTS))

    # A fresh interpreter in a directory outside this project: only the installed entry point
    # can provide the fixture there.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_the_fixture_resets_what_an_earlier_test_left(
    logscale_sandbox_server: ThreadedSandbox, request: pytest.FixtureRequest
) -> None:
    # Leave state and faults behind on the session's server, then ask for the per-test
    # fixture: it must hand back the seeded state with no rules.
    logscale_sandbox_server.store.install_tokens.create("left-over")
    logscale_sandbox_server.set_faults(["503"])

    sandbox: ThreadedSandbox = request.getfixturevalue("logscale_sandbox")

    assert sandbox is logscale_sandbox_server
    assert [t.name for t in sandbox.store.install_tokens.all()] == ["default"]
    assert sandbox.faults.rules == []


def test_the_plugin_module_imports_nothing_heavy() -> None:
    probe = (
        "import sys; import logscale_fleet.sandbox.pytest_plugin; "
        "print(sorted(m for m in ('ariadne', 'uvicorn', 'starlette', 'httpx', 'sqlite3') "
        "if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=True
    )

    assert result.stdout.strip() == "[]"


def test_a_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)

    with pytest.raises(pytest.fail.Exception, match=r"uv tool install '\.\[sandbox\]'"):
        pytest_plugin.require_sandbox_extra()


def _readme_fixture_example() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The sandbox", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    examples = [b for b in blocks if "logscale_sandbox" in b]
    assert len(examples) == 1, "the README's sandbox section should have one fixture example"
    return str(examples[0])


def test_the_readme_fixture_example_runs_as_written_without_asyncio_mode_auto(
    tmp_path: Path,
) -> None:
    # A user's project: its own ini with nothing in it (pytest-asyncio in its default strict
    # mode), the example copied verbatim from the README.
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_example.py").write_text(_readme_fixture_example())

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith(("LOGSCALE_", "HUMIO_"))},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
