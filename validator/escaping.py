"""One place that makes values from a dataset safe to show: in a message, a name, a page.

A dataset is written by strangers, so any of its keys, values and file names
may hold control characters, bidi overrides or bytes that are not UTF-8.
Each function below writes such characters as visible escapes; they differ
only in which characters their sink must not receive.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

# C0 and C1 controls, the Arabic letter mark, zero-width characters and marks,
# line and paragraph separators, bidi embeddings, overrides and isolates, and
# the byte order mark: what could break a line of output, reorder it on
# screen, or start a terminal command.
_IN_LINE = "\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_MESSAGE = re.compile(f"[{_IN_LINE}\ud800-\udfff]")  # lone surrogates too
_NAME = re.compile(f"[{_IN_LINE}]")
# On the page, tabs and line ends are layout, and the zero-width space, joiners
# and marks stay: Thai, Persian and Arabic need them.
_PAGE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff]")


def _escapes(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def sub(text: str) -> str:
        return pattern.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return sub


_message_escapes = _escapes(_MESSAGE)
_name_escapes = _escapes(_NAME)
_page_escapes = _escapes(_PAGE)


def escape(value: object, limit: int = 60) -> str:
    """A value as a short, single-line, printable quotation for a message.

    Strings are quoted ('…'), other values written as JSON; either is cut to
    `limit` characters and its unsafe characters written as escapes.
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _message_escapes(text)
    return f"'{text}'" if isinstance(value, str) else text


def printable(name: str) -> str:
    r"""A file name safe to print: undecodable bytes as \xNN, control characters escaped.

    File names come from the file system, where they may be any bytes (Python
    keeps undecodable ones as lone surrogates) and may hold line breaks.
    """
    as_text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _name_escapes(as_text)


def visible(value: object) -> object:
    """A string for the HTML page, with the characters that could disguise it as escapes.

    Anything else (and markup the page made itself) is returned unchanged.
    """
    if not isinstance(value, str) or hasattr(value, "__html__"):
        return value
    return _page_escapes(value)
