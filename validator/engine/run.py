"""One run over datasets: schedule each dataset's layers and record chunks, merge in order.

This is the only module that knows about datasets as a collection: the
index of record ids, the links, the digests of the records' event keys
(`engine.across`) and the actors that give a Wikidata id are the only state
shared across them, small and mergeable (the allegations' transfers are kept
for one dataset at a time: `checks.transfers`), and results merge
in input order, so any number of processes (or a Dask cluster) gives the
findings of one.
"""

from __future__ import annotations

import contextlib
import functools
import stat
from dataclasses import replace
from typing import TYPE_CHECKING

from validator.capping import capped_by_code
from validator.checks import identities, transfers
from validator.checks.links import RecordLinks
from validator.checks.records import no_records
from validator.engine.across import (
    EventKeys,
    duplicate_findings,
    link_findings,
    part_of_findings,
)
from validator.engine.beside import datasets_beside, ids_beside
from validator.engine.dataset import DatasetResult, check_dataset
from validator.engine.ids import RecordIds, id_findings
from validator.engine.pool import Mapper, worker_map
from validator.engine.records import RecordResult, check_records
from validator.engine.whole_file import transfer_findings
from validator.findings import Finding, UsageError, ignored_codes, make
from validator.reading.discovery import DatasetLocation, discover
from validator.reading.limits import MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_RULE, SIZES, Sizes
from validator.reading.paths import dataset_files, pin_folder, unreadable_folder
from validator.recall import Coverage
from validator.results import ArticleSeen, DatasetSeen, Report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

def validate(paths: Iterable[str] = ("datasets",),
             progress: Callable[[int, int, str], None] | None = None,
             jobs: int = 1, mapper: Mapper | None = None, ignore: Iterable[str] = (),
             sizes: Sizes = SIZES, alone: bool = False, *, recall: bool = True) -> Report:
    """Check every dataset that `paths` name and return the report.

    Raises `validator.UsageError` when a path does not exist, no
    dataset is found, or `ignore` names what cannot be ignored; bad data never
    raises, it becomes findings.  `jobs` processes check the datasets, and
    chunks of large events files; the findings are the same for any `jobs`.
    `progress`, if given, is called as (bytes done, bytes in all, the dataset
    just done), after each batch of datasets and each chunk of a large events
    file: with `progress`, a large file is cut in chunks even for one process,
    so that the count moves within it (chunks give one pass's findings).

    `ignore` takes rule codes and layer names (see
    `validator.findings.ignored_codes`): those rules are not checked (or their
    findings are dropped before the limit of findings a file), and the
    report's `ignored` lists them.

    `mapper`, if given, runs the tasks instead of this machine's processes:
    any `map(function, items)` that gives the results in input order, such
    as `concurrent.futures.Executor.map`, or a Dask client's `map` followed
    by `gather` where every worker sees the files at the same paths.  Tasks
    and results are picklable, and results merge in input order, so the
    findings are the same as one process's; `jobs` then says how many parts
    a large events file is split into.

    Record ids must be unique, and links resolve, among these datasets and
    the datasets beside them (in the same folders), whose ids are read too
    (`validator.engine.beside`), so that one dataset checked on its own is
    checked as in a run over all; `alone` leaves those out.

    `sizes` says how the work is cut: chunks of large files, blocks of lines,
    when a dataset gets an engine of its own, when processes pay off.  It
    changes speed and memory, never the findings.

    With `recall` (the default), each article's `covered` in the report's
    `seen` holds the ranges its dataset's spans cite, for the recall aid of
    the JSON report and the evidence page (`validator.recall`); without it,
    they are left empty, each span costs nothing, and `seen` keeps no
    article's text (`text` None: the text, GitHub and SARIF formats show
    neither).  It never changes the findings.
    """
    codes = rules_to_ignore(ignore)
    findings: list[Finding] = []

    def unreadable(folder: str, error: OSError) -> None:  # not a silent skip
        findings.append(make("path-unsafe", unreadable_folder(error), folder))

    locations, orphans = discover(list(paths), onerror=unreadable)
    findings += [
        make("descriptor-missing", "folder holds files but no datapackage.json", orphan)
        for orphan in orphans
    ]
    for location in locations:  # every later open of it must find this same folder
        pin_folder(location.root)
    # What each dataset weighs: whether processes pay off, how batches are cut, the
    # progress.  One process with no progress needs none of it.
    weighed = jobs > 1 or mapper is not None or progress is not None
    weights = [_weight(location, sizes) if weighed else 0 for location in locations]
    if mapper is None and sum(weights) < sizes.parallel_bytes:
        jobs = 1
    # Chunks for the progress of one process too (see above); the split is `cut`.
    cut = max(jobs, 2) if progress else jobs
    beside = [] if alone else datasets_beside(locations)
    merged = RunState(locations, codes, *ids_beside(beside), texts=recall)  # beside first
    with contextlib.nullcontext(mapper) if mapper else worker_map(jobs) as run_map:
        # A mapper's cluster may be of any size: enough batches for 16 workers.
        parts = batches(locations, weights, jobs if mapper is None else max(jobs, 16), sizes)
        datasets = _run_tasks(run_map, parts, weights, functools.partial(
            check_datasets, jobs=cut, ignore=codes, sizes=sizes, recall=recall), progress,
            merged.add)
    for result in datasets:
        findings.extend(result.findings)
    findings += merged.findings
    ids, roots, links, keys = merged.ids, merged.roots, merged.links, merged.keys
    findings += _across(datasets, ids, roots, links, codes)
    # At most MAX_FINDINGS_PER_RULE of each code in a file, with a note, as every rule.
    findings += capped_by_code(duplicate_findings(keys, ids, roots, codes, links),
                               MAX_FINDINGS_PER_RULE)
    # The same finding twice (jsonschema-rs reports a type stated twice twice) says no more.
    return Report(tuple(sorted(set(findings))), len(locations), merged.records,
                  tuple(sorted(codes)), tuple(merged.seen), len(beside))


