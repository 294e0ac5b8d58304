"""Fixtures shared by every suite."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_SCHEMA = PROJECT_ROOT.parent / "shared" / "reference" / "logscale-schema-2025-10.graphql"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def reference_sdl() -> str:
    """The full LogScale 1.204 schema from ../shared; tests needing it skip where it is absent."""
    if not REFERENCE_SCHEMA.is_file():
        pytest.skip(f"reference schema not available at {REFERENCE_SCHEMA}")
    return REFERENCE_SCHEMA.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _empty_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, _empty_home: Path) -> None:
    """Tests never pick up a developer's real LogScale settings, profiles or humioctl config."""
    monkeypatch.setenv("HOME", str(_empty_home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(_empty_home / ".config"))
    for name in (
        "LOGSCALE_PROFILE",
        "LOGSCALE_INSECURE",
        "HUMIO_INSECURE",
        "LOGSCALE_URL",
        "LOGSCALE_TOKEN",
        "LOGSCALE_TOKEN_FILE",
        "LOGSCALE_CA_CERT",
        "HUMIO_ADDRESS",
        "HUMIO_TOKEN",
        "HUMIO_CA_CERTIFICATE",
    ):
        monkeypatch.delenv(name, raising=False)
