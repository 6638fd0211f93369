"""The recall aid: the sentences of an article with visit or arms wording that no span cites.

A record cites the spans that support it; a sentence that speaks of a visit
or an arms transfer and that no span of any record touches may be an event
nobody coded.  The evidence page and the JSON report list those sentences
for a reviewer.  They are information, not findings: most such sentences are
background the records rightly leave out, so none of them fails a run.

What the run keeps of the records is small and mergeable: each article's
cited ranges, merged (`Coverage`), whatever the number of records, of
processes or of chunks.  The sentences are found once, when a report is
drawn, by `uncovered`: a pure function of the article text and those ranges.

The words are those of `validator/data/recall_words.toml`, matched whole, in
any case, with their regular forms (see that file).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import sys
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from validator.escaping import printable
from validator.reading.text import position_in
from validator.results import Sentence

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from validator.results import DatasetSeen

Range = tuple[int, int]
WORDS_FILE: Final = "recall_words.toml"
SETTLE_AT: Final = 4096  # spans kept unmerged before they are folded into the ranges
CITED: Final = operator.itemgetter("source", "start", "end")  # what `pending` keeps of a span
_SOURCE: Final = operator.itemgetter(0)
_START: Final = operator.itemgetter(1)
_END: Final = operator.itemgetter(2)
_LOW: Final = (1 << 32) - 1


class Coverage:
    """The ranges of each article (by source id) that spans cite, merged; picklable.

    `add` takes a span object as records hold it and keeps its `CITED`
    (source, start, end); the records' hot path extends `spans` with the
    span objects themselves, a record's spans at once (taking `CITED` of
    each there cost about 1 µs a record; `settle` takes it in C, once for
    the block, and drops repeated ranges before anything else).  `settle`
    folds them into sorted, disjoint ranges, a block of records at a time,
    so that what is kept stays small.  Merging two coverages, in any order,
    gives the ranges of all their spans.
    """

    __slots__ = ("pending", "ranges", "spans")

    def __init__(self) -> None:
        """No range yet."""
        self.pending: list[tuple[str, int, int]] = []  # spans not yet folded in (CITED)
        self.spans: list[Any] = []  # span objects not yet folded in (of records that passed)
        self.ranges: dict[str, list[Range]] = {}

    def __getstate__(self) -> dict[str, list[Range]]:
        """What a worker sends back: the merged ranges only."""
        self.settle()
        return self.ranges

    def __setstate__(self, state: dict[str, list[Range]]) -> None:
        """A coverage from what `__getstate__` sent."""
        self.pending, self.spans, self.ranges = [], [], state

    def add(self, span: Any) -> None:  # noqa: ANN401 - a span of a record, any shape
        """Note a span; one without a string source and integer offsets in order cites nothing.

        (The hot path extends `spans` with the spans of records that passed
        every check, whose offsets are in order and in the text.)
        """
        if isinstance(span, dict) and isinstance(span.get("source"), str) \
                and type(start := span.get("start")) is int \
                and type(end := span.get("end")) is int and 0 <= start < end <= _LOW:
            self.pending.append((span["source"], start, end))

    def settle(self, past: int = 0) -> None:
        """Fold the spans noted since the last call into the merged ranges, if more than `past`.

        Each range is packed into one integer (start, then end, in 32 bits
        each: past any article's length) so that deduplicating and sorting run
        in C on integers; what is left in Python is one step a distinct range.
        """
        if len(self.pending) + len(self.spans) <= past:
            return
        # Records cite the same ranges again and again: one C pass keeps each once.
        noted = set(map(CITED, self.spans))
        noted.update(self.pending)
        self.spans.clear()  # the same lists: the hot path holds their `extend`
        self.pending.clear()
        sources = set(map(_SOURCE, noted))
        by_source: Mapping[str, Collection[tuple[str, int, int]]]
        if len(sources) == 1:  # the usual case: a dataset's records cite one article
            by_source = {sources.pop(): noted}
        else:
            grouped: dict[str, list[tuple[str, int, int]]] = {}
            for span in noted:
                grouped.setdefault(span[0], []).append(span)
            by_source = grouped
        for source, cited in by_source.items():
            spans = cited
            if min(map(_START, cited)) < 0 or max(map(_END, cited)) > _LOW:
                # Offsets no check vouched for (the evidence layer ignored, say): not packable.
                spans = [span for span in cited if span[1] >= 0 and span[2] <= _LOW]
            packed = set(map(operator.or_, map(operator.lshift, map(_START, spans),
                                               itertools.repeat(32)), map(_END, spans)))
            found = _merged_sorted([(pair >> 32, pair & _LOW) for pair in sorted(packed)])
            known = self.ranges.get(source)
            self.ranges[source] = merged([*known, *found]) if known else found

    def merge(self, other: Coverage) -> None:
        """Add the ranges of another coverage (of other records of the same dataset)."""
        other.settle()
        self.settle()
        for source, found in other.ranges.items():
            self.ranges[source] = merged([*self.ranges.get(source, ()), *found])

    def of(self, source: str) -> tuple[Range, ...]:
        """The merged ranges that spans cite in the article of `source`."""
        self.settle()
        return tuple(self.ranges.get(source, ()))


def merged(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, disjoint ranges covering what `ranges` cover; an empty range covers nothing.

    Ranges that touch (one ends where the next starts) stay apart: they cover
    no character in common, and a sentence between them touches neither.
    """
    return _merged_sorted(sorted(ranges))


def _merged_sorted(ranges: list[Range]) -> list[Range]:
    """`merged`, of ranges sorted already."""
    out: list[Range] = []
    last = -1  # where the last range of `out` ends
    for start, end in ranges:
        if start >= end:
            continue
        if start < last:
            if end > last:
                last = end
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
            last = end
    return out


def sentences(text: str) -> list[Range]:
    """The sentences of `text`: (start, end) with no space at either end, in order.

    A library splits each line: sentencex (Wikimedia's, rule-based, in Rust;
    about 0.05 ms a kilobyte), which knows the abbreviations of news text
    ("U.S.", "Dec. 5", "Mr.", "a.m.", "D.C.").  Checked against the others
    installable here, on this project's articles: pysbd is as right but a
    hundred times slower (6 ms a kilobyte); syntok keeps "at 10 a.m. He left"
    and "on X. He added" as one sentence; nupunkt ends one after "The U.S.".
    Two rules are added to it: a sentence never ends inside a word (it cuts
    "a joint U.K.-U.S. military base" after "U.K.-U."), and a line break
    always ends one (a headline or a caption has no full stop).  So each line
    is split on its own (sentencex, given the whole text, splits some lines
    by what stands on the line before), and `uncovered` splits only the lines
    it needs.
    """
    found: list[Range] = []
    start = 0
    while start <= len(text):
        end = _line_end(text, start)
        found += line_sentences(text, start, end)
        start = end + 1
    return found


def _line_end(text: str, start: int) -> int:
    """Where the line that holds `start` ends (its line break, or the end of `text`)."""
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def line_sentences(text: str, start: int, end: int) -> list[Range]:
    """The sentences of the line `text[start:end]` (see `sentences`), in `text`'s offsets."""
    import sentencex  # only when a report lists sentences

    line = text[start:end]
    cuts = {0, len(line)}
    for boundary in sentencex.get_sentence_boundaries("en", line):
        cut = boundary["end_index"]
        if 0 < cut < len(line) and not (line[cut - 1].isspace() or line[cut].isspace()):
            continue  # inside a word
        cuts.add(cut)
    found = []
    for first, last in itertools.pairwise(sorted(cuts)):
        piece = line[first:last]
        stripped = piece.strip()
        if stripped:
            begin = start + first + len(piece) - len(piece.lstrip())
            found.append((begin, begin + len(stripped)))
    return found


def _forms(word: str) -> set[str]:
    """A word and its regular forms (see recall_words.toml): a phrase inflects its last word."""
    head, _, last = word.lower().rpartition(" ")
    forms = {last, last + "s", last + "es", last + "d", last + "ed", last + "ing"}
    if last.endswith("e"):
        forms.add(last[:-1] + "ing")
    if len(last) > 1 and last.endswith("y") and last[-2] not in "aeiou":
        forms |= {last[:-1] + "ies", last[:-1] + "ied"}
    if len(last) > 2 and last[-1] not in "aeiouwxy" and last[-2] in "aeiou" \
            and last[-3] not in "aeiou":
        forms |= {last + last[-1] + "ed", last + last[-1] + "ing"}
    return {f"{head} {form}".strip() for form in forms}


@functools.cache
def word_lists() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each list of `recall_words.toml` by name: its title and its words."""
    import tomllib  # here: only the reports that show the recall aid read it (3 ms of start)

    data = tomllib.loads(resources.files("validator").joinpath("data", WORDS_FILE)
                         .read_text("utf-8"))
    return {name: (str(table["title"]), tuple(map(str, table["words"])))
            for name, table in data.items()}


Word = tuple[int, int, str]  # where a listed word stands (start, end) and its list's name
# The letters of a listed word (every one is ASCII): enough to tell which forms a text may hold.
# Each byte of a text's UTF-8 but a lower-case ASCII letter, as a space: the words left are
# the runs of [a-z] (a character beyond ASCII is all bytes over 127), split in C.
_LETTERS_ONLY: Final = bytes(byte if 97 <= byte <= 122 else 32 for byte in range(256))


@functools.cache
def _vocabulary() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Every form of every list: the forms by their last word, and each form's list."""
    names: dict[str, str] = {}
    for name, (_, words) in word_lists().items():
        for word in words:
            for form in _forms(word):
                names.setdefault(form, name)
    lasts: dict[str, list[str]] = {}
    for form in names:
        lasts.setdefault(form.rpartition(" ")[2], []).append(form)
    return {last: tuple(forms) for last, forms in lasts.items()}, names


@functools.lru_cache(maxsize=256)
def _expression(lasts: frozenset[str], flags: re.RegexFlag) -> re.Pattern[str]:
    """One expression for the forms whose last word is in `lasts`, longest first."""
    forms = sorted((form for last in lasts for form in _vocabulary()[0][last]), key=len,
                   reverse=True)
    alternatives = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in forms)
    return re.compile(rf"\b(?:{alternatives})\b", flags)


