"""The records layer: JSON Lines checked a chunk at a time, in this process or a pool.

A `RecordTask` names a byte range of one events file, aligned to line starts,
with everything its checks need (all picklable).  `check_records` is a pure
function of the task and the file: it streams the lines, so memory does not
grow with the file, and returns findings, the ids it saw and a count.  Results
merge in task order, so a run with N processes gives the same findings, in the
same order, as a run with one.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import functools
import itertools
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from validator import engines, registry
from validator.checks import evidence, meaning, references
from validator.checks.context import DatasetContext
from validator.checks.schema import schema_problems
from validator.checks.walk import view
from validator.engines import compiled
from validator.findings import Finding, make
from validator.loading import (
    MAX_DEPTH,
    MAX_FINDINGS_PER_FILE,
    MAX_LINE_BYTES,
    Problem,
    colons_agree,
    decode_utf8,
    escape,
    open_regular_file,
    parse_json,
    parse_record,
    plain_block,
)
from validator.positions import locate

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from validator.checks.base import RecordCheck
    from validator.checks.walk import RecordView

JSON = Any
T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """What `worker_map` gives: `map` over one argument, results in input order."""

    def __call__(self, function: Callable[[T], R], items: Iterable[T], /) -> Iterator[R]:
        """Apply `function` to each item."""
        ...


RECORD_CHECKS = references.CHECKS + evidence.CHECKS + meaning.CHECKS
CHUNK_BYTES = 16 * 1024 * 1024  # a file larger than this is split between processes
BLOCK_BYTES = 64 * 1024  # lines are read this much at a time: small enough to stay in cache
# From here an engine of the dataset's own pays for its building: it takes some
# 1.5 ms and saves some 1.5 µs a record over the shared one (the table screens),
# so it pays from about 1,000 records, and 4 MiB hold 1,000 records of 4 KB.
NARROW_BYTES = 4 * 1024 * 1024


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
        # Sorting all digests at once would need a list of them all (some 40
        # bytes an id); sorting them in 256 buckets by their low byte needs an
        # array copy and one bucket's list at a time.
        buckets = [array.array("Q") for _ in range(256)]
        for digest in self.digests:
            buckets[digest & 0xFF].append(digest)
        repeated: set[int] = set()
        while buckets:
            ordered = sorted(buckets.pop())
            repeated.update(a for a, b in zip(ordered, itertools.islice(ordered, 1, None),
                                              strict=False) if a == b)
        groups: dict[int, list[int]] = {}
        if repeated:
            for position, digest in enumerate(self.digests):
                if digest in repeated:
                    groups.setdefault(digest, []).append(position)
        yield from groups.values()

    def where(self, position: int) -> tuple[str, int, int]:
        """(file, line, offset) of a position."""
        return (self.files[bisect.bisect_right(self.starts, position) - 1],
                self.lines[position], self.offsets[position])


@dataclass(frozen=True)
class RecordTask:
    """One byte range of one events file, with what its checks need."""

    root: str  # the dataset folder
    path: str  # the events file, relative to root
    display: str  # the events file as findings name it
    context: DatasetContext
    start: int = 0
    end: int | None = None  # None: to the end of the file
    first_line: int = 1
    ignore: frozenset[str] = frozenset()  # rule codes the run does not check (--ignore)


@dataclass
class RecordResult:
    """What one task found."""

    findings: list[Finding]
    ids: RecordIds
    records: int


@dataclass(frozen=True)
class HotPath:
    """How the hot path decides a clean record: one engine call, then the screens left."""

    is_valid: Callable[[JSON], bool]
    screens: tuple[Callable[[RecordView, DatasetContext], bool], ...]
    exact_numbers: bool  # the engine bounds every number: blocks need no scan for digits


def hot_path(context: DatasetContext, size: int, ignore: frozenset[str] = frozenset(),
             ) -> HotPath:
    """The hot path for `size` bytes of records of one dataset.

    A narrowed engine (see `validator.engines`) takes over the screens of the
    checks whose narrowing it holds.  From NARROW_BYTES on, it holds what the
    checks state about this dataset, its tables included.  Below, building
    one for the dataset costs more than it saves, so the engine holds what
    they state without any tables (assigned countries, listed open values):
    one engine per version, shared by every small dataset, and the screens
    of checks that need the tables still run.  If a narrowing names a place
    the version's schemas do not have, the released engine and every screen
    decide.  A check whose every code is in `ignore` takes no part.
    """
    basis = context if size >= NARROW_BYTES else DatasetContext(context.version)
    narrowing: dict[str, JSON] = {}
    screens = []
    checks = active_checks(ignore)
    for check in checks:
        narrow = check.narrowing
        extras = narrow(basis) if narrow is not None else None
        if narrow is None or extras is None \
                or (basis is not context and extras != narrow(context)):
            screens.append(check.passes)
            continue
        for location, extra in extras.items():
            narrowing[location] = {"allOf": [narrowing[location], extra]} \
                if location in narrowing else extra
    with contextlib.suppress(LookupError):
        engine = engines.narrowed(context.version, narrowing)
        return HotPath(engine.is_valid, tuple(screens), exact_numbers=True)
    return HotPath(compiled(context.version, registry.RECORD_SCHEMA).is_valid,
                   tuple(check.passes for check in checks), exact_numbers=False)


def active_checks(ignore: frozenset[str]) -> tuple[RecordCheck, ...]:
    """The record checks a run must do: those with a code that `ignore` leaves."""
    return tuple(check for check in RECORD_CHECKS if not check.codes <= ignore)


def blocks(handle: Any, end: int | None, *, digits: bool = True,  # noqa: ANN401 - a binary file
           ) -> Iterator[tuple[int, list[bytes | None], bool]]:
    """(offset, lines without LF, plain) for each run of the lines that start before `end`.

    Lines are split on LF bytes only (U+2028 inside a string is not a line
    break) and read a block at a time, so that cheap checks run over the block
    at C speed.  A block is plain when it has no escaped colon and (unless
    `digits` is False) no long run of digits, the two things `parse_record`
    must otherwise look for line by line.  A line longer than MAX_LINE_BYTES
    (its LF counted) comes out as None, alone in its run, without being held
    in memory.
    """
    offset = handle.tell()
    while end is None or offset < end:
        block = handle.read(BLOCK_BYTES if end is None else min(BLOCK_BYTES, end - offset))
        if not block:
            return
        if not block.endswith(b"\n"):  # complete the block's last line
            block += handle.readline(MAX_LINE_BYTES + 1)
        plain = plain_block(block, digits=digits)
        lines = block.split(b"\n")
        last = lines.pop()  # b"" when the block ends with LF
        if len(block) < MAX_LINE_BYTES:  # no line can be too long
            yield offset, [*lines, last] if last else lines, plain
            offset += len(block)
            continue
        yield from _runs(offset, lines, plain)
        offset += len(block) - len(last)
        if last and len(last) <= MAX_LINE_BYTES:  # the file's last line, without LF
            yield offset, [last], plain
            offset += len(last)
        elif last:  # an overlong last line: skip to its end
            start = offset
            offset += len(last)
            while last and not last.endswith(b"\n"):
                last = handle.readline(MAX_LINE_BYTES)
                offset += len(last)
            yield start, [None], False


def _runs(offset: int, lines: list[bytes], plain: bool,
          ) -> Iterator[tuple[int, list[bytes | None], bool]]:
    """LF-terminated lines in runs, each overlong one alone as None."""
    run: list[bytes | None] = []
    start = offset
    for line in lines:
        if len(line) < MAX_LINE_BYTES:
            run.append(line)
        else:
            if run:
                yield start, run, plain
            yield offset, [None], False
            run, start = [], offset + len(line) + 1
        offset += len(line) + 1
    if run:
        yield start, run, plain


def check_records(task: RecordTask) -> RecordResult:
    """Check every record of the task's byte range."""
    import orjson

    result = RecordResult([], RecordIds(), 0)
    handle = open_regular_file(Path(task.root), task.path)
    if isinstance(handle, Problem):  # reported by the dataset layer, which opened it first
        return result
    validator = compiled(task.context.version, registry.RECORD_SCHEMA)
    findings, ids, context, name = result.findings, result.ids, task.context, task.display
    size = os.fstat(handle.fileno()).st_size if task.end is None else task.end
    hot = hot_path(context, size - task.start, task.ignore)
    loads, dumps, is_valid, screens, fast_error = orjson.loads, orjson.dumps, hot.is_valid, \
        hot.screens, (orjson.JSONDecodeError, orjson.JSONEncodeError)
    number = task.first_line - 1
    ids.start_file(name)  # the hot loop below adds ids without `add`
    add_digest, add_line, add_offset = ids.digests.append, ids.lines.append, ids.offsets.append
    with handle:
        handle.seek(task.start)
        for block_offset, lines, plain in blocks(handle, task.end,
                                                 digits=not hot.exact_numbers):
            offset = block_offset
            for raw in lines:
                number += 1
                line_offset = offset
                if len(findings) >= MAX_FINDINGS_PER_FILE:
                    findings.append(make(
                        "too-many-findings", f"more than {MAX_FINDINGS_PER_FILE} findings; "
                        "the rest of the file is not checked", name, number, 1))
                    return result
                if raw is None:
                    findings.append(make("file-too-large", "line is longer than "
                                         f"{MAX_LINE_BYTES} bytes", name, number, 1))
                    continue
                offset += len(raw) + 1
                # The hot path, for a clean record in a plain block: parse_record's
                # fast path, the (narrowed) engine's verdict and the screens, inline.
                # Anything else, including a screen that fails or raises, takes `_record`.
                if plain:
                    try:
                        record = loads(raw)
                        if type(record) is dict and is_valid(record) \
                                and colons_agree(raw, dumps(record)):
                            facts = view(record)
                            for screen in screens:
                                if not screen(facts, context):
                                    break
                            else:
                                result.records += 1
                                # ids.add, inline: the engine made the id a string.
                                add_digest(id_digest(record["id"]))
                                add_line(number)
                                add_offset(line_offset)
                                continue
                    except fast_error:
                        pass
                    except Exception:  # noqa: BLE001, S110 - a screen that crashed: see _record
                        pass
                findings.extend(_record(raw, number, line_offset, task, validator, result))
    return result


