"""One run over datasets: schedule each dataset's layers and record chunks, merge in order.

This is the only module that knows about datasets as a collection: the
index of record ids, the links and the actors that give a Wikidata id are
the only state shared across them, small and mergeable, and results merge
in input order, so any number of processes (or a Dask cluster) gives the
findings of one.
"""

from __future__ import annotations

import contextlib
import functools
import os
from dataclasses import replace
from typing import TYPE_CHECKING

from validator.checks import identities
from validator.checks.links import RecordLinks, link_findings
from validator.checks.records import no_records
from validator.engine.beside import datasets_beside, ids_beside
from validator.engine.dataset import DatasetResult, check_dataset
from validator.engine.ids import RecordIds, id_digest, id_findings
from validator.engine.pool import Mapper, worker_map
from validator.engine.records import RecordResult, check_records
from validator.findings import Finding, UsageError, ignored_codes, make
from validator.reading.discovery import DatasetLocation, discover
from validator.reading.limits import MAX_FINDINGS_PER_FILE, SIZES, Sizes
from validator.reading.paths import pin_folder, unreadable_folder
from validator.results import ArticleSeen, DatasetSeen, Report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

def validate(paths: Iterable[str] = ("datasets",),
             progress: Callable[[int, int, str], None] | None = None,
             jobs: int = 1, mapper: Mapper | None = None, ignore: Iterable[str] = (),
             sizes: Sizes = SIZES, alone: bool = False) -> Report:
    """Check every dataset that `paths` name and return the report.

    Raises `validator.UsageError` when a path does not exist, no
    dataset is found, or `ignore` names what cannot be ignored; bad data never
    raises, it becomes findings.  `jobs` processes check the datasets, and
    chunks of large events files; the findings are the same for any `jobs`.
    `progress`, if given, is called as (tasks done, tasks known so far, the
    file of the task just done).

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
    # Processes pay off only when there is enough to share out.
    if sum(map(_folder_bytes, locations)) < sizes.parallel_bytes:
        jobs = 1
    with contextlib.nullcontext(mapper) if mapper else worker_map(jobs) as run_map:
        datasets = []
        for done, result in enumerate(run_map(functools.partial(check_dataset, jobs=jobs,
                                                                ignore=codes, sizes=sizes),
                                              locations), start=1):
            datasets.append(result)
            if progress:
                progress(done, len(locations), result.name)
        # The chunks of large events files, from every dataset at once.
        pending = [task for result in datasets if len(result.tasks) > 1 for task in result.tasks]
        chunks = iter(run_map(check_records, pending))
        done = len(locations)
        for result in datasets:
            findings.extend(result.findings)
            if len(result.tasks) > 1:
                result.checked.extend(next(chunks) for _ in result.tasks)
                done += len(result.tasks)
                if progress:
                    progress(done, len(locations) + len(pending), result.name)
    beside = [] if alone else datasets_beside(locations)
    ids, roots = ids_beside(beside)  # first, so that a repeat is reported in this run's files
    links = RecordLinks()
    records = 0
    seen = []
    for location, result in zip(locations, datasets, strict=True):
        checked = result.checked
        if len(checked) > 1 and sum(len(r.findings) for r in checked) >= MAX_FINDINGS_PER_FILE:
            # Too broken to merge chunk by chunk like a single pass: do the single pass.
            whole = result.tasks[0]
            checked = [check_records(replace(whole, start=0, end=None, first_line=1))]
        in_dataset = 0
        for chunk in checked:
            findings.extend(chunk.findings)
            ids.merge(chunk.ids)
            links.merge(chunk.links)
            in_dataset += chunk.records
        records += in_dataset
        if not in_dataset and "events-empty" not in codes:
            findings.extend(_empty_events(result, checked))
        seen.append(_seen(location, result, in_dataset))
    findings += _across(datasets, ids, roots, links, codes)
    # The same finding twice (jsonschema-rs reports a type stated twice twice) says no more.
    return Report(tuple(sorted(set(findings))), len(locations), records, tuple(sorted(codes)),
                  tuple(seen), len(beside))


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
    if links.links and "link-dangling" not in codes:
        known = frozenset(ids.digests)  # a digest collision could only hide a dangling link
        found.extend(link_findings(links, lambda record_id: id_digest(record_id) in known))
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


def _folder_bytes(location: DatasetLocation) -> int:
    """The size of the files directly in a dataset folder (to judge the work)."""
    try:
        return sum(entry.stat(follow_symlinks=False).st_size
                   for entry in os.scandir(location.root)
                   if entry.is_file(follow_symlinks=False))
    except OSError:
        return 0


def _seen(location: DatasetLocation, result: DatasetResult, records: int) -> DatasetSeen:
    """What the run read of one dataset, for the reports that draw it."""
    sources = (result.context.sources or {}) if result.context else {}
    return DatasetSeen(result.name, location.display, str(location.root), result.title,
                       result.tasks[0].path if result.tasks else None, records,
                       tuple(ArticleSeen(source, article.path, article.text)
                             for source, article in sources.items()), result.version)
