"""Checks across the records of a run that read a few records again: K1, K2, M7, links.

Possible duplicates (codebook K1, K2, `validator.checks.duplicates`): each
record keeps only the digests of its event keys, each with its window of days
as two ordinals and its position among the run's record ids (`EventKeys`:
20 bytes a key, so two million records take some 40 MB, and the indexes of
chunks merge by concatenation, as `RecordIds`).  Once every record was read,
the keys whose digests stand more than once are swept in the order of their
windows for pairs within two days.  A pair whose records link one to the
other is cleared by the run's links (the digests of the ids they name); the
few records of the other pairs are read again (`RecordIds.where` locates
them) to compare them exactly, look at their links and word the finding: a
digest collision is never reported.  Each record is reported once, naming the
first record of the run before it that it may repeat (of the first
SAME_WINDOW near it, compared in turn).

A trip linked `part_of` a multilateral meeting (codebook M7) needs the mode
of the linked record, which may stand in any dataset: the run's links carry
the kind of each (`checks.links.RecordLinks`), and only the records that
`part_of` links of visits name are read again, so this costs nothing a
record.  Dangling links (`link_findings`) are found among digests too, and
only the records of those reported are read again to word them.
"""

from __future__ import annotations

import array
import bisect
import heapq
import itertools
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.capping import capped_by_code_tagged
from validator.checks import duplicates
from validator.checks.links import PART_OF_VISIT, SELF, link_problem, part_of_multilateral
from validator.engine.ids import changed, id_digest, identifier, record_of, repeated_groups
from validator.findings import make
from validator.reading.fast_json import parse_record
from validator.reading.limits import MAX_FINDINGS_PER_RULE
from validator.reading.lines import read_line
from validator.reading.positions import located

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from collections.abc import Set as AbstractSet

    from validator.checks.links import RecordLinks
    from validator.engine.ids import RecordIds
    from validator.findings import Finding

JSON = Any
SAME_WINDOW = 8  # the first records near a record that it is paired with (EventKeys.pairs)
Roots = dict[str, tuple[str, str]]  # events file as findings name it -> (folder, path in it)


@dataclass
class EventKeys:
    """The event keys of the records of a run (or of one chunk), as digests and windows."""

    digests: array.array[int] = field(default_factory=lambda: array.array("Q"))
    firsts: array.array[int] = field(default_factory=lambda: array.array("i"))  # day ordinals
    lasts: array.array[int] = field(default_factory=lambda: array.array("i"))
    records: array.array[int] = field(default_factory=lambda: array.array("I"))  # id positions

    def add(self, record: JSON, position: int) -> None:
        """Note the keys of a schema-valid record, whose id stands at `position`."""
        found = duplicates.digests(record)
        if found is not None:
            digests, first, last = found
            for digest in digests:
                self.digests.append(digest)
                self.firsts.append(first)
                self.lasts.append(last)
                self.records.append(position)

    def merge(self, later: EventKeys, base: int) -> None:
        """Append the keys of a later chunk, whose id positions start at `base` in the run."""
        self.digests.extend(later.digests)
        self.firsts.extend(later.firsts)
        self.lasts.extend(later.lasts)
        self.records.extend(position + base for position in later.records)

    def pairs(self) -> set[tuple[int, int]]:
        """(earlier, later) id positions of records with equal digests within two days.

        Each record is paired with the first SAME_WINDOW records of the run before
        it whose keys have its digest and windows within two days of its own (the
        candidates that `duplicate_findings` compares in turn), so the pairs grow
        with the records, never with their pairs: a million copies of one record,
        or a thousand windows that all overlap, give some millions at most.
        """
        found: set[tuple[int, int]] = set()
        for group in repeated_groups(self.digests):
            windows: dict[tuple[int, int], list[int]] = {}
            for index in group:
                windows.setdefault((self.firsts[index], self.lasts[index]), []).append(
                    self.records[index])
            for positions, nearest in _nearest(windows):
                for position in positions:  # `nearest` is sorted: the first are the earlier
                    earlier = min(bisect.bisect_left(nearest, position), SAME_WINDOW)
                    found.update((one, position) for one in nearest[:earlier])
        return found


