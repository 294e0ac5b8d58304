"""The sandbox served by uvicorn in its own process, for bench/sandbox_throughput.py.

    python -m bench.sandbox_server TOKEN

Prints its base URL once it listens (127.0.0.1, a free port); stops when its standard input
closes (the benchmark finished or died) or on SIGTERM / SIGINT.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from logscale_fleet.sandbox.server import serve


def _stop_when_stdin_closes() -> None:
    sys.stdin.read()
    # serve() stops cleanly on SIGTERM; sending it to ourselves reuses that path.
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    token = sys.argv[1]
    threading.Thread(target=_stop_when_stdin_closes, daemon=True).start()
    serve(host="127.0.0.1", port=0, token=token, on_ready=lambda url: print(url, flush=True))


if __name__ == "__main__":
    main()
