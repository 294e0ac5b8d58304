"""The practical limit for the sandbox: a minimal ariadne + uvicorn app in its own process.

    python -m bench.minimal_server

The project's own schema.graphql, one resolver (createFleetInstallToken answers a fixed token
with the name it was given), no authentication, no state, no faults: what any GraphQL server on
this stack costs per request. Served like the sandbox (uvicorn, h11, 127.0.0.1, a free port);
prints its base URL and stops when standard input closes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import Any

import uvicorn
from ariadne import MutationType, make_executable_schema
from ariadne.asgi import GraphQL

from bench.common import PROJECT_DIR
from logscale_fleet.sandbox.server import bind_socket


def app() -> GraphQL:
    mutation = MutationType()

    @mutation.field("createFleetInstallToken")
    def create(_obj: Any, _info: Any, name: str, configId: str | None = None) -> dict[str, Any]:
        return {
            "name": name,
            "token": "x" * 32,
            "jwtToken": "eyJ.e30.sig",
            "assignedConfiguration": None,
            "installationCommands": {
                "linuxCommand": "l",
                "windowsCommand": "w",
                "macosCommand": "m",
            },
        }

    sdl = (PROJECT_DIR / "schema.graphql").read_text(encoding="utf-8")
    return GraphQL(make_executable_schema(sdl, mutation))


def _stop_when_stdin_closes() -> None:
    sys.stdin.read()
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(app(), log_level="warning", http="h11", loop="asyncio", lifespan="off")
    server = uvicorn.Server(config)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    threading.Thread(target=_stop_when_stdin_closes, daemon=True).start()
    asyncio.run(server.serve(sockets=[sock]))


if __name__ == "__main__":
    main()
