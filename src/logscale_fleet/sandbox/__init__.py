"""A local emulator of LogScale's Fleet Management API, built from `schema.graphql`.

The split follows moto's: state lives in `store` (SQLite), GraphQL dispatch in `resolvers`,
HTTP concerns (auth, body limits, routes) in `app`, fault injection in `faults`. `server` runs the
app with uvicorn (blocking for the CLI, in a thread for tests), `embedded` runs it in-process
through `httpx.ASGITransport`, and `pytest_plugin` offers the `logscale_sandbox` fixture.

This package's `__init__` imports nothing: the pytest plugin is loaded in every test run of
every user who installs the package, and ariadne/uvicorn are an optional extra
(`uv tool install '.[sandbox]'` from a checkout; see `logscale_fleet.install_advice`).
"""

from logscale_fleet.install_advice import extra_advice

# The one message for a missing extra (embedded, the CLI's `sandbox serve`, the pytest plugin).
MISSING_EXTRA = "the sandbox needs the optional dependencies ariadne and uvicorn: " + extra_advice(
    "sandbox"
)