class RunState:
    """The run's state across datasets, each dataset's merged in once its records are checked.

    Datasets are merged in the run's order (their ids' positions say which
    record comes first), each as soon as it and every dataset before it is
    done: a dataset's chunks are then dropped, so that the run never holds
    the records' state twice.  The ids of the datasets beside the run's come
    first, so that a repeat is reported in this run's files.
    """

    def __init__(self, locations: list[DatasetLocation], codes: frozenset[str],
                 ids: RecordIds, roots: dict[str, tuple[str, str]], *, texts: bool = True,
                 ) -> None:
        """The state of a run of `locations` that begins with the ids (and roots) beside it.

        Without `texts`, what it keeps of each dataset read (`seen`) holds no article text.
        """
        self.locations, self.codes, self.ids, self.roots = locations, codes, ids, roots
        self.texts = texts
        self.links, self.keys = RecordLinks(), EventKeys()
        self.findings: list[Finding] = []
        self.seen: list[DatasetSeen] = []
        self.records = 0

    def add(self, result: DatasetResult) -> None:
        """Merge the next dataset of the run, its records checked."""
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


def _run_tasks(run_map: Mapper, parts: list[list[DatasetLocation]], weights: list[int],
               check: Callable[[list[DatasetLocation]], list[DatasetResult]],
               progress: Callable[[int, int, str], None] | None,
               merge: Callable[[DatasetResult], None]) -> list[DatasetResult]:
    """Each dataset's layers and records (batch by batch), then the chunks of large files.

    Each dataset is given to `merge`, in order, once its records are checked.
    Progress counts each dataset's bytes (`weights`) when it is done; a split
    dataset's events file, its share at a time, as each chunk is done.
    """
    total = sum(weights)
    done = 0
    datasets: list[DatasetResult] = []
    merged = 0

    def merge_done() -> None:  # every dataset done whose datasets before it are done
        nonlocal merged
        while merged < len(datasets) and \
                len(datasets[merged].checked) == len(datasets[merged].tasks):
            merge(datasets[merged])
            merged += 1

    for batch in run_map(check, parts):
        for result in batch:
            weight = weights[len(datasets)]
            datasets.append(result)
            if len(result.tasks) <= 1:
                done += weight
        merge_done()
        if progress and batch:
            progress(done, total, batch[-1].name)
    # The chunks of large events files, from every dataset at once.
    pending = [task for result in datasets if len(result.tasks) > 1 for task in result.tasks]
    chunks = iter(run_map(check_records, pending))
    for result, weight in zip(datasets, weights, strict=True):
        count = len(result.tasks)
        if count > 1:
            for index in range(count):
                result.checked.append(next(chunks))
                done += weight // count + (weight % count if index == count - 1 else 0)
                if progress:
                    progress(done, total, result.name)
            merge_done()
    merge_done()
    return datasets


