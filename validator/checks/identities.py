"""One actor, one identity across the datasets of a run (codebook AC1 to AC4).

The same person, state or organisation is coded in many datasets, each with
its own actors table.  A Wikidata id says who an actor is, so across every
dataset of a run it goes with one actor id, one name and one kind
(`wikidata-inconsistent`), and one actor id goes with one Wikidata id
(`actor-wikidata-conflict`).  Rows without a Wikidata id say nothing here.

Whether rows agree depends on every dataset of the run, so this cannot be a
record or table check: each dataset's layers keep the rows that give a
Wikidata id (`actor_entries`: a few per dataset, picklable), a run gathers
them in the order of its datasets, whatever process read them, and once
every dataset was read `identity_findings` reports each row that disagrees
with the first row of the run for its Wikidata id or its actor id.

This module is pure: it reads no file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from validator.escaping import escape, printable
from validator.findings import make
from validator.pointers import pointer

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from validator.checks.tables import Table
    from validator.findings import Finding

CODES = frozenset({"wikidata-inconsistent", "actor-wikidata-conflict"})
_FIELDS = ("id", "name", "kind")  # what a Wikidata id must agree on, in this order


class ActorEntry(NamedTuple):
    """One row of an actors table that gives a Wikidata id, and where it stands.

    A named tuple: a worker sends a dataset's back pickled, and a frozen
    dataclass took a third of a small dataset's pickling and unpickling.
    """

    file: str  # the actors table, as findings name it
    line: int
    row: int  # its index among the table's rows (for the pointer)
    id: str
    name: str
    kind: str
    wikidata: str
    columns: tuple[int, ...]  # the columns of id, name, kind and wikidata


def actor_entries(table: Table, file: str) -> tuple[ActorEntry, ...]:
    """The rows of an actors table (with the expected columns) that give a Wikidata id."""
    columns = tuple(table.header.index(name) + 1 for name in (*_FIELDS, "wikidata"))
    return tuple(ActorEntry(file, line, index, row.get("id", ""), row.get("name", ""),
                            row.get("kind", ""), row.get("wikidata", ""), columns)
                 for index, (line, row) in enumerate(table.rows) if row.get("wikidata"))


def _values(entry: ActorEntry) -> tuple[str, str, str]:
    return entry.id, entry.name, entry.kind


def identity_findings(entries: Iterable[ActorEntry],
                      ignore: frozenset[str] = frozenset()) -> Iterator[Finding]:
    """A finding for each row that disagrees with the run's first row of its ids.

    With the first row of its Wikidata id: another actor id, name or kind;
    with the first row of its actor id: another Wikidata id.
    """
    by_wikidata: dict[str, ActorEntry] = {}
    by_actor: dict[str, ActorEntry] = {}
    for entry in entries:
        first = by_wikidata.setdefault(entry.wikidata, entry)
        # Most rows are a Wikidata id's first, or agree with it: nothing to compare field
        # by field (9,266 rows of 2,000 small datasets took 14 ms, now 4 ms).
        differ = [] if first is entry or _values(entry) == _values(first) else [
            index for index, (mine, theirs) in
            enumerate(zip(_values(entry), _values(first), strict=True)) if mine != theirs]
        if differ and "wikidata-inconsistent" not in ignore:
            said = ", ".join(f"{_FIELDS[index]} {escape(_values(entry)[index])} "
                             f"(not {escape(_values(first)[index])})" for index in differ)
            yield make("wikidata-inconsistent",
                       f"Wikidata {escape(entry.wikidata)} is {escape(first.id)} at "
                       f"{printable(first.file)}:{first.line}, but here its {said}; one actor "
                       "has one id, name and kind in every dataset", entry.file, entry.line,
                       entry.columns[differ[0]], pointer(entry.row, _FIELDS[differ[0]]))
        known = by_actor.setdefault(entry.id, entry)
        if known.wikidata != entry.wikidata and "actor-wikidata-conflict" not in ignore:
            yield make("actor-wikidata-conflict",
                       f"actor {escape(entry.id)} is Wikidata {escape(entry.wikidata)} here "
                       f"but {escape(known.wikidata)} at {printable(known.file)}:{known.line}; "
                       "one actor id names one actor in every dataset", entry.file, entry.line,
                       entry.columns[3], pointer(entry.row, "wikidata"))
