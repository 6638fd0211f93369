"""One HTML page of a run: each article with the spans its records cite highlighted.

Whoever reviews a dataset reads evidence, not JSON.  This page shows each
dataset's article texts with every cited span marked, each record beside its
spans (what each one supports, and where it stands in the text), and the
run's findings on the record, span or file they concern.

The page is one self-contained file: no script, and nothing fetched (its
Content-Security-Policy forbids both).  Every value the template prints
passes `validator.escaping.visible`, which HTML-escapes it, so no dataset can
add markup to the page, and writes as escapes what HTML or a terminal must
not receive: the page is valid UTF-8 (a folder name that is not holds no
lone surrogate on it) and well formed, whatever the dataset holds.

Under each article, the page lists the sentences with visit or arms-transfer
wording that no span of any record cites (`validator.recall`), and marks them
in the text: what a reviewer may find missing.  They are not findings.

The page is drawn from the run's report: its findings, and what the run read
of each dataset (titles, article texts, the ranges spans cite, record counts).  Only the records it
draws are read again, with the run's safe readers and strict parser: every
record with a finding, and at most `SHOWN_RECORDS` clean ones a dataset, so
that a page of a large corpus stays readable.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from validator.checks.walk import spans
from validator.escaping import printable, visible
from validator.findings import RULES, Finding, Severity
from validator.findings import Problem as _Problem
from validator.ignoring import ignored_names
from validator.pointers import pointer, resolve
from validator.reading.fast_json import parse_record
from validator.reading.lines import blocks
from validator.reading.paths import open_regular_file
from validator.reading.text import position_in
from validator.recall import uncovered, word_lists

if TYPE_CHECKING:
    from collections.abc import Container, Iterator, Sequence

    from validator.results import ArticleSeen, DatasetSeen, Report, Sentence

    # The numbers of cards, spans and uncited sentences, each running on across the page.
    Numbers = tuple[itertools.count[int], itertools.count[int], itertools.count[int]]

JSON = Any
SHOWN_RECORDS: Final = 100  # clean records drawn per dataset; records with findings always are
VALUE_CHARS: Final = 120  # a supported value (or a piece's label) longer than this is cut short
# Spans a piece of text names in its title, counting the rest: k spans nested over a text
# cut it into 2k pieces, and naming all over each took k² labels (150 KB of records, a 57 MB
# page).  Labels are cut short for the same reason: a span's is on every piece it covers.
LISTED: Final = 5
@dataclass(frozen=True, slots=True)
class Span:
    """One evidence span of one record, as the page draws it."""

    number: int  # unique on the page: the anchor of its first piece of text
    record_id: str
    pointer: str  # where the record holds it
    source: str
    start: int | None  # None: not an offset into the text that can be drawn
    end: int | None
    quote: str
    supports: str | None
    supported: str | None  # the value it supports, shortened; None if that does not resolve
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """One record: what it says, its spans and its findings."""

    number: int
    line: int
    record_id: str
    event_type: str
    summary: str
    date: str
    spans: tuple[Span, ...]
    findings: tuple[Finding, ...]
    source_text: str  # the record, indented


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of article text and the spans that cover all of it."""

    text: str
    spans: tuple[int, ...]  # the numbers of the first LISTED spans that cover it
    labels: tuple[str, ...]  # each of those spans' record id and what it supports
    covering: int  # how many spans cover it: more than `spans` names, past LISTED
    opens: tuple[int, ...]  # the spans that start here
    flagged: bool  # a covering span has a finding
    missing: int | None = None  # the number of the uncovered sentence it is part of
    opens_missing: bool = False  # that sentence starts here