def _nearest(windows: dict[tuple[int, int], list[int]]
             ) -> Iterator[tuple[list[int], list[int]]]:
    """Each window's id positions, and the first SAME_WINDOW + 1 of all the windows near it.

    The windows are swept in order of their first days: the windows before one
    that reach it are those not yet dropped (their last days kept in a heap),
    the windows after it that it reaches are a run of the order (a segment tree
    keeps the first positions of each run), so each window costs a few lookups.
    Exact for windows whose first day is not after their last (any other
    is date-range-reversed; its pairs are still compared exactly).
    """
    keep = SAME_WINDOW + 1
    order = sorted(windows)
    heads = [sorted(set(windows[window]))[:keep] for window in order]
    if len(order) == 1:
        yield windows[order[0]], heads[0]
        return
    starts = [first for first, _ in order]
    size = 1 << (len(order) - 1).bit_length()
    tree: list[list[int]] = [[] for _ in range(size)] + heads + [[]] * (size - len(order))  # leaves
    for node in range(size - 1, 0, -1):
        tree[node] = heapq.nsmallest(keep, itertools.chain(tree[2 * node], tree[2 * node + 1]))
    ends: list[tuple[int, int]] = []  # (last day, window) of the windows swept
    firsts: list[tuple[int, int]] = []  # (position, window) of their first positions
    dropped: set[int] = set()
    for number, (first, last) in enumerate(order):
        while ends and ends[0][0] < first - duplicates.TOLERANCE:
            dropped.add(heapq.heappop(ends)[1])
        before: list[tuple[int, int]] = []  # the first positions of the windows not dropped
        while firsts and len(before) < keep:
            entry = heapq.heappop(firsts)
            if entry[1] not in dropped:  # a dropped window's positions go for good
                before.append(entry)
        for entry in before:
            heapq.heappush(firsts, entry)
        after = _smallest(tree, size + number + 1,
                          size + bisect.bisect_right(starts, last + duplicates.TOLERANCE), keep)
        yield windows[(first, last)], heapq.nsmallest(
            keep, {*heads[number], *(position for position, _ in before), *after})
        for position in heads[number]:
            heapq.heappush(firsts, (position, number))
        heapq.heappush(ends, (last, number))


def _smallest(tree: list[list[int]], low: int, high: int, keep: int) -> list[int]:
    """The `keep` smallest positions of the leaves low..high-1 of a segment tree of them."""
    parts: list[list[int]] = []
    while low < high:
        if low & 1:
            parts.append(tree[low])
            low += 1
        if high & 1:
            high -= 1
            parts.append(tree[high])
        low, high = low // 2, high // 2
    return heapq.nsmallest(keep, itertools.chain.from_iterable(parts))


class _Seen(NamedTuple):
    """What the pairs need of a record read again: a few values, never the record."""

    id: str
    keys: list[tuple[str, int, int]]  # duplicates.event_keys
    targets: frozenset[str]  # the ids its links name
    where: str  # the pointer a duplicate is reported at
    mode: str  # a visit's mode, else ""
    file: str
    line: int


