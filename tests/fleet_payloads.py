"""LogScale response bodies for groups, collectors and installers (shaped as the schema says)."""

from __future__ import annotations

import copy
from typing import Any

from tests.payloads import CONFIGURATION_SUMMARY


def group(group_id: str = "grp-1", name: str = "web", **overrides: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": group_id,
        "name": name,
        "filter": 'hostname = "web-*"',
        "configurations": [copy.deepcopy(CONFIGURATION_SUMMARY)],
        "collectorCount": 2,
        "wantedVersion": None,
        "onlyUsesRemoteUpdates": False,
    }
    return {**found, **overrides}


def collector(
    machine_id: str = "m-1", hostname: str = "web-01", **overrides: Any
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": f"c-{machine_id}",
        "machineId": machine_id,
        "hostname": hostname,
        "system": "Linux",
        "version": "1.8.1",
        "lastActivity": "2025-10-01T12:30:45Z",
        "ingestLast24H": 123456789012,
        "ipAddress": "192.0.2.10",
        "configId": None,
        "configName": None,
        "configurations": [
            {"id": "cfg-0001", "name": "linux-syslog", "assignment": "Group", "group": None}
        ],
        "groups": [{"id": "grp-1", "name": "web"}],
        "wantedVersion": None,
        "usesRemoteUpdate": True,
        "status": "OK",
        "errors": [],
        "labels": [{"name": "env", "value": "prod"}],
    }
    return {**found, **overrides}


def result_set(results: list[dict[str, Any]], total: int | None = None) -> dict[str, Any]:
    return {
        "__typename": "SearchFleetResultSet",
        "queryState": "qs-done",
        "totalResults": len(results) if total is None else total,
        "results": results,
    }


def in_progress(state: str = "qs-1", total: int = 0) -> dict[str, Any]:
    return {"__typename": "SearchFleetInProgress", "queryState": state, "totalResults": total}


def installer(name: str, *, kind: str, version: str = "1.8.1") -> dict[str, Any]:
    return {
        "name": name,
        "url": f"https://logscale.example.com/installers/{name}",
        "version": version,
        "architecture": "x64",
        "type": kind,
        "size": 12_345_678,
        "configExample": None,
        "icon": None,
    }
