"""`logscale-fleet sandbox serve` as users run it: a real process, stopped by a signal."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from logscale_fleet.cli import sandbox_commands
from logscale_fleet.cli.main import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

RUN_CLI = "import sys; from logscale_fleet.cli import main; sys.exit(main())"
STARTUP_TIMEOUT = 20.0


class Served:
    """A running `sandbox serve` process and the banner it printed."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-c", RUN_CLI, "sandbox", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        banner: list[str] = []
        while not banner or not banner[-1].startswith("Press Ctrl-C"):
            line = lines.get(timeout=STARTUP_TIMEOUT)
            if line is None:
                self.process.wait(timeout=5)
                stderr = self.process.stderr.read() if self.process.stderr else ""
                raise AssertionError(f"serve exited early: {stderr}")
            banner.append(line.rstrip("\n"))
        self.banner = "\n".join(banner)
        match = re.search(r"serving (http://\S+)", self.banner)
        assert match, self.banner
        self.url = match.group(1)

    def stop(self, sig: int) -> tuple[int, str]:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=15)
        stderr = self.process.stderr.read() if self.process.stderr else ""
        return code, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def serve() -> Iterator[type[Served]]:
    started: list[Served] = []

    class Tracked(Served):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for served in started:
        served.kill()


def test_serve_without_token_prints_one_and_stops_on_sigterm(serve: type[Served]) -> None:
    served = serve()

    match = re.search(r"^export LOGSCALE_URL=(\S+) LOGSCALE_TOKEN=(\S+)$", served.banner, re.M)
    assert match, served.banner
    url, token = match.groups()
    assert url == served.url
    assert url.startswith("http://127.0.0.1:")
    assert f"API token: {token}" in served.banner
    response = httpx.get(f"{url}/api/v1/status", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert httpx.get(f"{url}/api/v1/status").status_code == 401

    code, stderr = served.stop(signal.SIGTERM)

    assert code == 0, stderr
    assert "sandbox stopped" in stderr
    assert token not in stderr


def test_serve_with_token_and_faults_stops_on_ctrl_c(serve: type[Served]) -> None:
    served = serve("--token", "given-token", "--fault", "503,times=1", "--seed", "5")

    assert "given-token" not in served.banner
    assert "faults: 503,times=1 (seed 5)" in served.banner
    headers = {"Authorization": "Bearer given-token"}
    query = {"query": "{ fleetInstallationTokens { name } }"}
    first = httpx.post(f"{served.url}/graphql", headers=headers, json=query)
    second = httpx.post(f"{served.url}/graphql", headers=headers, json=query)
    assert (first.status_code, second.status_code) == (503, 200)

    code, stderr = served.stop(signal.SIGINT)

    assert code == 0, stderr


def test_serve_keeps_state_in_a_file(serve: type[Served], tmp_path: object) -> None:
    db = f"{tmp_path}/state.sqlite3"
    headers = {"Authorization": "Bearer t"}
    create = {"query": 'mutation { createFleetInstallToken(name: "kept") { token } }'}
    listing = {"query": "{ fleetInstallationTokens { name } }"}

    first = serve("--db", db, "--token", "t")
    httpx.post(f"{first.url}/graphql", headers=headers, json=create).raise_for_status()
    assert first.stop(signal.SIGTERM)[0] == 0
    second = serve("--db", db, "--token", "t")
    names = httpx.post(f"{second.url}/graphql", headers=headers, json=listing).json()

    assert {"name": "kept"} in names["data"]["fleetInstallationTokens"]
    assert second.stop(signal.SIGTERM)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault", "teapot"], "invalid --fault: 'teapot': unknown fault kind 'teapot'"),
        (["--port", "70000"], "invalid --port: must be between 0 and 65535"),
        (["--token", " "], "invalid --token: must not be empty"),
    ],
)
def test_bad_arguments_fail_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = run_main(["sandbox", "serve", *args])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"logscale-fleet: error: {message}")
    assert err.count("\n") == 1


def run_main(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:  # argparse's --help, depending on how main wraps it
        return int(exc.code or 0)


def test_a_busy_port_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        code = run_main(["sandbox", "serve", "--port", str(port), "--token", "t"])

    err = capsys.readouterr().err
    assert code == 2  # a ConfigurationError: pick another --port
    assert err.startswith(f"logscale-fleet: error: cannot listen on 127.0.0.1:{port}")


def test_a_bad_state_file_fails_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    bogus = f"{tmp_path}/bogus.db"
    with open(bogus, "wb") as handle:
        handle.write(b"\x00not sqlite" * 100)

    code = run_main(["sandbox", "serve", "--db", bogus, "--port", "0", "--token", "t"])

    assert code == 2
    assert "invalid --db: cannot use" in capsys.readouterr().err


def test_help_does_not_import_the_sandbox_dependencies() -> None:
    probe = (
        "import sys; from logscale_fleet.cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('ariadne', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=True
    )

    assert result.stdout.strip() == "[]"


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_main(["sandbox", "serve", "--help"])

    out = capsys.readouterr().out
    assert code == 0
    for option in ("--host", "--port", "--db", "--token", "--fault", "--seed"):
        assert option in out


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # noqa: S104 - the point of the test
def test_a_non_loopback_host_warns(capsys: pytest.CaptureFixture[str], host: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as busy:
        # Held, so serve fails to bind right after the warning and nothing is exposed.
        busy.bind((host, 0))
        busy.listen()
        port = busy.getsockname()[1]

        code = run_main(["sandbox", "serve", "--host", host, "--port", str(port), "--token", "t"])

    lines = capsys.readouterr().err.splitlines()
    assert code == 2
    assert lines[0].startswith(f"logscale-fleet: warning: --host {host} is not a loopback address")
    assert "clear text" in lines[0]
    assert lines[1].startswith("logscale-fleet: error: cannot listen on")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),  # noqa: S104 - the point of the test
        ("::", False),
        ("192.0.2.10", False),
    ],
)
def test_which_hosts_count_as_loopback(host: str, loopback: bool) -> None:
    assert sandbox_commands._is_loopback(host) is loopback
