"""Evidence: every span quotes its article exactly, and the articles are clean text."""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.checks.suggest import MAX_CHOICES, closest
from validator.checks.walk import dates, spans
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join, pointer, resolve, tokens
from validator.reading.text import position, position_in

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import Path, RecordView

JSON = Any


# A file gives up to some 1,100 findings, and each wrong span's hints and line
# read its article: a 48 MB article and 1,000 wrong spans encoded it 2,000
# times and counted its lines 1,000 times (minutes).  So an article's
# encodings and line starts are made once (for the last two articles), and the
# quote is looked for within SEARCH_WINDOW characters of its span only.
SEARCH_WINDOW = 100_000


# Characters a keyboard types for the typographic ones news text uses (a quote typed
# by hand has them straight; `textevents span` finds a quote across them too).
TYPED = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                       "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                       "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})


def _typed_hint(quote: str, actual: str, at: int) -> str | None:
    """Where the first difference is a typographic character typed plain, say which."""
    if at >= min(len(quote), len(actual)):
        return None
    mine, theirs = quote[at], actual[at]
    if mine.translate(TYPED) != theirs.translate(TYPED):
        return None
    return (f"the text has U+{ord(theirs):04X} {unicodedata.name(theirs, '')} where the quote "
            f"has U+{ord(mine):04X}: copy the article's character")


@functools.lru_cache(maxsize=2)
def _encoded(text: str) -> tuple[bytes, bytes]:
    """The text in UTF-16-LE and in UTF-8, made once for all its spans."""
    return text.encode("utf-16-le"), text.encode("utf-8")


def _position(text: str, offset: int) -> tuple[int, int]:
    """`validator.reading.text.position`; by bisection in the line starts of a long text."""
    return position(text, offset) if len(text) < SEARCH_WINDOW else position_in(text, offset)


def _hints(text: str, quote: str, start: int, end: int) -> tuple[list[str], str]:
    """Likely causes of a quote that differs from the cited span, and the key to fix.

    The key is the span's field the finding points at: `end` when the quote
    stands at the span's start (only its length differs), `start` when it
    stands elsewhere (the nearest place is named) or the offsets count other
    units, `text` when it is nowhere near (the quote itself is likely mistyped).
    """
    hints = []
    encoded16, encoded8 = _encoded(text)
    if encoded16[start * 2:end * 2].decode("utf-16-le", "replace") == quote:
        hints.append("the offsets match if counted in UTF-16 code units")
    if encoded8[start:end].decode("utf-8", "replace") == quote:
        hints.append("the offsets match if counted in UTF-8 bytes")
    # At its start: only the end is off, or the quote is cut short or runs on.
    if not hints and text.startswith(quote, start):
        off = end - start - len(quote)  # > 0: the span runs past the quote
        how = "late, or the quote is cut short" if off > 0 else "early, or the quote runs on"
        hint = (f"the quote is at start={start}, end={start + len(quote)}: the span ends "
                f"{abs(off)} character{'s' * (abs(off) != 1)} {how}")
        return [hint], "end"
    low, high = max(start - SEARCH_WINDOW, 0), end + SEARCH_WINDOW
    after = text.find(quote, start, high)
    before = text.rfind(quote, low, start + len(quote) - 1)
    nearest = min((at for at in (before, after) if at >= 0), key=lambda at: abs(at - start),
                  default=-1)
    if nearest >= 0:
        again = (before >= 0 and after >= 0) or text.find(quote, nearest + 1, high) >= 0 \
            or text.rfind(quote, low, nearest + len(quote) - 1) >= 0
        hints.append(f"the quote is at start={nearest}, end={nearest + len(quote)} (shifted "
                     f"by {nearest - start:+d})" + (" and elsewhere too" if again else ""))
        return hints, "start"
    if hints:  # offsets in other units: the quote is right, the offsets are not
        return hints, "start"
    if unicodedata.normalize("NFC", quote) != quote:
        hints.append("the quote is not NFC")
    return hints, "text"


