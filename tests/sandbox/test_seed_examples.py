"""LogScale's own createFleetInstallToken examples, pointed at the sandbox, return a token.

The examples come from ../shared/reference/createFleetInstallToken.txt (skipped where absent) and
run as written, with only $YOUR_LOGSCALE_URL and $TOKEN filled in: the curl one through bash
(the heredoc sends raw newlines inside a JSON string, which the sandbox accepts as LogScale does)
and the Python one through this interpreter, which has requests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.conftest import PROJECT_ROOT

BASH = shutil.which("bash") or "bash"
CURL = shutil.which("curl")
EXAMPLES = PROJECT_ROOT.parent / "shared" / "reference" / "createFleetInstallToken.txt"


@pytest.fixture(scope="module")
def examples() -> str:
    if not EXAMPLES.is_file():
        pytest.skip(f"reference examples not available at {EXAMPLES}")
    return EXAMPLES.read_text(encoding="utf-8")


def section(text: str, start: str, end: str) -> str:
    """The lines between the `start` heading (plus its language line) and the `end` heading."""
    head = text.index(f"\n{start}\n") + len(start) + 2
    body_start = text.index("\n", head) + 1
    return text[body_start : text.index(f"\n{end}\n", body_start)] + "\n"


def created_token(output: str) -> dict[str, str]:
    payload = json.loads(output[output.index("{") :])
    token: dict[str, str] = payload["data"]["createFleetInstallToken"]
    return token


def assert_listed(sandbox: ThreadedSandbox, token: str) -> None:
    found = sandbox.store.install_tokens.get(token)
    assert found is not None
    assert found.name == "my-token"
    assert found.config_id == "123456"


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_curl_example(examples: str, logscale_sandbox: ThreadedSandbox) -> None:
    script = section(examples, "Mac OS or Linux (curl)", "Mac OS or Linux (curl) One-line")
    assert script.startswith("curl -v -X POST $YOUR_LOGSCALE_URL/graphql")

    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [BASH, "-c", script],
        env={
            "PATH": str(Path(CURL or "curl").parent),
            "YOUR_LOGSCALE_URL": logscale_sandbox.url,
            "TOKEN": logscale_sandbox.token,
        },
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    token = created_token(result.stdout)
    assert token["jwtToken"].count(".") == 2
    assert_listed(logscale_sandbox, token["token"])


def test_python_requests_example(
    examples: str, logscale_sandbox: ThreadedSandbox, tmp_path: Path
) -> None:
    code = section(examples, "Python", "Node.js")
    assert "import requests" in code
    code = code.replace("$YOUR_LOGSCALE_URL", logscale_sandbox.url)
    code = code.replace("$TOKEN", logscale_sandbox.token)
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")

    result = subprocess.run(  # noqa: S603 - LogScale's example, run on purpose
        [sys.executable, str(script)], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0, result.stderr
    token = created_token(result.stdout)
    assert token["jwtToken"].count(".") == 2
    assert_listed(logscale_sandbox, token["token"])