def check_line(line: bytes, context: DatasetContext, name: str,
               ignore: frozenset[str] = frozenset()) -> list[Finding]:
    """The findings of one record line (without its LF) outside any file: the full path.

    What needs the other records of a run (repeated ids) is not checked.
    """
    task = RecordTask("", "", name, context, ignore=ignore)
    validator = compiled(context.version, registry.RECORD_SCHEMA)
    return _record(line, 1, 0, task, validator, RecordResult([], RecordIds(), 0))


def _record(line: bytes, number: int, offset: int, task: RecordTask,
            validator: Any, result: RecordResult) -> list[Finding]:  # noqa: ANN401
    """The findings of one line, every guard and check in full (off the hot path)."""
    name = task.display
    record = parse_record(line)  # a byte order mark is its problem too
    if isinstance(record, Problem):
        if not line.strip():
            return [make("record-blank-line", "blank line; each line holds one record",
                         name, number, 1)]
        return [make(record.code, record.message, name, number, record.column)]
    text = line.decode("utf-8")  # parse_record accepted it, so it decodes
    valid = isinstance(record, dict) and validator.is_valid(record)
    # The depth limit (see parse_record), where fewer brackets than the limit cannot hide it.
    if not valid and text.count("[") + text.count("{") > MAX_DEPTH:
        strict = parse_json(text)
        if isinstance(strict, Problem):
            return [make(strict.code, strict.message, name, number, strict.column)]
    if not valid and not isinstance(record, dict):
        return [make("record-not-object", f"a record is a JSON object, not {escape(record)}",
                     name, number, 1)]
    result.records += 1
    record_id = record.get("id")
    if isinstance(record_id, str):
        result.ids.add(record_id, name, number, offset)
    if valid:
        problems = _screened(record, task.context, task.ignore)
        if not problems:
            return []
    else:
        # The compiled engine decided; detailed errors are computed only now.
        problems = list(schema_problems(validator, record))
    return [locate_in_line(text, problem, name, number) for problem in problems]


