"""The one way every paged operation is read: skip/limit pages, deduplicated, bounded.

A server that ignores `skip`, or claims more results than it ever sends, must not keep a caller
looping: a page that adds nothing new, or more pages than the first `totalResults` allows, ends
the iteration with InvalidResponseError naming the problem.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from logscale_fleet.errors import InvalidResponseError

T = TypeVar("T")

# Items created while a listing runs shift offsets and may add a page beyond the first count.
EXTRA_PAGES = 1


@dataclass(frozen=True)
class Page(Generic[T]):
    results: Sequence[T]
    total_results: int


async def paged(
    operation: str,
    fetch: Callable[[int, int], Awaitable[Page[T]]],
    *,
    key: Callable[[T], Hashable],
    page_size: int,
) -> AsyncIterator[T]:
    """Every item `fetch(skip, limit)` returns across pages, each key once."""
    seen: set[Hashable] = set()
    skip = 0
    pages = 0
    max_pages: int | None = None
    while True:
        page = await fetch(skip, page_size)
        pages += 1
        if max_pages is None:
            max_pages = -(-max(page.total_results, 0) // page_size) + EXTRA_PAGES
        added = 0
        for item in page.results:
            # Offsets shift when items are created or deleted between pages; never yield the
            # same item twice.
            identity = key(item)
            if identity not in seen:
                seen.add(identity)
                added += 1
                yield item
        skip += len(page.results)
        if len(page.results) < page_size or skip >= page.total_results:
            return
        if not added:
            raise InvalidResponseError(
                f"{operation}: page {pages} (skip {skip - len(page.results)}) added no new "
                "results; the server seems to ignore `skip`",
                operation=operation,
            )
        if pages >= max_pages:
            raise InvalidResponseError(
                f"{operation}: the server kept sending full pages past the {max_pages} pages of "
                f"{page_size} its first totalResults allows; stopped reading",
                operation=operation,
            )


async def searched(
    run: Callable[..., Awaitable[Any]],
    operation: str,
    field: str,
    *,
    key: Callable[[Any], Hashable],
    page_size: int,
    **variables: Any,
) -> AsyncIterator[Any]:
    """`paged` over a search operation answering `{field: {totalResults, results}}`: `run` is
    the executor's `run`, `variables` its arguments besides skip and limit (per-call options
    included)."""

    async def fetch(skip: int, limit: int) -> Page[Any]:
        result = await run(operation, skip=skip, limit=limit, **variables)
        found = getattr(result, field)
        return Page(found.results, found.total_results)

    async for item in paged(operation, fetch, key=key, page_size=page_size):
        yield item
