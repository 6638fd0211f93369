"""RFC 6901 JSON Pointers: build them from paths and resolve them in values."""

from __future__ import annotations

import functools
import re
from typing import Any

JSON = Any


def pointer(*parts: str | int) -> str:
    """The JSON Pointer of a path, escaping '~' and '/' in keys."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def join(base: str | tuple[str | int, ...], *parts: str | int) -> str:
    """`base` (a pointer, or a path of keys and indexes) extended by `parts`."""
    if isinstance(base, tuple):
        return pointer(*base, *parts)
    return base + pointer(*parts)


_MISSING = object()
_INDEX = re.compile(r"0|[1-9][0-9]*")  # RFC 6901 array indexes: ASCII, no leading zero


@functools.lru_cache(maxsize=4096)
def tokens(ptr: str) -> tuple[str, ...]:
    """The unescaped reference tokens of a pointer; raise `LookupError` if it is not one.

    Cached: the records of a corpus repeat the same few pointers.
    """
    if ptr == "":
        return ()
    if not ptr.startswith("/"):
        raise LookupError(ptr)
    return tuple(raw.replace("~1", "/").replace("~0", "~") for raw in ptr[1:].split("/"))


def resolve(document: JSON, ptr: str) -> JSON:
    """The value at `ptr`, or raise `LookupError` when it does not resolve."""
    value = document
    for key in tokens(ptr):
        if isinstance(value, dict):
            value = value.get(key, _MISSING)
        elif isinstance(value, list) and _INDEX.fullmatch(key):
            index = int(key)
            value = value[index] if index < len(value) else _MISSING
        else:
            value = _MISSING
        if value is _MISSING:
            raise LookupError(ptr)
    return value
