"""`fleet.collectors`: enrolled LogScale Collectors: search the fleet, read one, assign
configurations, unenrol, ask for a version, turn debug logging on and off, and the organisation's
lost-collector setting.

searchFleet answers a union: SearchFleetInProgress (the server is still computing; ask again with
its `queryState`) or SearchFleetResultSet. Each page is waited for through `_core.polling` within
`wait` seconds, and pages are read through `_core.paging`; the queryState of one page is sent with
the next so the server can continue the same search.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from logscale_fleet._core import validation
from logscale_fleet._core.executor import Executor
from logscale_fleet._core.paging import Page, paged
from logscale_fleet._core.polling import Pending, Progress, poll
from logscale_fleet.errors import InvalidInputError, InvalidResponseError
from logscale_fleet.settings import Timeouts

if TYPE_CHECKING:
    from logscale_graphql.assign_log_collector_configuration import (
        AssignLogCollectorConfiguration,
    )
    from logscale_graphql.assign_log_collectors_to_configuration import (
        AssignLogCollectorsToConfiguration,
    )
    from logscale_graphql.disable_log_collector_instance_debug_logging import (
        DisableLogCollectorInstanceDebugLogging,
    )
    from logscale_graphql.enable_log_collector_instance_debug_logging import (
        EnableLogCollectorInstanceDebugLogging,
    )
    from logscale_graphql.fragments import CollectorDetailsFields as CollectorDetails
    from logscale_graphql.fragments import CollectorFields as Collector
    from logscale_graphql.fragments import EnrolledCollectorFields as EnrolledCollector
    from logscale_graphql.get_log_collector_details import GetLogCollectorDetails
    from logscale_graphql.get_lost_collector_days import GetLostCollectorDays
    from logscale_graphql.search_fleet import SearchFleet
    from logscale_graphql.set_lost_collector_days import SetLostCollectorDays
    from logscale_graphql.set_wanted_log_collector_version import SetWantedLogCollectorVersion
    from logscale_graphql.unenroll_log_collectors import UnenrollLogCollectors

PAGE_SIZE = 200
# Seconds to wait for one page of a search the server is still computing.
DEFAULT_WAIT = 60.0
# Ids sent in one bulk request; more are sent in several.
BULK_SIZE = 500

Status = Literal["ok", "error"]
OperatingSystem = Literal["linux", "windows", "macos", "unknown"]
SortBy = Literal["hostname", "system", "version", "last_activity", "config", "ingest"]


class Collectors:
    """Enrolled collectors. Every method takes per-call `timeout=` and `max_retries=`."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    async def list(
        self,
        search: str | None = None,
        *,
        config_id: str | None = None,
        group_ids: Sequence[str] = (),
        status: Status | None = None,
        os: OperatingSystem | None = None,
        version: str | None = None,
        needs_update: bool | None = None,
        live: bool | None = None,
        inactive: bool | None = None,
        sort_by: SortBy = "hostname",
        order: Literal["asc", "desc"] = "asc",
        page_size: int = PAGE_SIZE,
        wait: float = DEFAULT_WAIT,
        on_progress: Callable[[Progress], None] | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[Collector]:
        """Every collector matching the filters (as `iter`), all in memory: prefer `iter` for a
        large fleet."""
        pages = self.iter(
            search,
            config_id=config_id,
            group_ids=group_ids,
            status=status,
            os=os,
            version=version,
            needs_update=needs_update,
            live=live,
            inactive=inactive,
            sort_by=sort_by,
            order=order,
            page_size=page_size,
            wait=wait,
            on_progress=on_progress,
            timeout=timeout,
            max_retries=max_retries,
        )
        return [collector async for collector in pages]

    async def iter(
        self,
        search: str | None = None,
        *,
        config_id: str | None = None,
        group_ids: Sequence[str] = (),
        status: Status | None = None,
        os: OperatingSystem | None = None,
        version: str | None = None,
        needs_update: bool | None = None,
        live: bool | None = None,
        inactive: bool | None = None,
        sort_by: SortBy = "hostname",
        order: Literal["asc", "desc"] = "asc",
        page_size: int = PAGE_SIZE,
        wait: float = DEFAULT_WAIT,
        on_progress: Callable[[Progress], None] | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[Collector]:
        """Every collector matching all the given filters, a page at a time.

        `search` is LogScale's free-text search (hostname, machine id ...); `group_ids` keeps
        collectors in any of those groups; `version`/`needs_update` filter by collector version.
        A page the server is still computing is polled for at most `wait` seconds (TimeoutError
        after that); `on_progress` hears about each poll.
        """
        variables = _search_variables(
            search=search,
            config_id=config_id,
            group_ids=group_ids,
            status=status,
            os=os,
            version=version,
            needs_update=needs_update,
            live=live,
            inactive=inactive,
            sort_by=sort_by,
            order=order,
        )
        validation.check_page_size(page_size)
        if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not 0 < wait <= 3600:
            raise InvalidInputError("wait", "must be a number of seconds from 0 to 3600")
        last_state: builtins.list[str | None] = [None]

        async def send(skip: int, limit: int, state: str | None) -> SearchFleet:
            extra = {} if state is None else {"query_state": state}
            result: SearchFleet = await self._executor.run(
                "SearchFleet",
                timeout=timeout,
                max_retries=max_retries,
                skip=skip,
                limit=limit,
                **variables,
                **extra,
            )
            return result

        async def fetch(skip: int, limit: int) -> Page[Collector]:
            answer = await poll(
                "SearchFleet",
                lambda state: send(skip, limit, state),
                _pending,
                deadline=float(wait),
                sleep=self._executor.sleep,
                clock=self._executor.clock,
                on_progress=on_progress,
                first_state=last_state[0],
            )
            found = answer.search_fleet
            if found.typename__ != "SearchFleetResultSet":  # pragma: no cover - _pending's job
                raise InvalidResponseError("SearchFleet: no result set", operation="SearchFleet")
            last_state[0] = found.query_state
            return Page(found.results, found.total_results)

        async for collector in paged(
            "SearchFleet", fetch, key=lambda c: c.machine_id, page_size=page_size
        ):
            yield collector

    async def get(
        self,
        machine_id: str,
        *,
        live: bool | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> CollectorDetails | None:
        """The collector with this machine id, or None."""
        validation.check_id(machine_id, "machine_id")
        result: GetLogCollectorDetails = await self._executor.run(
            "GetLogCollectorDetails",
            timeout=timeout,
            max_retries=max_retries,
            machine_id=machine_id,
            is_live=_check_flag(live, "live"),
        )
        return result.get_log_collector_details

    async def assign_configuration(
        self,
        collector_ids: str | Sequence[str],
        config_id: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[str]:
        """Run `config_id` on these collectors (by collector id); None removes the manual
        assignment. Many ids go in one request (in batches of BULK_SIZE). Returns the ids the
        server assigned."""
        ids = validation.check_ids(collector_ids, "collector_ids")
        if config_id is not None:
            validation.check_id(config_id, "config_id")
        options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        if len(ids) == 1:
            single: AssignLogCollectorConfiguration = await self._executor.run(
                "AssignLogCollectorConfiguration", id=ids[0], config_id=config_id, **options
            )
            return ids if single.assign_log_collector_configuration else []
        assigned: builtins.list[str] = []
        for batch in _batches(ids):
            result: AssignLogCollectorsToConfiguration = await self._executor.run(
                "AssignLogCollectorsToConfiguration", ids=batch, config_id=config_id, **options
            )
            assigned += [c.id for c in result.assign_log_collectors_to_configuration]
        return assigned

    async def unenroll(
        self,
        collector_ids: str | Sequence[str],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[EnrolledCollector]:
        """Unenrol these collectors (by collector id), many per request. Returns what the server
        unenrolled: an id it did not know, or one already unenrolled, is not in the list."""
        ids = validation.check_ids(collector_ids, "collector_ids")
        removed: builtins.list[EnrolledCollector] = []
        for batch in _batches(ids):
            result: UnenrollLogCollectors = await self._executor.run(
                "UnenrollLogCollectors", timeout=timeout, max_retries=max_retries, ids=batch
            )
            removed += result.unenroll_log_collectors
        return removed

    async def set_wanted_version(
        self,
        collector_ids: str | Sequence[str],
        version: str | None,
        *,
        time_of_update: datetime | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> None:
        """Ask these collectors to update to `version` (None: stop asking), at `time_of_update`
        if given. LogScale takes one collector per request, so this sends one per id."""
        ids = validation.check_ids(collector_ids, "collector_ids")
        if version is not None:
            validation.check_id(version, "version")
        if time_of_update is not None and not isinstance(time_of_update, datetime):
            raise InvalidInputError("time_of_update", "must be a datetime")
        for collector_id in ids:
            result: SetWantedLogCollectorVersion = await self._executor.run(
                "SetWantedLogCollectorVersion",
                timeout=timeout,
                max_retries=max_retries,
                id=collector_id,
                version=version,
                time_of_update=time_of_update,
            )
            if not result.set_wanted_log_collector_version:
                raise InvalidResponseError(
                    "SetWantedLogCollectorVersion answered false",
                    operation="SetWantedLogCollectorVersion",
                )

    async def enable_debug_logging(
        self,
        collector_id: str,
        *,
        token: str,
        level: str = "debug",
        url: str | None = None,
        repository: str | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> bool:
        """Send this collector's own debug logs to LogScale with the ingest `token` (a secret:
        masked in every error), at `level`, to `url`/`repository` when given."""
        validation.check_id(collector_id, "collector_id")
        validation.check_id(token, "token")
        level = validation.check_choice(
            level, "level", {name: name for name in validation.DEBUG_LEVELS}
        )
        result: EnableLogCollectorInstanceDebugLogging = await self._executor.run(
            "EnableLogCollectorInstanceDebugLogging",
            timeout=timeout,
            max_retries=max_retries,
            id=collector_id,
            token=token,
            level=level,
            url=validation.check_optional_text(url, "url", maximum=2048),
            repository_name=validation.check_optional_text(repository, "repository"),
        )
        return result.enable_log_collector_instance_debug_logging

    async def disable_debug_logging(
        self,
        collector_id: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> bool:
        validation.check_id(collector_id, "collector_id")
        result: DisableLogCollectorInstanceDebugLogging = await self._executor.run(
            "DisableLogCollectorInstanceDebugLogging",
            timeout=timeout,
            max_retries=max_retries,
            id=collector_id,
        )
        return result.disable_log_collector_instance_debug_logging

    async def lost_collector_days(
        self, *, timeout: float | Timeouts | None = None, max_retries: int | None = None
    ) -> int:
        """Days without contact after which a collector counts as lost."""
        result: GetLostCollectorDays = await self._executor.run(
            "GetLostCollectorDays", timeout=timeout, max_retries=max_retries
        )
        return result.get_lost_collector_days

    async def set_lost_collector_days(
        self,
        days: int | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> bool:
        """Set the lost-collector days; None restores LogScale's default."""
        if days is not None and (
            isinstance(days, bool)
            or not isinstance(days, int)
            or not 1 <= days <= validation.MAX_LOST_DAYS
        ):
            raise InvalidInputError(
                "days", f"must be a whole number from 1 to {validation.MAX_LOST_DAYS}"
            )
        result: SetLostCollectorDays = await self._executor.run(
            "SetLostCollectorDays", timeout=timeout, max_retries=max_retries, days=days
        )
        return result.set_lost_collector_days


def _pending(answer: SearchFleet) -> Pending:
    found = answer.search_fleet
    if found.typename__ == "SearchFleetInProgress":
        return Pending(found.query_state, found.total_results)
    return Pending(None)


def _batches(ids: builtins.list[str]) -> builtins.list[builtins.list[str]]:
    return [ids[start : start + BULK_SIZE] for start in range(0, len(ids), BULK_SIZE)]


def _check_flag(value: object, argument: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidInputError(argument, "must be true, false or None")
    return value


def _search_variables(
    *,
    search: str | None,
    config_id: str | None,
    group_ids: Sequence[str],
    status: Status | None,
    os: OperatingSystem | None,
    version: str | None,
    needs_update: bool | None,
    live: bool | None,
    inactive: bool | None,
    sort_by: SortBy,
    order: str,
) -> dict[str, Any]:
    """The searchFleet filter arguments, each checked; unset filters are left out."""
    from logscale_graphql.enums import (
        Fleet__SortBy,
        OrderBy,
        SearchFleetOsFilter,
        SearchFleetStatusFilter,
    )
    from logscale_graphql.input_types import SearchFleetVersionFilter

    variables: dict[str, Any] = {
        "sort_by": validation.check_choice(
            sort_by,
            "sort_by",
            {
                "hostname": Fleet__SortBy.Hostname,
                "system": Fleet__SortBy.System,
                "version": Fleet__SortBy.Version,
                "last_activity": Fleet__SortBy.LastActivity,
                "config": Fleet__SortBy.ConfigName,
                "ingest": Fleet__SortBy.Ingest,
            },
        ),
        "order_by": validation.check_choice(
            order, "order", {"asc": OrderBy.ASC, "desc": OrderBy.DESC}
        ),
    }
    if search is not None:
        variables["search_filter"] = validation.check_optional_text(search, "search", maximum=1000)
    if config_id is not None:
        variables["config_id_filter"] = validation.check_id(config_id, "config_id")
    if isinstance(group_ids, str):
        raise InvalidInputError("group_ids", "must be a list of group ids")
    if group_ids:
        variables["group_ids_filter"] = validation.check_ids(group_ids, "group_ids")
    if status is not None:
        variables["status_filter"] = validation.check_choice(
            status,
            "status",
            {"ok": SearchFleetStatusFilter.OK, "error": SearchFleetStatusFilter.Error},
        )
    if os is not None:
        variables["os_filter"] = validation.check_choice(
            os,
            "os",
            {
                "linux": SearchFleetOsFilter.Linux,
                "windows": SearchFleetOsFilter.Windows,
                "macos": SearchFleetOsFilter.MacOS,
                "unknown": SearchFleetOsFilter.Unknown,
            },
        )
    if version is not None or needs_update is not None:
        variables["version_filter"] = SearchFleetVersionFilter(
            version=None if version is None else validation.check_id(version, "version"),
            needs_update=_check_flag(needs_update, "needs_update"),
        )
    if live is not None:
        variables["is_live_filter"] = _check_flag(live, "live")
    if inactive is not None:
        variables["inactive_filter"] = _check_flag(inactive, "inactive")
    return variables
