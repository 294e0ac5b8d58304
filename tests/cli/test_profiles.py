"""`profiles list|show|add|remove|use`, and commands reaching the cluster a profile names."""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from logscale_fleet.cli import profile_commands
from logscale_fleet.profiles import load_config
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own home: the profile file's path (not created yet)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "home").mkdir()
    return tmp_path / "xdg" / "logscale-fleet" / "config.toml"


def token_file(tmp_path: Path, token: str) -> Path:
    path = tmp_path / "api-token"
    path.write_text(token + "\n")
    path.chmod(0o600)
    return path


def add(cli: Run, sandbox: ThreadedSandbox, tmp_path: Path, name: str = "dev", *extra: str) -> None:
    result = cli(
        "profiles",
        "add",
        name,
        "--url",
        sandbox.url,
        "--token-file",
        str(token_file(tmp_path, sandbox.token)),
        *extra,
    )
    assert result.code == 0, result.err


def test_add_tests_the_connection_and_saves_privately(
    cli: Run, logscale_sandbox: ThreadedSandbox, config: Path, tmp_path: Path
) -> None:
    result = cli(
        "profiles",
        "add",
        "dev",
        "--url",
        logscale_sandbox.url,
        "--token-file",
        str(token_file(tmp_path, logscale_sandbox.token)),
    )
    assert result.code == 0, result.err
    assert "connected: LogScale 1.204.0-sandbox" in result.err
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
    saved = load_config()
    assert saved.default == "dev"  # the first profile becomes the default
    assert saved.profiles["dev"].token_file == str(tmp_path / "api-token")
    assert logscale_sandbox.token not in config.read_text()
    assert logscale_sandbox.token not in result.out + result.err
    # The default profile now configures every command: the served sandbox, not the built-in.
    status = cli("status", "-o", "json")
    assert status.code == 0, status.err
    assert status.json()["target"]["url"] == logscale_sandbox.url
    assert status.json()["target"]["profile"] == "dev"


def test_add_asks_on_a_terminal_without_echoing_the_token(
    cli: Run,
    logscale_sandbox: ThreadedSandbox,
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def getpass(prompt: str, stream: object = None) -> str:
        asked.append(prompt)
        return logscale_sandbox.token

    monkeypatch.setattr(profile_commands, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO(logscale_sandbox.url + "\n"))
    monkeypatch.setattr("getpass.getpass", getpass)
    result = cli("profiles", "add", "typed")
    assert result.code == 0, result.err
    assert asked == ["API token (not shown): "]
    assert "LogScale URL" in result.err
    assert logscale_sandbox.token not in result.out + result.err
    assert load_config().profiles["typed"].token == logscale_sandbox.token
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    shown = cli("profiles", "show", "typed", "-o", "json")
    assert logscale_sandbox.token not in shown.out
    assert shown.json()["token"] == f"set in {config}"


def test_add_with_a_wrong_token_saves_nothing(
    cli: Run, logscale_sandbox: ThreadedSandbox, config: Path, tmp_path: Path
) -> None:
    result = cli(
        "profiles",
        "add",
        "dev",
        "--url",
        logscale_sandbox.url,
        "--token-file",
        str(token_file(tmp_path, "wrong-token-value-123")),
    )
    assert result.code == 3
    assert "not saved" in result.err
    assert "wrong-token-value-123" not in result.err
    assert not config.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["profiles", "add", "dev"], "pass --url URL"),
        (["profiles", "add", "dev", "--url", "https://x.example.com"], "--token-file FILE"),
        (["profiles", "add", "dev", "--url", "https://x.example.com", "--token", "t"], "ps"),
        (["profiles", "add", "bad name", "--url", "https://x.example.com"], "not usable"),
        (["profiles", "add", "dev", "--url", "ftp://x", "--token-file", "/x"], "https://"),
    ],
)
def test_add_refuses_without_asking_a_script(
    cli: Run, config: Path, argv: list[str], message: str
) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert message in result.err
    assert not config.exists()


def test_add_without_check_and_replacing(cli: Run, config: Path, tmp_path: Path) -> None:
    file = str(token_file(tmp_path, "t0ken-value"))
    base = ("profiles", "add", "far", "--url", "https://far.example.com", "--token-file", file)
    assert cli(*base, "--no-check").code == 0
    again = cli(*base, "--no-check")
    assert again.code == 2
    assert "--force" in again.err
    assert cli(*base, "--no-check", "--force", "--insecure").code == 0
    assert load_config().profiles["far"].insecure is True


