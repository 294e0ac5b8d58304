"""Every HTTP and GraphQL outcome becomes the documented error, carrying what a user needs."""

from __future__ import annotations

import builtins

import httpx
import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import (
    APIStatusError,
    AuthenticationError,
    GraphQLError,
    InvalidResponseError,
    LogScaleError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TransportError,
)
from tests.payloads import data, install_token
from tests.unit.conftest import API_TOKEN, RecordingFleetClient


@pytest.mark.parametrize(
    ("status", "error_class", "advice"),
    [
        (401, AuthenticationError, "check the API token"),
        (403, PermissionDeniedError, "ChangeFleetManagement"),
        (404, NotFoundError, "check the URL"),
        (400, APIStatusError, ""),
        (500, ServerError, "try again later"),
    ],
)
async def test_status_codes_map_to_error_classes(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    status: int,
    error_class: type[APIStatusError],
    advice: str,
) -> None:
    httpx_mock.add_response(
        status_code=status,
        text="The supplied authentication is invalid" if status == 401 else "nope",
        headers={"X-Request-Id": "req-123"},
    )
    with pytest.raises(error_class) as caught:
        await fleet.install_tokens.create("web")
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.request_id == "req-123"
    assert error.operation == "CreateFleetInstallToken"
    assert f"HTTP {status}" in str(error)
    assert advice in str(error)
    if status == 401:
        assert "The supplied authentication is invalid" in str(error)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7.0), ({"Retry-After": "soon"}, None), ({}, None)],
)
async def test_rate_limit_errors_carry_retry_after(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    headers: dict[str, str],
    expected: float | None,
) -> None:
    httpx_mock.add_response(status_code=429, headers=headers)
    with pytest.raises(RateLimitError) as caught:
        await fleet.install_tokens.create("web", max_retries=0)
    assert caught.value.retry_after == expected


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "text/html", "not JSON"),
        (b"", "application/json", "not JSON"),
        (b'{"data": {"x"', "application/json", "not JSON"),
        (b'{"hello": "world"}', "application/json", "not a GraphQL response"),
    ],
)
async def test_bodies_that_are_not_graphql_are_invalid_responses(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    content: bytes,
    content_type: str,
    reason: str,
) -> None:
    httpx_mock.add_response(content=content, headers={"Content-Type": content_type})
    with pytest.raises(InvalidResponseError, match=reason) as caught:
        await fleet.install_tokens.list()
    assert caught.value.status_code == 200
    assert content_type in str(caught.value)


async def test_an_html_error_page_with_a_5xx_status_is_a_server_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        status_code=500, html="<html><body><h1>Internal Server Error</h1></body></html>"
    )
    with pytest.raises(ServerError) as caught:
        await fleet.install_tokens.create("web")
    assert "Internal Server Error" in caught.value.body_excerpt


async def test_graphql_errors_keep_messages_paths_extensions_and_partial_data(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json={
            "data": {"createFleetInstallToken": None},
            "errors": [
                {
                    "message": "Configuration with id 'nope' was not found",
                    "path": ["createFleetInstallToken"],
                    "locations": [{"line": 2, "column": 3}],
                    "extensions": {"code": "NOT_FOUND"},
                }
            ],
        }
    )
    with pytest.raises(GraphQLError) as caught:
        await fleet.install_tokens.create("web", config_id="nope")
    error = caught.value
    assert error.messages == ["Configuration with id 'nope' was not found"]
    (detail,) = error.errors
    assert detail.path == ("createFleetInstallToken",)
    assert detail.locations == ((2, 3),)
    assert detail.extensions == {"code": "NOT_FOUND"}
    assert error.data == {"createFleetInstallToken": None}
    assert "CreateFleetInstallToken failed: Configuration with id 'nope' was not found" in str(
        error
    )


