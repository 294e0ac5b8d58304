"""Indented JSON text, the same characters `json.dumps(value, indent=2, ensure_ascii=False)`
writes, several times faster for the documents commands print.

Why not json.dumps: with `indent` set, the standard library leaves its C encoder for a
generator-per-level pure-Python one; writing 10,000 install tokens took about as long as
fetching them. Here strings, numbers and constants go through the C encoders one value at a
time and only the layout is Python. Anything this does not lay out itself (keys that are not
strings, types json converts specially) is handed whole to json.dumps, so the text never
differs.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

INDENT = "  "


def indented(value: Any, margin: str = "") -> str:
    """`value` as indented JSON; lines after the first start with `margin` (the depth the
    text sits at inside an enclosing document)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = margin + INDENT
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                return _standard(value, margin)
            parts.append(encode_basestring(key) + ": " + indented(item, inner))
        return "{\n" + inner + (",\n" + inner).join(parts) + "\n" + margin + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = margin + INDENT
        parts = [indented(item, inner) for item in value]
        return "[\n" + inner + (",\n" + inner).join(parts) + "\n" + margin + "]"
    return _standard(value, margin)


def _standard(value: Any, margin: str) -> str:
    # JSON escapes newlines inside strings, so each "\n" is a line break of the layout.
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + margin)