@dataclass(frozen=True, slots=True)
class Missing:
    """A sentence with visit or arms wording that no span cites (see validator.recall)."""

    number: int  # unique on the page: its anchor in the text
    start: int
    end: int
    line: int
    parts: tuple[tuple[str, bool], ...]  # its text, cut where a listed word starts or ends
    kinds: tuple[str, ...]  # the titles of the word lists it matched


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One article of the sources table, its text cut into pieces."""

    source: str
    path: str
    pieces: tuple[Piece, ...] | None  # None: its text could not be read
    missing: tuple[Missing, ...] = ()  # its sentences with visit or arms wording no span cites


@dataclass(frozen=True, slots=True)
class DatasetPage:
    """What the page shows of one dataset."""

    name: str
    title: str
    findings: tuple[Finding, ...]  # those not shown on a record
    articles: tuple[ArticleView, ...]
    cards: tuple[Card, ...]
    anchored: frozenset[int]  # the spans drawn in an article text
    records: int  # records in its events file (lines that hold a JSON object)
    errors: int
    warnings: int
    missing: int = 0  # sentences of its articles with visit or arms wording that no span cites


def pieces(text: str, ranges: Sequence[tuple[int, int]], keep: int = LISTED,
           ) -> Iterator[tuple[int, int, int, list[int]]]:
    """(start, end, how many ranges cover it, the `keep` lowest of their indexes) of each piece.

    The pieces follow each other and make up the whole text, cut where a range
    starts or ends; a range that is empty or reaches outside the text covers
    nothing.  Only `keep` name a piece (see LISTED), drawn from a heap of the covering
    ranges (ended ones dropped at its top): (pieces + ranges) log ranges, however they nest.
    """
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(ranges):
        if 0 <= start < end <= len(text):
            opening.setdefault(start, []).append(index)
            closing.setdefault(end, []).append(index)
    cuts = sorted({0, len(text), *opening, *closing})
    heap: list[int] = []
    ended, covering = bytearray(len(ranges)), 0
    for start, end in itertools.pairwise(cuts):
        for index in closing.get(start, ()):
            ended[index] = 1
        for index in opening.get(start, ()):
            heapq.heappush(heap, index)
        covering += len(opening.get(start, ())) - len(closing.get(start, ()))
        lowest: list[int] = []
        while heap and len(lowest) < keep:
            index = heapq.heappop(heap)
            if not ended[index]:
                lowest.append(index)
        for index in lowest:
            heapq.heappush(heap, index)
        yield start, end, covering, lowest


def _short(value: JSON) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…"


def _offset(value: JSON) -> int | None:
    return value if type(value) is int else None  # not a bool, not a float such as 636.0


def _spans(record: JSON, record_id: str, number: itertools.count[int],
           findings: Sequence[Finding]) -> Iterator[Span]:
    """The record's spans that have the shape of one (a record may fail the schema)."""
    try:
        found = [(pointer(*path), span) for path, span in spans(record)]
    except (TypeError, KeyError, AttributeError):  # a record too malformed to walk
        evidence = record.get("evidence")
        found = [(pointer("evidence", index), span) for index, span in enumerate(evidence)] \
            if isinstance(evidence, list) else []
    for ptr, span in found:
        if not isinstance(span, dict):
            continue
        supports = span.get("supports")
        try:
            supported = _short(resolve(record, supports)) if isinstance(supports, str) else None
        except LookupError:
            supported = None
        yield Span(next(number), record_id, ptr, str(span.get("source", "")),
                   _offset(span.get("start")), _offset(span.get("end")), str(span.get("text", "")),
                   supports if isinstance(supports, str) else None, supported,
                   tuple(f for f in findings if f.pointer == ptr
                         or f.pointer.startswith(ptr + "/")))


