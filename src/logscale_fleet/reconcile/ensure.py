"""`install_tokens.ensure` / `reconcile`: a one-item plan through the engine.

The token adapter diffs the one declared token against the server and `apply_plan` makes the
change, so an ambiguous create is looked up by name exactly as in `fleet.apply` (the rule lives
in `_core.ambiguous` and is reached from the engine only). The client injects `ensure_token`
into `InstallTokens` (resources may not import the engine); `InstallTokens` keeps the per-name
lock around it.

Two differences from a declaration, both to keep `ensure` one list and one write: the
caller's `config_id` is taken on trust (the server refuses an unknown one when the change is
made) instead of reading every configuration, and the default token is not read (nothing is
pruned).
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from logscale_fleet.errors import InvalidInputError
from logscale_fleet.reconcile.apply import ApplyError, apply_plan
from logscale_fleet.reconcile.plan import Plan
from logscale_fleet.reconcile.tokens import TOKENS, DeclaredToken, state_of
from logscale_fleet.resources.install_tokens import EnsureOutcome, InstallTokens

if TYPE_CHECKING:
    from logscale_fleet.resources.configurations import Configurations
    from logscale_fleet.resources.groups import Groups
    from logscale_fleet.resources.install_tokens import Order, SortBy
    from logscale_fleet.settings import Timeouts
    from logscale_graphql.fragments import InstallTokenFields as InstallToken

ACTIONS: dict[str, Literal["created", "updated"]] = {"create": "created", "update": "updated"}


class _Remembering(InstallTokens):
    """The caller's install tokens as the engine sees them: the caller's per-call options on
    every request, and the last token the server returned with the name (the engine keeps only
    handles; `ensure` returns the whole token)."""

    def __init__(self, tokens: InstallTokens, name: str, options: dict[str, Any]) -> None:
        super().__init__(tokens._executor, tokens._ensure_one)
        self._name = name
        self._options = options
        self.last: InstallToken | None = None

    def _keep(self, token: InstallToken) -> InstallToken:
        if token.name == self._name:
            self.last = token
        return token

    async def list(
        self,
        sort_by: SortBy | None = None,
        order: Order = "asc",
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[InstallToken]:
        tokens = await super().list(sort_by, order, **self._options)
        for token in tokens:
            self._keep(token)
        return tokens

    async def create(
        self,
        name: str,
        config_id: str | None = None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> InstallToken:
        return self._keep(await super().create(name, config_id, **self._options))

    async def assign_configuration(
        self,
        token: str,
        config_id: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> InstallToken:
        return self._keep(await super().assign_configuration(token, config_id, **self._options))


@dataclass(frozen=True)
class _OneTokenFleet:
    install_tokens: InstallTokens
    configurations: Configurations
    groups: Groups  # the Fleet protocol's; a one-token plan never touches it


async def ensure_token(
    tokens: InstallTokens,
    configurations: Configurations,
    groups: Groups,
    name: str,
    config_id: str | None,
    *,
    options: dict[str, Any],
    wait: float,
    sleep: Callable[[float], Awaitable[None]],
) -> EnsureOutcome:
    """Plan and apply the one declared token (name and config_id are already checked)."""
    view = _Remembering(tokens, name, options)
    fleet = _OneTokenFleet(view, configurations, groups)
    trusted = [_Trusted(config_id)] if config_id is not None else []
    state = state_of(await view.list(), trusted, None)
    problems: list[str] = []
    part = TOKENS.diff([DeclaredToken(1, name, config_id)], state, prune=False, problems=problems)
    if problems:  # with the configuration trusted, only a name several tokens share
        count = sum(1 for token in state.tokens if token.name == name)
        raise InvalidInputError(
            "name",
            f"{count} install tokens are already named {name!r}; ensure needs a unique name "
            "(rename or delete the extras)",
        )
    if not part.changes:
        assert view.last is not None
        return EnsureOutcome(view.last, "unchanged")
    failure: BaseException | None = None
    try:
        await apply_plan(
            fleet, Plan(tuple(part.changes)), concurrency=1, ambiguous_wait=wait, sleep=sleep
        )
    except ApplyError as error:
        # The caller of ensure gets the API's own error, as from any other call.
        failure = error.result.failed[0].error
    if failure is not None:
        raise failure
    assert view.last is not None
    return EnsureOutcome(view.last, ACTIONS[part.changes[0].action])


@dataclass(frozen=True)
class _Trusted:
    """The caller's configuration, known by id only."""

    id: str

    @property
    def name(self) -> str:
        return self.id
