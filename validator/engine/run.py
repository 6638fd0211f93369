"""One run over datasets: schedule each dataset's layers and record chunks, merge in order.

This module and `engine.state` are the only ones that know about datasets as
a collection: the index of record ids, the links, the digests of the
records' event keys (`engine.across`) and the actors that give a Wikidata id
are the only state shared across them, small and mergeable (the
allegations' transfers are kept for one dataset at a time:
`checks.transfers`), and results merge in input order, so any number of
processes (or a Dask cluster) gives the findings of one.
"""

from __future__ import annotations

import contextlib
import functools
import stat
from typing import TYPE_CHECKING

from validator.capping import capped_by_code
from validator.checks import identities
from validator.engine.across import duplicate_findings, link_findings, part_of_findings
from validator.engine.beside import datasets_beside, ids_beside
from validator.engine.dataset import DatasetResult, check_dataset
from validator.engine.ids import id_findings
from validator.engine.pool import Mapper, worker_map
from validator.engine.records import check_records
from validator.engine.state import RunState, fold_datasets
from validator.escaping import printable
from validator.findings import Finding, UsageError, make
from validator.ignoring import ignored_codes
from validator.reading.discovery import DatasetLocation, discover
from validator.reading.limits import MAX_FINDINGS_PER_RULE, SIZES, Sizes
from validator.reading.paths import dataset_files, pin_folder, unreadable_folder
from validator.results import Report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence


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
    `validator.ignoring.ignored_codes`): those rules are not checked (or their
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
    # Processes and clusters send each batch back folded (fold_datasets): one process has
    # nothing to send, and merges each dataset as it is done.
    check = check_datasets if jobs <= 1 and mapper is None else fold_datasets
    with contextlib.nullcontext(mapper) if mapper else worker_map(jobs) as run_map:
        # A mapper's cluster may be of any size: enough batches for 16 workers.
        parts = batches(locations, weights, jobs if mapper is None else max(jobs, 16), sizes)
        _run_tasks(run_map, parts, weights, functools.partial(
            check, jobs=cut, ignore=codes, sizes=sizes, recall=recall), progress, merged)
    findings += merged.findings
    findings += _across(merged, codes)
    # At most MAX_FINDINGS_PER_RULE of each code in a file, with a note, as every rule.
    findings += capped_by_code(duplicate_findings(merged.keys, merged.ids, merged.roots, codes,
                                                  merged.links), MAX_FINDINGS_PER_RULE)
    # The same finding twice (jsonschema-rs reports a type stated twice twice) says no more.
    return Report(tuple(sorted(set(findings))), len(locations), merged.records,
                  tuple(sorted(codes)), tuple(merged.seen), len(beside))


def _run_tasks(run_map: Mapper, parts: list[list[DatasetLocation]], weights: list[int],
               check: Callable[[list[DatasetLocation]], Sequence[RunState | DatasetResult]],
               progress: Callable[[int, int, str], None] | None, merged: RunState) -> None:
    """Each dataset's layers and records (batch by batch), then the chunks of large files.

    Each dataset, or segment of datasets, is merged into `merged`, in order,
    once its records are checked.  Progress counts each dataset's bytes
    (`weights`) when it is done; a split dataset's events file, its share at a
    time, as each chunk is done.
    """
    total = sum(weights)
    done = 0
    items: list[RunState | DatasetResult | None] = []  # None: merged, and let go
    split: list[tuple[DatasetResult, int]] = []  # the split datasets, and their weights
    counted = 0  # the datasets come back so far
    left = 0  # the first item not merged

    def merge_done() -> None:  # every item done whose items before it are done
        nonlocal left
        while left < len(items):
            item = items[left]
            if isinstance(item, DatasetResult):
                if len(item.checked) < len(item.tasks):
                    return
                merged.add(item)
            elif item is not None:
                merged.merge(item)
            items[left] = None
            left += 1

    for batch in run_map(check, parts):
        for item in batch:
            if isinstance(item, RunState):
                done += sum(weights[counted:counted + len(item.seen)])
                counted += len(item.seen)
            else:
                if len(item.tasks) <= 1:
                    done += weights[counted]
                else:
                    split.append((item, weights[counted]))
                counted += 1
            items.append(item)
        merge_done()
        if progress and batch:
            last = batch[-1]  # a segment holds one dataset at least
            progress(done, total, last.seen[-1].name if isinstance(last, RunState) else last.name)
    # The chunks of large events files, from every dataset at once.
    chunks = iter(run_map(check_records, [task for result, _ in split for task in result.tasks]))
    for result, weight in split:
        count = len(result.tasks)
        for index in range(count):
            result.checked.append(next(chunks))
            done += weight // count + (weight % count if index == count - 1 else 0)
            if progress:
                progress(done, total, result.name)
        merge_done()
    merge_done()


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


def _across(merged: RunState, codes: frozenset[str]) -> list[Finding]:
    """What needs every dataset of the run: repeated ids, dangling links, actors' identities.

    The run's ids and roots begin with the datasets beside the run's, whose
    repeats are reported only in the run's own files.
    """
    found: list[Finding] = []
    ids, roots, links, outside = merged.ids, merged.roots, merged.links, merged.outside
    if "record-id-duplicate" not in codes:  # findings name files as printed
        printed = {printable(file) for file in outside}
        found.extend(f for f in id_findings(ids, roots) if f.file not in printed)
    if links and "link-dangling" not in codes:
        found.extend(link_findings(links, ids, roots, outside))
    if links and "visit-part-of-multilateral" not in codes:
        found.extend(part_of_findings(links, ids, roots, outside))
    if not codes >= identities.CODES:  # the actors of every dataset, in the run's order
        found.extend(identities.identity_findings(merged.actors, codes))
    return found


def rules_to_ignore(names: Iterable[str]) -> frozenset[str]:
    """The rule codes that `names` (codes and layers) ask a run to leave unchecked.

    Raises `UsageError`, saying why, where `validator.ignoring.ignored_codes`
    refuses a name.
    """
    try:
        return ignored_codes(names)
    except ValueError as error:
        raise UsageError(f"--ignore: {error}") from None


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