def span_problems(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Offsets inside the text, and the quote equal to the text between them."""
    for ptr, span in spans(record):
        article = (context.sources or {}).get(span["source"])
        if article is None or article.text is None:
            continue  # an unknown source or unreadable text is reported elsewhere
        # int(): JSON Schema's integer admits 636.0, which cannot index a str.
        text, quote = article.text, span["text"]
        start, end = int(span["start"]), int(span["end"])
        if not 0 <= start < end <= len(text):
            yield Problem("span-out-of-range",
                          f"span {start}..{end} is outside {article.path} "
                          f"({len(text)} characters)", pointer=join(ptr, "end"
                          if end > len(text) else "start"))
            continue
        actual = text[start:end]
        if actual != quote:
            line, column = _position(text, start)
            hints, key = _hints(text, quote, start, end)
            at = _first_difference(quote, actual)
            # Only where the quote is nowhere: a quote found elsewhere is right as it is.
            if key == "text" and (typed := _typed_hint(quote, actual, at)) is not None:
                hints.append(typed)
            yield Problem("span-text-mismatch",
                          f"quote differs from {article.path}:{line}:{column} at its character "
                          f"{at + 1}: the quote has {escape(_around(quote, at))}, the text "
                          f"{escape(_around(actual, at))}"
                          + (f"; {'; '.join(hints)}" if hints else ""),
                          pointer=join(ptr, key))


def _first_difference(a: str, b: str) -> int:
    """Where two strings first differ (the shorter one's length if one begins the other)."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


def _around(text: str, at: int) -> str:
    """Ten characters before `at` and forty from it, with '…' where `text` goes on."""
    start = max(at - 10, 0)
    return ("…" if start else "") + text[start:at + 40] + ("…" if at + 40 < len(text) else "")


def supports_pointers(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A span's supports pointer must resolve inside the record."""
    for ptr, span in spans(record):
        target = span.get("supports")
        if target is None:
            continue
        try:
            resolve(record, target)
        except LookupError:
            yield Problem("span-pointer-unresolved",
                          f"supports {escape(target)} does not resolve in the record"
                          f"{_closest_pointer(record, target)}", pointer=join(ptr, "supports"))


def _closest_pointer(record: JSON, target: str) -> str:
    """'; did you mean P?' for a pointer P that resolves, one key away from `target` (or '')."""
    try:
        parts = tokens(target)
    except LookupError:
        return ""
    # The first token that fails, and the value it fails in (a short walk: slow path only).
    depth = next((d for d in range(len(parts)) if not _resolves(record, parts[:d + 1])), None)
    if depth is None:  # it resolves
        return ""
    within = resolve(record, pointer(*parts[:depth]))
    near = closest(parts[depth], frozenset(within)) \
        if isinstance(within, dict) and len(within) <= MAX_CHOICES else None  # see MAX_CHOICES
    if near is None:
        return ""
    fixed = (*parts[:depth], near, *parts[depth + 1:])
    return f"; did you mean {escape(pointer(*fixed))}?" if _resolves(record, fixed) else ""


def _resolves(record: JSON, parts: tuple[str, ...]) -> bool:
    try:
        resolve(record, pointer(*parts))
    except LookupError:
        return False
    return True


def _quotes_exact(view: RecordView, context: DatasetContext) -> bool:
    sources = context.sources
    if not sources:
        return True
    try:
        for span in view.spans:
            article = sources.get(span["source"])
            # The schema makes start >= 0 and the quote non-empty, so an equal
            # slice also means start < end; the end may still run past the text.
            if article is not None and (text := article.text) is not None and (
                    text[span["start"]:span["end"]] != span["text"] or span["end"] > len(text)):
                return False
    except TypeError:  # an offset such as 636.0: the full check decides
        return False
    return True


def _pointers_resolve(view: RecordView, context: DatasetContext) -> bool:
    record = view.record
    try:
        for span in view.spans:
            if "supports" in span:
                resolve(record, span["supports"])
    except LookupError:
        return False
    return True


# The deepest place of a date (a meeting's or a response's: part, list, item, "date"): a
# span is cited for a place below a date's only if it names one at most this deep first.
_DATE_DEPTH = 4


class _Citations:
    """The places that the spans quoting one text are cited for, read as dates ask for them.

    A span with no `supports` pointer is cited for the part of the record
    that holds its evidence list (the record, a meeting, a response); a
    pointer that is not one cites nothing (span-pointer-unresolved says so).
    Each span is read once, and only until some span covers the date asked
    about: the places read so far are kept, with the places that hold them.
    """

    def __init__(self, quoting: Iterator[tuple[Path, JSON]]) -> None:
        self.quoting = quoting
        self.at: set[tuple[str, ...]] = set()
        self.below: set[tuple[str, ...]] = set()  # places that hold a place in `at`

    def cover(self, place: tuple[str, ...]) -> bool:
        """Whether a span is cited for `place`, a part of it or a part that holds it."""
        if place in self.below or any(place[:end] in self.at for end in range(len(place) + 1)):
            return True
        for path, span in self.quoting:
            target = span.get("supports")
            try:
                cited = tokens(target) if target is not None else \
                    tuple(str(step) for step in path[:-2])
            except LookupError:
                continue
            self.at.add(cited)
            self.below.update(cited[:end] for end in range(min(len(cited), _DATE_DEPTH + 1)))
            shorter = min(len(cited), len(place))
            if cited[:shorter] == place[:shorter]:  # one holds the other
                return True
        return False


def date_citations(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A date's text is part of a span cited for the date, the part holding it, or the record."""
    held: list[tuple[Path, JSON]] | None = None
    # The places of the spans that quote a date's text, once a text: a visit of thousands
    # of meetings, each dated "Monday" and citing its own span, had each date read every
    # span (4,000 meetings: seconds); the spans' quotes are still read once a text.
    cited: dict[str, _Citations] = {}
    for ptr, date in dates(record):
        text = date.get("text")
        if not text:
            continue
        if held is None:
            held = list(spans(record))
        if text not in cited:
            cited[text] = _Citations((path, span) for path, span in held
                                     if text in span["text"])
        if not cited[text].cover(tuple(str(step) for step in ptr)):
            yield Problem("date-text-uncited",
                          f"date text {escape(text)} is in no span cited for {pointer(*ptr)}, "
                          "the part of the record holding it, or the record; cite the words "
                          "that give the date", pointer=join(ptr, "text"))


def _dates_cited(view: RecordView, context: DatasetContext) -> bool:
    # Said without paths or tokens: each date's text is looked for in the spans, and a span
    # that holds it is cited for a pointer (its own, or that of the part holding its
    # evidence list), compared with the date's place as strings.  No key of a place holds
    # `~` or `/`, so an escaped token matches none of them, written or unescaped: a pointer
    # holds the place, or is held by it, exactly when its string does (up to a `/`).
    record = view.record
    visit, allegation = record.get("diplomatic_visit"), record.get("arms_allegation")
    meetings = (visit.get("meetings") or ()) if visit else ()
    responses = (allegation.get("responses") or ()) if allegation else ()
    if len(meetings) + len(responses) > _FEW_HOLDERS:
        return False  # each date here reads every span: the check's index decides
    if (text := record["date"].get("text")) and not _cited_at(record, "/date", text):
        return False
    for index, meeting in enumerate(meetings):
        if "date" in meeting and (text := meeting["date"].get("text")) and not _cited_at(
                record, f"/diplomatic_visit/meetings/{index}/date", text):
            return False
    if allegation:
        for key in _ALLEGATION_DATES:
            if key in allegation and (text := allegation[key].get("text")) and not _cited_at(
                    record, f"/arms_allegation/{key}", text):
                return False
    for index, response in enumerate(responses):
        if "date" in response and (text := response["date"].get("text")) and not _cited_at(
                record, f"/arms_allegation/responses/{index}/date", text):
            return False
    return True


_ALLEGATION_DATES = ("transfer_date", "use_date")  # use_date: schema 1.1.0


def _cited_at(record: JSON, place: str, text: str) -> bool:
    """Whether a span that holds `text` is cited for `place` (see `_dates_cited`)."""
    for span in record["evidence"]:
        if text in span["text"]:
            target = span.get("supports")
            if not target or target == place \
                    or place.startswith(target + "/") or target.startswith(place + "/"):
                return True  # unpointed: cited for the record, which holds every place
    for holder, evidence in _held_evidence(record):
        for span in evidence:
            if text in span["text"]:
                target = span.get("supports")
                target = holder if target is None else target
                # A target that is no pointer ("date") matches no place: it cites nothing.
                if not target or target == place or place.startswith(target + "/") \
                        or target.startswith(place + "/"):
                    return True
    return False


_FEW_HOLDERS = 16  # meetings and responses the screen takes on (real records: a few)


def _held_evidence(record: JSON) -> Iterator[tuple[str, list[JSON]]]:
    """(pointer of the part, its evidence) of each meeting and response, as `walk.spans` goes."""
    visit = record.get("diplomatic_visit")
    if visit:
        for index, meeting in enumerate(visit.get("meetings") or ()):
            if "evidence" in meeting:
                yield f"/diplomatic_visit/meetings/{index}", meeting["evidence"]
    allegation = record.get("arms_allegation")
    if allegation:
        for index, response in enumerate(allegation.get("responses") or ()):
            if "evidence" in response:
                yield f"/arms_allegation/responses/{index}", response["evidence"]


CHECKS = (RecordCheck(span_problems, _quotes_exact,
                      codes=frozenset({"span-out-of-range", "span-text-mismatch"})),
          RecordCheck(supports_pointers, _pointers_resolve,
                      codes=frozenset({"span-pointer-unresolved"})),
          RecordCheck(date_citations, _dates_cited, codes=frozenset({"date-text-uncited"})))
