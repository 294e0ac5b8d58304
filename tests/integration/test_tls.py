"""TLS: the sandbox served over HTTPS with a throwaway CA (trustme)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from logscale_fleet import FleetClient, TransportError
from logscale_fleet._core.http import HttpBackend
from logscale_fleet.sandbox.server import ThreadedSandbox


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_sandbox(
    ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ThreadedSandbox]:
    folder = tmp_path_factory.mktemp("tls")
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    for blob in certificate.cert_chain_pems:
        with cert_file.open("ab") as out:
            out.write(blob.bytes())
    certificate.private_key_pem.write_to_path(str(key_file))
    with ThreadedSandbox(certfile=cert_file, keyfile=key_file) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


async def test_https_works_with_the_right_ca(
    https_sandbox: ThreadedSandbox, ca_file: Path, backend: HttpBackend
) -> None:
    assert https_sandbox.url.startswith("https://127.0.0.1:")
    async with FleetClient(
        https_sandbox.url, https_sandbox.token, ca_cert=ca_file, http_backend=backend
    ) as fleet:
        token = await fleet.install_tokens.create("tls")
    assert token.installation_commands.linux_command.count("https://") >= 1


async def test_a_ca_given_as_pem_text_in_humioctls_variable_works(
    https_sandbox: ThreadedSandbox, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUMIO_CA_CERTIFICATE", ca.cert_pem.bytes().decode())
    async with FleetClient(https_sandbox.url, https_sandbox.token) as fleet:
        assert await fleet.install_tokens.list()


async def test_the_wrong_ca_fails_naming_verification(
    https_sandbox: ThreadedSandbox, tmp_path: Path, backend: HttpBackend
) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    for ca_cert in (other, None):
        async with FleetClient(
            https_sandbox.url,
            https_sandbox.token,
            ca_cert=ca_cert,
            max_retries=0,
            http_backend=backend,
        ) as fleet:
            with pytest.raises(
                TransportError, match="TLS certificate verification failed"
            ) as caught:
                await fleet.install_tokens.list()
        assert caught.value.request_sent is False
        assert "--ca-cert" in str(caught.value)


async def test_verify_false_works_and_warns(
    https_sandbox: ThreadedSandbox, caplog: pytest.LogCaptureFixture, backend: HttpBackend
) -> None:
    with caplog.at_level(logging.WARNING, logger="logscale_fleet"):
        async with FleetClient(
            https_sandbox.url, https_sandbox.token, verify=False, http_backend=backend
        ) as fleet:
            assert await fleet.install_tokens.list()
    assert any("verification is off" in r.getMessage() for r in caplog.records)