def letter_runs(text: str) -> set[str]:
    """The runs of the letters a to z in `text`, as `re.findall("[a-z]+")` finds them, in C."""
    return set(text.encode("utf-8", "surrogatepass").translate(_LETTERS_ONLY).decode("ascii")
               .split())


def _words(text: str) -> list[Word]:
    """Where each listed word or phrase stands in `text`: whole words, in any case.

    The words of the text are looked up first (in C: one translation, one
    split, one set intersection), and only the forms it holds make the
    expression that finds where they stand: one expression with every form as
    an alternative takes Python's `re` some 4 ms an article, as it tries each
    at each place.
    """
    by_last, names = _vocabulary()
    lowered = text.lower()
    lasts = by_last.keys() & letter_runs(lowered)
    if not lasts:
        return []
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets differ
        lowered, flags = text, re.IGNORECASE
    else:
        flags = re.NOFLAG
    # A match of a lowered text is its form as listed unless a phrase's words stand
    # apart by other spaces (a line break, two spaces): only those are put in its form.
    return [(match.start(), match.end(),
             names.get(match.group()) or names[" ".join(match.group().lower().split())])
            for match in _expression(frozenset(lasts), flags).finditer(lowered)]


def uncovered(text: str, covered: Sequence[Range]) -> tuple[Sentence, ...]:
    """The sentences of `text` with a listed word that no range of `covered` overlaps.

    `covered` are merged ranges (see `merged`), in code points.  A range
    overlaps a sentence when they share a character.  Only the lines that hold
    a word outside every range are split into sentences: a fully cited article
    costs one scan of the text, and a long one with few such words not much more.
    """
    words = [word for word in _words(text) if not _inside(word[0], word[1], covered)]
    if not words:
        return ()
    order = list(word_lists())
    found = []
    index = 0
    while index < len(words):  # the lines that hold such a word, each split on its own
        line_start = text.rfind("\n", 0, words[index][0]) + 1
        line_end = _line_end(text, words[index][0])
        for start, end in line_sentences(text, line_start, line_end):
            inside = []
            while index < len(words) and words[index][0] < end:
                if words[index][0] >= start:
                    inside.append(words[index])
                index += 1
            if inside and not _overlaps(start, end, covered):
                kinds = {name for _, _, name in inside}
                found.append(Sentence(start, end, tuple(k for k in order if k in kinds),
                                      tuple(text[a:b] for a, b, _ in inside),
                                      tuple((a, b) for a, b, _ in inside)))
        while index < len(words) and words[index][0] < line_end:
            index += 1  # none: a word starts on a letter, which a sentence holds (a guard)
    return tuple(found)


