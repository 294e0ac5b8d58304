"""`fleet.configurations`: LogScale Collector configurations, as code.

Read (list, iter, get, find, merged), write (create, update_draft, publish, rename, describe,
delete) and test (start, add, remove, stop). YAML is checked locally before it is sent
(`_core/yaml_check.py`). Publish and delete carry the version the caller last saw: LogScale
refuses them when the configuration has moved on, and this module turns that refusal into a
`ConflictError` saying who changed it and when. A publish that failed ambiguously (a read timeout,
a dropped connection, a 5xx) is never resent blindly: the version is read back to learn whether it
landed, and only if it did not is it sent again, which the version guard makes safe.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from logscale_fleet._core import validation
from logscale_fleet._core.executor import Executor
from logscale_fleet._core.paging import searched
from logscale_fleet.errors import (
    ConflictError,
    GraphQLError,
    InvalidInputError,
    LogScaleError,
    ServerError,
    TransportError,
)
from logscale_fleet.settings import Timeouts

if TYPE_CHECKING:
    from logscale_graphql.add_to_log_collector_configuration_test import (
        AddToLogCollectorConfigurationTest,
    )
    from logscale_graphql.create_log_collector_configuration import (
        CreateLogCollectorConfiguration,
    )
    from logscale_graphql.delete_log_collector_configuration import (
        DeleteLogCollectorConfiguration,
    )
    from logscale_graphql.fragments import ConfigurationFields as Configuration
    from logscale_graphql.fragments import ConfigurationTestFields as ConfigurationTest
    from logscale_graphql.log_collector_merged_configuration import (
        LogCollectorMergedConfiguration,
        LogCollectorMergedConfigurationLogCollectorMergedConfiguration,
    )
    from logscale_graphql.publish_log_collector_configuration import (
        PublishLogCollectorConfiguration,
    )
    from logscale_graphql.remove_from_log_collector_configuration_test import (
        RemoveFromLogCollectorConfigurationTest,
    )
    from logscale_graphql.start_log_collector_configuration_test import (
        StartLogCollectorConfigurationTest,
    )
    from logscale_graphql.stop_log_collector_configuration_test import (
        StopLogCollectorConfigurationTest,
    )
    from logscale_graphql.update_draft_log_collector_configuration import (
        UpdateDraftLogCollectorConfiguration,
    )
    from logscale_graphql.update_log_collector_configuration_description import (
        UpdateLogCollectorConfigurationDescription,
    )
    from logscale_graphql.update_log_collector_configuration_name import (
        UpdateLogCollectorConfigurationName,
    )

    MergedConfiguration = LogCollectorMergedConfigurationLogCollectorMergedConfiguration
    from logscale_graphql.log_collector_configuration import LogCollectorConfiguration

PAGE_SIZE = 200
MAX_DESCRIPTION_LENGTH = 10_000

log = logging.getLogger("logscale_fleet")


def check_yaml(text: Any, argument: str = "yaml") -> str:
    # PyYAML takes ~50 ms to import: only the calls that send YAML pay for it, not every
    # command that builds a client (`tokens list`).
    from logscale_fleet._core.yaml_check import check_yaml as check

    return check(text, argument)


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

        async for configuration in searched(
            self._executor.run,
            "SearchLogCollectorConfigurations",
            "search_log_collector_configurations",
            key=lambda c: c.id,
            page_size=page_size,
            timeout=timeout,
            max_retries=max_retries,
            search_filter=search,
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

    async def find(
        self,
        name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[Configuration]:
        """Every configuration with exactly this name."""
        validation.check_name(name)
        found = await self.list(name, timeout=timeout, max_retries=max_retries)
        return [c for c in found if c.name == name]

    async def get_by_name(
        self,
        name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration | None:
        """The configuration with this name, None if there is none; two with the name are an
        `InvalidInputError` (use the id)."""
        matches = await self.find(name, timeout=timeout, max_retries=max_retries)
        if len(matches) > 1:
            ids = ", ".join(c.id for c in matches)
            raise InvalidInputError(
                "name", f"{len(matches)} configurations are named {name!r} ({ids}); use an id"
            )
        return matches[0] if matches else None

    async def merged(
        self,
        config_ids: Sequence[str],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> MergedConfiguration:
        """What a collector running these configurations gets: `content` (YAML) and
        `problems` (summary, details, path, number)."""
        ids = _check_ids(config_ids, "config_ids")
        result: LogCollectorMergedConfiguration = await self._executor.run(
            "LogCollectorMergedConfiguration",
            timeout=timeout,
            max_retries=max_retries,
            config_ids=ids,
        )
        return result.log_collector_merged_configuration

    # -- writes ---------------------------------------------------------------------------

    async def create(
        self,
        name: str,
        draft: str | None = None,
        *,
        description: str | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration:
        """A new configuration with `draft` (not yet published) and `description`.

        Never resent after an ambiguous failure: it may have landed (look it up with `find`).
        """
        validation.check_name(name)
        variables: dict[str, Any] = {"name": name}
        if draft is not None:
            variables["draft"] = check_yaml(draft, "draft")
        if description is not None:
            _check_description(description)
        options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        result: CreateLogCollectorConfiguration = await self._executor.run(
            "CreateLogCollectorConfiguration", **options, **variables
        )
        created = result.create_log_collector_configuration
        if description is None:
            return created
        return await self.describe(created.id, description, **options)

    async def update_draft(
        self,
        config_id: str,
        draft: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration:
        """Set the draft (None discards it); the published version is untouched."""
        validation.check_id(config_id, "config_id")
        if draft is not None:
            check_yaml(draft, "draft")
        result: UpdateDraftLogCollectorConfiguration = await self._executor.run(
            "UpdateDraftLogCollectorConfiguration",
            timeout=timeout,
            max_retries=max_retries,
            id=config_id,
            draft=draft,
        )
        return result.update_draft_log_collector_configuration

    async def publish(
        self,
        config_id: str,
        yaml: str | None = None,
        *,
        expected_version: int,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration:
        """Publish `yaml` (None: the draft) as the next version after `expected_version`, the
        version you last read.

        Raises `ConflictError` (with who and when, if the server says) when the configuration
        is no longer at `expected_version`: nobody's change is overwritten. After an ambiguous
        failure the version is read back: a publish that landed is returned, one that did not
        is sent once more (safe: the server refuses a second one against the same version).
        When the configuration has moved on by more than one version meanwhile, nobody can say
        whether ours is among them: the ambiguous error is raised, not a conflict.
        """
        validation.check_id(config_id, "config_id")
        _check_version(expected_version, "expected_version")
        variables: dict[str, Any] = {"id": config_id, "current_version": expected_version}
        if yaml is not None:
            variables["yaml"] = check_yaml(yaml)
        options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        # The first ambiguous failure: while it stands, a version beyond the next one may sit on
        # top of ours, and the current configuration cannot say whether ours landed.
        ambiguous: TransportError | ServerError | None = None
        while True:
            try:
                result: PublishLogCollectorConfiguration = await self._executor.run(
                    "PublishLogCollectorConfiguration", **options, **variables
                )
                return result.publish_log_collector_configuration
            except GraphQLError as refused:
                current = await self._read_back(config_id, refused, **options)
                if ambiguous is not None:
                    if _is_ours(current, expected_version, yaml):
                        # Our first send landed after all; the resend was refused for it.
                        return current
                    if current.version > expected_version + 1:
                        raise ambiguous from None
                if current.version != expected_version:
                    raise _conflict("publish", config_id, expected_version, current) from None
                raise
            except (TransportError, ServerError) as error:
                if isinstance(error, TransportError) and not error.request_sent:
                    raise
                log.debug("PublishLogCollectorConfiguration failed ambiguously; reading it back")
                current = await self._read_back(config_id, error, **options)
                if _is_ours(current, expected_version, yaml):
                    return current
                if current.version > expected_version + 1:
                    # Ours may be version expected+1 under later ones: not a conflict we can
                    # claim, and resending would publish it again on top of theirs.
                    raise
                if current.version != expected_version:
                    raise _conflict("publish", config_id, expected_version, current) from None
                if ambiguous is not None:
                    raise
                ambiguous = error

    async def rename(
        self,
        config_id: str,
        name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration:
        validation.check_id(config_id, "config_id")
        validation.check_name(name)
        result: UpdateLogCollectorConfigurationName = await self._executor.run(
            "UpdateLogCollectorConfigurationName",
            timeout=timeout,
            max_retries=max_retries,
            config_id=config_id,
            name=name,
        )
        return result.update_log_collector_configuration_name

    async def describe(
        self,
        config_id: str,
        description: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> Configuration:
        """Set the description; None clears it."""
        validation.check_id(config_id, "config_id")
        if description is not None:
            _check_description(description)
        result: UpdateLogCollectorConfigurationDescription = await self._executor.run(
            "UpdateLogCollectorConfigurationDescription",
            timeout=timeout,
            max_retries=max_retries,
            config_id=config_id,
            description=description,
        )
        return result.update_log_collector_configuration_description

    async def delete(
        self,
        config_id: str,
        *,
        expected_version: int,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> bool:
        """Delete the configuration if it is still at `expected_version` (else `ConflictError`).

        After an ambiguous failure it is looked up: gone means deleted (True).
        """
        validation.check_id(config_id, "config_id")
        _check_version(expected_version, "expected_version")
        options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        try:
            result: DeleteLogCollectorConfiguration = await self._executor.run(
                "DeleteLogCollectorConfiguration",
                **options,
                config_id=config_id,
                version_id=expected_version,
            )
            return result.delete_log_collector_configuration
        except GraphQLError:
            current = await self._lookup(config_id, **options)
            if current is not None and current.version != expected_version:
                raise _conflict("delete", config_id, expected_version, current) from None
            raise
        except (TransportError, ServerError) as error:
            if isinstance(error, TransportError) and not error.request_sent:
                raise
            current = await self._lookup(config_id, **options)
            if current is None:
                return True
            if current.version != expected_version:
                raise _conflict("delete", config_id, expected_version, current) from None
            raise

    # -- tests ----------------------------------------------------------------------------

    async def start_test(
        self,
        config_id: str,
        collector_ids: Sequence[str],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> ConfigurationTest:
        """Run the configuration's draft on these collectors (one test at a time)."""
        validation.check_id(config_id, "config_id")
        ids = _check_ids(collector_ids, "collector_ids")
        result: StartLogCollectorConfigurationTest = await self._executor.run(
            "StartLogCollectorConfigurationTest",
            timeout=timeout,
            max_retries=max_retries,
            config_id=config_id,
            collector_ids=ids,
        )
        return result.start_log_collector_configuration_test

    async def add_to_test(
        self,
        config_id: str,
        collector_ids: Sequence[str],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> ConfigurationTest:
        validation.check_id(config_id, "config_id")
        ids = _check_ids(collector_ids, "collector_ids")
        result: AddToLogCollectorConfigurationTest = await self._executor.run(
            "AddToLogCollectorConfigurationTest",
            timeout=timeout,
            max_retries=max_retries,
            config_id=config_id,
            collector_ids=ids,
        )
        return result.add_to_log_collector_configuration_test

    async def remove_from_test(
        self,
        config_id: str,
        collector_ids: Sequence[str],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> ConfigurationTest:
        validation.check_id(config_id, "config_id")
        ids = _check_ids(collector_ids, "collector_ids")
        result: RemoveFromLogCollectorConfigurationTest = await self._executor.run(
            "RemoveFromLogCollectorConfigurationTest",
            timeout=timeout,
            max_retries=max_retries,
            config_id=config_id,
            collector_ids=ids,
        )
        return result.remove_from_log_collector_configuration_test

    async def stop_test(
        self,
        config_id: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> ConfigurationTest:
        validation.check_id(config_id, "config_id")
        result: StopLogCollectorConfigurationTest = await self._executor.run(
            "StopLogCollectorConfigurationTest",
            timeout=timeout,
            max_retries=max_retries,
            config_id=config_id,
        )
        return result.stop_log_collector_configuration_test

    # -- helpers --------------------------------------------------------------------------

    async def _read_back(
        self, config_id: str, original: LogScaleError, **options: Any
    ) -> Configuration:
        """The configuration as it is now; if even that fails, the original error stands."""
        try:
            return await self.get(config_id, **options)
        except LogScaleError:
            raise original from None

    async def _lookup(self, config_id: str, **options: Any) -> Configuration | None:
        """The configuration, or None when the server no longer lists it.

        `logCollectorConfiguration` is non-null, so an unknown id is a GraphQL error whose
        wording is not an API; the list tells "gone" from other failures.
        """
        async for configuration in self.iter(**options):
            if configuration.id == config_id:
                return configuration
        return None


def _is_ours(current: Configuration, expected_version: int, yaml: str | None) -> bool:
    """Whether `current` is the version our publish would have made."""
    if current.version != expected_version + 1:
        return False
    # Without yaml the draft was published; its text is gone from the answer, so the next
    # version is taken as ours (a rival publish in that instant is indistinguishable).
    return yaml is None or current.yaml == yaml


def _conflict(action: str, config_id: str, expected: int, current: Configuration) -> ConflictError:
    when = current.modified_at.isoformat() if current.modified_at else None
    who = current.modified_by or None
    by = f" by {who}" if who else ""
    at = f" at {when}" if when else ""
    return ConflictError(
        f"cannot {action} configuration {config_id!r}: you expected version {expected}, it is "
        f"at version {current.version} (changed{by}{at}); read it again (`configs diff`, "
        "`configs pull`) and retry",
        operation=f"{action.capitalize()}LogCollectorConfiguration",
        current_version=current.version,
        modified_by=who,
        modified_at=when,
    )


def _check_version(value: Any, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidInputError(argument, "must be a whole number, 0 or more")
    return value


def _check_ids(values: Any, argument: str) -> builtins.list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InvalidInputError(argument, "must be a list of ids")
    if not values:
        raise InvalidInputError(argument, "must name at least one id")
    return [validation.check_id(v, argument) for v in values]


def _check_description(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInputError("description", f"must be a string, not {type(value).__name__}")
    if len(value) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInputError(
            "description", f"must be at most {MAX_DESCRIPTION_LENGTH:,} characters"
        )
    return value
