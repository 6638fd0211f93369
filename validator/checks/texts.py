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
        # The first pair of characters that is not NFC on its own locates the
        # change well enough to find it in an editor.
        offset = first_pair_not_nfc(text)
        line, column = position(text, max(offset - 1, 0))
        yield Problem("text-not-nfc", f"text is not NFC (near offset {max(offset - 1, 0)}); "
                      "normalise it and recount offsets", line, column)


_WINDOW = 64  # characters: where the halving stops and pairs are tried one by one


def first_pair_not_nfc(text: str) -> int:
    """The first `i` where `text[max(i - 1, 0):i + 1]` is not NFC, for a text that is not.

    Halving, not a scan: a part of the text that is NFC holds no pair that
    is not, so `unicodedata.is_normalized` on the first half of what is left
    (and the character before it, for the pair across) says which half to
    keep.  The halves shrink, so this reads the text about twice, where
    trying each pair took 17 s on 48 MB.  The last 64 characters are tried
    pair by pair.  If none of them is a pair that is not NFC (the change
    needs more context, as in `a\u0316\u0308`, which NFC makes `\u00e4\u0316`),
    the end of the first run of them that is not NFC is given: where trying
    every pair gave a later pair, or 0.
    """
    lo, hi = 0, len(text)  # no pair that is not NFC ends before lo
    while hi - lo > _WINDOW:
        mid = (lo + hi) // 2
        if unicodedata.is_normalized("NFC", text[max(lo - 1, 0):mid]):
            lo = mid
        else:
            hi = mid
    pairs = (i for i in range(lo, hi)
             if not unicodedata.is_normalized("NFC", text[max(i - 1, 0):i + 1]))
    start = max(lo - 1, 0)
    runs = (i for i in range(lo, hi) if not unicodedata.is_normalized("NFC", text[start:i + 1]))
    found = next(pairs, None)
    return found if found is not None else next(runs, lo)