def uncovered_by_source(articles: Mapping[str, Any], coverage: Coverage,
                        ) -> dict[str, tuple[Sentence, ...]]:
    """`uncovered` of each article (by source id; its `text`, if read) that `coverage` has."""
    return {source: uncovered(article.text, coverage.of(source))
            for source, article in articles.items() if article.text is not None}


def _inside(start: int, end: int, covered: Sequence[Range]) -> bool:
    """Whether [start, end) lies within one range of `covered`."""
    at = bisect.bisect_right(covered, (start, sys.maxsize)) - 1  # the last starting at or before
    return at >= 0 and covered[at][0] <= start and end <= covered[at][1]


def _overlaps(start: int, end: int, covered: Sequence[Range]) -> bool:
    """Whether a range of `covered` shares a character with [start, end)."""
    at = bisect.bisect_left(covered, (end, 0))  # the first range starting at or after end
    return at > 0 and covered[at - 1][1] > start


@dataclass(frozen=True, slots=True)
class ArticleRecall:
    """One article of a run's datasets and its sentences that no span cites."""

    dataset: str  # the dataset's folder, as findings name it
    source: str
    file: str  # the article's file, as findings name it
    text: str
    sentences: tuple[Sentence, ...]

    def where(self, sentence: Sentence) -> tuple[int, int]:
        """The 1-based line and column (in code points) where `sentence` starts."""
        return position_in(self.text, sentence.start)


def by_article(seen: Iterable[DatasetSeen]) -> list[ArticleRecall]:
    """Each article a run read, in the run's order, with its uncovered sentences."""
    found: list[ArticleRecall] = []
    for dataset in seen:
        folder = "" if dataset.display in {"", "."} else f"{dataset.display}/"
        found.extend(ArticleRecall(printable(dataset.display), article.source,
                                   printable(folder + article.path), article.text,
                                   article.uncovered if article.uncovered is not None
                                   else uncovered(article.text, article.covered))
                     for article in dataset.articles if article.text is not None)
    return found
