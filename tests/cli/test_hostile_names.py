"""Server-provided strings reach the terminal escaped; values the user typed are masked.

Names are created with raw GraphQL (the facade refuses control characters in names it sends,
but a server may hold any name another client gave it).
"""

from __future__ import annotations

import httpx
import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Run

HOSTILE = {
    "esc": ("web\x1b[2K\x1b[1Adelete-me", "web\\x1b[2K\\x1b[1Adelete-me"),
    "cr": ("safe\rrm -rf", "safe\\x0drm -rf"),
    "bidi": ("abc\u202edcba", "abc\\u202edcba"),
}


def _raw_create(server: ThreadedSandbox, name: str) -> str:
    answer = httpx.post(
        server.graphql_url,
        headers={"Authorization": f"Bearer {server.token}"},
        json={
            "query": "mutation($n: String!) { createFleetInstallToken(name: $n) { token } }",
            "variables": {"n": name},
        },
        timeout=10,
    )
    answer.raise_for_status()
    token: str = answer.json()["data"]["createFleetInstallToken"]["token"]
    return token


def _assert_clean(text: str) -> None:
    assert "\x1b" not in text
    assert "\r" not in text
    assert "\u202e" not in text


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_names_are_escaped_in_the_token_table(cli: Run, server: ThreadedSandbox, kind: str) -> None:
    raw, escaped = HOSTILE[kind]
    _raw_create(server, raw)
    table = cli("tokens", "list")
    assert table.code == 0, table.err
    _assert_clean(table.out)
    assert escaped in table.out
    # JSON stays exact: a script gets the name the server holds.
    listed = cli("-o", "json", "tokens", "list")
    assert raw in {t["name"] for t in listed.json()}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_names_are_escaped_in_field_lists_and_lines(
    cli: Run, server: ThreadedSandbox, kind: str
) -> None:
    raw, escaped = HOSTILE[kind]
    token = _raw_create(server, raw)
    shown = cli("tokens", "show", token)
    assert shown.code == 0, shown.err
    _assert_clean(shown.out)
    assert f"name:             {escaped}\n" in shown.out
    assigned = cli("tokens", "assign", token, "--config-id", "123456")
    assert assigned.code == 0, assigned.err
    _assert_clean(assigned.out)
    assert assigned.out.startswith(escaped)
    deleted = cli("tokens", "delete", "--yes", token)
    assert deleted.code == 0, deleted.err
    _assert_clean(deleted.out)
    assert escaped in deleted.out


def test_a_secret_given_as_a_name_is_masked_in_the_error(cli: Run, server: ThreadedSandbox) -> None:
    secret = "hvs-0123456789abcdefSECRET"
    result = cli("tokens", "show", "--by-name", secret)
    assert result.code == 4
    assert secret not in result.err
    assert "no install token is named 'hvs-\u2026'" in result.err


def test_a_secret_given_as_a_configuration_id_is_masked_in_the_error(
    cli: Run, server: ThreadedSandbox
) -> None:
    secret = "hvs-0123456789abcdefSECRET"
    result = cli("configs", "show", secret)
    assert result.code == 4
    assert secret not in result.err
    assert "no configuration has the id 'hvs-\u2026'" in result.err


def test_a_secret_given_as_a_name_to_delete_is_masked(cli: Run, server: ThreadedSandbox) -> None:
    secret = "hvs-0123456789abcdefSECRET"
    result = cli("tokens", "delete", "--yes", "--by-name", "default", secret)
    assert result.code == 4
    assert secret not in result.err + result.out


def test_short_names_are_still_shown_whole(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("tokens", "show", "--by-name", "nobody")
    assert result.code == 4
    assert "no install token is named 'nobody'" in result.err
