"""The datasets beside those a run checks: their record ids, so one dataset is checked in place.

A pre-commit hook, or a contributor, checks only the dataset that changed.
Its record ids must still be unique among the datasets of its repository, and
its links may name their records.  So a run also reads the record ids of the
datasets in the same folders as the ones it checks (datasets/x beside
datasets/y), and nothing else of them: they get no findings of their own.
Their files are opened as the run opens any dataset file (no links followed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator.engine.ids import RecordIds
from validator.findings import Problem
from validator.reading.discovery import DatasetLocation
from validator.reading.limits import DESCRIPTOR, MAX_LINE_BYTES
from validator.reading.lines import blocks
from validator.reading.paths import open_regular_file, read_regular_file, unsafe_path_reason

if TYPE_CHECKING:
    from collections.abc import Iterable


def datasets_beside(locations: Iterable[DatasetLocation]) -> list[DatasetLocation]:
    """The datasets in the folders of `locations` that are not among them, in order."""
    locations = list(locations)
    checked = {location.root.resolve() for location in locations}
    folders = sorted({location.root.resolve().parent: location for location in locations
                      if location.display not in {"", "."}}.items())
    found = []
    for folder, example in folders:
        display = example.display.rsplit("/", 1)[0] if "/" in example.display else ""
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir() \
                    or entry.resolve() in checked or not (entry / DESCRIPTOR).is_file():
                continue
            name = f"{display}/{entry.name}" if display else entry.name
            found.append(DatasetLocation(entry, name))
    return found


def _events_path(location: DatasetLocation) -> str | None:
    import orjson

    data = read_regular_file(location.root, DESCRIPTOR)
    if isinstance(data, Problem):
        return None
    try:
        descriptor = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else ():
        if isinstance(resource, dict) and resource.get("name") == "events":
            path = resource.get("path")
            return path if isinstance(path, str) and not unsafe_path_reason(path) else None
    return None


def ids_beside(locations: Iterable[DatasetLocation],
               ) -> tuple[RecordIds, dict[str, tuple[str, str]]]:
    """The record ids of those datasets' events files, and where each file is.

    A line that is not a record with a string id is skipped: it is its own
    dataset's concern, reported when that dataset is checked.
    """
    import orjson

    ids = RecordIds()
    roots: dict[str, tuple[str, str]] = {}
    for location in locations:
        path = _events_path(location)
        if path is None:
            continue
        handle = open_regular_file(location.root, path)
        if isinstance(handle, Problem):
            continue
        display = location.name(path)
        roots[display] = (str(location.root), path)
        ids.start_file(display)
        number = 0
        with handle:
            for start, lines, _ in blocks(handle, None, max_line=MAX_LINE_BYTES):
                offset = start
                for raw in lines:
                    number += 1
                    line_offset = offset
                    offset += len(raw) + 1 if raw is not None else 0
                    try:
                        record = orjson.loads(raw) if raw is not None else None
                    except orjson.JSONDecodeError:
                        continue
                    if isinstance(record, dict) and isinstance(record.get("id"), str):
                        ids.add(record["id"], display, number, line_offset)
    return ids, roots
