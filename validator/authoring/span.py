"""Find a quote in an article and give the evidence span that cites it.

Counting offsets by hand is where coders slip: `text.index(quote)` takes the
first of several occurrences without a word, editors count UTF-16 units or
bytes, and a curly apostrophe typed straight matches nothing.  This finds
every occurrence, in code points as the schema counts them, and when there
is none it says why: the quote is not NFC, its quote marks or dashes differ,
or it names the closest passage and where the two first differ.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from validator.checks.evidence import TYPED
from validator.escaping import escape
from validator.findings import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator

CONTEXT_CHARS = 40  # of article text either side of an occurrence, when listing them
# At most this many occurrences are found, and --occurrence counts no further: 'a' * 20,000
# stands some 20,000 times in 'a' * 40,000, and finding and listing every one took 15 s,
# 2.8 GB and a 400 MB message.  A passage that occurs this often cites nothing in particular.
MAX_OCCURRENCES = 1_000
# A message lists this many of them ("and N others" after), and shows a long quote cut to
# QUOTE_SHOWN characters: one that repeats is short, and a long list hides the choice.
MAX_LISTED = 10
QUOTE_SHOWN = 60
# No closest passage is looked for past these.  rapidfuzz's partial ratio compares the
# quote, 64 characters at a time, with each window of the article: its time goes as the
# article's length times the square of the quote's in words of 64 (an 8,000-character
# quote took 35 s in a 1.5 MB article; at most 0.6 s at the budget, on text that repeats,
# measured).  And finding where its alignment starts compares up to the quote's length
# squared characters in Python.  A quote is a sentence or two, an article some thousands
# of characters: 300 characters in 40,000 take 4% of the budget.
MAX_HINTED_QUOTE = 1_000
HINT_BUDGET = 5_000_000  # characters of article times (words of 64 characters of quote) squared


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a quote stands in an article: offsets in code points, and text around it."""

    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Near:
    """The passage closest to a quote that is not in the article, and why they differ."""

    start: int
    end: int
    passage: str
    reason: str


def occurrences(text: str, quote: str, limit: int = MAX_OCCURRENCES) -> list[Occurrence]:
    """The first `limit` places `quote` stands in `text`, overlapping ones included."""
    found = []
    for at in itertools.islice(_starts(text, quote), limit):
        end = at + len(quote)
        found.append(Occurrence(at, end, text[max(at - CONTEXT_CHARS, 0):at],
                                text[end:end + CONTEXT_CHARS]))
    return found


def _starts(text: str, quote: str) -> Iterator[int]:
    """Where `quote` starts in `text`, in order, in time linear in the text.

    Searching again one character on costs a quote's length for each occurrence:
    the article's length squared for a quote that repeats with overlaps.  But two
    occurrences next to each other at most half the quote apart stand its shortest
    period p apart (Fine and Wilf's theorem), and so do any two next to each other
    at most len(quote) - p apart.  Once two show p, the next occurrence is p on,
    where the text goes on repeating the quote's last p characters, or else more
    than len(quote) - p on: each search then skips half a quote or more.
    """
    size = len(quote)
    period, tail = 0, ""  # the quote's shortest period and last `period` characters, once known
    at = text.find(quote)
    while at >= 0:
        yield at
        if period and text.startswith(tail, at + size):
            at += period
            continue
        after = text.find(quote, at + (size - period if period else 0) + 1)
        if not period and 0 < after - at <= size // 2:
            period = after - at
            tail = quote[size - period:]
        at = after


def _in_context(found: Occurrence, quote: str) -> str:
    """The occurrence with the text around it, the quote in brackets: '…met [Payne]. Later…'."""
    before = ("…" if len(found.before) == CONTEXT_CHARS else "") + found.before
    after = found.after + ("…" if len(found.after) == CONTEXT_CHARS else "")
    half = QUOTE_SHOWN // 2  # see QUOTE_SHOWN
    shown = quote if len(quote) <= QUOTE_SHOWN else f"{quote[:half]}…{quote[1 - half:]}"
    return escape(f"{before}[{shown}]{after}", 2 * CONTEXT_CHARS + len(shown) + 4)


def check_inputs(text: str, quote: str) -> None:
    """Refuse, with a reason, what no span can cite: raises `UsageError`."""
    if not unicodedata.is_normalized("NFC", text):
        raise UsageError("the article is not NFC, so offsets into it are ambiguous; "
                         "normalise it first (unicodedata.normalize('NFC', text))")
    if not quote:
        raise UsageError("the quote is empty")
    if "\n" in quote or "\r" in quote:
        raise UsageError("the quote holds a line break; cite a passage within one paragraph")
    if len(quote) > len(text):
        raise UsageError(f"the quote ({len(quote)} characters) is longer than the article "
                         f"({len(text)} characters)")


