"""Profiles: the file formats, humioctl's config as a fallback, and precedence pair by pair."""

from __future__ import annotations

import itertools
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from logscale_fleet import ConfigurationError, FleetClient
from logscale_fleet.profiles import (
    Profile,
    ProfileFile,
    config_path,
    humioctl_path,
    load_config,
    load_humioctl,
    render_config,
    save_config,
    select,
)
from logscale_fleet.settings import resolve_settings

LAYERS = ("flags", "logscale_env", "profile", "humio_env", "humioctl")


class World:
    """A home folder with (optionally) a profile file and humioctl's config, and an env."""

    def __init__(self, root: Path) -> None:
        self.env: dict[str, str] = {
            "HOME": str(root / "home"),
            "XDG_CONFIG_HOME": str(root / "xdg"),
        }
        self.args: dict[str, Any] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        self.default: str | None = None
        self.humioctl: dict[str, Any] = {}
        (root / "home").mkdir()

    def set(self, layer: str, url: str | None = None, token: str | None = None) -> None:
        if layer == "flags":
            self.args.update({k: v for k, v in (("url", url), ("token", token)) if v})
        elif layer == "logscale_env":
            self._env("LOGSCALE_URL", url, "LOGSCALE_TOKEN", token)
        elif layer == "humio_env":
            self._env("HUMIO_ADDRESS", url, "HUMIO_TOKEN", token)
        elif layer == "profile":
            entry = self.profiles.setdefault("prod", {})
            entry.update({k: v for k, v in (("url", url), ("token", token)) if v})
            self.default = "prod"
        elif layer == "humioctl":
            self.humioctl.update({k: v for k, v in (("address", url), ("token", token)) if v})

    def _env(self, url_name: str, url: str | None, token_name: str, token: str | None) -> None:
        if url:
            self.env[url_name] = url
        if token:
            self.env[token_name] = token

    def write(self) -> None:
        import yaml  # type: ignore[import-untyped]

        if self.profiles:
            tables = {name: Profile(name, **values) for name, values in self.profiles.items()}
            save_config(ProfileFile(config_path(self.env), self.default, tables))
        if self.humioctl:
            path = humioctl_path(self.env)
            path.parent.mkdir(exist_ok=True)
            path.write_text(yaml.safe_dump(self.humioctl))
            path.chmod(0o600)

    def resolve(self, **extra: Any) -> Any:
        self.write()
        return resolve_settings(**{**self.args, **extra}, env=self.env)


# Every other setting comes from the lowest layer, so only the pair under test decides.
FILLER = {"url": ("humioctl", "https://filler.example.com"), "token": ("humioctl", "filler-t")}


@pytest.mark.parametrize("setting", ["url", "token"])
@pytest.mark.parametrize(
    ("higher", "lower"), list(itertools.combinations(LAYERS, 2)), ids="-over-".join
)
def test_each_layer_wins_over_every_lower_one(
    tmp_path: Path, setting: str, higher: str, lower: str
) -> None:
    world = World(tmp_path)
    other = "token" if setting == "url" else "url"
    world.set(FILLER[other][0], **{other: FILLER[other][1]})
    for layer in (lower, higher):
        value = f"https://{layer}.example.com" if setting == "url" else f"{layer}-token"
        world.set(layer, **{setting: value})
    settings = world.resolve()
    if setting == "url":
        assert settings.graphql_url == f"https://{higher}.example.com/graphql"
    else:
        assert settings.token == f"{higher}-token"


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_alone_configures_the_client(tmp_path: Path, layer: str) -> None:
    world = World(tmp_path)
    world.set(layer, url=f"https://{layer}.example.com", token=f"{layer}-token")
    settings = world.resolve()
    assert (settings.graphql_url, settings.token) == (
        f"https://{layer}.example.com/graphql",
        f"{layer}-token",
    )


def test_missing_url_says_everywhere_it_looked(tmp_path: Path) -> None:
    world = World(tmp_path)
    with pytest.raises(ConfigurationError) as caught:
        world.resolve(token="t0ken-value")
    message = str(caught.value)
    for place in (
        "LOGSCALE_URL",
        "LOGSCALE_PROFILE",
        str(config_path(world.env)),
        "HUMIO_ADDRESS",
        str(humioctl_path(world.env)),
    ):
        assert place in message
    assert "LOGSCALE_TOKEN" not in message  # only where a URL could have been


