"""One HTML page of a run: each article with the spans its records cite highlighted.

Whoever reviews a dataset reads evidence, not JSON.  This page shows each
dataset's article texts with every cited span marked, each record beside its
spans (what each one supports, and where it stands in the text), and the
run's findings on the record, span or file they concern.

The page is one self-contained file: no script, and nothing fetched (its
Content-Security-Policy forbids both).  Jinja2 escapes every value taken
from a dataset, so no dataset can add markup to the page.

Records are read again after the run, with the run's safe readers and strict
parser.  Every record with a finding is drawn, and at most `SHOWN_RECORDS`
clean ones a dataset, so that a page of a large corpus stays readable.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from validator import loading
from validator.checks.walk import spans
from validator.findings import RULES, Finding, Severity, ignored_names
from validator.pointers import pointer, resolve
from validator.records import blocks
from validator.run import DatasetRun

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from validator.checks.context import DatasetContext
    from validator.run import Report

JSON = Any
SHOWN_RECORDS: Final = 100  # clean records drawn per dataset; records with findings always are
VALUE_CHARS: Final = 120  # a supported value longer than this is cut short
# Characters that would reorder or hide text on the page (controls, bidi embeddings,
# overrides and isolates, line separators) are shown as escapes.  The zero-width
# space, joiners and marks (U+200B-U+200F) stay: Thai, Persian and Arabic need them.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff]")


def visible(value: object) -> object:
    """A string with the characters that could disguise it written as escapes."""
    if not isinstance(value, str) or hasattr(value, "__html__"):  # markup the page made
        return value
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


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
    spans: tuple[int, ...]  # span numbers
    labels: tuple[str, ...]  # each covering span's record id and what it supports
    opens: tuple[int, ...]  # the spans that start here
    flagged: bool  # a covering span has a finding


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One article of the sources table, its text cut into pieces."""

    source: str
    path: str
    pieces: tuple[Piece, ...] | None  # None: its text could not be read


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


def pieces(text: str, ranges: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int, list[int]]]:
    """(start, end, indexes of the ranges covering it) for the pieces of `text` the ranges cut.

    The pieces follow each other and make up the whole text; a range that is
    empty or reaches outside the text covers nothing.
    """
    inside = [(index, start, end) for index, (start, end) in enumerate(ranges)
              if 0 <= start < end <= len(text)]
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for index, start, end in inside:
        opening.setdefault(start, []).append(index)
        closing.setdefault(end, []).append(index)
    cuts = sorted({0, len(text), *opening, *closing})
    covering: set[int] = set()
    for start, end in itertools.pairwise(cuts):
        covering.difference_update(closing.get(start, ()))
        covering.update(opening.get(start, ()))
        yield start, end, sorted(covering)


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


def _records(root: str, path: str) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of each line of the events file; None for an overlong line."""
    handle = loading.open_regular_file(Path(root), path)
    if isinstance(handle, loading.Problem):
        return
    number = 0
    with handle:
        for _, lines, _ in blocks(handle, None):
            for line in lines:
                number += 1
                yield number, line


def _cards(root: str, path: str, findings: Sequence[Finding], limit: int,
           numbers: tuple[itertools.count[int], itertools.count[int]],
           ) -> tuple[list[Card], int]:
    """The cards of the records to draw, and how many records the file holds."""
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        by_line.setdefault(finding.line, []).append(finding)
    cards: list[Card] = []
    records = clean = 0
    for line, raw in _records(root, path):
        record = loading.parse_record(raw) if raw is not None else None
        if not isinstance(record, dict):
            continue  # not a record: its findings are shown with the file's
        records += 1
        flagged = by_line.get(line, [])
        if not flagged and clean >= limit:
            continue  # counted, not drawn
        clean += not flagged
        record_id = str(record.get("id", ""))
        cards.append(Card(
            next(numbers[0]), line, record_id, str(record.get("event_type", "")),
            str(record.get("summary", "")), _date(record.get("date")),
            tuple(_spans(record, record_id, numbers[1], flagged)), tuple(flagged),
            json.dumps(record, ensure_ascii=False, indent=2)))
    return cards, records


def _date(date: JSON) -> str:
    """A record's date as a reader says it: '2023-07-26 to 2023-07-29 (window)'."""
    if not isinstance(date, dict) or not date.get("start"):
        return ""
    end = f" to {date['end']}" if date.get("end", date["start"]) != date["start"] else ""
    return f"{date['start']}{end} ({date.get('precision', '?')})"


