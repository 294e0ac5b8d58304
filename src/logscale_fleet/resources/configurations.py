"""`fleet.configurations`: LogScale Collector configurations (read side; writes come later in the
same pattern)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from logscale_fleet._core import validation
from logscale_fleet._core.executor import Executor
from logscale_fleet._core.paging import Page, paged
from logscale_fleet.errors import InvalidInputError
from logscale_fleet.settings import Timeouts

if TYPE_CHECKING:
    from logscale_graphql.fragments import ConfigurationFields as Configuration
    from logscale_graphql.log_collector_configuration import LogCollectorConfiguration
    from logscale_graphql.search_log_collector_configurations import (
        SearchLogCollectorConfigurations,
    )

PAGE_SIZE = 200


class Configurations:
    """Collector configurations. Every method takes per-call `timeout=` and `max_retries=`."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    async def list(
        self,
        search: str | None = None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[Configuration]:
        """Every log collector configuration, optionally only those matching `search`."""
        pages = self.iter(search, timeout=timeout, max_retries=max_retries)
        return [configuration async for configuration in pages]

    async def iter(
        self,
        search: str | None = None,
        page_size: int = PAGE_SIZE,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[Configuration]:
        """Every configuration (matching `search`), a page at a time."""
        if search is not None and not isinstance(search, str):
            raise InvalidInputError("search", "must be a string")
        validation.check_page_size(page_size)

        async def fetch(skip: int, limit: int) -> Page[Configuration]:
            result: SearchLogCollectorConfigurations = await self._executor.run(
                "SearchLogCollectorConfigurations",
                timeout=timeout,
                max_retries=max_retries,
                search_filter=search,
                skip=skip,
                limit=limit,
            )
            found = result.search_log_collector_configurations
            return Page(found.results, found.total_results)

        async for configuration in paged(
            "SearchLogCollectorConfigurations", fetch, key=lambda c: c.id, page_size=page_size
        ):
            yield configuration

    async def get(
        self,
        config_id: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration:
        validation.check_id(config_id, "config_id")
        result: LogCollectorConfiguration = await self._executor.run(
            "LogCollectorConfiguration", timeout=timeout, max_retries=max_retries, id=config_id
        )
        return result.log_collector_configuration