def test_missing_token_says_everywhere_it_looked_and_never_echoes(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.set("profile", url="https://p.example.com")
    with pytest.raises(ConfigurationError) as caught:
        world.resolve()
    message = str(caught.value)
    for place in ("LOGSCALE_TOKEN", "LOGSCALE_TOKEN_FILE", "profile 'prod'", "HUMIO_TOKEN"):
        assert place in message


def test_a_named_profile_beats_the_variable_and_the_default(tmp_path: Path) -> None:
    world = World(tmp_path)
    for name in ("a", "b", "c"):
        world.profiles[name] = {"url": f"https://{name}.example.com", "token": f"{name}-token"}
    world.default = "a"
    assert world.resolve().profile == "a"
    world.env["LOGSCALE_PROFILE"] = "b"
    assert world.resolve().graphql_url == "https://b.example.com/graphql"
    settings = world.resolve(profile="c")
    assert (settings.graphql_url, settings.profile) == ("https://c.example.com/graphql", "c")


def test_an_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.profiles["staging"] = {"url": "https://s.example.com", "token": "s-token"}
    world.humioctl = {"profiles": {"legacy": {"address": "https://l.example.com"}}}
    with pytest.raises(ConfigurationError, match=r"no profile 'prod'.*legacy, staging"):
        world.resolve(profile="prod")


def test_a_humioctl_profile_can_be_selected(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.humioctl = {
        "address": "https://top.example.com",
        "token": "top-token",
        "profiles": {
            "eu": {
                "address": "https://eu.example.com",
                "token": "eu-token",
                "ca_certificate": "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----",
                "insecure": True,
            }
        },
    }
    settings = world.resolve(profile="eu")
    assert (settings.graphql_url, settings.token) == ("https://eu.example.com/graphql", "eu-token")
    assert settings.ca_cert is not None
    assert settings.ca_cert.startswith("-----BEGIN")
    assert settings.verify is False
    assert world.resolve().graphql_url == "https://top.example.com/graphql"


def test_token_file_in_a_profile_is_read(tmp_path: Path) -> None:
    world = World(tmp_path)
    token_file = tmp_path / "token"
    token_file.write_text("file-token\n")
    world.profiles["prod"] = {"url": "https://p.example.com", "token_file": str(token_file)}
    world.default = "prod"
    settings = world.resolve()
    assert settings.token == "file-token"
    assert "token_file of profile 'prod'" in settings.token_source


@pytest.mark.parametrize(
    ("variable", "value", "verify"),
    [
        ("HUMIO_INSECURE", "true", False),
        ("HUMIO_INSECURE", "0", True),
        ("LOGSCALE_INSECURE", "yes", False),
        ("HUMIO_INSECURE", "", True),
    ],
)
def test_insecure_variables(tmp_path: Path, variable: str, value: str, verify: bool) -> None:
    world = World(tmp_path)
    world.env.update({"LOGSCALE_URL": "https://x.example.com", variable: value})
    assert world.resolve(token="t0ken-value").verify is verify


def test_a_bad_insecure_value_is_an_error(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.env.update({"LOGSCALE_URL": "https://x.example.com", "HUMIO_INSECURE": "maybe"})
    with pytest.raises(ConfigurationError, match="HUMIO_INSECURE"):
        world.resolve(token="t0ken-value")


def test_files_are_not_read_when_arguments_say_everything(tmp_path: Path) -> None:
    world = World(tmp_path)
    path = config_path(world.env)
    path.parent.mkdir(parents=True)
    path.write_text("this is [not toml")
    settings = world.resolve(url="https://a.example.com", token="t0ken-value")
    assert settings.profile is None
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        world.resolve(url="https://a.example.com")


def test_fleet_client_takes_a_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(tmp_path)
    world.profiles["staging"] = {"url": "https://staging.example.com", "token": "st-token"}
    world.write()
    for name, value in world.env.items():
        monkeypatch.setenv(name, value)
    client = FleetClient(profile="staging")
    assert client.url == "https://staging.example.com/graphql"
    assert "st-token" not in repr(client)


def test_written_file_is_private_and_round_trips(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    odd = 'quote " back \\ tab \t del \x7f é'
    tables = {
        "prod": Profile("prod", url="https://p.example.com", token=odd, insecure=True),
        "dev": Profile("dev", url="https://d.example.com", token_file="/t", ca_cert="/ca"),
    }
    save_config(ProfileFile(config_path(env), "prod", tables))
    path = config_path(env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = load_config(env)
    assert loaded.default == "prod"
    assert loaded.profiles["prod"].token == odd
    assert loaded.profiles["prod"].insecure is True
    assert loaded.profiles["dev"].ca_cert == "/ca"
    assert tomllib.loads(render_config(loaded)) == tomllib.loads(path.read_text())
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_readable_profile_file_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    save_config(ProfileFile(config_path(env), None, {"a": Profile("a", url="https://a.x")}))
    with caplog.at_level(logging.WARNING, logger="logscale_fleet"):
        load_config(env)
        assert not caplog.records
        os.chmod(config_path(env), 0o644)
        load_config(env)
    assert "chmod 600" in caplog.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("default = 3\n", "default must be a profile name"),
        ("[profiles.a]\nurl = 1\n", "url must be a string"),
        ("[profiles.a]\nadress = 'x'\n", "unknown key 'adress'"),
        ("[profiles.a]\ntoken = 'x'\ntoken_file = 'y'\n", "not both"),
        ("[profiles.a]\ninsecure = 'yes'\n", "insecure must be true or false"),
        ("colour = 'red'\n", "unknown key 'colour'"),
    ],
)
def test_bad_profile_files_name_the_file_and_rule(
    tmp_path: Path, content: str, message: str
) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    path = config_path(env)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(ConfigurationError, match=message) as caught:
        load_config(env)
    assert str(path) in str(caught.value)


def test_humioctl_config_keeps_only_connection_settings(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    path = humioctl_path(env)
    path.parent.mkdir()
    path.write_text("address: https://h.example.com\ntoken: h-token\nusername: me\n")
    config = load_humioctl(env)
    assert config.top is not None
    assert config.top.url == "https://h.example.com"
    assert "h-token" not in repr(config)
    path.write_text("- a list\n")
    with pytest.raises(ConfigurationError, match="not a mapping"):
        load_humioctl(env)


def test_relative_xdg_config_home_is_ignored(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "relative"}
    assert config_path(env) == tmp_path / ".config" / "logscale-fleet" / "config.toml"


def test_select_without_anything_says_why(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    selection = select(None, env)
    assert selection.profile is None
    assert "does not exist" in selection.reason


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True),
    url=st.text(min_size=1, max_size=40),
    token=st.text(min_size=1, max_size=40),
    insecure=st.none() | st.booleans(),
)
def test_any_profile_round_trips_through_the_file(
    name: str, url: str, token: str, insecure: bool | None
) -> None:
    """Whatever text a profile holds (quotes, backslashes, control characters), the file
    written is valid TOML and reads back the same."""
    file = ProfileFile(
        Path("/unused"), name, {name: Profile(name, url=url, token=token, insecure=insecure)}
    )
    data = tomllib.loads(render_config(file))
    assert data["default"] == name
    table = data["profiles"][name]
    assert (table["url"], table["token"], table.get("insecure")) == (url, token, insecure)


@pytest.mark.parametrize(
    ("profile_says", "humio_says", "verify"),
    [(False, "true", True), (True, "false", False), (None, "true", False), (None, None, True)],
)
def test_insecure_follows_precedence_too(
    tmp_path: Path, profile_says: bool | None, humio_says: str | None, verify: bool
) -> None:
    """A profile's explicit `insecure = false` wins over HUMIO_INSECURE below it."""
    world = World(tmp_path)
    world.set("profile", url="https://p.example.com", token="p-token")
    if profile_says is not None:
        world.profiles["prod"]["insecure"] = profile_says
    if humio_says is not None:
        world.env["HUMIO_INSECURE"] = humio_says
    assert world.resolve().verify is verify


def test_humioctl_file_variants_are_understood(tmp_path: Path) -> None:
    world = World(tmp_path)
    token = tmp_path / "h-token"
    token.write_text("from-file-token\n")
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    world.humioctl = {
        "address": "https://h.example.com",
        "token-file": str(token),
        "ca-certificate-file": str(ca),
    }
    settings = world.resolve()
    assert settings.token == "from-file-token"
    assert settings.ca_cert == str(ca)
