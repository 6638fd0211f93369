"""The run's state across datasets: what each dataset leaves for the run, small and mergeable.

Datasets are merged in the run's order (their ids' positions say which record
comes first).  A worker folds the datasets of its batch into a state of their
own, a segment (`fold_datasets`), so that a batch comes back as a few arrays
and lists instead of a result for each dataset (tasks, contexts, an index of
ids, links and keys each), and the run merges segments as it merges datasets.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from validator.checks import transfers
from validator.checks.links import RecordLinks
from validator.checks.records import no_records
from validator.engine.across import EventKeys
from validator.engine.dataset import DatasetResult, check_dataset
from validator.engine.ids import RecordIds
from validator.engine.records import RecordResult, check_records
from validator.engine.whole_file import transfer_findings
from validator.escaping import printable
from validator.findings import Finding, make
from validator.reading.limits import MAX_FINDINGS_PER_FILE, SIZES, Sizes
from validator.recall import Coverage
from validator.results import ArticleSeen, DatasetSeen

if TYPE_CHECKING:
    from validator.checks.identities import ActorEntry
    from validator.reading.discovery import DatasetLocation


class RunState:
    """The run's state across datasets, each dataset's merged in once its records are checked.

    Datasets are merged in the run's order, each as soon as it and every
    dataset before it is done: a dataset's chunks are then dropped, so that
    the run never holds the records' state twice.  The ids of the datasets
    beside the run's come first, so that a repeat is reported in this run's
    files.
    """

    def __init__(self, locations: list[DatasetLocation], codes: frozenset[str],
                 ids: RecordIds, roots: dict[str, tuple[str, str]], *, texts: bool = True,
                 ) -> None:
        """The state of a run of `locations` that begins with the ids (and roots) beside it.

        Without `texts`, what it keeps of each dataset read (`seen`) holds no article text.
        """
        self.locations, self.codes, self.ids, self.roots = locations, codes, ids, roots
        self.outside = set(roots)  # the files beside the run's: no finding is theirs
        self.texts = texts
        self.links, self.keys = RecordLinks(), EventKeys()
        self.findings: list[Finding] = []  # the datasets' own, and their records'
        self.seen: list[DatasetSeen] = []
        self.actors: list[ActorEntry] = []  # with a Wikidata id, in order (checks.identities)
        self.records = 0

    def add(self, result: DatasetResult) -> None:
        """Merge the next dataset of the run, its records checked."""
        self.findings.extend(result.findings)
        self.roots.update((t.display, (t.root, t.path)) for t in result.tasks)
        self.actors.extend(result.actors)
        checked = result.checked
        if len(checked) > 1 and sum(len(r.findings) for r in checked) >= MAX_FINDINGS_PER_FILE:
            # Too broken to merge chunk by chunk like a single pass: do the single pass.
            whole = result.tasks[0]
            checked = [check_records(replace(whole, start=0, end=None, first_line=1))]
        in_dataset = 0
        found = transfers.Transfers()  # this dataset's only: dropped once it is judged
        ids = self.ids
        for chunk in checked:
            self.findings.extend(chunk.findings)
            self.keys.merge(chunk.keys, len(ids.digests))
            self.links.merge(chunk.links, len(ids.digests))
            ids.merge(chunk.ids)
            found.merge(chunk.transfers)
            in_dataset += chunk.records
        if found.found:  # a split file's; one task's were judged in check_dataset
            self.findings.extend(transfer_findings(result.tasks[0], found))
        self.records += in_dataset
        if not in_dataset and "events-empty" not in self.codes:
            self.findings.extend(_empty_events(result, checked))
        self.seen.append(_seen(self.locations[len(self.seen)], result, in_dataset, checked,
                               texts=self.texts))
        # Merged: the chunks would hold the run's state twice (and a split file's
        # transfers, some 600 bytes an allegation) to the run's end.
        result.checked.clear()

    def merge(self, segment: RunState) -> None:
        """Merge the next datasets of the run, folded into a segment (see fold_datasets)."""
        base = len(self.ids.digests)
        self.findings.extend(segment.findings)
        self.keys.merge(segment.keys, base)
        self.links.merge(segment.links, base)
        self.ids.merge(segment.ids)
        self.roots.update(segment.roots)
        self.actors.extend(segment.actors)
        self.seen.extend(segment.seen)
        self.records += segment.records


def fold_datasets(locations: list[DatasetLocation], jobs: int = 1,
                  ignore: frozenset[str] = frozenset(), sizes: Sizes = SIZES,
                  recall: bool = True) -> list[RunState | DatasetResult]:
    """`check_dataset` of each of a batch of datasets, in order, folded: one task of a pool.

    Each run of datasets whose records are checked becomes one segment, merged
    into the run with `RunState.merge`; a dataset whose events file is split
    is given as it is, since its chunks are checked later (`RunState.add`).
    """
    items: list[RunState | DatasetResult] = []
    segment: RunState | None = None
    for location in locations:
        result = check_dataset(location, jobs, ignore, sizes, recall=recall)
        if len(result.checked) != len(result.tasks):  # split: its chunks are run by the pool
            items.append(result)
            segment = None
            continue
        if segment is None:
            segment = RunState([], ignore, RecordIds(), {}, texts=recall)
            items.append(segment)
        segment.locations.append(location)
        segment.add(result)
    for item in items:
        if isinstance(item, RunState):
            item.locations = []  # merged: not sent back
    return items


def _empty_events(result: DatasetResult, checked: list[RecordResult]) -> list[Finding]:
    """The finding of an events file that opened and holds no record and no broken line."""
    events = printable(result.tasks[0].display) if result.tasks else None  # as findings name it
    if events is None or any(f.file == events for chunk in checked for f in chunk.findings):
        return []
    empty = no_records()
    return [make(empty.code, empty.message, events)]


def _seen(location: DatasetLocation, result: DatasetResult, records: int,
          checked: list[RecordResult], *, texts: bool = True) -> DatasetSeen:
    """What the run read of one dataset, for the reports that draw it (`texts`: its texts)."""
    covered = Coverage()  # what every record cites, over the chunks of its events file
    for chunk in checked:
        covered.merge(chunk.covered)
    sources = (result.context.sources or {}) if result.context else {}
    found = result.uncovered or {}
    return DatasetSeen(result.name, location.display, str(location.root), result.title,
                       result.tasks[0].path if result.tasks else None, records,
                       tuple(ArticleSeen(source, article.path, article.text if texts else None,
                                         covered.of(source), found.get(source))
                             for source, article in sources.items()), result.version)