def _lines(root: str, path: str) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of each line of the events file; None for an overlong line."""
    handle = open_regular_file(Path(root), path)
    if isinstance(handle, _Problem):
        return
    number = 0
    with handle:
        for _, lines, _ in blocks(handle, None):
            for line in lines:
                number += 1
                yield number, line


def _cards(root: str, path: str, findings: Sequence[Finding], limit: int,
           numbers: Numbers, hidden: frozenset[int] = frozenset()) -> list[Card]:
    """The cards of the records to draw: those with a finding, and `limit` clean ones.

    The records on the lines in `hidden` have findings the page does not show
    (--max-findings): they are not drawn as clean.
    """
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        by_line.setdefault(finding.line, []).append(finding)
    cards: list[Card] = []
    clean = 0
    for line, raw in _lines(root, path):
        flagged = by_line.get(line, [])
        if raw is None or (not flagged and (clean >= limit or line in hidden)):
            continue  # not drawn, so not parsed
        record = parse_record(raw)
        if not isinstance(record, dict):
            continue  # not a record: its findings are shown with the file's
        clean += not flagged
        record_id = str(record.get("id", ""))
        cards.append(Card(
            next(numbers[0]), line, record_id, str(record.get("event_type", "")),
            str(record.get("summary", "")), _date(record.get("date")),
            tuple(_spans(record, record_id, numbers[1], flagged)), tuple(flagged),
            json.dumps(record, ensure_ascii=False, indent=2)))
    return cards


def _date(date: JSON) -> str:
    """A record's date as a reader says it: '2023-07-26 to 2023-07-29 (window)'."""
    if not isinstance(date, dict) or not date.get("start"):
        return ""
    end = f" to {date['end']}" if date.get("end", date["start"]) != date["start"] else ""
    return f"{date['start']}{end} ({date.get('precision', '?')})"


def _article(seen: ArticleSeen, drawn: Sequence[Span], number: itertools.count[int],
             ) -> ArticleView:
    source, path, text = seen.source, seen.path, seen.text
    if text is None:
        return ArticleView(source, path, None)
    ranges: list[tuple[int, int]] = []
    offsets: list[Span] = []  # the spans that can be drawn: integer offsets inside the text
    opens: dict[int, list[int]] = {}  # each such span's anchor, where it starts
    flags: dict[int, int] = {}  # +1 where a span with a finding starts, -1 where it ends
    for span in drawn:
        start, end = span.start, span.end
        if start is not None and end is not None and 0 <= start < end <= len(text):
            ranges.append((start, end))
            offsets.append(span)
            opens.setdefault(start, []).append(span.number)
            if span.findings:
                flags[start], flags[end] = flags.get(start, 0) + 1, flags.get(end, 0) - 1
    # No span of any record overlaps these sentences, so no drawn span does either.
    missing = _missing(text, seen.uncovered if seen.uncovered is not None
                       else uncovered(text, seen.covered), number)
    starting = {m.start: m for m in missing if 0 <= m.start < m.end <= len(text)}  # disjoint
    ranges += [(m.start, m.end) for m in starting.values()]
    cut = []
    flagged = 0  # the spans with a finding that cover the piece
    sentence: Missing | None = None
    for start, end, covering, lowest in pieces(text, ranges, LISTED):
        flagged += flags.get(start, 0)
        sentence = starting.get(start, sentence if sentence and start < sentence.end else None)
        over = [offsets[i] for i in lowest if i < len(offsets)]
        cut.append(Piece(text[start:end], tuple(span.number for span in over),
                         tuple(_short(f"{span.record_id} {span.supports or ''}".rstrip())
                               for span in over),
                         covering - (sentence is not None), tuple(opens.get(start, ())),
                         flagged > 0, sentence.number if sentence else None,
                         sentence is not None and sentence.start == start))
    return ArticleView(source, path, tuple(cut), missing)


def _missing(text: str, sentences: Sequence[Sentence],
             number: itertools.count[int]) -> tuple[Missing, ...]:
    """The article's sentences with visit or arms wording that no span cites, as drawn."""
    titles = {name: title for name, (title, _) in word_lists().items()}
    found = []
    for sentence in sentences:
        cuts = sorted({sentence.start, sentence.end, *itertools.chain(*sentence.marks)})
        marks = {start for start, _ in sentence.marks}
        found.append(Missing(next(number), sentence.start, sentence.end,
                             position_in(text, sentence.start)[0],
                             tuple((text[a:b], a in marks) for a, b in itertools.pairwise(cuts)),
                             tuple(titles[kind] for kind in sentence.kinds)))
    return tuple(found)