class _Records:
    """Records of a run read again by their id positions, a summary of the last few kept."""

    def __init__(self, ids: RecordIds, roots: Roots, keep: int = 4096) -> None:
        self.ids, self.roots, self.keep = ids, roots, keep
        self._seen: OrderedDict[int, _Seen | None] = OrderedDict()
        self.changed: set[str] = set()  # files whose records, read again, are not those checked

    def text(self, position: int) -> tuple[str, str, int] | None:
        """(text, file, line) of the line of a position, or None if it went."""
        file, line, offset = self.ids.where(position)
        where = self.roots.get(file)
        text = read_line(Path(where[0]), where[1], offset) if where else None
        if text is None:
            self.changed.add(file)
        return None if text is None else (text, file, line)

    def findings(self, outside: AbstractSet[str] = frozenset()) -> Iterator[Finding]:
        """A `changed` finding for each file of the run met changed, in order of name."""
        yield from (changed(file) for file in sorted(self.changed - outside))

    def linking(self, position: int, index: int, target: int,
                ) -> tuple[JSON, tuple[str, str, int]] | None:
        """The record at a position read again, and its read, if it is the one checked.

        That is, it has the id kept there, and its link `index` names an id of digest
        `target`.  Else None, its file noted as changed: a link edited away is no pass.
        """
        read = self.text(position)
        if read is None:
            return None  # gone: `text` noted its file
        record = parse_record(read[0].encode("utf-8"))
        try:
            kept = isinstance(record, dict) and id_digest(record["id"]) == self.ids.digests[
                position] and id_digest(record["links"][index]["record"]) == target
        except (KeyError, IndexError, TypeError, AttributeError):  # no longer such a record
            kept = False
        if not kept:
            self.changed.add(read[1])
            return None
        return record, read

    def get(self, position: int) -> _Seen | None:
        """The summary of the record at a position, or None if it went or is no record."""
        if position in self._seen:
            self._seen.move_to_end(position)
            return self._seen[position]
        read = self.text(position)
        # As the records layer parses (orjson, its guards): the strict parser took 80 µs a
        # record read again, and a corpus of 2,000 small datasets reads some 400 again.
        record = parse_record(read[0].encode("utf-8")) if read is not None else None
        seen = None
        if read is None:
            pass  # gone: `text` noted its file
        elif not isinstance(record, dict) or not isinstance(record.get("id"), str) \
                or id_digest(record["id"]) != self.ids.digests[position]:
            self.changed.add(read[1])  # no longer the record checked there
        else:
            visit = record.get("diplomatic_visit")
            mode = visit.get("mode") if isinstance(visit, dict) else ""
            try:
                seen = _Seen(record["id"], duplicates.event_keys(record),
                             duplicates.targets(record), duplicates.pointer_of(record),
                             mode if isinstance(mode, str) else "", read[1], read[2])
            except (KeyError, TypeError, AttributeError, IndexError, ValueError):
                # A record that is not schema-valid (a link may name one), or one that was
                # and is no more, its id the same: it is compared with nothing.
                seen = None
        self._seen[position] = seen
        if len(self._seen) > self.keep:  # the first records of many pairs stay
            self._seen.popitem(last=False)
        return seen


def duplicate_findings(keys: EventKeys, ids: RecordIds, roots: Roots,
                       codes: frozenset[str], links: RecordLinks | None = None,
                       ) -> Iterator[Finding]:
    """A finding for each record that may repeat an earlier record of the run (K1, K2).

    With the run's `links`, a pair whose records link one to the other is
    cleared without reading them again (`_linked`).
    """
    if codes >= duplicates.CODES:
        return
    records = _Records(ids, roots)
    reported: set[int] = set()
    pairs = keys.pairs()
    if pairs and links:
        pairs -= _linked(pairs, links, ids)
    for earlier, later in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
        if later in reported:
            continue
        one, two = records.get(earlier), records.get(later)
        if one is None or two is None or one.id == two.id:  # a repeated id says it already
            continue
        key = duplicates.shared(one.keys, two.keys)
        if key is None or one.id in two.targets or two.id in one.targets:
            continue
        problem = duplicates.duplicate(two.where, one.id, key, one.line,
                                       None if one.file == two.file else one.file)
        read = records.text(later)
        if problem.code not in codes and read is not None:
            reported.add(later)
            yield located(problem, *read, record=identifier(two.id))
    yield from records.findings()


def _linked(pairs: set[tuple[int, int]], links: RecordLinks, ids: RecordIds,
            ) -> set[tuple[int, int]]:
    """The pairs whose records link one to the other, told by the digests of the ids.

    Such a pair is cleared (a link in either direction, of any relation, says
    they were told apart), and most pairs are such: an allegation and its
    denial, or a visit and its talks, share their keys.  Told here, their
    records are not read again: 2,000 small datasets had 209 pairs (418
    records), 208 of them linked.  As for dangling links
    (`link_findings`), a digest collision could only hide a finding.
    """
    involved = {position for pair in pairs for position in pair}
    names: dict[int, set[int]] = {}  # a record's id position -> the digests its links name
    for position, target in zip(links.records, links.targets, strict=True):
        if position in involved:
            names.setdefault(position, set()).add(target)
    digests = ids.digests
    return {(one, two) for one, two in pairs
            if digests[one] in names.get(two, ()) or digests[two] in names.get(one, ())}


