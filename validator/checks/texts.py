"""Article texts: the layer that span offsets count in must be unambiguous."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from validator.findings import Problem
from validator.reading.text import position

if TYPE_CHECKING:
    from collections.abc import Iterator


def text_problems(text: str) -> Iterator[Problem]:
    """An article text must be NFC with LF line ends (offsets depend on both)."""
    carriage = text.find("\r")
    if carriage >= 0:
        line, column = position(text, carriage)
        yield Problem("text-line-ending", f"carriage return at offset {carriage}; "
                      "use LF line ends only", line, column)
    if not unicodedata.is_normalized("NFC", text):
        # Scan pairs of characters: the first pair that is not NFC on its own
        # locates the change well enough to find it in an editor.
        offset = next((i for i in range(len(text))
                       if not unicodedata.is_normalized("NFC", text[max(i - 1, 0):i + 1])),
                      0)
        line, column = position(text, max(offset - 1, 0))
        yield Problem("text-not-nfc", f"text is not NFC (near offset {max(offset - 1, 0)}); "
                      "normalise it and recount offsets", line, column)
