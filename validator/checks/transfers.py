"""One transfer, one account within a dataset: its stage (codebook G3) and verification (F3).

Two records of one dataset with the same supplier and recipient and a weapon
category in common report the same transfer, or a part of it.  They agree on
how far it went, unless one links the other (`links`: the later report of a
shipment that arrived, the test of a delivered system), and on how far the
claim is established, unless a coding note says why they differ.

Whether records agree depends on the other records of their dataset, so this
cannot be a record check: a record check task keeps, for each allegation
whose supplier and recipient are both known, one small `Transfer` (the
parties, categories, stage, verification, whether it has a note, its links,
and where its line is), merged in order like the run's record ids; once a
dataset's records were all read, `transfer_problems` gives each record that
disagrees with an earlier one, and the state is dropped.  A record with no
allegation costs one dictionary lookup.

Each record is compared with the earlier records of each other stage (or
verification) only until one is found that it is not linked to (or, for the
verification, the first without a note), so the work grows with the records
and their links, never with their pairs.

This module is pure: it reads no file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.escaping import escape
from validator.findings import Problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

JSON = Any

CODES = frozenset({"stage-inconsistent", "verification-inconsistent"})


class Transfer(NamedTuple):
    """What G3 and F3 compare of one allegation, and where its line is (a tuple: made fast)."""

    record: str  # its id
    line: int
    offset: int  # the byte offset of its line, to read it again for a finding
    supplier: str
    recipient: str
    categories: tuple[str, ...]
    stage: str
    verification: str
    noted: bool  # whether coding.note says something
    links: tuple[str, ...]  # the ids it links to


def transfer(record: JSON, line: int, offset: int) -> Transfer | None:
    """The transfer of a schema-valid record, or None (not an allegation, a party unknown)."""
    allegation = record.get("arms_allegation")
    if allegation is None:
        return None
    supplier, recipient = allegation.get("supplier"), allegation.get("recipient")
    if supplier is None or recipient is None:
        return None
    categories = tuple({weapon["category"]: None for weapon in allegation["weapons"]})
    if not categories:
        return None
    links = tuple(link["record"] for link in record["links"]) if "links" in record else ()
    return Transfer(record["id"], line, offset, supplier, recipient, categories,
                    allegation["stage"], allegation["verification"],
                    bool(record["coding"].get("note", "").strip()), links)


@dataclass
class Transfers:
    """The transfers of one dataset's records (or one chunk of its events file), in order."""

    found: list[Transfer] = field(default_factory=list)

    def add(self, record: JSON, line: int, offset: int) -> None:
        """Note the transfer of one schema-valid record at `line` (starting at byte `offset`)."""
        found = transfer(record, line, offset)
        if found is not None:
            self.found.append(found)

    def merge(self, later: Transfers) -> None:
        """Append the transfers of a later chunk of the same events file."""
        self.found.extend(later.found)


def transfer_problems(transfers: Iterable[Transfer],
                      ignore: frozenset[str] = frozenset()) -> Iterator[tuple[Transfer, Problem]]:
    """Each transfer that disagrees with an earlier one of its dataset, and the problem."""
    ordered = list(transfers)
    linked = {frozenset((one.record, other)) for one in ordered for other in one.links}
    # For each (supplier, recipient, category): the records of each stage, in order; and
    # the first record without a note of each verification.
    stages: dict[tuple[str, str, str], dict[str, list[Transfer]]] = {}
    unnoted: dict[tuple[str, str, str], dict[str, Transfer]] = {}
    passed: dict[tuple[tuple[str, str, str], str, str], int] = {}  # see _unlinked
    for later in ordered:
        staged: Transfer | None = None
        verified: Transfer | None = None
        for category in later.categories:
            key = (later.supplier, later.recipient, category)
            by_stage = stages.setdefault(key, {})
            if staged is None:
                staged = _unlinked(later, key, by_stage, linked, passed)
            by_stage.setdefault(later.stage, []).append(later)
            if not later.noted:
                firsts = unnoted.setdefault(key, {})
                if verified is None:
                    verified = next((earlier for value, earlier in firsts.items()
                                     if value != later.verification), None)
                firsts.setdefault(later.verification, later)
        if staged is not None and "stage-inconsistent" not in ignore:
            yield later, Problem(
                "stage-inconsistent",
                f"stage {later.stage}, but record {escape(staged.record)} (line {staged.line}) "
                f"gives the same transfer ({_parties(later)}) stage {staged.stage}: link the "
                "two records, or code the stage both reports support",
                pointer="/arms_allegation/stage")
        if verified is not None and "verification-inconsistent" not in ignore:
            yield later, Problem(
                "verification-inconsistent",
                f"verification {later.verification}, but record {escape(verified.record)} "
                f"(line {verified.line}) gives the same transfer ({_parties(later)}) "
                f"verification {verified.verification}: give both the same, or say in "
                "coding.note why they differ", pointer="/arms_allegation/verification")


def _unlinked(later: Transfer, key: tuple[str, str, str], by_stage: dict[str, list[Transfer]],
              linked: set[frozenset[str]],
              passed: dict[tuple[tuple[str, str, str], str, str], int]) -> Transfer | None:
    """The earliest transfer of another stage that `later` is not linked to, or None.

    Each stage's records are looked at in order, up to its first unlinked one;
    the earliest of those (by line) is the one a finding names.  Each earlier
    one passed over is linked to `later`'s id, and is passed over once for
    that id (`passed` keeps, by key, id and stage, how many of the stage's
    records were): the looks are bounded by the stages and the links, even
    when many records share an id (record-id-duplicate's).
    """
    found = None
    for stage, earlier in by_stage.items():
        if stage == later.stage:
            continue
        number = passed.get((key, later.record, stage), 0)
        while number < len(earlier) and \
                frozenset((earlier[number].record, later.record)) in linked:
            number += 1
        passed[key, later.record, stage] = number
        if number < len(earlier) and (found is None or earlier[number].line < found.line):
            found = earlier[number]
    return found


def _parties(one: Transfer) -> str:
    return f"{escape(one.supplier)} to {escape(one.recipient)}"