def nearest(text: str, quote: str) -> Near | None:
    """Why `quote` is not in `text`: the closest passage and where it first differs.

    NFC and typed quote marks or dashes are named as such; otherwise the best
    alignment (rapidfuzz's partial ratio, in C) of at least 60% similarity, if
    `hinted` says the two are short enough to look for one.
    """
    normal = unicodedata.normalize("NFC", quote)
    if normal != quote and (at := text.find(normal)) >= 0:
        return Near(at, at + len(normal), normal, "the quote is not NFC; its NFC form is here")
    typed = text.translate(TYPED)
    at = typed.find(quote.translate(TYPED))
    if at >= 0:  # translation maps one character to one: offsets carry over
        passage = text[at:at + len(quote)]
        index = next(i for i, (a, b) in enumerate(zip(quote, passage, strict=True)) if a != b)
        return Near(at, at + len(quote), passage,
                    f"the article writes {escape(passage[index])} where the quote has "
                    f"{escape(quote[index])} (quote marks, dashes or spaces differ)")
    if not hinted(text, quote):
        return None
    from rapidfuzz import fuzz

    # The cutoff lets it skip windows that cannot reach it: several times faster.
    best = fuzz.partial_ratio_alignment(quote, text, score_cutoff=60)
    if best is None:
        return None
    # The alignment may start a little off: start where the longest run of the
    # quote's first characters matches, near it, so the first difference is real.
    window = range(max(best.dest_start - len(quote) // 4, 0),
                   min(best.dest_start + len(quote) // 4, len(text)) + 1)
    start = max(window, key=lambda s: (_common_prefix(quote, text[s:s + len(quote)]),
                                       -abs(s - best.dest_start)))
    passage = text[start:start + len(quote)]
    index = _common_prefix(quote, passage)
    return Near(start, start + len(passage), passage,
                f"{round(best.score)}% alike; they first differ at character {index + 1} "
                f"of the quote: {escape(quote[index:index + 20])} against "
                f"{escape(passage[index:index + 20])}")


def hinted(text: str, quote: str) -> bool:
    """Whether `nearest` looks for a passage like `quote` (see MAX_HINTED_QUOTE)."""
    words = -(-len(quote) // 64)
    return len(quote) <= MAX_HINTED_QUOTE and len(text) * words * words <= HINT_BUDGET


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


def evidence(source: str, text: str, quote: str, occurrence: int | None = None,
             supports: str | None = None) -> dict[str, object]:
    """The evidence span citing `quote` in `text`, ready to paste into a record.

    Raises `UsageError` when the quote cannot be cited as given: not found
    (with the closest passage), found more than once without `occurrence`
    (1-based, in text order, among the first MAX_OCCURRENCES), or inputs no
    span can cite.
    """
    check_inputs(text, quote)
    if occurrence is not None and occurrence < 1:  # 0 was read as 1
        raise UsageError(f"--occurrence {occurrence}: occurrences are counted from 1")
    found = occurrences(text, quote, MAX_OCCURRENCES + 1)  # one more, to know there are more
    if not found:
        near = nearest(text, quote)
        where = (f"; closest passage at start={near.start}, end={near.end}: "
                 f"{escape(near.passage, 80)} ({near.reason})") if near else ""
        if near is None and not hinted(text, quote):
            where = (f"; no closest passage was looked for, as the quote ({len(quote)} "
                     f"characters) or the article ({len(text)}) is long")
        raise UsageError(f"the quote is not in the article{where}")
    if occurrence is None and len(found) > 1:
        listed = "; ".join(f"{n}: start={o.start} {_in_context(o, quote)}"
                           for n, o in enumerate(found[:MAX_LISTED], 1))
        if len(found) > MAX_OCCURRENCES:
            raise UsageError(f"the quote occurs more than {MAX_OCCURRENCES} times; choose one "
                             f"of the first {MAX_OCCURRENCES} with --occurrence N, or quote "
                             f"more of the passage: {listed}; and more than "
                             f"{MAX_OCCURRENCES - MAX_LISTED} others")
        others = f"; and {len(found) - MAX_LISTED} others" if len(found) > MAX_LISTED else ""
        raise UsageError(f"the quote occurs {len(found)} times; choose one with "
                         f"--occurrence N: {listed}{others}")
    index = (occurrence or 1) - 1  # None: the only one
    if index >= MAX_OCCURRENCES and len(found) > MAX_OCCURRENCES:  # see MAX_OCCURRENCES
        raise UsageError(f"--occurrence {occurrence}: only the first {MAX_OCCURRENCES} "
                         "occurrences of a quote are counted; quote more of the passage")
    if not 0 <= index < len(found):
        raise UsageError(f"--occurrence {occurrence}: the quote occurs {len(found)} "
                         f"time{'s' * (len(found) != 1)}")
    chosen = found[index]
    span: dict[str, object] = {"source": source, "start": chosen.start, "end": chosen.end,
                               "text": quote}
    if supports is not None:
        span["supports"] = supports
    return span
