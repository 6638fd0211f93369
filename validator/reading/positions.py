"""Line and column of a JSON Pointer in JSON text, for findings in JSON files.

Neither `json` nor `orjson` reports where a value stands.  json-source-map
does, but it maps every value of the text in pure Python (about 2 ms for one
2 KB record), and a finding needs one pointer.  So this walks down the
pointer only, and skips every other value with the stdlib's C scanner.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # C, untyped in typeshed

from validator.findings import Finding, Problem, make
from validator.pointers import array_index, tokens
from validator.reading.text import position

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
# One match per token boundary: a regex call costs more than the whitespace it skips.
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_AFTER = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*)?")


class _Unmapped(Exception):  # noqa: N818 - internal control flow, never escapes
    """The text does not have the shape the pointer walks through."""


def locate(text: str, ptr: str, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `ptr` (or its key, with `key`).

    A pointer that does not resolve (a missing field) is located at its
    nearest existing parent.  A text that cannot be mapped gives (1, 1).
    """
    try:
        keys = tokens(ptr)
        offset = _offset(text, keys, key=key)
    except (_Unmapped, LookupError, ValueError, IndexError, RecursionError):
        return 1, 1
    return position(text, offset)


def _space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


def _offset(text: str, keys: tuple[str, ...], *, key: bool) -> int:
    """Offset of the value (or key) at `keys`, or of the nearest parent that exists."""
    at = _space(text, 0)
    key_at: int | None = None
    for token in keys:
        found = _member(text, at, token) if text[at] == "{" else \
            _element(text, at, token) if text[at] == "[" else None
        if found is None:
            return at  # the parent: the pointer does not resolve below it
        key_at, at = found
    return key_at if key and key_at is not None else at


def _member(text: str, at: int, name: str) -> tuple[int | None, int] | None:
    """(key offset, value offset) of member `name` of the object at `at`."""
    at = _space(text, at + 1)
    while text[at] != "}":
        key_at = at
        if text[at] != '"':
            raise _Unmapped
        member, at = scanstring(text, at + 1)
        colon = _COLON.match(text, at)
        if colon is None:
            raise _Unmapped
        at = colon.end()
        if member == name:
            return key_at, at
        at = _next(text, at, "}")
    return None


def _element(text: str, at: int, token: str) -> tuple[int | None, int] | None:
    """(None, value offset) of element `token` of the array at `at`."""
    index = array_index(token)
    if index is None:
        return None
    at = _space(text, at + 1)
    count = 0
    while text[at] != "]":
        if count == index:
            return None, at
        at = _next(text, at, "]")
        count += 1
    return None


def _next(text: str, at: int, close: str) -> int:
    """Skip the value at `at` (C speed) and its comma: the offset of the next one or `close`."""
    _, at = _DECODER.raw_decode(text, at)
    after = _AFTER.match(text, at)  # always matches, if only the empty string
    at = after.end()  # type: ignore[union-attr]
    if after.group(1):  # type: ignore[union-attr]
        return at
    if text[at] != close:
        raise _Unmapped
    return at


def located(problem: Problem, text: str, file: str, first_line: int = 1) -> Finding:
    """A problem of a JSON text as a finding at the line and column of its pointer.

    `first_line` is the line the text starts on in `file` (a record's line in
    an events file).  An unknown field is located at its key, every other
    pointer at its value.
    """
    line, column = locate(text, problem.pointer, key=problem.code == "schema-unknown-field")
    return make(problem.code, problem.message, file, first_line + line - 1, column,
                problem.pointer)
