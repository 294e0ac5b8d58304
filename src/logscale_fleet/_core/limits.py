"""Limits both wire paths enforce (http.py and aiohttp.py import them from here, so neither
imports the other at module level)."""

from __future__ import annotations

# The largest answer read into memory. A list of every install token of a big organisation is
# a few MiB; anything far beyond that is a broken or hostile server.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class ResponseTooLargeError(Exception):
    """The server sent more than MAX_RESPONSE_BYTES; reading stopped there."""

    def __init__(self, limit: int) -> None:
        size = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"
        super().__init__(f"the response is larger than {size}")
        self.limit = limit
