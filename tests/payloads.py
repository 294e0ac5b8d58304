"""Realistic LogScale response bodies, shaped as a 1.204 server returns them."""

from __future__ import annotations

import copy
from typing import Any

GRAPHQL_URL = "https://logscale.example.com/graphql"

CONFIGURATION_SUMMARY: dict[str, Any] = {
    "id": "cfg-0001",
    "name": "linux-syslog",
    "description": "Collects /var/log/syslog",
    "version": 3,
}

CONFIGURATION: dict[str, Any] = {
    **CONFIGURATION_SUMMARY,
    "yaml": "sources:\n  syslog:\n    type: file\n    include: /var/log/syslog\n",
    "draft": None,
    "yamlCharactersCount": 63,
    "modifiedAt": "2025-10-01T12:30:45Z",
    "draftModifiedAt": None,
    "modifiedBy": "alice@example.com",
    "instances": 12,
    "isTestRunning": False,
}

INSTALL_TOKEN_VALUE = "fit_9c1f0e7a2b4d4c8e9f00112233445566"
INSTALL_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJ0b2tlbiI6ImZpdF85YzFmMGU3YTJiNGQ0YzhlIn0."
    "c2lnbmF0dXJlLW5vdC1yZWFsLWJ1dC1iYXNlNjQ"
)


def install_token(
    name: str = "my-token", *, token: str = INSTALL_TOKEN_VALUE, configured: bool = True
) -> dict[str, Any]:
    base = "https://logscale.example.com"
    return {
        "name": name,
        "token": token,
        "jwtToken": INSTALL_JWT,
        "assignedConfiguration": copy.deepcopy(CONFIGURATION_SUMMARY) if configured else None,
        "installationCommands": {
            "linuxCommand": f"curl -fsSL {base}/install.sh | sudo bash -s -- --token {token}",
            "windowsCommand": (
                f"Invoke-WebRequest {base}/install.ps1 -OutFile install.ps1; "
                f".\\install.ps1 -Token {token}"
            ),
            "macosCommand": f"curl -fsSL {base}/install-macos.sh | sudo bash -s -- --token {token}",
        },
    }


def data(**fields: Any) -> dict[str, Any]:
    return {"data": fields}
