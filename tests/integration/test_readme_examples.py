"""The README's examples run as written (against the sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from logscale_fleet import FleetClient
from logscale_fleet.sandbox.server import ThreadedSandbox


def python_blocks(project_root: Path) -> list[str]:
    readme = (project_root / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)


async def test_the_library_example_does_what_it_says_twice(
    project_root: Path,
    sandbox: ThreadedSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (example,) = [b for b in python_blocks(project_root) if "asyncio.run(main())" in b]
    monkeypatch.setenv("LOGSCALE_URL", sandbox.url)
    monkeypatch.setenv("LOGSCALE_TOKEN", sandbox.token)
    namespace: dict[str, object] = {}
    exec(compile(example.replace("asyncio.run(main())", ""), "README", "exec"), namespace)  # noqa: S102
    # Run twice, as a user re-running the script would: the second run reuses the token.
    await namespace["main"]()  # type: ignore[operator]
    first = capsys.readouterr().out
    await namespace["main"]()  # type: ignore[operator]
    second = capsys.readouterr().out
    assert first.startswith("created web-servers\n")
    assert second.startswith("reused web-servers\n")
    async with FleetClient(sandbox.url, sandbox.token) as fleet:
        (token,) = await fleet.install_tokens.find("web-servers")
        assert token.assigned_configuration is not None
        assert token.assigned_configuration.id == "123456"


async def test_the_fixture_example(project_root: Path, sandbox: ThreadedSandbox) -> None:
    (example,) = [b for b in python_blocks(project_root) if "logscale_sandbox" in b]
    namespace: dict[str, object] = {}
    exec(compile(example, "README", "exec"), namespace)  # noqa: S102
    await namespace["test_enrolment"](sandbox)  # type: ignore[operator]


async def test_the_configurations_example(
    project_root: Path,
    sandbox: ThreadedSandbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (example,) = [b for b in python_blocks(project_root) if "async def publish_web" in b]
    monkeypatch.setenv("LOGSCALE_URL", sandbox.url)
    monkeypatch.setenv("LOGSCALE_TOKEN", sandbox.token)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.yaml").write_text("sources:\n  a:\n    type: file\n")
    (tmp_path / "web-v2.yaml").write_text("sources:\n  b:\n    type: file\n")
    namespace: dict[str, object] = {}
    exec(compile(example, "README", "exec"), namespace)  # noqa: S102
    await namespace["publish_web"]()  # type: ignore[operator]
    assert capsys.readouterr().out.startswith("1 sandbox-user@localhost ")
    async with FleetClient(sandbox.url, sandbox.token) as fleet:
        web = await fleet.configurations.get_by_name("web")
    assert web is not None
    assert (web.version, web.yaml) == (1, "sources:\n  a:\n    type: file\n")
