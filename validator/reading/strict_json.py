"""Parse JSON strictly: every refusal a located `Problem`, never an exception.

Stricter than `json.loads`: no NaN or Infinity, no repeated keys, no lone
surrogates, integers of at most MAX_INT_DIGITS digits, no overflow to
infinity, and nesting of at most MAX_DEPTH.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from validator.escaping import escape
from validator.findings import Problem
from validator.reading.limits import MAX_DEPTH, MAX_INT_DIGITS
from validator.reading.text import position

JSON = Any


class _StrictJSONError(ValueError):
    """A value the decoder read but the rules refuse: `token` (a literal) or `key` locates it."""

    def __init__(self, code: str, message: str, token: str | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.token, self.key = code, message, token, key


def _pairs(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
    result = dict(pairs)
    if len(result) != len(pairs):  # cheap: only a repeated key shortens the dict
        seen: set[str] = set()
        repeated = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _StrictJSONError("json-duplicate-key", f"key {escape(repeated)} appears twice",
                               key=repeated)
    return result


def _constant(name: str) -> JSON:
    raise _StrictJSONError("json-number-invalid", f"{name} is not a JSON number", name)


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _StrictJSONError("json-number-invalid",
                               f"integer with {len(digits.lstrip('-'))} digits exceeds the "
                               f"limit of {MAX_INT_DIGITS}", digits)
    return int(digits)


def _float(literal: str) -> float:
    value = float(literal)
    if value in {float("inf"), float("-inf")}:
        raise _StrictJSONError("json-number-invalid",
                               f"number {escape(literal, 30)} overflows a double", literal)
    return value


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant,
                            parse_int=_integer, parse_float=_float)

# The decoder gives no positions for what its hooks refuse, so these scans find
# them again.  Each scan matches a string that never closes to the end of the
# text (`"?`, and DOTALL), so that it reads each character once: a pattern
# that required the closing quote would fail there and restart at every later
# quote, reading the rest of the text again each time (a 200 KB line of `\"`
# took minutes).  On well-formed JSON every string closes and the matches are
# the same.  Strings or bare tokens, to find a refused literal such as NaN:
_STRING = r'"(?:[^"\\]|\\.)*"?'
_TOKENS = re.compile(_STRING + r'|[^\s"{}\[\],:]+', re.DOTALL)
# Keys (a string before a colon), other strings and brackets, to find a repeated key.
# A key must close: a string that does not fails the first branch (one read to
# its end) and the second takes it to the end.
_KEYS = re.compile(r'("(?:[^"\\]|\\.)*")\s*:|' + _STRING + r"|[{}\[\]]", re.DOTALL)
# Strings and brackets, for the depth of nesting.
_BRACKETS = re.compile(_STRING + r"|[\[\]{}]", re.DOTALL)
# The same strings, the loop unrolled (runs of plain characters matched at once), to
# drop them from a text in one C pass; and the brackets left, each one level up or down.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_LEVEL = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}|\\u[dD][c-fC-F][0-9a-fA-F]{2}")
# Every escape in turn (only strings hold backslashes): a high surrogate with the
# low one after it if any, a low one alone, or any other escape.
_ESCAPES_IN_STRINGS = re.compile(r"(\\u[dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
                                 r"|(\\u[dD][c-fC-F][0-9a-fA-F]{2})|\\.", re.DOTALL)


def _depth(text: str) -> tuple[int, int]:
    """The deepest nesting and the offset where it is first exceeded (strings skipped).

    Linear in the text: a string that never closes runs to its end (see `_STRING`).
    """
    depth = deepest = 0
    at = -1
    for match in _BRACKETS.finditer(text):  # one pass: see _STRING
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > MAX_DEPTH and at < 0:
                    at = match.start()
        elif char in "]}":
            depth -= 1
    return deepest, at


def _deepest(text: str) -> int:
    """`_depth`'s deepest nesting, without a Python step per string.

    A descriptor has hundreds: the strings dropped, the levels of the brackets left summed up.
    """
    levels = map(_LEVEL.__getitem__, _BRACKET.findall(_STRINGS.sub("", text)))
    return max(0, max(accumulate(levels), default=0))


AROUND = 30  # characters of the line shown on each side of a syntax error


def _around(text: str, at: int) -> str:
    """The line around offset `at`, a caret (‸) where the parser stopped: '…"id": "broken"‸'."""
    start = max(text.rfind("\n", 0, at) + 1, at - AROUND)
    end = text.find("\n", at)
    end = min(len(text) if end < 0 else end, at + AROUND)
    return (("…" if start > 0 and text[start - 1] != "\n" else "") + text[start:at] + "‸"
            + text[at:end] + ("…" if end < len(text) and text[end] != "\n" else ""))


def too_deep(text: str) -> Problem | None:
    """The problem of a JSON text nested deeper than MAX_DEPTH, or None."""
    # str.count is fast, so the exact scan runs only on texts that could be deep.
    if text.count("[") + text.count("{") <= MAX_DEPTH or _deepest(text) <= MAX_DEPTH:
        return None
    _, at = _depth(text)  # where, for the finding
    line, column = position(text, at)
    return Problem("json-too-deep", f"nesting deeper than {MAX_DEPTH} levels", line, column)


def parse_json(text: str) -> JSON | Problem:
    """Parse one JSON text strictly, or return the first problem with its position.

    Stricter than `json.loads`: no NaN or Infinity, no repeated keys, no lone
    surrogates, integers of at most MAX_INT_DIGITS digits, no overflow to
    infinity, and nesting of at most MAX_DEPTH checked before parsing.
    """
    deep = too_deep(text)
    if deep is not None:
        return deep
    try:
        value = _DECODER.decode(text)
    except _StrictJSONError as error:
        offset = _repeated_key(text, error.key) if error.key is not None \
            else _literal(text, error.token)
        line, column = position(text, offset)
        return Problem(error.code, error.message, line, column)
    except json.JSONDecodeError as error:
        return Problem("json-syntax", f"{error.msg}: {escape(_around(text, error.pos), 80)}",
                       error.lineno, error.colno)
    except (ValueError, RecursionError) as error:  # e.g. int() beyond its digit limit
        return Problem("json-syntax", str(error)[:200], 1, 1)
    if _SURROGATE_ESCAPE.search(text) and (lone := _lone_surrogate(text)) is not None:
        line, column = position(text, lone)
        return Problem("json-lone-surrogate", "a string holds a lone UTF-16 surrogate",
                       line, column)
    return value


def _literal(text: str, token: str | None) -> int:
    """Offset of the first `token` outside strings (0 if none)."""
    return next((m.start() for m in _TOKENS.finditer(text) if m.group() == token), 0)


def _repeated_key(text: str, key: str) -> int:
    """Offset of `key` where it comes a second time in one object (0 if nowhere)."""
    seen: list[bool | None] = []  # per open bracket: an object's "key met", or None
    for match in _KEYS.finditer(text):
        name, piece = match.group(1), match.group()
        if piece == "{":
            seen.append(False)
        elif piece == "[":
            seen.append(None)
        elif piece in {"}", "]"}:
            if seen:
                seen.pop()
        elif name is not None and seen and json.loads(name) == key:
            if seen[-1]:
                return match.start()
            seen[-1] = True
    return 0


def _lone_surrogate(text: str) -> int | None:
    """Offset of the first escape of a surrogate without its pair, in a JSON text.

    The decoder keeps such halves as they are; the text tells both whether one
    is there and where, so the parsed value need not be walked for it.
    """
    return next((m.start() for m in _ESCAPES_IN_STRINGS.finditer(text)
                 if (m.group(1) and not m.group(2)) or m.group(3)), None)


