"""Named LogScale clusters: this project's profile file, and humioctl's config as a fallback.

`$XDG_CONFIG_HOME/logscale-fleet/config.toml` (default `~/.config/logscale-fleet/config.toml`):

    default = "prod"

    [profiles.prod]
    url = "https://logscale.example.com"
    token_file = "~/.config/logscale/prod-token"     # or token = "..." (the file is 0600)
    ca_cert = "/etc/ssl/internal-ca.pem"
    insecure = false

humioctl's `~/.humio/config.yaml` (top-level `address`, `token`, `ca_certificate`, `insecure`,
and `profiles: {NAME: {...}}`) is read when this project's file does not name the profile, and
never written: that file belongs to the Go CLI.

Both files hold API tokens, so they are read with the size cap and regular-file check of
`read_input_file` and a warning when others can read them; this module writes its own file 0600
in a 0700 folder. Only this module knows the file formats; `settings.resolve_settings` decides
precedence.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from logscale_fleet.errors import ConfigurationError
from logscale_fleet.input_files import read_input_file

PROFILE_VARIABLE = "LOGSCALE_PROFILE"
CONFIG_FILE_NAME = "config.toml"
# A profile file of hundreds of clusters is a few KiB; anything far larger is the wrong file.
MAX_CONFIG_BYTES = 1024 * 1024
# Bare TOML keys, and words a shell completes without quoting.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
PROFILE_KEYS = ("url", "token", "token_file", "ca_cert", "insecure")
# humioctl's viper keys (internal/viperkey), including older spellings and its file variants.
HUMIOCTL_KEYS = {
    "address": "url",
    "token": "token",
    "token-file": "token_file",
    "ca_certificate": "ca_cert",
    "ca-certificate": "ca_cert",
    "ca-certificate-file": "ca_cert",
    "insecure": "insecure",
}

OURS = "logscale-fleet"
HUMIOCTL = "humioctl"


@dataclass(frozen=True)
class Profile:
    """One cluster: where it is and how to authenticate. `token` never shows in a repr."""

    name: str
    url: str | None = None
    token: str | None = field(default=None, repr=False)
    token_file: str | None = None
    ca_cert: str | None = None
    insecure: bool | None = None
    kind: str = OURS
    path: Path | None = None

    @property
    def where(self) -> str:
        """How messages name this profile: `profile 'prod' in /home/me/.config/...`."""
        owner = "" if self.kind == OURS else "humioctl "
        return f"{owner}profile {self.name!r} in {self.path}"

    @property
    def token_description(self) -> str:
        """Where the token is, never what it is."""
        if self.token is not None:
            return f"set in {self.path}"
        if self.token_file is not None:
            return f"from file {self.token_file}"
        return "not set"


@dataclass
class ProfileFile:
    """This project's profile file, as read (a missing file reads as empty)."""

    path: Path
    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    exists: bool = False


@dataclass
class HumioctlConfig:
    """humioctl's config: `top` is its top-level (current) cluster, if it names one."""

    path: Path
    top: Profile | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    exists: bool = False


@dataclass(frozen=True)
class Selection:
    """Which profile applies, why (or why none), and humioctl's config for the last layer."""

    profile: Profile | None
    reason: str
    humioctl: HumioctlConfig


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME", "").strip()
    return Path(home) if home else Path.home()


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME", "").strip()
    # XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else _home(env) / ".config"
    return root / "logscale-fleet" / CONFIG_FILE_NAME


def humioctl_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return _home(env) / ".humio" / "config.yaml"


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ConfigurationError(
            f"profile name {name!r} is not usable: use 1-64 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


def parse_bool(value: str, source: str) -> bool:
    """An environment flag such as HUMIO_INSECURE: 1/true/yes/on or 0/false/no/off."""
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{source} must be true or false, not {value!r}")


# -- reading ------------------------------------------------------------------------------------


# One CLI command resolves its profile more than once; an unchanged file is read (and warned
# about) once. Keyed by the file's identity, so an edit or a chmod is seen at once.
_cache: dict[tuple[str, int, int, int, int], str] = {}


def _read(path: Path, what: str) -> str | None:
    try:
        info = path.stat()
    except OSError:
        return None
    key = (str(path), info.st_ino, info.st_size, info.st_mtime_ns, info.st_mode)
    if key not in _cache:
        if len(_cache) > 16:
            _cache.clear()
        _cache[key] = read_input_file(path, what=what, limit=MAX_CONFIG_BYTES, private=True)
    return _cache[key]


def load_config(env: Mapping[str, str] | None = None) -> ProfileFile:
    path = config_path(env)
    text = _read(path, "profile file")
    if text is None:
        return ProfileFile(path)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"profile file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"default", "profiles"})
    if unknown:
        raise ConfigurationError(
            f"profile file {path}: unknown key {unknown[0]!r} (expected default, [profiles.NAME])"
        )
    default = data.get("default")
    if default is not None and not isinstance(default, str):
        raise ConfigurationError(f"profile file {path}: default must be a profile name")
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigurationError(f"profile file {path}: profiles must be [profiles.NAME] tables")
    profiles = {
        name: _profile(name, table, path, OURS, {k: k for k in PROFILE_KEYS})
        for name, table in tables.items()
    }
    return ProfileFile(path, default, profiles, exists=True)


def load_humioctl(env: Mapping[str, str] | None = None) -> HumioctlConfig:
    path = humioctl_path(env)
    text = _read(path, "humioctl config")
    if text is None:
        return HumioctlConfig(path)
    import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"humioctl config {path} is not valid YAML: {exc}") from None
    if data is None:
        return HumioctlConfig(path, exists=True)
    if not isinstance(data, dict):
        raise ConfigurationError(f"humioctl config {path} is not a mapping of settings")
    # humioctl keeps other settings here too; only the connection ones matter.
    top_fields = {k: v for k, v in data.items() if k in HUMIOCTL_KEYS}
    top = _profile("(humioctl)", top_fields, path, HUMIOCTL, HUMIOCTL_KEYS, strict=False)
    tables = data.get("profiles") or {}
    if not isinstance(tables, dict):
        raise ConfigurationError(f"humioctl config {path}: profiles must be a mapping")
    profiles = {
        str(name): _profile(str(name), table, path, HUMIOCTL, HUMIOCTL_KEYS, strict=False)
        for name, table in tables.items()
    }
    named_cluster = top.url or top.token or top.token_file
    return HumioctlConfig(path, top if named_cluster else None, profiles, exists=True)


