"""The datasets beside those a run checks: their record ids, so one dataset is checked in place.

A pre-commit hook, or a contributor, checks only the dataset that changed.
Its record ids must still be unique among the datasets of its repository, and
its links may name their records.  So a run also reads the record ids of the
datasets in the same folders as the ones it checks (datasets/x beside
datasets/y), and nothing else of them: they get no findings of their own.
Their files are opened as the run opens any dataset file (no links followed).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from validator import registry
from validator.checks import descriptor as descriptor_rules
from validator.engine.ids import RecordIds
from validator.findings import Problem
from validator.reading.discovery import DatasetLocation
from validator.reading.fast_json import document, parse_record
from validator.reading.limits import DESCRIPTOR, MAX_DEPTH, MAX_LINE_BYTES
from validator.reading.lines import blocks
from validator.reading.paths import open_regular_file, read_regular_file
from validator.reading.strict_json import too_deep

if TYPE_CHECKING:
    from collections.abc import Iterable


def datasets_beside(locations: Iterable[DatasetLocation]) -> list[DatasetLocation]:
    """The datasets in the folders of `locations` that are not among them, in order.

    Those folders are taken by their absolute names as findings give them (no
    link is resolved but the current folder's), and each entry of one is a
    dataset beside if it holds a descriptor, hidden ones too, as a run over the
    folder finds them.  Datasets further down (in a folder of their own below
    it) are not looked for: that walk would reach anything below the folder
    (a home folder, the file system's root), where one status an entry is
    bounded by the folder's listing.  An entry named like a dataset of the run
    is skipped before it is looked at, so a run over every dataset of a folder
    costs one listing of it.  A dataset run where it stands (`.`) has the
    datasets of its parent folder beside it, named `../name`.
    """
    checked: dict[str, set[str]] = {}
    displays: dict[str, str] = {}
    for location in locations:
        # By its name as findings give it (resolved, below the current folder): the
        # datasets beside are those a run over its folder checks, and are named so.
        # As strings: a Path a dataset was most of the cost, before any folder's.
        where, name = os.path.split(os.path.abspath(location.display))  # noqa: PTH100 - as named
        if not name:
            continue  # the root folder: nothing is beside it
        checked.setdefault(where, set()).add(name)
        displays.setdefault(where, _above(location.display))
    found = []
    for parent in sorted(checked):
        folder, skipped, above = Path(parent), checked[parent], displays[parent]
        try:
            names = sorted(entry.name for entry in os.scandir(folder)
                           if entry.name not in skipped and entry.is_dir(follow_symlinks=False))
        except OSError:
            continue
        found += [DatasetLocation(folder / name, above + name) for name in names
                  if _holds_descriptor(folder / name)]
    return found


def _above(display: str) -> str:
    """The folder that holds a dataset, as findings name it, ready for a name after it.

    `..` above `.` or `..`; `/` above a folder of the root; nothing above a name alone.
    """
    head, _, last = display.rpartition("/")
    above = ".." if display == "." else f"{display}/.." if last == ".." else head
    return "" if not above and not display.startswith("/") else f"{above}/"


def _holds_descriptor(folder: Path) -> bool:
    try:
        return (folder / DESCRIPTOR).is_file()
    except OSError:  # a folder that cannot be entered lends no id (its own run reports it)
        return False


def _events_path(location: DatasetLocation) -> str | None:
    """The events file whose records a run over the dataset would check, if any.

    As its layers decide: a descriptor that parses strictly and declares a
    released version, and its first events resource with a safe path.
    """
    data = read_regular_file(location.root, DESCRIPTOR)
    read = data if isinstance(data, Problem) else document(data)
    descriptor = None if isinstance(read, Problem) else read[1]
    if not isinstance(descriptor, dict) or any(
            descriptor_rules.version_problems(descriptor, registry.versions())):
        return None
    version = registry.load(descriptor["textevents_version"])
    unsafe = {p.pointer for p in descriptor_rules.unsafe_paths(descriptor, version.tables)}
    return descriptor_rules.resource_paths(descriptor, unsafe).get("events")


def ids_beside(locations: Iterable[DatasetLocation],
               ) -> tuple[RecordIds, dict[str, tuple[str, str]]]:
    """The record ids of those datasets' events files, and where each file is.

    A line that is not a record with a string id is skipped: it is its own
    dataset's concern, reported when that dataset is checked.  Lines are parsed
    as strictly as the run parses them (repeated keys, depth), so that an id
    lent here is one the run over every dataset would index.
    """
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
                    # As the records layer reads a line: its parse, and the depth limit.
                    record = parse_record(raw) if raw is not None else None
                    if raw is not None and isinstance(record, dict) \
                            and isinstance(record.get("id"), str) and _shallow(raw):
                        ids.add(record["id"], display, number, line_offset)
    return ids, roots


def _shallow(line: bytes) -> bool:
    """Whether a parsed line is no deeper than MAX_DEPTH (fewer brackets cannot be deeper)."""
    return line.count(b"[") + line.count(b"{") <= MAX_DEPTH \
        or too_deep(line.decode("utf-8")) is None  # it parsed, so it decodes