def _placed(links: RecordLinks, entries: Iterable[int], ids: RecordIds, code: str,
            outside: set[str]) -> Iterator[tuple[int, Finding]]:
    """Each link entry as a finding of `code` at its record's line, not yet worded or located.

    Entries of the datasets beside the run's (files in `outside`) are left out.
    """
    for entry in entries:
        file, line, _ = ids.where(links.records[entry])
        if file not in outside:
            yield entry, make(code, "", file, line, 1, f"/links/{links.indexes[entry]}/record")


def _capped(placed: Iterable[tuple[int, Finding]]) -> list[tuple[int | None, Finding]]:
    """At most MAX_FINDINGS_PER_RULE a file, as every rule: only those kept are read again.

    A note of how many more (`findings-capped`) comes with entry None.  Read
    lazily: a file of a million suspect links holds only the findings kept.
    """
    return capped_by_code_tagged(placed, MAX_FINDINGS_PER_RULE)


def _missing(wanted: array.array[int], digests: array.array[int]) -> set[int]:
    """The digests of `wanted` that `digests` does not hold.

    A set of every digest (or of every one wanted) would take some 70 bytes
    each; in 256 buckets by their low byte (array copies, 8 bytes each), only
    one bucket's sets are held at a time.
    """
    def buckets(values: array.array[int]) -> list[array.array[int]]:
        parts = [array.array("Q") for _ in range(256)]
        for value in values:
            parts[value & 0xFF].append(value)
        return parts

    missing: set[int] = set()
    if not wanted:
        return missing
    among = buckets(digests)
    for part in buckets(wanted):
        if part:
            missing |= set(part).difference(among[part[0] & 0xFF])
    return missing


def link_findings(links: RecordLinks, ids: RecordIds, roots: Roots,
                  outside: set[str]) -> Iterator[Finding]:
    """A finding for each link that names no record of the run, or its own record.

    A digest collision could only hide a dangling link.
    """
    unknown = _missing(links.targets, ids.digests)
    records = _Records(ids, roots)
    placed = _placed(links, links.suspects(lambda digest: digest not in unknown), ids,
                     "link-dangling", outside)
    for entry, finding in _capped(placed):
        if entry is None:
            yield finding
            continue
        found = records.linking(links.records[entry], links.indexes[entry],
                                links.targets[entry])  # None: changed (`records` says so)
        problem = found and link_problem(found[0], links.indexes[entry],
                                         lambda target: id_digest(target) not in unknown)
        if found and problem:
            yield located(problem, *found[1], record=record_of(found[0]))
    yield from records.findings(outside)


def part_of_findings(links: RecordLinks, ids: RecordIds, roots: Roots,
                     outside: set[str]) -> Iterator[Finding]:
    """A finding for each visit linked `part_of` a multilateral record (codebook M7)."""
    visits = [entry for entry, kind in enumerate(links.kinds)
              if kind & PART_OF_VISIT and not kind & SELF]
    if not visits:
        return
    wanted = {links.targets[entry] for entry in visits}
    records = _Records(ids, roots)
    multilateral: set[str] = set()
    for position, digest in enumerate(ids.digests):
        if digest in wanted:
            found = records.get(position)
            if found is not None and found.mode == "multilateral":
                multilateral.add(found.id)
    digests = {id_digest(record_id) for record_id in multilateral}
    linked = [entry for entry in visits if links.targets[entry] in digests]
    for entry, finding in _capped(_placed(links, linked, ids, "visit-part-of-multilateral",
                                          outside)):
        if entry is None:
            yield finding
            continue
        kept = records.linking(links.records[entry], links.indexes[entry], links.targets[entry])
        target = kept and kept[0]["links"][links.indexes[entry]]["record"]  # None: changed
        if kept and target in multilateral:
            yield located(part_of_multilateral(kept[0]["id"], target, finding.pointer),
                          *kept[1], record=record_of(kept[0]))
    yield from records.findings(outside)
