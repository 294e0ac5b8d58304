"""`fleet.groups`: collector groups. A group's filter selects collectors; the group routes its
configurations to them and can ask them to run one collector version.

LogScale has no query for one group by id, so `get` and `find` page through
searchLogCollectorGroups (the sandbox and LogScale filter it by name).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from logscale_fleet._core import validation
from logscale_fleet._core.executor import Executor
from logscale_fleet._core.paging import Page, paged
from logscale_fleet.errors import InvalidInputError
from logscale_fleet.settings import Timeouts

if TYPE_CHECKING:
    from logscale_graphql.create_log_collector_group import CreateLogCollectorGroup
    from logscale_graphql.delete_log_collector_group import DeleteLogCollectorGroup
    from logscale_graphql.fragments import GroupFields as Group
    from logscale_graphql.search_log_collector_groups import SearchLogCollectorGroups
    from logscale_graphql.update_log_collector_group_config_ids import (
        UpdateLogCollectorGroupConfigIds,
    )
    from logscale_graphql.update_log_collector_group_filter import UpdateLogCollectorGroupFilter
    from logscale_graphql.update_log_collector_group_name import UpdateLogCollectorGroupName
    from logscale_graphql.update_log_collector_group_wanted_version import (
        UpdateLogCollectorGroupWantedVersion,
    )

PAGE_SIZE = 200
MAX_FILTER_LENGTH = 10_000


def _check_filter(value: object) -> str | None:
    return validation.check_optional_text(value, "filter", maximum=MAX_FILTER_LENGTH)


def _check_version(value: object) -> str | None:
    if value is None:
        return None
    return validation.check_id(value, "version")


def _check_config_ids(value: Sequence[str]) -> list[str]:
    if isinstance(value, str):
        raise InvalidInputError("config_ids", "must be a list of configuration ids")
    return list(dict.fromkeys(validation.check_id(item, "config_ids") for item in value))


class Groups:
    """Collector groups. Every method takes per-call `timeout=` and `max_retries=`."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    async def list(
        self,
        search: str | None = None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[Group]:
        """Every group, optionally only those whose name contains `search`."""
        return [g async for g in self.iter(search, timeout=timeout, max_retries=max_retries)]

    async def iter(
        self,
        search: str | None = None,
        page_size: int = PAGE_SIZE,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[Group]:
        """Every group (matching `search`), a page at a time, by name."""
        from logscale_graphql.enums import FleetGroups__SortBy, OrderBy

        search = validation.check_optional_text(search, "search", maximum=1000)
        validation.check_page_size(page_size)

        async def fetch(skip: int, limit: int) -> Page[Group]:
            result: SearchLogCollectorGroups = await self._executor.run(
                "SearchLogCollectorGroups",
                timeout=timeout,
                max_retries=max_retries,
                search_filter=search,
                skip=skip,
                limit=limit,
                sort_by=FleetGroups__SortBy.Name,
                order_by=OrderBy.ASC,
            )
            found = result.search_log_collector_groups
            return Page(found.results, found.total_results)

        async for group in paged(
            "SearchLogCollectorGroups", fetch, key=lambda g: g.id, page_size=page_size
        ):
            yield group

    async def get(
        self,
        group_id: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Group | None:
        """The group with this id, or None."""
        validation.check_id(group_id, "group_id")
        async for group in self.iter(timeout=timeout, max_retries=max_retries):
            if group.id == group_id:
                return group
        return None

    async def find(
        self,
        name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[Group]:
        """The groups named exactly `name` (LogScale does not make names unique)."""
        validation.check_name(name)
        return [
            group
            async for group in self.iter(name, timeout=timeout, max_retries=max_retries)
            if group.name == name
        ]

    async def create(
        self,
        name: str,
        filter: str | None = None,
        config_ids: Sequence[str] = (),
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Group:
        """Create a group. Never resent after an ambiguous failure (it could make two)."""
        validation.check_name(name)
        variables: dict[str, Any] = {"name": name, "filter_": _check_filter(filter)}
        ids = _check_config_ids(config_ids)
        if ids:
            variables["config_ids"] = ids
        result: CreateLogCollectorGroup = await self._executor.run(
            "CreateLogCollectorGroup", timeout=timeout, max_retries=max_retries, **variables
        )
        return result.create_log_collector_group

    async def rename(
        self,
        group_id: str,
        name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Group:
        validation.check_id(group_id, "group_id")
        validation.check_name(name)
        result: UpdateLogCollectorGroupName = await self._executor.run(
            "UpdateLogCollectorGroupName",
            timeout=timeout,
            max_retries=max_retries,
            id=group_id,
            name=name,
        )
        return result.update_log_collector_group_name

    async def set_filter(
        self,
        group_id: str,
        filter: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Group:
        """Replace the filter; None leaves the group selecting no collectors by filter."""
        validation.check_id(group_id, "group_id")
        result: UpdateLogCollectorGroupFilter = await self._executor.run(
            "UpdateLogCollectorGroupFilter",
            timeout=timeout,
            max_retries=max_retries,
            id=group_id,
            filter_=_check_filter(filter),
        )
        return result.update_log_collector_group_filter

    async def set_configurations(
        self,
        group_id: str,
        config_ids: Sequence[str],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Group:
        """Replace the group's configurations (in order); an empty list removes them all."""
        validation.check_id(group_id, "group_id")
        result: UpdateLogCollectorGroupConfigIds = await self._executor.run(
            "UpdateLogCollectorGroupConfigIds",
            timeout=timeout,
            max_retries=max_retries,
            id=group_id,
            config_ids=_check_config_ids(config_ids),
        )
        return result.update_log_collector_group_config_ids

    async def set_wanted_version(
        self,
        group_id: str,
        version: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Group:
        """Ask the group's collectors to run `version` (remote update); None stops asking."""
        validation.check_id(group_id, "group_id")
        result: UpdateLogCollectorGroupWantedVersion = await self._executor.run(
            "UpdateLogCollectorGroupWantedVersion",
            timeout=timeout,
            max_retries=max_retries,
            id=group_id,
            wanted_version=_check_version(version),
        )
        return result.update_log_collector_group_wanted_version

    async def delete(
        self,
        group_id: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> bool:
        validation.check_id(group_id, "group_id")
        result: DeleteLogCollectorGroup = await self._executor.run(
            "DeleteLogCollectorGroup", timeout=timeout, max_retries=max_retries, id=group_id
        )
        return result.delete_log_collector_group
