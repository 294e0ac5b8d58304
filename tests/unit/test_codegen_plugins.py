"""What the codegen plugins make of the generated client."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys

import pytest
from pytest_httpx import HTTPXMock

from tests.payloads import GRAPHQL_URL, data, install_token


def client_methods() -> list[ast.AsyncFunctionDef]:
    from logscale_graphql import client

    tree = ast.parse(inspect.getsource(client))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client"]
    return [n for n in cls.body if isinstance(n, ast.AsyncFunctionDef) and n.name != "execute"]


def test_no_generated_method_runs_an_import_statement_per_call() -> None:
    methods = client_methods()
    assert len(methods) > 30
    for method in methods:
        imports = [n for n in ast.walk(method) if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert imports == [], method.name
        first = method.body[0]
        assert isinstance(first, ast.AnnAssign), method.name
        assert first.value is not None
        assert ast.unparse(first.value).startswith("_result_type('."), method.name


def test_importing_the_client_loads_no_result_model() -> None:
    probe = (
        "import sys, logscale_graphql.client\n"
        "print(sorted(m for m in sys.modules if m.startswith('logscale_graphql.')))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = ast.literal_eval(result.stdout.strip())
    assert "logscale_graphql.create_fleet_install_token" not in loaded
    assert "logscale_graphql.fragments" not in loaded


async def test_a_result_model_is_imported_on_first_use_and_kept(httpx_mock: HTTPXMock) -> None:
    import httpx

    from logscale_graphql import Client
    from logscale_graphql import client as client_module
    from logscale_graphql.create_fleet_install_token import CreateFleetInstallToken

    path = ".create_fleet_install_token:CreateFleetInstallToken"
    client_module._RESULT_TYPES.pop(path, None)
    httpx_mock.add_response(json=data(createFleetInstallToken=install_token()), is_reusable=True)
    async with httpx.AsyncClient() as http:
        client = Client(GRAPHQL_URL, http)
        result = await client.create_fleet_install_token(name="web")
        assert isinstance(result, CreateFleetInstallToken)
        assert client_module._RESULT_TYPES[path] is CreateFleetInstallToken
        client_module._RESULT_TYPES[path] = Marker  # the kept class is what the next call uses
        try:
            with pytest.raises(Marker):
                await client.create_fleet_install_token(name="web")
        finally:
            client_module._RESULT_TYPES[path] = CreateFleetInstallToken


class Marker(Exception):
    @classmethod
    def model_validate(cls, value: object) -> None:
        raise cls