def _screened(record: JSON, context: DatasetContext, ignore: frozenset[str]) -> list[Problem]:
    """Problems of a schema-valid record: each check runs in full only if its screen fails.

    A check whose every code is in `ignore` does not run; one that runs may still
    yield an ignored code beside one that is not, and that problem is dropped here.
    """
    problems: list[Problem] = []
    facts = view(record)
    for check in active_checks(ignore):
        try:
            if not check.passes(facts, context):
                problems.extend(p for p in check.problems(record, context)
                                if p.code not in ignore)
        except Exception as error:  # noqa: BLE001 - the crash barrier: one record
            problems.append(Problem("internal-error", f"{check.name} failed: "
                                    f"{type(error).__name__}: {escape(str(error), 80)}"))
    return problems


def locate_in_line(text: str, problem: Problem, name: str, number: int) -> Finding:
    """A record problem as a finding at the line and column of its pointer."""
    line, column = locate(text, problem.pointer, key=problem.code == "schema-unknown-field")
    return make(problem.code, problem.message, name, number + line - 1, column, problem.pointer)


def split(root: Path, path: str, size: int, parts: int) -> list[tuple[int, int | None, int]]:
    """(start, end, first line) of byte ranges of a file, cut at line starts.

    One range unless the file is larger than CHUNK_BYTES and more than one
    process is asked for.  Line numbers come from one pass counting LF bytes.
    """
    if parts <= 1 or size <= CHUNK_BYTES:
        return [(0, None, 1)]
    count = max(parts * 2, size // CHUNK_BYTES)
    handle = open_regular_file(root, path)
    if isinstance(handle, Problem):
        return [(0, None, 1)]
    ranges: list[tuple[int, int | None, int]] = []
    start, start_line = 0, 1
    offset, line = 0, 1  # `line` is the number of the line that holds byte `offset`
    with handle:
        for target in (size * k // count for k in range(1, count)):
            while offset < target:
                block = handle.read(min(1 << 20, target - offset))
                if not block:
                    break
                line += block.count(b"\n")
                offset += len(block)
            # Move the cut to the start of the next line.
            rest = handle.readline(MAX_LINE_BYTES + 1)
            offset += len(rest)
            while rest and not rest.endswith(b"\n"):
                rest = handle.readline(MAX_LINE_BYTES + 1)
                offset += len(rest)
            if not rest or offset >= size:  # the last range runs to the end
                break
            line += 1  # the cut, past at least one byte: no range is empty
            ranges.append((start, offset, start_line))
            start, start_line = offset, line
    ranges.append((start, None, start_line))
    return ranges


def id_findings(ids: RecordIds, roots: dict[str, tuple[str, str]]) -> Iterator[Finding]:
    """A finding for every repeated id, located by reading its line again."""
    for group in ids.candidates():
        seen: dict[str, tuple[str, int, int]] = {}
        for position in group:
            file, line, offset = ids.where(position)
            text = _read_line(roots.get(file), offset)
            record = parse_json(text) if text is not None else None
            record_id = record.get("id") if isinstance(record, dict) else None
            if not isinstance(record_id, str):
                continue
            first = seen.setdefault(record_id, (file, line, offset))
            if first[:2] != (file, line):
                column = locate(text, "/id")[1] if text is not None else 1
                yield make("record-id-duplicate", f"id {escape(record_id)} is already used "
                           f"at {first[0]}:{first[1]}", file, line, column, "/id")


def _read_line(root_and_path: tuple[str, str] | None, offset: int) -> str | None:
    if root_and_path is None:
        return None
    handle = open_regular_file(Path(root_and_path[0]), root_and_path[1])
    if isinstance(handle, Problem):
        return None
    with handle:
        handle.seek(offset)
        text = decode_utf8(handle.readline(MAX_LINE_BYTES).removesuffix(b"\n"))
    return text if isinstance(text, str) else None


@contextlib.contextmanager
def worker_map(jobs: int) -> Iterator[Mapper]:
    """A `map` that runs in `jobs` processes (1: this one), results in input order."""
    if jobs <= 1:
        yield map
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    # fork, where there is one: workers inherit the loaded modules and schemas.
    method = "fork" if "fork" in get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context(method)) as pool:
        yield functools.partial(pool.map, chunksize=1)