def _profile(
    name: str,
    table: Any,
    path: Path,
    kind: str,
    keys: Mapping[str, str],
    *,
    strict: bool = True,
) -> Profile:
    where = f"{'humioctl config' if kind == HUMIOCTL else 'profile file'} {path}, profile {name!r}"
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where}: expected a table of settings")
    values: dict[str, Any] = {}
    for key, value in table.items():
        target = keys.get(str(key))
        if target is None:
            if strict:
                raise ConfigurationError(
                    f"{where}: unknown key {key!r} (expected {', '.join(PROFILE_KEYS)})"
                )
            continue
        if value is None or value == "":
            continue
        if target == "insecure":
            if not isinstance(value, bool):
                raise ConfigurationError(f"{where}: insecure must be true or false")
        elif not isinstance(value, str):
            raise ConfigurationError(f"{where}: {key} must be a string")
        values[target] = value
    if kind == OURS and "token" in values and "token_file" in values:
        raise ConfigurationError(f"{where}: set token or token_file, not both")
    return Profile(name=name, kind=kind, path=path, **values)


# -- selecting ----------------------------------------------------------------------------------


def select(name: str | None = None, env: Mapping[str, str] | None = None) -> Selection:
    """The profile `name` (else $LOGSCALE_PROFILE, else the file's default), or none.

    A named profile that exists in neither file is an error listing the names that do.
    """
    env = os.environ if env is None else env
    ours = load_config(env)
    humioctl = load_humioctl(env)
    if name is not None:
        wanted, reason = name, "--profile / profile="
    elif env.get(PROFILE_VARIABLE, "").strip():
        wanted, reason = env[PROFILE_VARIABLE].strip(), PROFILE_VARIABLE
    elif ours.default:
        wanted, reason = ours.default, f"the default in {ours.path}"
    else:
        why = f"{PROFILE_VARIABLE} is unset and {ours.path} " + (
            "names no default" if ours.exists else "does not exist"
        )
        return Selection(None, why, humioctl)
    found = ours.profiles.get(wanted) or humioctl.profiles.get(wanted)
    if found is None:
        known = sorted({*ours.profiles, *humioctl.profiles})
        listed = ", ".join(known) if known else "none"
        raise ConfigurationError(
            f"no profile {wanted!r} (from {reason}) in {ours.path} or humioctl's "
            f"{humioctl.path}; profiles there: {listed} (`logscale-fleet profiles list`)"
        )
    return Selection(found, reason, humioctl)


def all_profiles(env: Mapping[str, str] | None = None) -> tuple[ProfileFile, HumioctlConfig]:
    return load_config(env), load_humioctl(env)


# -- writing (this project's file only) ---------------------------------------------------------


def save_config(config: ProfileFile) -> None:
    """Write atomically: a new 0600 file renamed over the old, in a folder made 0700."""
    folder = config.path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    temporary = folder / f".{config.path.name}.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(render_config(config))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, config.path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def render_config(config: ProfileFile) -> str:
    lines = ["# logscale-fleet profiles (`logscale-fleet profiles --help`)"]
    if config.default:
        lines.append(f"default = {_toml_string(config.default)}")
    for name in sorted(config.profiles):
        profile = config.profiles[name]
        lines += ["", f"[profiles.{check_name(name)}]"]
        for key in PROFILE_KEYS:
            value = getattr(profile, key)
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif value is not None:
                lines.append(f"{key} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def with_profile(config: ProfileFile, profile: Profile, *, default: bool) -> ProfileFile:
    profiles = {**config.profiles, profile.name: replace(profile, path=config.path)}
    chosen = profile.name if default or not config.default else config.default
    return ProfileFile(config.path, chosen, profiles, config.exists)
