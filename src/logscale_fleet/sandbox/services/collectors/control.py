"""The sandbox's own control surface for simulated collectors (not LogScale API): the bodies of
POST /_sandbox/collectors and /_sandbox/settings, checked into what the state takes.

The install token in an enrolment body is a secret: no answer or error repeats it.
"""

from __future__ import annotations

from typing import Any

from logscale_fleet.sandbox.errors import SandboxInvalidArgument
from logscale_fleet.sandbox.services.collectors.state import (
    MAX_ENROL,
    Collector,
    SearchSettings,
)

__all__ = ["enrolled_summary", "enrolment_request", "settings_snapshot", "update_settings"]

_ENROL_KEYS = {"token", "hostname", "os", "version", "labels", "count"}
_SETTINGS_KEYS = {
    "searchInProgressPolls": "in_progress_polls",
    "largeFleet": "large_fleet",
    "largeFleetPolls": "large_fleet_polls",
}
MAX_POLLS = 1000


def enrolment_request(body: Any) -> dict[str, Any]:
    """Keyword arguments for CollectorState.enroll from a JSON body."""
    if not isinstance(body, dict):
        raise SandboxInvalidArgument(
            'expected {"token": ..., "hostname": ..., "os": ..., "version": ..., '
            '"labels": {...}, "count": N}'
        )
    unknown = sorted(set(body) - _ENROL_KEYS)
    if unknown:
        raise SandboxInvalidArgument(f"unknown fields: {', '.join(unknown)}")
    for key in ("token", "hostname"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise SandboxInvalidArgument(f"{key} is required and must be a non-empty string")
    request: dict[str, Any] = {"token": body["token"], "hostname": body["hostname"]}
    for key in ("os", "version"):
        if key in body:
            if not isinstance(body[key], str):
                raise SandboxInvalidArgument(f"{key} must be a string")
            request[key] = body[key]
    if "labels" in body:
        labels = body["labels"]
        if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
        ):
            raise SandboxInvalidArgument("labels must be an object of string values")
        request["labels"] = labels
    if "count" in body:
        count = body["count"]
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ENROL:
            raise SandboxInvalidArgument(f"count must be a whole number from 1 to {MAX_ENROL}")
        request["count"] = count
    return request


def enrolled_summary(collector: Collector) -> dict[str, Any]:
    return {
        "id": collector.id,
        "machineId": collector.machine_id,
        "hostname": collector.hostname,
        "system": collector.system,
        "version": collector.version,
        "configId": collector.config_id,
        "labels": dict(collector.labels),
    }


def settings_snapshot(settings: SearchSettings) -> dict[str, int]:
    return {key: int(getattr(settings, name)) for key, name in _SETTINGS_KEYS.items()}


def update_settings(settings: SearchSettings, body: Any) -> None:
    if not isinstance(body, dict):
        raise SandboxInvalidArgument(f"expected an object with any of {', '.join(_SETTINGS_KEYS)}")
    unknown = sorted(set(body) - set(_SETTINGS_KEYS))
    if unknown:
        raise SandboxInvalidArgument(f"unknown settings: {', '.join(unknown)}")
    checked: dict[str, int] = {}
    for key, value in body.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
            raise SandboxInvalidArgument(f"{key} must be a whole number of 0 or more")
        if key != "largeFleet" and value > MAX_POLLS:
            raise SandboxInvalidArgument(f"{key} must be at most {MAX_POLLS}")
        checked[_SETTINGS_KEYS[key]] = value
    for name, value in checked.items():
        setattr(settings, name, value)