async def test_graphql_errors_without_data_or_message(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"errors": [{"path": ["x"]}, "weird", {"message": ""}]})
    with pytest.raises(GraphQLError) as caught:
        await fleet.install_tokens.list()
    assert caught.value.data is None
    assert caught.value.messages[0] == "(the server gave no message)"
    assert len(caught.value.errors) == 3


async def test_a_response_missing_a_required_field_names_the_field(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    broken = install_token()
    del broken["jwtToken"]
    httpx_mock.add_response(json=data(createFleetInstallToken=broken))
    with pytest.raises(InvalidResponseError) as caught:
        await fleet.install_tokens.create("web")
    error = caught.value
    assert error.field_path == "createFleetInstallToken.jwtToken"
    assert "'createFleetInstallToken.jwtToken' is missing" in str(error)
    assert "logscale-fleet schema check --against" in str(error)
    assert broken["token"] not in str(error)
    assert error.__cause__ is None
    assert error.__suppress_context__


async def test_a_refused_connection_is_a_transport_error_that_was_not_sent(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(TransportError) as caught:
        await fleet.install_tokens.create("web", max_retries=0)
    assert caught.value.request_sent is False
    assert "could not connect" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_a_read_timeout_is_a_timeout_error_that_may_have_been_processed(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    with pytest.raises(TimeoutError) as caught:
        await fleet.install_tokens.create("web")
    assert isinstance(caught.value, TransportError)
    assert isinstance(caught.value, builtins.TimeoutError)
    assert caught.value.request_sent is True
    assert "waiting for the answer" in str(caught.value)


async def test_certificate_failures_say_so(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(
        httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    )
    with pytest.raises(TransportError, match=r"TLS certificate verification failed.*--ca-cert"):
        await fleet.install_tokens.list(max_retries=0)


async def test_every_error_is_a_logscale_error_and_no_httpx_error_escapes(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.RemoteProtocolError("peer closed connection"))
    with pytest.raises(LogScaleError) as caught:
        await fleet.install_tokens.delete("some-token")
    # Exactly the mapped error: the dropped connection may have reached the server, so the
    # delete (not resendable) went once, and httpx's exception is only the cause.
    assert type(caught.value) is TransportError
    assert caught.value.request_sent is True
    assert caught.value.operation == "DeleteFleetInstallToken"
    assert "the connection broke (peer closed connection)" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert len(httpx_mock.get_requests()) == 1


async def test_error_messages_never_contain_the_api_token(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=401, text=f"bad token Bearer {API_TOKEN}")
    with pytest.raises(AuthenticationError) as caught:
        await fleet.install_tokens.list()
    assert API_TOKEN not in str(caught.value)
    assert API_TOKEN not in caught.value.body_excerpt


@pytest.mark.parametrize("declared", [True, False])
async def test_a_huge_response_is_cut_off_not_read_into_memory(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    monkeypatch: pytest.MonkeyPatch,
    declared: bool,
) -> None:
    from pytest_httpx import IteratorStream

    monkeypatch.setattr("logscale_fleet._core.http.MAX_RESPONSE_BYTES", 4096)
    chunks = [b'{"data": {"fleetInstallationTokens": ['] + [b" " * 1024] * 100 + [b"]}}"]
    if declared:
        httpx_mock.add_response(content=b"".join(chunks))
    else:
        httpx_mock.add_response(stream=IteratorStream(chunks))
    with pytest.raises(InvalidResponseError, match="larger than 4096 bytes"):
        await fleet.install_tokens.list()


async def test_a_400_with_graphql_errors_is_a_graphql_error(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    message = "Cannot query field 'nope' on type 'FleetInstallationToken'."
    httpx_mock.add_response(status_code=400, json={"errors": [{"message": message}]})
    with pytest.raises(GraphQLError) as caught:
        await fleet.install_tokens.list()
    assert caught.value.messages == [message]
    assert caught.value.status_code == 400
    assert len(httpx_mock.get_requests()) == 1
