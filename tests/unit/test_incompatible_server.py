"""A server older than the client: its validation errors become IncompatibleServerError, naming
what it lacks, its version (asked once, best effort) and the check to run. Both wire paths."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import FleetClient, GraphQLError, IncompatibleServerError
from logscale_fleet._core.http import HttpBackend
from logscale_fleet._core.incompatible import missing_coordinates
from logscale_fleet.cli.main import main
from tests.unit.conftest import BASE_URL, RecordingFleetClient

# LogScale (Sangria) words its validation errors like this, with the position appended.
JWT_MISSING = (
    "Cannot query field 'jwtToken' on type 'FleetInstallationToken'. (line 12, column 3):\n"
    "  jwtToken\n  ^"
)
DEFAULT_MISSING = "Cannot query field 'defaultFleetInstallationToken' on type 'Query'."
STATUS_URL = f"{BASE_URL}/api/v1/status"
OLD_STATUS = {"status": "OK", "version": "1.154.0--build-1234"}


@pytest.mark.parametrize(
    ("message", "coordinate"),
    [
        (JWT_MISSING, "FleetInstallationToken.jwtToken"),
        (
            "Unknown argument 'configId' on field 'createFleetInstallToken' of type 'Mutation'.",
            "Mutation.createFleetInstallToken(configId:)",
        ),
        (
            "Unknown argument 'configId' on field 'Mutation.createFleetInstallToken'.",
            "Mutation.createFleetInstallToken(configId:)",
        ),
        ("Unknown type 'FleetInstallationTokenInput'.", "FleetInstallationTokenInput"),
        (
            "Argument 'sortBy' has invalid value: Enum value 'ConfigName' is undefined in enum "
            "type 'FleetInstallationTokens__SortBy'.",
            "FleetInstallationTokens__SortBy.ConfigName",
        ),
        ("Value 'DESC' does not exist in 'OrderBy' enum.", "OrderBy.DESC"),
    ],
)
def test_each_wording_names_its_coordinate(message: str, coordinate: str) -> None:
    assert missing_coordinates([message]) == (coordinate,)


def test_other_messages_name_nothing_and_repeats_count_once() -> None:
    assert missing_coordinates(["Not allowed", "Variable '$name' of required type"]) == ()
    assert missing_coordinates([DEFAULT_MISSING, DEFAULT_MISSING]) == (
        "Query.defaultFleetInstallationToken",
    )


async def test_a_400_with_validation_errors_names_coordinates_version_and_command(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=400, json={"errors": [{"message": JWT_MISSING}]})
    httpx_mock.add_response(url=STATUS_URL, json=OLD_STATUS)
    with pytest.raises(IncompatibleServerError) as caught:
        await fleet.install_tokens.create("web-servers")
    error = caught.value
    assert isinstance(error, GraphQLError)
    assert error.missing == ("FleetInstallationToken.jwtToken",)
    assert error.server_version == "1.154.0--build-1234"
    assert error.status_code == 400
    assert error.messages == [JWT_MISSING]
    message = str(error)
    assert "\n" not in message
    assert "LogScale 1.154.0--build-1234 does not have FleetInstallationToken.jwtToken" in message
    assert f"logscale-fleet schema check --against {BASE_URL}`" in message
    # One GraphQL request (never retried: the answer will not change) and one status request.
    assert [r.url.path for r in httpx_mock.get_requests()] == ["/graphql", "/api/v1/status"]


async def test_a_200_with_errors_is_recognised_too(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": None, "errors": [{"message": DEFAULT_MISSING}]})
    httpx_mock.add_response(url=STATUS_URL, json=OLD_STATUS)
    with pytest.raises(IncompatibleServerError) as caught:
        await fleet.install_tokens.default()
    assert caught.value.missing == ("Query.defaultFleetInstallationToken",)
    assert caught.value.status_code == 200


@pytest.mark.parametrize(
    "status_answer",
    [{"status_code": 500}, {"content": b"<html>"}, {"json": {"version": 1154}}],
    ids=["500", "html", "not-a-string"],
)
async def test_without_a_version_the_error_still_names_what_is_missing(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, status_answer: dict[str, object]
) -> None:
    httpx_mock.add_response(status_code=400, json={"errors": [{"message": JWT_MISSING}]})
    httpx_mock.add_response(url=STATUS_URL, **status_answer)  # type: ignore[arg-type]
    with pytest.raises(IncompatibleServerError) as caught:
        await fleet.install_tokens.create("web-servers")
    assert caught.value.server_version is None
    assert str(caught.value).startswith(
        "CreateFleetInstallToken: the server does not have FleetInstallationToken.jwtToken"
    )
    assert len(httpx_mock.get_requests()) == 2  # the status probe is asked once, not retried


async def test_other_graphql_errors_stay_plain_and_ask_nothing_more(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": None, "errors": [{"message": "Not allowed"}]})
    with pytest.raises(GraphQLError) as caught:
        await fleet.install_tokens.default()
    assert not isinstance(caught.value, IncompatibleServerError)
    assert len(httpx_mock.get_requests()) == 1


# -- the aiohttp wire path and the CLI, against a scripted server on 127.0.0.1 ----------------


@contextmanager
def old_logscale(version: str = "1.154.0", *, silent_status: bool = False) -> Iterator[str]:
    """LogScale 1.154 as it answers this client: validation errors for jwtToken, a status page
    (or, `silent_status`, a status request that is never answered until the server stops)."""
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self._answer(400, {"errors": [{"message": JWT_MISSING}]})

        def do_GET(self) -> None:
            if silent_status:
                stopping.wait(10)
                return
            if self.path == "/api/v1/status":
                self._answer(200, {"status": "OK", "version": version})
            else:
                self._answer(404, {})

        def _answer(self, status: int, body: object) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
async def test_both_wire_paths_raise_it_over_real_http(backend: HttpBackend) -> None:
    with old_logscale() as url:
        async with FleetClient(url, "t", timeout=5, http_backend=backend) as fleet:
            with pytest.raises(IncompatibleServerError) as caught:
                await fleet.install_tokens.create("web-servers")
    assert caught.value.missing == ("FleetInstallationToken.jwtToken",)
    assert caught.value.server_version == "1.154.0"
    assert f"--against {url}`" in str(caught.value)


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
async def test_a_status_page_that_never_answers_costs_the_version_only(
    backend: HttpBackend,
) -> None:
    """The version is asked within what is left of the call's deadline, then given up."""
    with old_logscale(silent_status=True) as url:
        async with FleetClient(url, "t", timeout=0.5, http_backend=backend) as fleet:
            with pytest.raises(IncompatibleServerError) as caught:
                await fleet.install_tokens.create("web-servers")
    assert caught.value.missing == ("FleetInstallationToken.jwtToken",)
    assert caught.value.server_version is None
    assert "the server does not have FleetInstallationToken.jwtToken" in str(caught.value)


def test_the_cli_prints_it_in_one_line_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with old_logscale() as url:
        code = main(["--url", url, "--token", "t0ken-value", "tokens", "create", "web-servers"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert "LogScale 1.154.0 does not have FleetInstallationToken.jwtToken" in line
    assert f"logscale-fleet schema check --against {url}" in line
    assert "t0ken-value" not in line
