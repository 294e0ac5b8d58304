"""The sandbox served by uvicorn in its own process, for the sandbox, apply and listing parts.

    python -m bench.sandbox_server TOKEN [--db FILE] [--tokens N]

`--db FILE` keeps the state in an SQLite file (as `sandbox serve --db FILE`), else in memory;
`--tokens N` adds N install tokens (bulk-00000 ...) before serving. Prints its base URL once it
listens (127.0.0.1, a free port); stops when its standard input closes (the benchmark finished
or died) or on SIGTERM / SIGINT.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from logscale_fleet.sandbox.server import serve
from logscale_fleet.sandbox.store import MEMORY, SandboxStore


def _stop_when_stdin_closes() -> None:
    sys.stdin.read()
    # serve() stops cleanly on SIGTERM; sending it to ourselves reuses that path.
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("token")
    parser.add_argument("--db", default=MEMORY)
    parser.add_argument("--tokens", type=int, default=0)
    args = parser.parse_args()
    db = args.db
    if args.tokens:
        if db == MEMORY:
            raise SystemExit("--tokens needs --db FILE (serve() opens its own store)")
        store = SandboxStore(db)
        try:
            for i in range(args.tokens):
                store.install_tokens.create(f"bulk-{i:05d}")
        finally:
            store.close()
    threading.Thread(target=_stop_when_stdin_closes, daemon=True).start()
    serve(
        host="127.0.0.1", port=0, db=db, token=args.token, on_ready=lambda u: print(u, flush=True)
    )


if __name__ == "__main__":
    main()