def check_datasets(locations: list[DatasetLocation], jobs: int = 1,
                   ignore: frozenset[str] = frozenset(), sizes: Sizes = SIZES,
                   recall: bool = True) -> list[DatasetResult]:
    """`check_dataset` of each of a batch of datasets, in order: one task of a pool."""
    return [check_dataset(location, jobs, ignore, sizes, recall=recall)
            for location in locations]


def batches(locations: list[DatasetLocation], weights: list[int], jobs: int,
            sizes: Sizes = SIZES) -> list[list[DatasetLocation]]:
    """The datasets cut into consecutive batches, each one task (order kept).

    One process: a dataset a batch (nothing to share out, and `map` runs each
    when its result is asked for, so that the run merges it and drops its
    chunks before the next is checked).  Otherwise a batch closes at
    `sizes.batch_bytes` of files or `sizes.batch_datasets` datasets, and
    never holds more than a quarter of a worker's share, so that every
    worker has several batches and none waits for a long last one.
    """
    if jobs <= 1:
        return [[location] for location in locations]
    share = max(1, sum(weights) // (4 * jobs))
    limit = min(sizes.batch_bytes, share)
    most = max(1, min(sizes.batch_datasets, len(locations) // (4 * jobs)))
    parts: list[list[DatasetLocation]] = []
    batch: list[DatasetLocation] = []
    size = 0
    for location, weight in zip(locations, weights, strict=True):
        if batch and (size + weight > limit or len(batch) >= most):
            parts.append(batch)
            batch, size = [], 0
        batch.append(location)
        size += weight
    if batch:
        parts.append(batch)
    return parts


def _across(datasets: list[DatasetResult], ids: RecordIds, roots: dict[str, tuple[str, str]],
            links: RecordLinks, codes: frozenset[str]) -> list[Finding]:
    """What needs every dataset of the run: repeated ids, dangling links, actors' identities.

    `ids` and `roots` begin with the datasets beside the run's, whose repeats
    are reported only in the run's own files.
    """
    found: list[Finding] = []
    outside = set(roots)
    roots.update((t.display, (t.root, t.path)) for result in datasets for t in result.tasks)
    if "record-id-duplicate" not in codes:
        found.extend(f for f in id_findings(ids, roots) if f.file not in outside)
    if links and "link-dangling" not in codes:
        found.extend(link_findings(links, ids, roots, outside))
    if links and "visit-part-of-multilateral" not in codes:
        found.extend(part_of_findings(links, ids, roots, outside))
    if not codes >= identities.CODES:  # the actors of every dataset, in the run's order
        found.extend(identities.identity_findings(
            (entry for result in datasets for entry in result.actors), codes))
    return found


def rules_to_ignore(names: Iterable[str]) -> frozenset[str]:
    """The rule codes that `names` (codes and layers) ask a run to leave unchecked.

    Raises `UsageError`, saying why, where `validator.findings.ignored_codes`
    refuses a name.
    """
    try:
        return ignored_codes(names)
    except ValueError as error:
        raise UsageError(f"--ignore: {error}") from None


def _empty_events(result: DatasetResult, checked: list[RecordResult]) -> list[Finding]:
    """The finding of an events file that opened and holds no record and no broken line."""
    events = result.tasks[0].display if result.tasks else None
    if events is None or any(f.file == events for chunk in checked for f in chunk.findings):
        return []
    empty = no_records()
    return [make(empty.code, empty.message, events)]


def _weight(location: DatasetLocation, sizes: Sizes) -> int:
    """What checking a dataset costs, in bytes of records: its events file and its layers.

    One status of the events file, by the name datasets give it: a folder's listing
    and a status of each file took 0.05 s of 2,000 small datasets, a tenth of a run
    on two cores.  A dataset without it there (its descriptor may name another
    path, `data/events.jsonl` say) weighs every file below its folder and its layers.
    """
    try:
        events = (location.root / "events.jsonl").lstat()
    except OSError:
        return _folder_bytes(location) + sizes.layers_bytes
    return events.st_size + sizes.layers_bytes


def _folder_bytes(location: DatasetLocation) -> int:
    """The size of the files below a dataset folder, as its layers walk it (to judge the work).

    Subfolders too: an events file of 5 MB in `data/`, weighed as its folder's
    files alone, made a run of that dataset too small for processes.  What
    cannot be read weighs nothing here; the layers report it.
    """
    found = 0
    for relative in dataset_files(location.root, lambda *_: None):
        with contextlib.suppress(OSError):  # gone since: it weighs nothing
            info = (location.root / relative).lstat()
            found += info.st_size if stat.S_ISREG(info.st_mode) else 0
    return found


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
