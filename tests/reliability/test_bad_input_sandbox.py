"""The served sandbox answers any request body with a clear HTTP answer and keeps serving.

tests/sandbox/test_http.py checks a handful of fixed malformed bodies and the size limit; here
hypothesis POSTs arbitrary bytes, JSON of any shape, GraphQL requests with real and mangled
documents and junk variables, deep nesting, huge strings, invalid UTF-8 and odd content types,
with raw httpx. Every answer must be 200, 400 or 413 with a JSON body (GraphQL's shape: `data`
for 200, a non-empty `errors` list of messages otherwise), never a 500 or a dropped connection,
and a normal request must work right after.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logscale_fleet.sandbox.app import DEFAULT_MAX_BODY_BYTES, MAX_DOCUMENT_TOKENS
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.conftest import PROJECT_ROOT
from tests.reliability.conftest import BOUNDED

LIST_QUERY = {"query": "query FleetInstallationTokens { fleetInstallationTokens { name } }"}
DOCUMENT = "\n".join(
    (PROJECT_ROOT / "queries" / name).read_text(encoding="utf-8")
    for name in ("install_tokens.graphql", "configurations.graphql", "fragments.graphql")
)
OPERATIONS = [
    line.split()[1].split("(")[0]
    for line in DOCUMENT.splitlines()
    if line.startswith(("query ", "mutation "))
]


@pytest.fixture
def http(logscale_sandbox: ThreadedSandbox) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {logscale_sandbox.token}"}
    # Generous, but finite: a request the server never answers fails the test instead of
    # hanging it.
    with httpx.Client(base_url=logscale_sandbox.url, headers=headers, timeout=10) as client:
        yield client


def assert_clear_answer(response: httpx.Response) -> None:
    assert response.status_code in (200, 400, 413), (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    assert isinstance(payload, dict)
    if response.status_code == 200:
        assert "data" in payload
    else:
        errors = payload["errors"]
        assert errors
        assert all(isinstance(e["message"], str) and e["message"] for e in errors)


def assert_still_serving(http: httpx.Client) -> None:
    response = http.post("/graphql", json=LIST_QUERY)
    assert response.status_code == 200
    assert "default" in {t["name"] for t in response.json()["data"]["fleetInstallationTokens"]}


# -- bodies -----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _mangle(document: str, cut: int, insert: str) -> str:
    at = cut % (len(document) + 1)
    return document[:at] + insert + document[at:]


queries = st.one_of(
    st.just(DOCUMENT),
    st.builds(_mangle, st.just(DOCUMENT), st.integers(min_value=0), st.text(max_size=5)),
    st.integers(min_value=0).map(lambda cut: DOCUMENT[: cut % len(DOCUMENT)]),
    st.text(max_size=80),
    json_values,
)
graphql_requests = st.fixed_dictionaries(
    {"query": queries},
    optional={
        "operationName": st.one_of(st.sampled_from(OPERATIONS), json_values),
        "variables": st.one_of(
            st.dictionaries(
                st.sampled_from(["name", "token", "configId", "id", "skip", "limit", "x"]),
                json_values,
            ),
            json_values,
        ),
        "extensions": json_values,
    },
).map(lambda request: json.dumps(request).encode())


def _nested(depth: int, where: str) -> bytes:
    deep = "[" * depth + "]" * depth
    if where == "body":
        return deep.encode()
    if where == "variables":
        return ('{"query": "{ __typename }", "variables": {"x": ' + deep + "}}").encode()
    selection = "{" + "a {" * depth + "b" + "}" * (depth + 1)
    return json.dumps({"query": selection}).encode()


def _invalid_utf8(body: bytes, at: int) -> bytes:
    at = at % (len(body) + 1)
    return body[:at] + b"\xff\xfe\xc3" + body[at:]


bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    graphql_requests,
    graphql_requests,
    st.builds(
        _nested,
        st.integers(min_value=1, max_value=20_000),
        st.sampled_from(["body", "variables", "selection"]),
    ),
    st.builds(_invalid_utf8, graphql_requests, st.integers(min_value=0)),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=latin-1",
        "application/graphql",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
    ]
)


@settings(BOUNDED, max_examples=150)
@given(body=bodies, content_type=content_types)
def test_any_body_gets_a_clear_answer(
    http: httpx.Client, logscale_sandbox: ThreadedSandbox, body: bytes, content_type: str
) -> None:
    response = http.post("/graphql", content=body, headers={"content-type": content_type})
    assert_clear_answer(response)
    assert_still_serving(http)


# -- sizes ------------------------------------------------------------------------------------


def _with_string(size: int) -> bytes:
    # A string variable of `size` characters inside an otherwise valid request.
    return json.dumps({"query": LIST_QUERY["query"], "variables": {"padding": "x" * size}}).encode()


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (_with_string(DEFAULT_MAX_BODY_BYTES - 200), 200, None),
        (_with_string(DEFAULT_MAX_BODY_BYTES), 413, "request body too large"),
        (b" " * (17 * DEFAULT_MAX_BODY_BYTES), 413, "request body too large"),  # closes early
        (_nested(5000, "body"), 400, "nested too deeply"),
        (_nested(5000, "variables"), 400, "nested too deeply"),
        (_nested(5000, "selection"), 400, "nested too deeply"),
        (b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}", 400, "digits"),
        (
            json.dumps({"query": "{ " + "__typename " * MAX_DOCUMENT_TOKENS + "}"}).encode(),
            400,
            f"more than {MAX_DOCUMENT_TOKENS} tokens",
        ),
        (
            json.dumps({"query": LIST_QUERY["query"] + " " + "#" * 500_000}).encode(),
            200,
            None,
        ),  # a long comment costs no tokens
    ],
    ids=[
        "just-under-the-limit",
        "just-over-the-limit",
        "far-over-the-limit",
        "deep-json",
        "deep-variables",
        "deep-selection",
        "huge-integer",
        "too-many-tokens",
        "long-comment",
    ],
)
def test_sizes_and_depths(
    http: httpx.Client, body: bytes, status: int, message: str | None
) -> None:
    response = http.post("/graphql", content=body)
    assert_clear_answer(response)
    assert response.status_code == status, response.text[:300]
    if message is not None:
        assert message in response.json()["errors"][0]["message"]
    assert_still_serving(http)


def test_a_document_of_repeated_fields_is_refused_in_time(http: httpx.Client) -> None:
    # Validating N repeated fields costs N^2: under the size limit this used to hold the
    # server for hours. The token limit bounds it.
    query = "{ " + "fleetInstallationTokens { name } " * 30_000 + "}"
    response = http.post("/graphql", json={"query": query}, timeout=5)
    assert response.status_code == 400
    assert "tokens" in response.json()["errors"][0]["message"]
    assert_still_serving(http)


def test_the_sandbox_answers_while_it_refuses(http: httpx.Client) -> None:
    # Alternating bad and good requests on one keep-alive connection: no refusal may leave the
    # connection in a state that breaks the next request.
    bad: list[dict[str, Any] | bytes] = [b"[", b"\xff", {"query": 1}, {"query": "{"}]
    for body in bad * 5:
        if isinstance(body, bytes):
            response = http.post("/graphql", content=body)
        else:
            response = http.post("/graphql", json=body)
        assert response.status_code == 400
        assert_still_serving(http)


def test_refused_requests_are_not_logged_as_server_errors(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    # A variable that does not coerce is the client's mistake: a DEBUG line, not an ERROR with
    # a traceback that makes the sandbox look broken.
    query = "query Q($t: String!) { fleetInstallationToken(id: $t) { name } }"
    with caplog.at_level(logging.DEBUG, logger="logscale_fleet.sandbox"):
        response = http.post("/graphql", json={"query": query, "variables": {"t": {"a": 1}}})
    assert response.status_code == 400
    sandbox = [r for r in caplog.records if r.name == "logscale_fleet.sandbox"]
    assert [r.levelname for r in sandbox] == ["DEBUG"]
    assert "String cannot represent a non string value" in sandbox[0].getMessage()
