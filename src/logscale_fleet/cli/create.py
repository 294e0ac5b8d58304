"""What to tell the user when a create failed in a way that leaves its outcome unknown.

A create that reached the server may have made the token even though the answer never arrived
(a 5xx after the write, a dropped connection, a read timeout). Creating again would make a
duplicate; `tokens ensure` looks the name up first, so it is the safe next step.
"""

from __future__ import annotations

from logscale_fleet import errors
from logscale_fleet.cli.exit_codes import CommandError, describe, exit_code_for


def ambiguous_create_error(exc: BaseException, ensure: str) -> CommandError | None:
    """The error to report instead of `exc` when the create may have happened, else None."""
    return outcome_unknown(
        exc,
        "the install token may have been created anyway",
        f"run `{ensure}`, which reuses it if it exists (creating again may duplicate it)",
    )


def outcome_unknown(exc: BaseException, maybe: str, advice: str) -> CommandError | None:
    """`exc` said with `maybe` (what may have happened) and `advice`, when the request may
    have been carried out; None when it surely was not."""
    if isinstance(exc, errors.TransportError):
        if not exc.request_sent:
            return None  # the connection was never made: nothing can exist
    elif not isinstance(exc, (errors.ServerError, errors.InvalidResponseError)):
        return None
    message = f"{describe(exc)}; {maybe}"
    if isinstance(exc, errors.TimeoutError):
        message += ", and the create may still complete on the server"
    message += f": {advice}"
    error = CommandError(message)
    error.exit_code = exit_code_for(exc)  # still the code of what went wrong
    return error
