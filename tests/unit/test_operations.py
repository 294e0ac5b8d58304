"""The operation registry covers exactly the operations in queries/, with kinds from the
documents, and fails closed for a mutation nobody marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

from logscale_fleet._core.operations import INTROSPECTION, POLICIES, REGISTRY, STATUS, lookup
from logscale_fleet._core.retry import RetryPolicy
from logscale_fleet.errors import ServerError, TimeoutError, TransportError

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def _documents() -> dict[str, str]:
    """Operation name -> kind, read from every .graphql file in queries/."""
    found: dict[str, str] = {}
    for path in sorted(QUERIES.glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode):
                assert definition.name is not None, f"an unnamed operation in {path.name}"
                found[definition.name.value] = definition.operation.value
    return found


def test_every_operation_in_queries_has_a_policy_entry() -> None:
    missing = sorted(set(_documents()) - set(POLICIES))
    assert missing == [], f"add these to POLICIES in _core/operations.py: {missing}"


def test_every_policy_entry_names_an_operation_in_queries() -> None:
    unknown = sorted(set(POLICIES) - set(_documents()))
    assert unknown == [], f"these POLICIES entries name no operation in queries/: {unknown}"


def test_the_registry_takes_each_kind_from_the_document() -> None:
    documents = _documents()
    assert {name: REGISTRY[name].kind for name in documents} == documents
    assert set(REGISTRY) == set(documents) | {INTROSPECTION, STATUS}


AMBIGUOUS = [
    TimeoutError("read timeout", request_sent=True),
    TransportError("connection dropped", request_sent=True),
    ServerError("bad gateway", status_code=502),
]


def test_only_set_a_value_mutations_are_resendable() -> None:
    resendable = sorted(
        name for name, op in REGISTRY.items() if op.kind == "mutation" and op.resendable
    )
    assert resendable == [
        "AddToLogCollectorConfigurationTest",
        "AssignLogCollectorConfiguration",
        "AssignLogCollectorsToConfiguration",
        "DisableLogCollectorInstanceDebugLogging",
        "EnableLogCollectorInstanceDebugLogging",
        "RemoveFromLogCollectorConfigurationTest",
        "SetLostCollectorDays",
        "SetWantedLogCollectorVersion",
        "UnenrollLogCollectors",
        "UpdateDraftLogCollectorConfiguration",
        "UpdateFleetInstallTokenConfigId",
        "UpdateFleetInstallTokenName",
        "UpdateLogCollectorConfigurationDescription",
        "UpdateLogCollectorConfigurationName",
        "UpdateLogCollectorGroupConfigIds",
        "UpdateLogCollectorGroupFilter",
        "UpdateLogCollectorGroupName",
        "UpdateLogCollectorGroupWantedVersion",
    ]


@pytest.mark.parametrize(
    "operation",
    [
        "CreateLogCollectorConfiguration",
        "PublishLogCollectorConfiguration",
        "DeleteLogCollectorConfiguration",
        "StartLogCollectorConfigurationTest",
        "StopLogCollectorConfigurationTest",
    ],
)
def test_configuration_mutations_that_change_history_are_not_resent(operation: str) -> None:
    assert REGISTRY[operation].kind == "mutation"
    assert not RetryPolicy().should_retry(AMBIGUOUS[0], operation, 0)


@pytest.mark.parametrize(
    "name", ["CreateLogCollectorGroup", "DeleteLogCollectorGroup", "CreateFleetInstallToken"]
)
def test_creates_and_deletes_are_never_resent_after_an_ambiguous_failure(name: str) -> None:
    assert REGISTRY[name].kind == "mutation"
    assert not RetryPolicy().should_retry(AMBIGUOUS[0], name, 0)


def test_operations_that_carry_an_install_token_mask_it() -> None:
    carrying = sorted(
        name for name, op in REGISTRY.items() if "token" in op.policy.secret_arguments
    )
    assert carrying == [
        "DeleteFleetInstallToken",
        "EnableLogCollectorInstanceDebugLogging",
        "FleetInstallationToken",
        "UpdateFleetInstallTokenConfigId",
        "UpdateFleetInstallTokenName",
    ]


@pytest.mark.parametrize("error", AMBIGUOUS, ids=lambda e: type(e).__name__)
def test_an_unknown_operation_is_never_resent_after_an_ambiguous_failure(
    error: TransportError | ServerError,
) -> None:
    assert lookup("SomeNewMutation").kind == "mutation"
    assert not RetryPolicy().should_retry(error, "SomeNewMutation", 0)
    # ... while a query in the same situation is.
    assert RetryPolicy().should_retry(error, "FleetInstallationTokens", 0)


def test_an_unknown_operation_is_retried_when_the_request_never_left() -> None:
    unsent = TransportError("connection refused", request_sent=False)
    assert RetryPolicy().should_retry(unsent, "SomeNewMutation", 0)


def test_every_generated_operation_names_a_client_method() -> None:
    from logscale_graphql.client import Client

    for name, operation in REGISTRY.items():
        if operation.method is not None:
            assert callable(getattr(Client, operation.method, None)), name
    assert REGISTRY[INTROSPECTION].method is None
    assert REGISTRY[STATUS].method is None