def dataset_page(seen: DatasetSeen, findings: Sequence[Finding], limit: int = SHOWN_RECORDS,
                 numbers: Numbers | None = None,
                 shown: Container[Finding] | None = None) -> DatasetPage:
    """What the page shows of one dataset, given what the run saw and its findings there.

    Of the findings, only those in `shown` (all, if None) are drawn; the counts
    are of them all.
    """
    numbers = numbers or (itertools.count(1), itertools.count(1), itertools.count(1))
    listed = findings if shown is None else [f for f in findings if f in shown]
    cards: list[Card] = []
    if seen.events is not None:
        events = printable(f"{seen.display}/{seen.events}"
                           if seen.display not in {"", "."} else seen.events)
        cards = _cards(seen.root, seen.events,
                       [f for f in listed if f.file == events and f.line], limit, numbers,
                       frozenset(f.line for f in findings if f.file == events and f.line))
    on_cards = {f for card in cards for f in card.findings}
    drawn: dict[str, list[Span]] = {}  # by source: one pass over the spans, not one an article
    for span in (span for card in cards for span in card.spans):
        drawn.setdefault(span.source, []).append(span)
    articles = [_article(article, drawn.get(article.source, []), numbers[2])
                for article in seen.articles]
    anchored = frozenset(n for article in articles for piece in article.pieces or ()
                         for n in piece.opens)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    return DatasetPage(seen.name, seen.title if seen.title is not None else seen.display,
                       tuple(f for f in listed if f not in on_cards), tuple(articles),
                       tuple(cards), anchored, seen.records, errors, len(findings) - errors,
                       sum(len(article.missing) for article in articles))


@functools.cache
def _template() -> Any:  # noqa: ANN401 - a jinja2.Template
    import jinja2

    # `finalize` runs on every value the template prints, before autoescaping.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("validator.render", "templates"), autoescape=True,
        finalize=visible, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    return environment.get_template("evidence.html.jinja")


def _by_dataset(report: Report) -> dict[str, list[Finding]]:
    """Each dataset's findings (by its display name), in the report's order.

    A finding belongs to the dataset whose folder holds its file: the nearest
    folder of the file's name that is a dataset's (datasets do not nest).
    """
    folders = {printable(seen.display): seen.display for seen in report.seen}
    mine: dict[str, list[Finding]] = {seen.display: [] for seen in report.seen}
    for finding in report.findings:
        folder = finding.file
        while "/" in folder:
            folder = folder.rsplit("/", 1)[0]
            if folder in folders:
                mine[folders[folder]].append(finding)
                break
        else:
            if "." in folders or "" in folders:  # a dataset named as the current folder
                mine[folders.get(".", folders.get("", ""))].append(finding)
    return mine


def html_page(report: Report, *, tool_version: str, limit: int = SHOWN_RECORDS,
              max_findings: int | None = None) -> str:
    """The evidence page of a run, drawn from the report `validate` returned.

    With `max_findings`, only the run's first findings are drawn (as the JSON
    report lists them); the counts are of them all, and the page says how many
    it leaves out.
    """
    numbers = (itertools.count(1), itertools.count(1), itertools.count(1))  # across the page
    by_dataset = _by_dataset(report)
    placed = {f for found in by_dataset.values() for f in found}
    shown = None if max_findings is None else frozenset(report.findings[:max_findings])
    pages = [dataset_page(seen, by_dataset[seen.display], limit, numbers, shown)
             for seen in report.seen]
    page: str = _template().render(
        pages=pages, report=report, tool_version=tool_version, rules=RULES,
        ignored=ignored_names(report.ignored),
        others=[f for f in report.findings if f not in placed and (shown is None or f in shown)],
        hidden=0 if max_findings is None else max(len(report.findings) - max_findings, 0))
    return page
