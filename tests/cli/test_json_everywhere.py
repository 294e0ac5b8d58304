"""`-o json`: every command answers with exactly one JSON document on stdout, failures too."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from logscale_fleet import __version__
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import Result, Run
from tests.conftest import PROJECT_ROOT


def one_document(result: Result) -> Any:
    """The single JSON document on stdout (json.loads refuses a second one)."""
    return json.loads(result.out)


def assert_error_document(result: Result, kind: str, code: int) -> dict[str, Any]:
    assert result.code == code, result.err
    document = one_document(result)
    assert set(document) == {"error"}
    error: dict[str, Any] = document["error"]
    assert set(error) == {"message", "type", "exitCode"}
    assert error["type"] == kind
    assert error["exitCode"] == code
    # The same message as the stderr line people read.
    assert f"error: {error['message']}" in result.err
    return error


@pytest.mark.parametrize("where", ["before", "after"])
def test_version(cli: Run, where: str) -> None:
    argv = ("-o", "json", "--version") if where == "before" else ("--version", "-o", "json")
    result = cli(*argv)
    assert result.code == 0
    assert one_document(result) == {"version": __version__}
    assert cli("--version").out == f"logscale-fleet {__version__}\n"


def test_completion(cli: Run) -> None:
    for argv in (("-o", "json", "completion", "fish"), ("completion", "fish", "-o", "json")):
        result = cli(*argv)
        assert result.code == 0
        document = one_document(result)
        assert document["shell"] == "fish"
        assert document["script"] == cli("completion", "fish").out


def test_schema_check_honours_the_global_option(cli: Run) -> None:
    project = ("--project", str(PROJECT_ROOT))
    text = cli("schema", "check", "--skip-generated", *project)
    assert text.code == 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(text.out)
    for argv in (
        ("-o", "json", "schema", "check", "--skip-generated", *project),
        ("schema", "check", "--skip-generated", "-o", "json", *project),
        ("schema", "check", "--skip-generated", "--format", "json", *project),
    ):
        result = cli(*argv)
        assert result.code == 0, result.err
        assert one_document(result)  # a JSON report


def test_schema_pull(cli: Run, tmp_path: Path) -> None:
    source = PROJECT_ROOT / "schema.graphql"
    project = ("--project", str(PROJECT_ROOT))
    result = cli("-o", "json", "schema", "pull", "--from", str(source), *project)
    assert result.code == 0, result.err
    document = one_document(result)
    assert document["source"] == "schema.graphql"
    assert document["sdl"] == cli("schema", "pull", "--from", str(source), *project).out
    out = tmp_path / "slice.graphql"
    written = cli(
        "-o", "json", "schema", "pull", "--from", str(source), "--out", str(out), *project
    )
    assert one_document(written) == {"source": "schema.graphql", "version": None, "out": str(out)}
    assert out.read_text() == document["sdl"]


def test_a_usage_error(cli: Run) -> None:
    error = assert_error_document(cli("-o", "json", "tokens", "frobnicate"), "UsageError", 2)
    assert "invalid choice: 'frobnicate'" in error["message"]
    later = assert_error_document(cli("tokens", "list", "--bogus", "-o", "json"), "UsageError", 2)
    assert "unrecognized arguments: --bogus" in later["message"]


def test_a_missing_configuration(cli: Run) -> None:
    result = cli("-o", "json", "--token", "t0123456789abcdef", "tokens", "list")
    error = assert_error_document(result, "ConfigurationError", 2)
    assert "no LogScale URL" in error["message"]
    assert "t0123456789abcdef" not in result.out + result.err


def test_not_found_against_a_server(cli: Run, server: ThreadedSandbox) -> None:
    result = cli("-o", "json", "tokens", "show", "--by-name", "nobody")
    assert_error_document(result, "NotFound", 4)


def test_a_schema_failure(cli: Run, tmp_path: Path) -> None:
    result = cli("-o", "json", "schema", "check", "--against", str(tmp_path / "missing.graphql"))
    assert_error_document(result, "InvalidInputError", 2)


def test_table_output_prints_no_document(cli: Run) -> None:
    result = cli("--token", "t0123456789abcdef", "tokens", "list")
    assert result.code == 2
    assert result.out == ""


# -- a URL that is not LogScale ---------------------------------------------------------------


@pytest.fixture
def plain_web_server(tmp_path: Path) -> Iterator[str]:
    """`python -m http.server`: answers a GraphQL POST with an HTML 501 page."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_an_html_501_from_a_plain_web_server_exits_4(cli: Run, plain_web_server: str) -> None:
    result = cli("--url", plain_web_server, "--token", "t0123456789abcdef", "tokens", "list")
    assert result.code == 4, result.err
    assert "501" in result.err
    assert "does not take GraphQL requests: check --url / LOGSCALE_URL" in result.err
    as_json = cli(
        "-o", "json", "--url", plain_web_server, "--token", "t0123456789abcdef", "tokens", "list"
    )
    assert_error_document(as_json, "ServerError", 4)
