"""Reading the files a user names: a regular file (or `-` for standard input), within a limit.

Every input file goes through `read_input_file`, so none can exhaust memory (`/dev/zero`), block
forever (a FIFO nobody writes to) or be read whole before its size is known.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from logscale_fleet.errors import ConfigurationError, LogScaleError

log = logging.getLogger("logscale_fleet")

STDIN = "-"
# A LogScale API token is well under 1 KiB; a file far larger is the wrong file.
MAX_TOKEN_FILE_BYTES = 64 * 1024
# A declaration of thousands of tokens, configurations and groups fits many times over.
MAX_DECLARATION_BYTES = 16 * 1024 * 1024

ErrorFactory = Callable[[str], LogScaleError]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def describe_size(limit: int) -> str:
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"{limit // 2**20} MiB"
    if limit >= 2**10 and limit % 2**10 == 0:
        return f"{limit // 2**10} KiB"
    return f"{limit} bytes"


def read_input_file(
    path: str | os.PathLike[str],
    *,
    what: str,
    limit: int,
    error: ErrorFactory = ConfigurationError,
    private: bool = False,
    stdin: BinaryIO | None = None,
) -> str:
    """The text of `path` (UTF-8, a leading byte-order mark dropped).

    `what` names the file in every message ("token file", "declaration file"). `error` builds
    the exception (ConfigurationError unless the caller's input is an argument). `private`: warn,
    as ssh does, when the file is readable by its group or by others (it holds a secret).
    """
    text = os.fspath(path)
    if text == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _decode(
            _read_limited(stream, limit, f"{what} from standard input", error),
            what,
            "standard input",
            error,
        )
    shown = _shown(text)
    if "\x00" in text:
        raise error(f"{what} path {shown} is unusable: it contains a NUL character")
    try:
        file = Path(text).expanduser()
    except RuntimeError as exc:  # `~nobody-here/...`
        raise error(f"{what} path {shown} is unusable: {exc}") from None
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type check below refuses it.
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise error(f"{what} {shown} does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} {shown} is a folder, not a file") from None
    except PermissionError:
        raise error(f"{what} {shown} is not readable (permission denied)") from None
    except OSError as exc:
        raise error(f"cannot open {what} {shown}: {exc.strerror}") from None
    # fstat before fdopen: fdopen itself refuses a folder with a bare IsADirectoryError.
    try:
        info = os.fstat(fd)
        for test, kind in _KINDS:
            if test(info.st_mode):
                raise error(f"{what} {shown} is {kind}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb", buffering=0) as stream:
        if info.st_size > limit:
            raise error(
                f"{what} {shown} is {info.st_size:,} bytes, more than the {describe_size(limit)} "
                "accepted: is it the right file?"
            )
        if private and info.st_mode & 0o077:
            log.warning(
                "%s %s is accessible by others (mode %04o); it holds a secret: chmod 600 it",
                what,
                shown,
                stat.S_IMODE(info.st_mode),
            )
        content = _read_limited(stream, limit, f"{what} {shown}", error)
    return _decode(content, what, shown, error)


def _read_limited(stream: BinaryIO, limit: int, where: str, error: ErrorFactory) -> bytes:
    chunks: list[bytes] = []
    received = 0
    while received <= limit:
        chunk = stream.read(min(1 << 16, limit + 1 - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    if received > limit:
        raise error(f"{where} is larger than the {describe_size(limit)} accepted")
    return b"".join(chunks)


def _decode(content: bytes, what: str, shown: str, error: ErrorFactory) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{what} {shown} is not UTF-8 text") from None


def _shown(path: str) -> str:
    # Paths are the user's own words, but a path may carry control characters that would
    # rewrite the terminal line the error is printed on.
    return repr(path) if any(not ch.isprintable() for ch in path) else path
