"""Retry decisions: which call, which failure, how long to wait.

Queries are safe to repeat. Mutations are not in general (a repeated create makes a second
token), so a mutation is resent only when the request surely was not processed: the connection
was never made, or the server refused it with 429, unless the operation registry marks it as
safe to resend (rename, assign a configuration: repeating them gives the same result).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from logscale_fleet._core.operations import lookup
from logscale_fleet.errors import (
    LogScaleError,
    RateLimitError,
    ServerError,
    TransportError,
)

RETRYABLE_STATUS = frozenset({502, 503, 504})


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
        if not lookup(operation).resendable:
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
