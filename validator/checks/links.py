"""Typed links between records (schema 1.1.0), resolved across every dataset of a run.

A record's `links` name other records by id, in its own dataset or another
(the same G7 meeting coded in two datasets; a meeting that is part of a
summit).  Whether a link resolves depends on every record of the run, so it
cannot be a record check: a run gathers the links as it checks records
(`RecordLinks`, merged in order like the run's record ids), and once every
record has been read, `link_findings` reports each link that names no record
of the run, and each record that links to itself.

Links are rare, so the state is a plain list; a record without `links` costs
one dictionary lookup (`record_links`).

This module is pure: it reads no file.  How a run wires it in is described
in `RecordLinks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator.escaping import escape
from validator.findings import Problem, make

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from validator.findings import Finding

JSON = Any

_QUOTED = 60


def record_links(record: JSON) -> list[tuple[str, str]]:
    """(pointer of the linked id, linked id) for each link of a record that passed its schema."""
    links = record.get("links") if isinstance(record, dict) else None
    if not links:
        return []
    return [(f"/links/{index}/record", link["record"]) for index, link in enumerate(links)
            if isinstance(link, dict) and isinstance(link.get("record"), str)]


@dataclass(frozen=True, slots=True)
class Link:
    """One link as found: where it stands and the record id it names."""

    file: str
    line: int
    column: int
    pointer: str
    source: str  # the id of the record that links
    target: str  # the id it links to
    relation: str = ""  # the link's relation (part_of, same_event, ...)
    mode: str = ""  # the visit mode of the record that links; "" for an allegation


@dataclass
class RecordLinks:
    """Every link of a run, in the order the records were read.

    Wiring, for the run (records.py / run.py, or their successors):

    - a record check task keeps one `RecordLinks` beside its `RecordIds`, and
      after a record passes its schema calls
      `links.add(record, display_file, line, column_of)`, where
      `column_of(pointer)` is the column of the pointer in the line (as
      `positions.locate(text, pointer)[1]`); it returns at once for a record
      without `links`;
    - the run merges the tasks' `RecordLinks` in order (`merge`), as it merges
      their ids;
    - after every dataset is read, it extends its findings with
      `link_findings(links, resolves)`, where `resolves(record_id)` tells
      whether some record of the run has that id (with the run's `RecordIds`:
      `id_digest(record_id) in frozenset(ids.digests)`), unless `--ignore`
      names `link-dangling`.
    """

    links: list[Link] = field(default_factory=list)

    def add(self, record: JSON, file: str, line: int,
            column_of: Callable[[str], int] | None = None) -> None:
        """Note the links of one record at `file:line`."""
        found = record_links(record)
        if not found:
            return
        source = record.get("id")
        source = source if isinstance(source, str) else ""
        visit = record.get("diplomatic_visit")
        mode = visit.get("mode", "") if isinstance(visit, dict) else ""
        links = record["links"]
        for pointer, target in found:
            column = column_of(pointer) if column_of is not None else 1
            relation = links[int(pointer.split("/")[2])].get("relation", "")
            self.links.append(Link(file, line, column, pointer, source, target,
                                   relation if isinstance(relation, str) else "",
                                   mode if isinstance(mode, str) else ""))

    def merge(self, later: RecordLinks) -> None:
        """Append the links of a later chunk or dataset."""
        self.links.extend(later.links)


def _quote(value: str) -> str:
    shown = value if len(value) <= _QUOTED else value[:_QUOTED] + "…"
    return repr(shown)


def link_findings(links: RecordLinks | Iterable[Link],
                  resolves: Callable[[str], bool]) -> Iterator[Finding]:
    """A finding for each link that names no record of the run, or its own record."""
    for link in links.links if isinstance(links, RecordLinks) else links:
        if link.target == link.source:
            message = f"record {_quote(link.source)} links to itself"
        elif not resolves(link.target):
            message = (f"link to record {_quote(link.target)}, which no dataset of this run "
                       "has; check the id, or check its dataset in the same run")
        else:
            continue
        yield make("link-dangling", message, link.file, link.line, link.column, link.pointer)


def part_of_multilateral(source: str, target: str) -> Problem:
    """The problem of a visit linked `part_of` the multilateral record `target` (codebook M7).

    A trip to attend a multilateral meeting is part of that meeting, coded with
    mode `multilateral`; a meeting at a third place during it (a pull-aside) is
    no trip, so only mode `visit` is reported.
    """
    return Problem("visit-part-of-multilateral",
                   f"record {escape(source)} is part of the multilateral meeting "
                   f"{escape(target)}, so it is a trip to attend it: its mode is "
                   "multilateral, not visit (codebook M7)")
