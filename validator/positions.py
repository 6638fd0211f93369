"""Line and column of a JSON Pointer in JSON text, for findings in JSON files.

Neither `json` nor `orjson` reports where a value stands; json-source-map
does, so it is used, and only for texts that have findings.
"""

from __future__ import annotations


def locate(text: str, ptr: str, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `ptr` (or its key, with `key`).

    A pointer that does not resolve (a missing field) is located at its
    nearest existing parent.  A text that cannot be mapped gives (1, 1).
    """
    from json_source_map import calculate

    try:
        entries = calculate(text)
    except Exception:  # noqa: BLE001 - a text we cannot map still gets a finding
        return 1, 1
    while ptr not in entries and ptr:
        ptr = ptr.rsplit("/", 1)[0]
        key = False
    entry = entries.get(ptr)
    if entry is None:
        return 1, 1
    where = entry.key_start if key and entry.key_start is not None else entry.value_start
    return where.line + 1, where.column + 1