def write_humioctl(home: Path, document: dict[str, object]) -> None:
    path = home / ".humio" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document))
    path.chmod(0o600)


def test_list_show_use_remove(cli: Run, config: Path, tmp_path: Path) -> None:
    file = str(token_file(tmp_path, "t0ken-value"))
    for name in ("prod", "staging"):
        url = f"https://{name}.example.com"
        assert (
            cli("profiles", "add", name, "--url", url, "--token-file", file, "--no-check").code == 0
        )
    write_humioctl(
        tmp_path / "home",
        {"profiles": {"legacy": {"address": "https://legacy.example.com", "token": "h-secret"}}},
    )
    listed = cli("profiles", "list", "-o", "json").json()
    assert [(p["name"], p["default"], p["from"]) for p in listed] == [
        ("prod", True, "logscale-fleet"),
        ("staging", False, "logscale-fleet"),
        ("legacy", False, "humioctl"),
    ]
    assert cli("profiles", "list", "-q").out == "prod\nstaging\nlegacy\n"
    table = cli("profiles", "list")
    assert table.out.splitlines()[0].split() == ["NAME", "DEFAULT", "URL", "FROM"]
    assert "h-secret" not in table.out + cli("profiles", "show", "legacy").out

    assert cli("profiles", "use", "staging").code == 0
    assert cli("profiles", "show", "-o", "json").json()["name"] == "staging"
    assert cli("profiles", "use", "legacy").code == 0  # humioctl's profiles can be the default
    assert load_config().default == "legacy"
    assert cli("profiles", "use", "nope").code == 4

    removed = cli("profiles", "remove", "legacy")
    assert removed.code == 2
    assert "never changes" in removed.err
    assert cli("profiles", "remove", "nope").code == 4
    assert cli("profiles", "remove", "staging").code == 0
    assert list(load_config().profiles) == ["prod"]
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_an_unknown_profile_is_an_error_not_the_sandbox(cli: Run, config: Path) -> None:
    result = cli("tokens", "list", "--profile", "nope")
    assert result.code == 2
    assert "no profile 'nope'" in result.err
    assert "sandbox" not in result.err


def test_humioctl_config_alone_configures_the_cli(
    cli: Run, logscale_sandbox: ThreadedSandbox, config: Path, tmp_path: Path
) -> None:
    write_humioctl(
        tmp_path / "home", {"address": logscale_sandbox.url, "token": logscale_sandbox.token}
    )
    result = cli("status", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["target"]["url"] == logscale_sandbox.url
    assert "sandbox" not in result.err


def test_a_group_readable_profile_file_warns(cli: Run, config: Path, tmp_path: Path) -> None:
    file = str(token_file(tmp_path, "t0ken-value"))
    assert (
        cli("profiles", "add", "p", "--url", "https://p.x", "--token-file", file, "--no-check").code
        == 0
    )
    assert "chmod 600" not in cli("profiles", "list").err
    config.chmod(0o640)
    assert "chmod 600" in cli("profiles", "list").err


def test_a_selected_profile_without_a_url_is_an_error_not_the_sandbox(
    cli: Run, config: Path, tmp_path: Path
) -> None:
    config.parent.mkdir(parents=True)
    config.write_text('default = "half"\n[profiles.half]\ntoken = "t0ken-value"\n')
    config.chmod(0o600)
    result = cli("tokens", "list")
    assert result.code == 2
    assert "no LogScale URL" in result.err
    assert "profile 'half'" in result.err
    assert "t0ken-value" not in result.err


def test_a_readable_file_warns_once_per_command(
    cli: Run, logscale_sandbox: ThreadedSandbox, config: Path, tmp_path: Path
) -> None:
    add(cli, logscale_sandbox, tmp_path)
    config.chmod(0o644)
    result = cli("tokens", "list", "-o", "json")
    assert result.code == 0, result.err
    assert result.err.count("chmod 600") == 1


@pytest.mark.parametrize("good", [True, False])
def test_add_with_verbose_logs_never_shows_the_token(
    cli: Run,
    logscale_sandbox: ThreadedSandbox,
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    good: bool,
) -> None:
    typed = logscale_sandbox.token if good else "typed-wrong-token-4242"
    monkeypatch.setattr(profile_commands, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: typed)
    result = cli("-v", "profiles", "add", "dev", "--url", logscale_sandbox.url)
    assert result.code == (0 if good else 3)
    assert "Authorization" in result.err or "POST" in result.err  # the debug log did run
    assert typed not in result.out + result.err
    assert typed not in cli("-v", "profiles", "show", "dev").err
