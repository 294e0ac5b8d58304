"""The one rule for a create whose outcome is unknown: look before reporting it failed.

Mutations are not resent after an ambiguous failure (a read timeout, a dropped connection, a
5xx): the create may have landed, and a second one would make a duplicate. Instead the resource
is looked up by name; after a timeout, once more after waiting as long again (the create may
still be running on the server). Only when it is not there is the original error raised.
The reconcile engine's apply goes through `create_or_find`; `install_tokens.ensure` is a
one-item plan through that engine.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from logscale_fleet.errors import LogScaleError, ServerError, TimeoutError, TransportError

log = logging.getLogger("logscale_fleet")

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Landed(Generic[U]):
    """The create failed ambiguously, but what it made was found."""

    found: U


def is_ambiguous(error: BaseException) -> bool:
    """Whether the request may have reached the server and done its work."""
    if isinstance(error, TransportError):
        return error.request_sent
    return isinstance(error, ServerError)


async def create_or_find(
    create: Callable[[], Awaitable[T]],
    find: Callable[[], Awaitable[U | None]],
    *,
    wait: float,
    sleep: Callable[[float], Awaitable[None]],
) -> T | Landed[U]:
    """`create()`'s result, or, after an ambiguous failure, `Landed(find())` if it finds it."""
    try:
        return await create()
    except LogScaleError as error:
        if not is_ambiguous(error):
            raise
        log.debug("a create failed ambiguously (%s); looking it up", type(error).__name__)
        found = await find()
        if found is None and isinstance(error, TimeoutError):
            await sleep(wait)
            found = await find()
        if found is None:
            raise
        return Landed(found)
