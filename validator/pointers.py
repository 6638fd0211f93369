"""RFC 6901 JSON Pointers: build them from paths and resolve them in values."""

from __future__ import annotations

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


def resolve(document: JSON, ptr: str) -> JSON:
    """The value at `ptr`, or raise `LookupError` when it does not resolve."""
    if ptr == "":
        return document
    if not ptr.startswith("/"):
        raise LookupError(ptr)
    value = document
    for raw in ptr[1:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(key, _MISSING)
        elif isinstance(value, list) and (key == "0" or (key.isdigit() and key[0] != "0")):
            index = int(key)
            value = value[index] if index < len(value) else _MISSING
        else:
            value = _MISSING
        if value is _MISSING:
            raise LookupError(ptr)
    return value
