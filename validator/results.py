"""What a run gives back: the report, and what it saw of each dataset."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with visit or arms wording that no span cites: where it is, and why listed.

    The recall aid's unit (`validator.recall.uncovered`).
    """

    start: int  # code points into the article text, as a span's; end exclusive
    end: int
    kinds: tuple[str, ...]  # the word lists it matched ("visit", "arms"), in the file's order
    words: tuple[str, ...]  # the words it matched, as the text writes them, in text order
    marks: tuple[tuple[int, int], ...]  # where each of those words stands in the text


@dataclass(frozen=True, slots=True)
class ArticleSeen:
    """One row of a dataset's sources table, with its text when it could be read (and kept)."""

    source: str
    path: str
    text: str | None
    # The ranges [start, end) of the text that spans of the dataset's records cite,
    # sorted and disjoint (merged: the recall aid needs no more, see validator.recall).
    covered: tuple[tuple[int, int], ...] = ()
    # Its uncovered sentences, when the worker that checked the whole dataset found them
    # (so that the recall aid runs in parallel); None: to be found from `covered`.
    uncovered: tuple[Sentence, ...] | None = None


@dataclass(frozen=True, slots=True)
class DatasetSeen:
    """What a run read of one dataset, for reports that show more than findings."""

    name: str  # its descriptor, as findings name it
    display: str  # its folder, as findings name it
    root: str  # its folder, to read its events file again
    title: str | None  # the descriptor's title, if it has one
    events: str | None  # its events file (relative to root), if it could be opened
    records: int  # lines of the events file that hold a JSON object
    articles: tuple[ArticleSeen, ...]
    version: str | None = None  # the schema version it was checked against (None: none)


@dataclass(frozen=True)
class Report:
    """The outcome of a run: every finding, sorted, and what was checked."""

    findings: tuple[Finding, ...]
    datasets: int
    records: int
    ignored: tuple[str, ...] = ()  # the rule codes the run did not check (--ignore), sorted
    seen: tuple[DatasetSeen, ...] = field(default=(), compare=False, repr=False)
    beside: int = 0  # datasets beside those checked whose record ids were read too

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return len(self.findings) - self.errors

    def ok(self, *, strict: bool = False) -> bool:
        """Whether the run passes: no errors, and with `strict` no warnings."""
        return not (self.findings if strict else self.errors)

    @property
    def versions(self) -> dict[str, int]:
        """How many datasets were checked against each schema version, oldest first."""
        counts: dict[str, int] = {}
        for seen in self.seen:
            if seen.version is not None:
                counts[seen.version] = counts.get(seen.version, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: tuple(map(int, item[0].split(".")))))
