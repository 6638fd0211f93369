"""Typed links between records (schema 1.1.0), resolved across every dataset of a run.

A record's `links` name other records by id, in its own dataset or another
(the same G7 meeting coded in two datasets; a meeting that is part of a
summit).  Whether a link resolves depends on every record of the run, so it
cannot be a record check: a run gathers the links as it checks records
(`RecordLinks`, merged in order like the run's record ids), and once every
record has been read, reports each link that names no record of the run, and
each record that links to itself (`validator.engine.across.link_findings`).

A link is kept as the digest of the id it names, with the id position of
its record (`validator.engine.ids.RecordIds`), its index and what it is:
17 bytes a link, whatever its ids.  Only the records of the few links
reported are read again, to word and locate their findings.

This module is pure: it reads no file.
"""

from __future__ import annotations

import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator.escaping import escape
from validator.findings import Problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

JSON = Any

_QUOTED = 60
SELF = 1  # a link to its own record
PART_OF_VISIT = 2  # a link part_of from a record of visit mode (codebook M7)


def record_links(record: JSON) -> list[tuple[str, str]]:
    """(pointer of the linked id, linked id) for each link of a record that passed its schema."""
    links = record.get("links") if isinstance(record, dict) else None
    if not links:
        return []
    return [(f"/links/{index}/record", link["record"]) for index, link in enumerate(links)
            if isinstance(link, dict) and isinstance(link.get("record"), str)]


def _kind(record: JSON, link: JSON) -> int:
    """What a link of a record is: SELF, PART_OF_VISIT, both or neither."""
    kind = SELF if link["record"] == record.get("id") else 0
    visit = record.get("diplomatic_visit")
    if link.get("relation") == "part_of" and isinstance(visit, dict) \
            and visit.get("mode") == "visit":
        kind |= PART_OF_VISIT
    return kind


@dataclass
class RecordLinks:
    """Every link of a run (or of one chunk), in the order the records were read.

    A link stands as four entries of arrays: the id position of its record,
    the digest of the id it names, its index in the record's `links`, and its
    kind (SELF, PART_OF_VISIT).  Indexes of consecutive chunks merge by
    concatenation, their id positions moved past the ids before them, as
    `EventKeys` does.
    """

    records: array.array[int] = field(default_factory=lambda: array.array("Q"))
    targets: array.array[int] = field(default_factory=lambda: array.array("Q"))
    indexes: array.array[int] = field(default_factory=lambda: array.array("I"))
    kinds: array.array[int] = field(default_factory=lambda: array.array("B"))

    def add(self, record: JSON, position: int, digest: Callable[[str], int]) -> None:
        """Note the links of a schema-valid record whose id stands at id position `position`.

        `digest` is the run's id digest (`validator.engine.ids.id_digest`).
        """
        links = record.get("links") if isinstance(record, dict) else None
        for index, link in enumerate(links or ()):
            if isinstance(link, dict) and isinstance(link.get("record"), str):
                self.records.append(position)
                self.targets.append(digest(link["record"]))
                self.indexes.append(index)
                self.kinds.append(_kind(record, link))

    def merge(self, later: RecordLinks, base: int) -> None:
        """Append the links of a later chunk, whose id positions start at `base`."""
        self.records.extend(position + base for position in later.records)
        self.targets.extend(later.targets)
        self.indexes.extend(later.indexes)
        self.kinds.extend(later.kinds)

    def __len__(self) -> int:
        """How many links."""
        return len(self.targets)

    def suspects(self, known: Callable[[int], bool]) -> Iterator[int]:
        """The entries of links to their own record, or to an id whose digest is not `known`."""
        for entry, (target, kind) in enumerate(zip(self.targets, self.kinds, strict=True)):
            if kind & SELF or not known(target):
                yield entry


def _quote(value: str) -> str:
    shown = value if len(value) <= _QUOTED else value[:_QUOTED] + "…"
    return repr(shown)


def link_problem(record: JSON, index: int, resolves: Callable[[str], bool]) -> Problem | None:
    """The problem of link `index` of a record (read again), if it names no record of the run.

    None when the link resolves, or when the record no longer has that link
    (its file changed during the run).
    """
    try:
        source, target = record["id"], record["links"][index]["record"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(source, str) or not isinstance(target, str):
        return None
    pointer = f"/links/{index}/record"
    if target == source:
        return Problem("link-dangling", f"record {_quote(source)} links to itself",
                       pointer=pointer)
    if resolves(target):
        return None
    return Problem("link-dangling", f"link to record {_quote(target)}, which no dataset of "
                   "this run has; check the id, or check its dataset in the same run",
                   pointer=pointer)


def part_of_multilateral(source: str, target: str, pointer: str) -> Problem:
    """The problem of a visit linked `part_of` the multilateral record `target` (codebook M7).

    `pointer` is the link's record id.

    A trip to attend a multilateral meeting is part of that meeting, coded with
    mode `multilateral`; a meeting at a third place during it (a pull-aside) is
    no trip, so only mode `visit` is reported.
    """
    return Problem("visit-part-of-multilateral",
                   f"record {escape(source)} is part of the multilateral meeting "
                   f"{escape(target)}, so it is a trip to attend it: its mode is "
                   "multilateral, not visit (codebook M7)", pointer=pointer)
