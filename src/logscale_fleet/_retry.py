"""Retry decisions: which call, which failure, how long to wait.

Queries are safe to repeat. Mutations are not in general (a repeated create makes a second
token), so a mutation is resent only when the request surely was not processed: the connection
was never made, or the server refused it with 429. Mutations that set a value (rename, assign a
configuration) give the same result when repeated, so they retry like queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from logscale_fleet.errors import (
    LogScaleError,
    RateLimitError,
    ServerError,
    TransportError,
)

RETRYABLE_STATUS = frozenset({502, 503, 504})


class Repeatable(Enum):
    """How safe it is to send an operation again after a failure."""

    SAFE = "safe"  # queries and set-a-value mutations
    ONLY_IF_UNPROCESSED = "only-if-unprocessed"  # create, delete


OPERATION_REPEATABILITY: dict[str, Repeatable] = {
    "CreateFleetInstallToken": Repeatable.ONLY_IF_UNPROCESSED,
    "DeleteFleetInstallToken": Repeatable.ONLY_IF_UNPROCESSED,
    "UpdateFleetInstallTokenName": Repeatable.SAFE,
    "UpdateFleetInstallTokenConfigId": Repeatable.SAFE,
    # Configurations. Setting a draft, a name, a description, or adding/removing collectors of a
    # test gives the same state when repeated. Create makes a second configuration; publish and
    # delete are guarded by a version (a resend after one that landed is refused, so the facade
    # reads the version instead); start/stop fail when repeated.
    "CreateLogCollectorConfiguration": Repeatable.ONLY_IF_UNPROCESSED,
    "UpdateDraftLogCollectorConfiguration": Repeatable.SAFE,
    "PublishLogCollectorConfiguration": Repeatable.ONLY_IF_UNPROCESSED,
    "UpdateLogCollectorConfigurationName": Repeatable.SAFE,
    "UpdateLogCollectorConfigurationDescription": Repeatable.SAFE,
    "DeleteLogCollectorConfiguration": Repeatable.ONLY_IF_UNPROCESSED,
    "StartLogCollectorConfigurationTest": Repeatable.ONLY_IF_UNPROCESSED,
    "AddToLogCollectorConfigurationTest": Repeatable.SAFE,
    "RemoveFromLogCollectorConfigurationTest": Repeatable.SAFE,
    "StopLogCollectorConfigurationTest": Repeatable.ONLY_IF_UNPROCESSED,
}


def repeatability(operation: str) -> Repeatable:
    # Unknown operations are treated as queries only if they are not listed mutations; every
    # mutation this package sends is in the table above.
    return OPERATION_REPEATABILITY.get(operation, Repeatable.SAFE)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    # A Retry-After longer than this is not waited out: the error goes to the caller, who can
    # read `retry_after` and decide.
    max_retry_after: float = 60.0

    def should_retry(self, error: LogScaleError, operation: str, attempt: int) -> bool:
        """Whether to send again after `error` on the `attempt`-th try (0-based)."""
        if attempt >= self.max_retries:
            return False
        if isinstance(error, RateLimitError):
            return error.retry_after is None or error.retry_after <= self.max_retry_after
        if repeatability(operation) is Repeatable.ONLY_IF_UNPROCESSED:
            return isinstance(error, TransportError) and not error.request_sent
        if isinstance(error, TransportError):
            return True
        if isinstance(error, ServerError) and error.status_code in RETRYABLE_STATUS:
            return error.retry_after is None or error.retry_after <= self.max_retry_after
        return False

    def delay(self, error: LogScaleError, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before try `attempt + 1`: the server's Retry-After, else backoff."""
        retry_after = getattr(error, "retry_after", None)
        if isinstance(retry_after, (int, float)) and retry_after >= 0:
            return min(float(retry_after), self.max_retry_after)
        ceiling = min(self.max_delay, self.initial_delay * 2.0**attempt)
        # Jitter spreads the retries of many clients that failed together.
        return ceiling * (0.5 + rng.random() / 2)
