"""Find a quote in an article and give the evidence span that cites it.

Counting offsets by hand is where coders slip: `text.index(quote)` takes the
first of several occurrences without a word, editors count UTF-16 units or
bytes, and a curly apostrophe typed straight matches nothing.  This finds
every occurrence, in code points as the schema counts them, and when there
is none it says why: the quote is not NFC, its quote marks or dashes differ,
or it names the closest passage and where the two first differ.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from validator.escaping import escape
from validator.findings import UsageError

CONTEXT_CHARS = 40  # of article text either side of an occurrence, when listing them
# Characters a keyboard types for the typographic ones news text uses.
_TYPED = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})


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


def occurrences(text: str, quote: str) -> list[Occurrence]:
    """Every place `quote` stands in `text`, overlapping ones included."""
    found = []
    at = text.find(quote)
    while at >= 0:
        end = at + len(quote)
        found.append(Occurrence(at, end, text[max(at - CONTEXT_CHARS, 0):at],
                                text[end:end + CONTEXT_CHARS]))
        at = text.find(quote, at + 1)
    return found


def _in_context(found: Occurrence, quote: str) -> str:
    """The occurrence with the text around it, the quote in brackets: '…met [Payne]. Later…'."""
    before = ("…" if len(found.before) == CONTEXT_CHARS else "") + found.before
    after = found.after + ("…" if len(found.after) == CONTEXT_CHARS else "")
    return escape(f"{before}[{quote}]{after}", 2 * CONTEXT_CHARS + len(quote) + 4)


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
    alignment (rapidfuzz's partial ratio, in C) of at least 60% similarity.
    """
    normal = unicodedata.normalize("NFC", quote)
    if normal != quote and (at := text.find(normal)) >= 0:
        return Near(at, at + len(normal), normal, "the quote is not NFC; its NFC form is here")
    typed = text.translate(_TYPED)
    at = typed.find(quote.translate(_TYPED))
    if at >= 0:  # translation maps one character to one: offsets carry over
        passage = text[at:at + len(quote)]
        index = next(i for i, (a, b) in enumerate(zip(quote, passage, strict=True)) if a != b)
        return Near(at, at + len(quote), passage,
                    f"the article writes {escape(passage[index])} where the quote has "
                    f"{escape(quote[index])} (quote marks, dashes or spaces differ)")
    from rapidfuzz import fuzz

    best = fuzz.partial_ratio_alignment(quote, text)
    if best is None or best.score < 60:
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


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


def evidence(source: str, text: str, quote: str, occurrence: int | None = None,
             supports: str | None = None) -> dict[str, object]:
    """The evidence span citing `quote` in `text`, ready to paste into a record.

    Raises `UsageError` when the quote cannot be cited as given: not found
    (with the closest passage), found more than once without `occurrence`
    (1-based, in text order), or inputs no span can cite.
    """
    check_inputs(text, quote)
    found = occurrences(text, quote)
    if not found:
        near = nearest(text, quote)
        where = (f"; closest passage at start={near.start}, end={near.end}: "
                 f"{escape(near.passage, 80)} ({near.reason})") if near else ""
        raise UsageError(f"the quote is not in the article{where}")
    if occurrence is None and len(found) > 1:
        listed = "; ".join(f"{n}: start={o.start} {_in_context(o, quote)}"
                           for n, o in enumerate(found, 1))
        raise UsageError(f"the quote occurs {len(found)} times; choose one with "
                         f"--occurrence N: {listed}")
    index = (occurrence or 1) - 1
    if not 0 <= index < len(found):
        raise UsageError(f"--occurrence {occurrence}: the quote occurs {len(found)} "
                         f"time{'s' * (len(found) != 1)}")
    chosen = found[index]
    span: dict[str, object] = {"source": source, "start": chosen.start, "end": chosen.end,
                               "text": quote}
    if supports is not None:
        span["supports"] = supports
    return span
