"""The operation registry: every GraphQL operation this package sends, and its policy.

An operation's kind (query or mutation) comes from its document in `queries/`, through the table
the codegen plugin writes into the generated client (`logscale_graphql.client.OPERATIONS`); what
is written here by hand is only policy: whether a mutation may be resent after an ambiguous
failure, and which arguments are secrets. An operation this table does not know is treated as a
mutation that must not be resent, so forgetting an entry can never make a create repeat itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from logscale_graphql.client import OPERATIONS as GENERATED

Kind = Literal["query", "mutation"]


@dataclass(frozen=True)
class Policy:
    """What only a person can decide about an operation."""

    # Only read for mutations (queries may always be resent): True when sending it twice leaves
    # the server as sending it once does (set a name, set a configuration).
    resend_after_ambiguous: bool = False
    # Keyword arguments of the generated method whose values are masked in every error text.
    secret_arguments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    name: str
    kind: Kind
    # The generated `Client` method that sends it; None for what the executor sends itself.
    method: str | None
    policy: Policy

    @property
    def resendable(self) -> bool:
        """Whether it may be sent again after a failure that may have reached the server."""
        return self.kind == "query" or self.policy.resend_after_ambiguous


# One entry per operation in queries/ (tests/unit/test_operations.py fails on a missing or an
# extra one).
POLICIES: dict[str, Policy] = {
    "CreateFleetInstallToken": Policy(),
    "DeleteFleetInstallToken": Policy(secret_arguments=("token",)),
    "UpdateFleetInstallTokenName": Policy(resend_after_ambiguous=True, secret_arguments=("token",)),
    "UpdateFleetInstallTokenConfigId": Policy(
        resend_after_ambiguous=True, secret_arguments=("token",)
    ),
    "FleetInstallationToken": Policy(secret_arguments=("token",)),
    "FleetInstallationTokens": Policy(),
    "SearchFleetInstallationTokens": Policy(),
    "DefaultFleetInstallationToken": Policy(),
    "LogCollectorConfiguration": Policy(),
    "SearchLogCollectorConfigurations": Policy(),
    # Configurations. Setting a draft, a name or a description, or adding/removing collectors of
    # a test, leaves the same state when repeated. Create makes a second configuration; publish
    # and delete are guarded by a version (a resend after one that landed is refused, so the
    # resource reads the version instead of resending); start and stop fail when repeated.
    # YAML is not a secret: ingest tokens in it are `${VARIABLES}` by LogScale's convention.
    "CreateLogCollectorConfiguration": Policy(),
    "UpdateDraftLogCollectorConfiguration": Policy(resend_after_ambiguous=True),
    "PublishLogCollectorConfiguration": Policy(),
    "UpdateLogCollectorConfigurationName": Policy(resend_after_ambiguous=True),
    "UpdateLogCollectorConfigurationDescription": Policy(resend_after_ambiguous=True),
    "DeleteLogCollectorConfiguration": Policy(),
    "StartLogCollectorConfigurationTest": Policy(),
    "AddToLogCollectorConfigurationTest": Policy(resend_after_ambiguous=True),
    "RemoveFromLogCollectorConfigurationTest": Policy(resend_after_ambiguous=True),
    "StopLogCollectorConfigurationTest": Policy(),
    "LogCollectorMergedConfiguration": Policy(),
    # Groups. A group's only identifier is its server-made id, so a resent create would make a
    # second group with the same name; a resent delete answers "not found" for a group the first
    # attempt removed. Setting a name, filter, configuration list or version is the same twice.
    "SearchLogCollectorGroups": Policy(),
    "CreateLogCollectorGroup": Policy(),
    "DeleteLogCollectorGroup": Policy(),
    "UpdateLogCollectorGroupName": Policy(resend_after_ambiguous=True),
    "UpdateLogCollectorGroupFilter": Policy(resend_after_ambiguous=True),
    "UpdateLogCollectorGroupConfigIds": Policy(resend_after_ambiguous=True),
    "UpdateLogCollectorGroupWantedVersion": Policy(resend_after_ambiguous=True),
    # Collectors. Assigning a configuration and setting a wanted version set a value. Unenrolling
    # is resendable too: a second attempt finds the collectors already gone and changes nothing
    # (its answer then lists only what that attempt unenrolled, which the resource accounts for).
    "SearchFleet": Policy(),
    "GetLogCollectorDetails": Policy(),
    "AssignLogCollectorConfiguration": Policy(resend_after_ambiguous=True),
    "AssignLogCollectorsToConfiguration": Policy(resend_after_ambiguous=True),
    "UnenrollLogCollectors": Policy(resend_after_ambiguous=True),
    "SetWantedLogCollectorVersion": Policy(resend_after_ambiguous=True),
    # `token` is the ingest token the collector's debug logs are sent with.
    "EnableLogCollectorInstanceDebugLogging": Policy(
        resend_after_ambiguous=True, secret_arguments=("token",)
    ),
    "DisableLogCollectorInstanceDebugLogging": Policy(resend_after_ambiguous=True),
    "GetLostCollectorDays": Policy(),
    "SetLostCollectorDays": Policy(resend_after_ambiguous=True),
    # Installers.
    "LogCollectorInstallers": Policy(),
    "LogCollectorVersionsAvailable": Policy(),
}

# Sent by the client itself rather than through a generated method.
INTROSPECTION = "IntrospectionQuery"
STATUS = "Status"
_OWN: dict[str, Kind] = {INTROSPECTION: "query", STATUS: "query"}


def _kind(name: str) -> Kind | None:
    if name in _OWN:
        return _OWN[name]
    if name in GENERATED:
        kind = GENERATED[name][0]
        return "query" if kind == "query" else "mutation"
    return None


def _build() -> dict[str, Operation]:
    registry: dict[str, Operation] = {}
    for name in sorted(set(GENERATED) | set(_OWN)):
        kind = _kind(name)
        assert kind is not None
        method = GENERATED[name][1] if name in GENERATED else None
        registry[name] = Operation(name, kind, method, POLICIES.get(name, Policy()))
    return registry


REGISTRY: dict[str, Operation] = _build()


def lookup(name: str) -> Operation:
    """The registry entry for `name`; an unknown name is an unresendable mutation."""
    found = REGISTRY.get(name)
    if found is not None:
        return found
    return Operation(name, "mutation", None, Policy())
