"""Exit codes, and the one place that turns an exception into an exit code and an error line.

Scripts branch on these codes, so they are part of the CLI's interface: keep them stable and
keep `EXIT_CODES_HELP` (shown in `--help`) in step with `exit_code_for`.
"""

from __future__ import annotations

from logscale_fleet import errors

OK = 0
API_ERROR = 1
USAGE = 2
AUTH = 3
NOT_FOUND = 4
CONNECTION = 5
# Someone changed it since you read it (`configs publish` / `delete` against a stale version).
CONFLICT = 6
# Not a failure: `plan --detailed-exitcode` found differences between the file and the server.
CHANGES_PENDING = 7
INTERRUPTED = 130
BROKEN_PIPE = 141  # 128 + SIGPIPE, as git and gh end when the reader of their output leaves

EXIT_CODES_HELP = """\
exit codes:
  0    ok
  1    API or GraphQL error (the server refused or failed the request)
  2    usage or invalid input (bad arguments, a bad file, missing configuration)
  3    authentication or permission (wrong API token, missing permission)
  4    not found (no such install token or configuration, or a URL that is not LogScale)
  5    connection or timeout (server unreachable, TLS failure, no answer in time)
  6    conflict (someone changed the configuration since you read it; nothing overwritten)
  7    changes pending (`plan`/`configs diff --detailed-exitcode`: they differ)
  130  interrupted (Ctrl-C)
  141  the reader of stdout went away (`| head`): ends quietly, as git and gh do
"""


# Statuses a plain web server gives a GraphQL POST (405 Method Not Allowed, 501 Not
# Implemented, e.g. `python -m http.server`): the URL is not a LogScale, like a 404.
NOT_LOGSCALE_STATUSES = frozenset({404, 405, 501})


class CommandError(Exception):
    """A failure the CLI itself detects (as opposed to one the facade raises).

    The message must never contain a secret: callers mask token values before building it.
    """

    exit_code = API_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CommandError):
    """Invalid input the CLI detects: a bad declaration file, a refused confirmation ..."""

    exit_code = USAGE


class NotFound(CommandError):
    """The install token or configuration named on the command line does not exist."""

    exit_code = NOT_FOUND


def exit_code_for(exc: BaseException) -> int:
    """The exit code for any exception that ends a command."""
    if isinstance(exc, CommandError):
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(exc, (errors.AuthenticationError, errors.PermissionDeniedError)):
        return AUTH
    if isinstance(exc, errors.NotFoundError) or _not_logscale(exc):
        return NOT_FOUND
    if isinstance(exc, errors.TransportError):  # TimeoutError included
        return CONNECTION
    if isinstance(exc, errors.ConflictError):
        return CONFLICT
    if isinstance(exc, (errors.InvalidInputError, errors.ConfigurationError)):
        return USAGE
    # APIStatusError (rate limits, 5xx, other statuses), GraphQLError, InvalidResponseError,
    # and bugs: the request did not do what was asked.
    return API_ERROR


def describe(exc: BaseException) -> str:
    """What failed and what to do, for the `logscale-fleet: error: ...` line."""
    if isinstance(exc, CommandError):
        return exc.message
    if isinstance(exc, errors.TimeoutError):
        return f"{exc} (is the server overloaded or far away? raise --timeout, default 30 s)"
    if isinstance(exc, errors.TransportError):
        return f"{exc} (check --url / LOGSCALE_URL and that the server is reachable)"
    if _not_logscale(exc) and not isinstance(exc, errors.NotFoundError):
        return (
            f"{exc} (this server does not take GraphQL requests: check --url / LOGSCALE_URL, "
            "it should be the LogScale base URL, e.g. https://cloud.humio.com)"
        )
    if isinstance(exc, errors.GraphQLError):
        return f"the server refused the request: {exc}"
    if isinstance(exc, errors.LogScaleError):
        return str(exc)
    # A bug in this program: say so, without a traceback unless asked for.
    return (
        f"unexpected {type(exc).__name__}: {exc} (a bug in logscale-fleet; run again with "
        "--verbose for the traceback and report it)"
    )


def _not_logscale(exc: BaseException) -> bool:
    return isinstance(exc, errors.APIStatusError) and exc.status_code in NOT_LOGSCALE_STATUSES