def _article(source: str, path: str, text: str | None, drawn: Sequence[Span]) -> ArticleView:
    if text is None:
        return ArticleView(source, path, None)
    ranges: list[tuple[int, int]] = []
    offsets: list[Span] = []  # the spans whose offsets are integers: only those can be drawn
    for span in drawn:
        if span.start is not None and span.end is not None:
            ranges.append((span.start, span.end))
            offsets.append(span)
    cut = []
    for start, end, covering in pieces(text, ranges):
        over = [offsets[i] for i in covering]
        cut.append(Piece(text[start:end], tuple(span.number for span in over),
                         tuple(f"{span.record_id} {span.supports or ''}".rstrip()
                               for span in over),
                         tuple(span.number for span in over if span.start == start),
                         any(span.findings for span in over)))
    return ArticleView(source, path, tuple(cut))


def dataset_page(location: loading.DatasetLocation, findings: Sequence[Finding],
                 limit: int = SHOWN_RECORDS,
                 numbers: tuple[itertools.count[int], itertools.count[int]] | None = None,
                 ) -> DatasetPage:
    """What the page shows of one dataset, given the run's findings on its files."""
    numbers = numbers or (itertools.count(1), itertools.count(1))
    run = DatasetRun(location)
    for _ in run.findings():  # the layers again, for the tables and texts the records cite
        pass
    descriptor = loading.parse_json(run.descriptor_text) if run.descriptor_text else None
    title = descriptor.get("title") if isinstance(descriptor, dict) else None
    cards: list[Card] = []
    records = 0
    context: DatasetContext | None = None
    if run.events is not None:
        path, context = run.events
        events = location.name(path)
        cards, records = _cards(str(location.root), path,
                                [f for f in findings if f.file == events and f.line], limit,
                                numbers)
    on_cards = {f for card in cards for f in card.findings}
    articles = []
    for source, article in ((context.sources or {}) if context else {}).items():
        drawn = [s for card in cards for s in card.spans if s.source == source]
        articles.append(_article(source, article.path, article.text, drawn))
    anchored = frozenset(n for article in articles for piece in article.pieces or ()
                         for n in piece.opens)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    return DatasetPage(location.name(loading.DESCRIPTOR),
                       title if isinstance(title, str) else location.display,
                       tuple(f for f in findings if f not in on_cards), tuple(articles),
                       tuple(cards), anchored, records, errors, len(findings) - errors)


def _dataset_files(location: loading.DatasetLocation) -> set[str]:
    return {location.name(relative) for relative in loading.dataset_files(location.root)}


@functools.cache
def _template() -> Any:  # noqa: ANN401 - a jinja2.Template
    import jinja2

    # `finalize` runs on every value the template prints, before autoescaping.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("validator", "templates"), autoescape=True,
        finalize=visible, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    return environment.get_template("evidence.html.jinja")


def html_page(paths: Iterable[str], report: Report, *, tool_version: str,
              limit: int = SHOWN_RECORDS) -> str:
    """The evidence page of a run: `report` is what `validate(paths)` returned."""
    locations = loading.discover(list(paths))[0] if report.datasets else []
    numbers = (itertools.count(1), itertools.count(1))  # cards and spans, across the page
    by_file: dict[str, list[Finding]] = {}  # once, not once a dataset: corpora are large
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    placed: set[Finding] = set()
    pages = []
    for location in locations:
        # The report is sorted by file first, so sorted files keep the report's order.
        mine = [f for file in sorted(_dataset_files(location)) for f in by_file.get(file, ())]
        placed.update(mine)
        pages.append(dataset_page(location, mine, limit, numbers))
    page: str = _template().render(
        pages=pages, report=report, tool_version=tool_version, rules=RULES,
        ignored=ignored_names(report.ignored),
        others=[f for f in report.findings if f not in placed])
    return page
