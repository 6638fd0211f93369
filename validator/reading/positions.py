"""Line and column of a JSON Pointer in JSON text, for findings in JSON files.

Neither `json` nor `orjson` reports where a value stands.  json-source-map
does, but it maps every value of the text in pure Python (about 2 ms for one
2 KB record), and a finding needs one pointer.  So this walks down the
pointer only, and skips every other value with the stdlib's C scanner.
"""

from __future__ import annotations

import bisect
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
_NEWLINE = re.compile("\n")


class _Unmapped(Exception):  # noqa: N818 - internal control flow, never escapes
    """The text does not have the shape the pointer walks through."""


def locate(text: str, ptr: str, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `ptr` (or its key, with `key`).

    A pointer that does not resolve (a missing field) is located at its
    nearest existing parent.  A text that cannot be mapped gives (1, 1).
    """
    return Locator(text).locate(ptr, key=key)


def _space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


class _Children:
    """What has been read so far of the members or elements of one object or array."""

    __slots__ = ("at", "broken", "done", "elements", "members", "skip")

    def __init__(self, at: int) -> None:
        self.at = at  # where reading goes on: the next member or element, or the close
        self.skip = False  # `at` is a value already found: skip it to go on
        self.done = False  # the close was reached
        self.broken = False  # the text did not have the shape the walk reads
        self.members: dict[str, tuple[int, int]] = {}  # name -> (key offset, value offset)
        self.elements: list[int] = []  # value offsets, in order


class Locator:
    """Locates pointers in one JSON text, reading each member and element at most once.

    A pointer is found by walking down it from the start of the text and
    skipping the values before it.  A record or a descriptor with thousands
    of findings (one a span, one a resource) would walk the same array from
    its start for each: quadratic.  This keeps, for each object and array it
    entered, the members and elements it has read and where it stopped, so
    locating N pointers costs about one reading of the text; lines come from
    an index of line starts, built at the second lookup.  Each result is
    `locate`'s for the same pointer.
    """

    def __init__(self, text: str) -> None:
        """A locator of pointers in `text`, which has read nothing yet."""
        self.text = text
        self._children: dict[int, _Children] = {}  # container offset -> what was read
        self._lookups = 0
        self._line_starts: list[int] | None = None

    def locate(self, ptr: str, *, key: bool = False) -> tuple[int, int]:
        """As `locate`: 1-based line and column of the value (or key) at `ptr`."""
        try:
            keys = tokens(ptr)
            offset = self._offset(keys, key=key)
        except (_Unmapped, LookupError, ValueError, IndexError, RecursionError):
            return 1, 1
        return self._position(offset)

    def located(self, problem: Problem, file: str, first_line: int = 1,
                record: str = "") -> Finding:
        """As the function `located`, in this locator's text."""
        line, column = self.locate(problem.pointer, key=problem.code == "schema-unknown-field")
        return make(problem.code, problem.message, file, first_line + line - 1, column,
                    problem.pointer, record)

    def _position(self, offset: int) -> tuple[int, int]:
        self._lookups += 1
        text = self.text
        if self._lookups < 2:
            return position(text, offset)
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        offset = min(offset, len(text))
        line = bisect.bisect_right(self._line_starts, offset)  # lines starting at or before
        return line, offset - self._line_starts[line - 1] + 1

    def _offset(self, keys: tuple[str, ...], *, key: bool) -> int:
        """Offset of the value (or key) at `keys`, or of the nearest parent that exists."""
        text = self.text
        at = _space(text, 0)
        key_at: int | None = None
        for token in keys:
            found = self._member(at, token) if text[at] == "{" else \
                self._element(at, token) if text[at] == "[" else None
            if found is None:
                return at  # the parent: the pointer does not resolve below it
            key_at, at = found
        return key_at if key and key_at is not None else at

    def _read(self, at: int) -> _Children:
        children = self._children.get(at)
        if children is None:
            children = self._children[at] = _Children(_space(self.text, at + 1))
        return children

    def _skip(self, children: _Children, close: str) -> int:
        """Where the next member or element (or the close) starts.

        The value found last is skipped only when reading goes on past it: a
        walk down one pointer never reads past the value it is after.
        """
        if children.skip:
            children.at, children.skip = _next(self.text, children.at, close), False
        return children.at

    def _member(self, at: int, name: str) -> tuple[int | None, int] | None:
        """(key offset, value offset) of member `name` of the object at `at`."""
        children = self._read(at)
        found = children.members.get(name)
        if found is not None:
            return found
        if children.broken:  # what was read before the break is still found above
            raise _Unmapped
        try:
            return self._members_until(children, name)
        except (_Unmapped, LookupError, ValueError):
            children.broken = True
            raise

    def _members_until(self, children: _Children, name: str) -> tuple[int | None, int] | None:
        """Read on through an object's members, keeping each, until `name` or the close."""
        text = self.text
        while not children.done:
            at = self._skip(children, "}")
            if text[at] == "}":
                children.done = True
                break
            key_at = at
            if text[at] != '"':
                raise _Unmapped
            member, at = scanstring(text, at + 1)
            colon = _COLON.match(text, at)
            if colon is None:
                raise _Unmapped
            children.at, children.skip = colon.end(), True
            children.members.setdefault(member, (key_at, colon.end()))  # the first one
            if member == name:
                return key_at, colon.end()
        return None

    def _element(self, at: int, token: str) -> tuple[int | None, int] | None:
        """(None, value offset) of element `token` of the array at `at`."""
        index = array_index(token)
        if index is None:
            return None
        children = self._read(at)
        text, elements = self.text, children.elements
        if index >= len(elements) and children.broken:
            raise _Unmapped
        try:
            while len(elements) <= index and not children.done:
                at = self._skip(children, "]")
                if text[at] == "]":
                    children.done = True
                    break
                elements.append(at)
                children.skip = True
        except (_Unmapped, LookupError, ValueError):
            children.broken = True
            raise
        return (None, elements[index]) if index < len(elements) else None


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


def located(problem: Problem, text: str, file: str, first_line: int = 1,
            record: str = "") -> Finding:
    """A problem of a JSON text as a finding at the line and column of its pointer.

    `first_line` is the line the text starts on in `file` (a record's line in
    an events file), `record` the id of that record.  An unknown field is
    located at its key, every other pointer at its value.
    """
    line, column = locate(text, problem.pointer, key=problem.code == "schema-unknown-field")
    return make(problem.code, problem.message, file, first_line + line - 1, column,
                problem.pointer, record)
