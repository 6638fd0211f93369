"""Parse a JSON Lines record at C speed, keeping `strict_json`'s guarantees.

orjson refuses NaN, Infinity, overflow, lone surrogates and invalid UTF-8
itself; what it would let through (repeated keys, inexact integers) is
detected cheaply here and sent to `strict_json`, which locates it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from validator.findings import Problem
from validator.reading.limits import EXACT_DIGITS, MAX_DEPTH
from validator.reading.strict_json import parse_json
from validator.reading.text import decode_utf8

JSON = Any

# One C-speed pass maps each byte to its class (digits -> '0', all else -> 'x'),
# so that a run of digits longer than EXACT_DIGITS shows as a plain substring.
_SHAPE = bytes(ord("0") if 48 <= b <= 57 else ord("x") for b in range(256))
_LONG_DIGITS = b"0" * (EXACT_DIGITS + 1)


def plain_block(data: bytes, *, digits: bool = True) -> bool:
    """Whether a block of lines has no escaped colon and (if `digits`) no long run of digits.

    Then `parse_record`'s fast path holds for each of its lines without
    looking for either again (see `parse_record` and `_keys_kept`).  Without
    `digits`, the caller makes sure in another way that numbers are exact.
    """
    return not escaped_colon(data) and (not digits or _LONG_DIGITS not in data.translate(_SHAPE))


_COLON_ESCAPES = (b"u003a", b"u003A")  # after a backslash
_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def escaped_colon(data: bytes) -> bool:
    r"""Whether `data` holds `\u003a` or `\u003A`, a colon written as an escape.

    Such a colon is one the line's colon count misses but its re-serialised
    value has (see `colons_agree`); a doubled backslash before it makes it text,
    but finding it anyway only sends the line the strict way.  A substring
    search costs about 0.5 ns a byte on news text, where digits are common; a
    64 KiB block of records holds a few dozen backslashes, which memchr finds at
    once.  So look after each backslash, and search only past the first 128.
    """
    at = data.find(b"\\")
    for _ in range(128):
        if at < 0:
            return False
        if data.startswith(_COLON_ESCAPES, at + 1):
            return True
        at = data.find(b"\\", at + 1)
    return _ESCAPED_COLON.search(data, at) is not None


def parse_record(raw: bytes) -> JSON | Problem:
    """Parse one JSON Lines record (without its LF) with `parse_json`'s guarantees, but one.

    Nesting depth is not limited here: a record deeper than MAX_DEPTH is
    returned as parsed.  The record schema admits no value that deep, so the
    records layer parses a record that fails the schema again with
    `parse_json`, which reports the depth.  Everything else is as strict:
    orjson already refuses NaN, Infinity, overflow, lone surrogates and
    invalid UTF-8; long digit runs (orjson could give floats) and repeated
    keys send the line to `parse_json`, which locates the problem.
    """
    value, _ = _fast(raw)
    if value is not _REFUSED:
        return value
    text = decode_utf8(raw)
    if isinstance(text, Problem):
        return text
    return unfinished(parse_json(text), text)


# A line that ends before its record does is a record cut short, or one written over
# several lines (an editor's pretty-printing, `cat record.json >> events.jsonl`).
UNFINISHED = ("; the line ends before its record does: an events file holds one whole "
              "record a line (JSON Lines), so a record is cut short or written over several "
              "lines (`python3 -m json.tool --compact` writes one on one line)")


def unfinished(found: JSON | Problem, line: str) -> JSON | Problem:
    """`found` (a line's parse), with UNFINISHED said when the line ended inside its value.

    JSON's own whitespace only is trailing (U+00A0 and the like are not JSON's), and
    'Extra data' is a value that ended before the line did.
    """
    if isinstance(found, Problem) and found.code == "json-syntax" \
            and not found.message.startswith("Extra data") \
            and found.column > len(line.rstrip(" \t\r\n")):
        return dataclasses.replace(found, message=found.message + UNFINISHED)
    return found


_REFUSED: Any = object()  # what `_fast` gives for bytes it leaves to `parse_json`


def _fast(raw: bytes, option: int = 0) -> tuple[JSON, bytes]:
    """The value orjson gives `raw` if it keeps every guarantee but depth, else _REFUSED.

    With the value comes its re-serialisation (orjson's `option`), which told it.
    """
    import orjson

    if _LONG_DIGITS in raw.translate(_SHAPE):
        return _REFUSED, b""
    try:
        value = orjson.loads(raw)
        dumped = orjson.dumps(value, option=option)
        if _keys_kept(raw, dumped):
            return value, dumped
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # dumps: deeper than 254
        pass
    return _REFUSED, b""


def parse_document(raw: bytes, text: str) -> JSON | Problem:
    """`parse_json(text)` of a whole JSON document (`raw`, its bytes), depth limit included.

    A descriptor takes `parse_json` some 140 µs, most of it the pure-Python
    decoder and the depth screen over its text; orjson, the checks of
    `parse_record` and a walk of the containers it gave take a third of that.
    Anything the fast path does not take goes to `parse_json`, which decides.
    """
    import orjson

    # Indented, the value's re-serialisation shows its depth too (see _too_deep).
    value, indented = _fast(raw, orjson.OPT_INDENT_2)
    return value if value is not _REFUSED and not _too_deep(indented) else parse_json(text)


def document(data: bytes) -> tuple[str, JSON] | Problem:
    """The text of a JSON file's bytes and its value (`parse_document`), or the first problem."""
    text = decode_utf8(data)
    if isinstance(text, Problem):
        return text
    value = parse_document(data, text)
    return value if isinstance(value, Problem) else (text, value)


_INDENT = 2  # orjson.OPT_INDENT_2
_DEEPEST = b"\n" + b" " * (_INDENT * MAX_DEPTH)  # a line in a container MAX_DEPTH deep
# At that indentation, a line that ends with a bracket (or one and a comma) is an empty
# container: one level more (a closing bracket would have its container's lines deeper).
_EMPTY_THERE = re.compile(rb"\n {%d}[^ \n][^\n]*[\]}],?\n" % (_INDENT * MAX_DEPTH))


def _too_deep(indented: bytes) -> bool:
    """Whether a value nests deeper than MAX_DEPTH, as `strict_json` counts: `[]` is 1.

    Read from orjson's indented form of it (`indented`: OPT_INDENT_2), where a
    value in a container `d` deep stands on a line indented 2d (strings escape
    their line breaks): a walk of a descriptor's containers took 25 µs, this 6.
    Deeper than the limit is a line indented more than 2 * MAX_DEPTH, or an
    empty container at it.
    """
    if _DEEPEST not in indented:
        return False
    return _DEEPEST + b"  " in indented or _EMPTY_THERE.search(indented) is not None


def _keys_kept(raw: bytes, dumped: bytes) -> bool:
    """Whether the parser kept every key of `raw` (`dumped` is its value re-serialised)."""
    return not escaped_colon(raw) and colons_agree(raw, dumped)


def colons_agree(raw: bytes, dumped: bytes) -> bool:
    """For `raw` without an escaped colon: whether no repeated key was dropped.

    A colon outside a string is a key's; inside strings, colons are copied as
    they are, unless escaped (backslash, u003a).  So without escaped colons, the
    colon counts of the line and of its re-serialised value are equal exactly
    when no repeated key was dropped: each dropped key takes its colon with it.
    """
    return raw.count(b":") == dumped.count(b":")
