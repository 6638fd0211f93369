"""Every record id of a run, kept small and mergeable: the only cross-record state."""

from __future__ import annotations

import array
import bisect
import itertools
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from validator.checks.records import duplicate_id
from validator.findings import make
from validator.reading.fast_json import parse_record
from validator.reading.lines import read_line
from validator.reading.positions import located

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.findings import Finding, Problem


def id_digest(record_id: str) -> int:
    """A 64-bit digest of an id: its CRC-32 and Adler-32 side by side.

    zlib's checksums run at C speed on every record, unlike a cryptographic
    hash; collisions cost nothing but a second look, since equal digests are
    only candidates that `id_findings` compares by reading their lines again.
    """
    data = record_id.encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


@dataclass
class RecordIds:
    """Every record id of a run, as compact as it can be: the cross-record state.

    Each id is kept as an 8-byte digest with the line and byte offset where it
    stands, in arrays (about 24 bytes an id, so two million ids take some
    50 MB), and each file as the position of its first id.  Indexes of
    consecutive chunks merge by concatenation, so the merged index is the one a
    single pass builds.  Repeats are found once, at the end, by sorting the
    digests; the lines of the few candidates are read again to compare the ids
    themselves, so a digest collision is never reported.
    """

    files: list[str] = field(default_factory=list)
    starts: array.array[int] = field(default_factory=lambda: array.array("Q"))  # per file
    digests: array.array[int] = field(default_factory=lambda: array.array("Q"))
    lines: array.array[int] = field(default_factory=lambda: array.array("Q"))
    offsets: array.array[int] = field(default_factory=lambda: array.array("Q"))

    def start_file(self, file: str) -> None:
        """Note that the ids that follow are in `file`."""
        self.files.append(file)
        self.starts.append(len(self.digests))

    def add(self, record_id: str, file: str, line: int, offset: int) -> None:
        """Note an id at `file:line` (whose line starts at byte `offset`)."""
        if not self.files or self.files[-1] != file:
            self.start_file(file)
        self.digests.append(id_digest(record_id))
        self.lines.append(line)
        self.offsets.append(offset)

    def merge(self, later: RecordIds) -> None:
        """Append the index of a later chunk or dataset."""
        base = len(self.digests)
        for file, start in zip(later.files, later.starts, strict=True):
            if not self.files or self.files[-1] != file:  # else a chunk goes on with its file
                self.files.append(file)
                self.starts.append(base + start)
        self.digests.extend(later.digests)
        self.lines.extend(later.lines)
        self.offsets.extend(later.offsets)

    def candidates(self) -> Iterator[list[int]]:
        """Groups of positions, in order, whose digests are equal."""
        yield from repeated_groups(self.digests)

    def where(self, position: int) -> tuple[str, int, int]:
        """(file, line, offset) of a position."""
        return (self.files[bisect.bisect_right(self.starts, position) - 1],
                self.lines[position], self.offsets[position])


def repeated_groups(digests: array.array[int]) -> list[list[int]]:
    """The positions in `digests` of each digest that stands there more than once, in order."""
    repeated = repeated_digests(digests)
    groups: dict[int, list[int]] = {}
    if repeated:
        for position, digest in enumerate(digests):
            if digest in repeated:
                groups.setdefault(digest, []).append(position)
    return list(groups.values())


def repeated_digests(digests: array.array[int]) -> set[int]:
    """The digests that stand more than once in `digests`."""
    # Sorting all digests at once would need a list of them all (some 40
    # bytes a digest); sorting them in 256 buckets by their low byte needs an
    # array copy and one bucket's list at a time.
    buckets = [array.array("Q") for _ in range(256)]
    for digest in digests:
        buckets[digest & 0xFF].append(digest)
    repeated: set[int] = set()
    while buckets:
        ordered = sorted(buckets.pop())
        repeated.update(a for a, b in zip(ordered, itertools.islice(ordered, 1, None),
                                          strict=False) if a == b)
    return repeated


def reread(problem: Problem, root: str, path: str, file: str, line: int,
           offset: int) -> Finding:
    """A problem of the record at `file:line` (its line starting at byte `offset`), located.

    The line is read again; if it cannot be, the finding names the line alone.
    """
    text = read_line(Path(root), path, offset)
    return located(problem, text, file, line, id_of_line(text)) if text is not None else \
        make(problem.code, problem.message, file, line, 1, problem.pointer)


# What a finding may name its record by: an id every released version's `identifier`
# accepts (a test holds the two together).  So an invalid record's id, a megabyte long or
# full of control characters, never reaches a report, once for each of its findings.
_IDENTIFIER: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def identifier(value: object) -> str:
    """`value` if it is an id the schema could accept, else "" (a finding's `record`)."""
    return value if isinstance(value, str) and _IDENTIFIER.fullmatch(value) else ""


def record_of(value: Any) -> str:  # noqa: ANN401 - any parsed JSON value
    """The id a finding names the record `value` by: `identifier` of its id, else ""."""
    return identifier(value.get("id")) if isinstance(value, dict) else ""


def id_of_line(line: str) -> str:
    """`record_of` the record a line holds (read again for a finding: no hot path)."""
    return record_of(parse_record(line.encode("utf-8")))


def changed(file: str, why: str = "records checked could not be read again, so repeated "
            "ids, links or possible duplicates may be missing") -> Finding:
    """The finding of an events file that changed during the run, saying `why`.

    By default, its records read again are not those checked.  One for the
    file, however many of its records are missed: findings are a set.
    """
    return make("file-changed", f"events file changed during the run: {why}", file)


def id_findings(ids: RecordIds, roots: dict[str, tuple[str, str]]) -> Iterator[Finding]:
    """A finding for every repeated id, located by reading its line again.

    `roots` maps each events file, as findings name it, to (dataset folder,
    path in it).  A line that no longer holds an id of the digest kept for it
    means that its file changed (`changed`).
    """
    for group in ids.candidates():
        seen: dict[str, tuple[str, int, int]] = {}
        for position in group:
            file, line, offset = ids.where(position)
            where = roots.get(file)
            text = read_line(Path(where[0]), where[1], offset) if where else None
            record = parse_record(text.encode("utf-8")) if text is not None else None
            record_id = record.get("id") if isinstance(record, dict) else None
            if text is None or not isinstance(record_id, str) \
                    or id_digest(record_id) != ids.digests[position]:
                yield changed(file)
                continue
            first = seen.setdefault(record_id, (file, line, offset))
            if first[:2] != (file, line):
                problem = duplicate_id(record_id, first[0], first[1])
                yield located(problem, text, file, line, identifier(record_id))
