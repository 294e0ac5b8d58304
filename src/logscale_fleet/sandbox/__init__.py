"""A local emulator of LogScale's Fleet Management API, built from `schema.graphql`.

Split per resource, as moto splits models and responses:

    db.py            the SQLite connection, its lock and worker thread, WAL, private file modes,
                     per-service migrations and atomic first-open seeding
    seed.py          what a new or reset sandbox holds (configurations incl. the docs' "123456")
    errors.py        SandboxError and its kinds (SandboxNotFound, SandboxInvalidArgument ...)
    store.py         SandboxStore: the database plus one state object per service
    services/<resource>/state.py      tables (migrations) and semantics: validation, SQL
                                      sorting and paging; no GraphQL
    services/<resource>/resolvers.py  GraphQL shapes; exports RESOLVERS {"Query.x": fn}
    registry.py      binds every root field of schema.graphql: a service's resolver, or an
                     error saying the sandbox does not emulate it
    context.py       the per-request context resolvers read (store, base URL)
    app.py           HTTP: auth, body limits, routes, faults, then GraphQL
    faults.py        fault injection;  limits.py  slow-client bounds for the served sandbox
    server.py        uvicorn: `serve` (the CLI) and `ThreadedSandbox` (tests, the fixture)
    embedded.py      in-process through httpx.ASGITransport;  pytest_plugin.py  the fixture

Adding a resource service (groups, say):

1. `services/groups/state.py`: a class with `name = "groups"`, `migrations` (SQL strings or
   functions, applied in order and recorded in `meta` as `schema:groups`; never edit a step
   that has shipped, append one), `seed(tx)` and `clear(tx)`, and its operations, each in
   `with self._db.write() as tx:` or `read()`. Sort and page in SQL; raise SandboxNotFound /
   SandboxInvalidArgument with messages that never contain a secret.
2. Seed rows, if any, in `seed.py`; pass them to the state's constructor.
3. `store.py`: create the state in `SandboxStore.__init__` and add it to `services` after the
   services it refers to (reset clears in reverse and seeds in order).
4. `services/groups/resolvers.py`: async resolvers that call the state through
   `await ctx.store.run(...)` (never SQLite on the event loop) and return the schema's shapes;
   export `RESOLVERS`. Add the table to `registry.SERVICES`.
5. Tests in tests/sandbox/; tests/sandbox/test_registry.py fails until every root field in
   schema.graphql has a resolver or a reason in `registry.NOT_EMULATED`.

This package's `__init__` imports nothing: the pytest plugin is loaded in every test run of
every user who installs the package, and ariadne/uvicorn are an optional extra
(`uv tool install '.[sandbox]'` from a checkout; see `logscale_fleet.install_advice`).
"""

from logscale_fleet.install_advice import extra_advice

# The one message for a missing extra (embedded, the CLI's `sandbox serve`, the pytest plugin).
MISSING_EXTRA = "the sandbox needs the optional dependencies ariadne and uvicorn: " + extra_advice(
    "sandbox"
)
