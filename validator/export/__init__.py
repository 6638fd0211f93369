"""The analyst's export: checked datasets as tidy tables (CSV or Parquet).

`textevents export DATASETS --to DIR` validates the datasets, then writes
one file a table into a new folder: events, participants (one row an actor
in a role), weapons (one row a quantity), dates, evidence spans, links,
actors, their aliases (a dataset's aliases table, schema 1.3.0),
sources, and the run's findings (each with the record it is about).
Columns are the same for every dataset and schema version, actors carry a
corpus-wide key (their Wikidata id where the table gives one), and the
CSV export is a Frictionless Data Package of its own whose field
descriptions are the data dictionary (`docs/export.md`).
Records stream one at a time: memory does not grow with the corpus.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks.year_zero import year_zero
from validator.engine.engines import compiled
from validator.engine.run import validate
from validator.escaping import printable
from validator.export.dictionary import package_descriptor
from validator.export.tables import (
    TABLES,
    Keys,
    actor_rows,
    alias_rows,
    finding_rows,
    record_rows,
    source_rows,
)
from validator.export.writers import check_format, check_target, new_folder, open_tables
from validator.findings import Problem, Severity, UsageError
from validator.output_file import lies_inside
from validator.reading.fast_json import document, parse_record
from validator.reading.limits import DESCRIPTOR
from validator.reading.lines import blocks
from validator.reading.paths import open_regular_file, read_regular_file

if TYPE_CHECKING:
    from collections.abc import Iterable

    from validator.results import DatasetSeen

JSON = Any


@dataclass(frozen=True)
class Exported:
    """What an export wrote: rows a table, and records left out (invalid, when allowed)."""

    folder: Path
    rows: dict[str, int]
    datasets: int
    left_out: tuple[str, ...]  # each record left out, as file:line (as findings name them)

    @property
    def skipped(self) -> int:
        """How many records were left out."""
        return len(self.left_out)


def export(paths: Iterable[str], target: Path, form: str = "csv", *,
           with_findings: bool = False, jobs: int = 1) -> Exported:
    """Validate the datasets `paths` name, then write their tables into the new folder `target`.

    Raises `UsageError` (nothing written) when the format cannot be written,
    `target` exists or cannot be made, or a dataset has errors and
    `with_findings` is not set; with it, records that fail their schema (or
    hold a date in year 0000, `date-year-zero`) are left out and counted.
    """
    check_format(form)
    paths = list(paths)
    _outside_any_dataset(target, paths, form)  # before the run a refused target waits for
    report = validate(paths, jobs=jobs)
    _outside_the_datasets(target, report.seen)
    failing = {f.file for f in report.findings if f.severity is Severity.ERROR}
    if failing and not with_findings:
        broken = _broken(failing, report.seen)
        shown = ", ".join(broken[:5]) + (f" and {len(broken) - 5} more" if len(broken) > 5
                                         else "")
        many = len(broken) != 1
        raise UsageError(f"{len(broken)} dataset{'s' * many} {'have' if many else 'has'} "
                         f"errors: {shown}; run validate on "
                         "them, or export --with-findings to leave out the records that fail "
                         "their schema")
    rows = dict.fromkeys(TABLES, 0)
    left_out: list[str] = []
    names: dict[str, str] = {}  # each dataset's folder as findings name it -> its name
    with new_folder(target) as folder:
        writers = open_tables(folder, TABLES, form)
        try:
            for seen in report.seen:
                descriptor, name = _descriptor(seen)
                names[printable(seen.display)] = name
                for table, row in _dataset_rows(seen, descriptor, name):
                    if table == "skipped":
                        left_out.append(row[0])
                        continue
                    writers[table].write(row)
                    rows[table] += 1
            for row in finding_rows(report.findings, lambda file: _owner(file, names)):
                writers["findings"].write(row)
                rows["findings"] += 1
        finally:
            for writer in writers.values():
                writer.close()
        if form == "csv":
            (folder / "datapackage.json").write_text(
                json.dumps(package_descriptor(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return Exported(target, rows, len(report.seen), tuple(left_out))


def _outside_any_dataset(target: Path, paths: Iterable[str], form: str) -> None:
    """Refuse a target that exists, has no folder to go in, or lies in a dataset's folder.

    A dataset's folder is one with a descriptor, whether the export names it or
    not (one beside those exported, say): the tables would be its undeclared
    files.  The folders above the target are looked at by name and resolved.
    A folder of datasets that `paths` names is refused too, and (CSV) a folder
    beside a dataset: the tables' own descriptor would make them a dataset
    there, which fails the next run.
    """
    check_target(target)
    named = Path(os.path.abspath(target))  # noqa: PTH100 - by name, on purpose
    for folder in dict.fromkeys((*named.parents, target.parent.resolve(),
                                 *target.parent.resolve().parents)):
        if os.path.lexists(folder / "datapackage.json"):
            raise UsageError(f"--to {target} lies inside the dataset {printable(str(folder))}; "
                             "write the tables elsewhere")
    for path in paths:
        if Path(path).is_dir() and lies_inside(target, path):
            raise UsageError(f"--to {target} lies inside {printable(path)}, which is "
                             "exported; write the tables elsewhere")
    if form == "csv" and (beside := _dataset_beside(target.parent)) is not None:
        raise UsageError(f"--to {target} lies beside the dataset {printable(beside)}: the "
                         f"tables' own {DESCRIPTOR} would make them a dataset among those; "
                         "write the tables elsewhere")


def _dataset_beside(parent: Path) -> str | None:
    """A dataset folder in `parent` (one entry's status each), or None."""
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_dir() and os.path.lexists(os.path.join(entry.path, DESCRIPTOR)):  # noqa: PTH118
                    return entry.path
    return None


def _outside_the_datasets(target: Path, seen: Iterable[DatasetSeen]) -> None:
    """Refuse a target inside a dataset it exports: its files would be the dataset's."""
    for one in seen:
        if lies_inside(target, one.root):
            raise UsageError(f"--to {target} lies inside {printable(one.display)}, which is "
                             "exported; write the tables elsewhere")


def _broken(failing: set[str], seen: Iterable[DatasetSeen]) -> list[str]:
    """The datasets (as printed) that hold the files of `failing`, as findings name them.

    A file in no dataset of the run (a folder without a descriptor, say) is named
    itself.  Each file's folders are looked up, so the work grows with the files.
    """
    # Findings name files as `make` prints them: a dataset is matched by that form.
    datasets = {printable(one.display): one.display for one in seen}
    broken = set()
    for file in failing:
        found = _owner(file, datasets)
        broken.add(printable(found) if found is not None else file)
    return sorted(broken)


def _owner(file: str, datasets: dict[str, str]) -> str | None:
    """The value `datasets` gives the dataset holding `file`, or None.

    Its keys are dataset folders as findings name them; the file's folders are
    looked up from the deepest.
    """
    parts = file.split("/")
    return next((datasets[folder] for folder in ("/".join(parts[:end])
                                                 for end in range(len(parts) - 1, 0, -1))
                 if folder in datasets), datasets.get(".") if parts[0] != ".." else None)


def _table(root: Path, relative: str) -> list[dict[str, str]]:
    data = read_regular_file(root, relative)
    if not isinstance(data, bytes):
        return []
    return list(csv.DictReader(io.StringIO(data.decode("utf-8", "replace"))))


def _path_of(descriptor: JSON, name: str) -> str:
    """The path of the resource `name` (an optional table's: none, no rows)."""
    for resource in descriptor.get("resources") or () if isinstance(descriptor, dict) else ():
        if isinstance(resource, dict) and resource.get("name") == name \
                and isinstance(resource.get("path"), str):
            return str(resource["path"])
    return ""


def _descriptor(seen: DatasetSeen) -> tuple[JSON, str]:
    """A dataset's descriptor, as the run parsed it ({} if it could not), and its name."""
    data = read_regular_file(Path(seen.root), "datapackage.json")
    read = document(data) if isinstance(data, bytes) else None
    descriptor = read[1] if isinstance(read, tuple) else {}  # else: named by its folder
    name = str(descriptor.get("name") or seen.display) if isinstance(descriptor, dict) \
        else seen.display
    return descriptor, name


def _dataset_rows(seen: DatasetSeen, descriptor: JSON, name: str,
                  ) -> Iterable[tuple[str, tuple[Any, ...]]]:
    """Every row one dataset (its descriptor and name: `_descriptor`) gives, table by table.

    ("skipped", (file:line,)) for each record left out.
    """
    root = Path(seen.root)
    actors = {row.get("id", ""): row for row in _table(root, "actors.csv")}
    keys = Keys(name, actors)
    for row in actor_rows(keys, actors):
        yield "actors", row
    aliases = _path_of(descriptor, "aliases")
    if aliases and seen.version is not None and "aliases" in registry.load(seen.version).tables:
        for row in alias_rows(keys, _table(root, aliases)):
            yield "aliases", row
    for row in source_rows(name, _table(root, "sources.csv")):
        yield "sources", row
    if seen.events is None or seen.version is None:
        return
    is_valid = compiled(seen.version, registry.RECORD_SCHEMA).is_valid
    handle = open_regular_file(root, seen.events)
    if not isinstance(handle, io.BufferedReader):
        return
    events = printable(f"{seen.display}/{seen.events}")  # as findings name the file
    number = 0
    with handle:
        for _, lines, _ in blocks(handle, None, digits=False):
            for raw in lines:
                number += 1
                if raw is None or not raw.strip():
                    continue
                record = parse_record(raw)  # as the run parses it: a repeated key too
                if isinstance(record, Problem) or not is_valid(record) \
                        or next(year_zero(record), None) is not None:  # read as a schema error
                    yield "skipped", (f"{events}:{number}",)
                    continue
                yield from record_rows(record, keys)
