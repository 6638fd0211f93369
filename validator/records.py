"""The records layer: JSON Lines checked a chunk at a time, in this process or a pool.

A `RecordTask` names a byte range of one events file, aligned to line starts,
with everything its checks need (all picklable).  `check_records` is a pure
function of the task and the file: it streams the lines, so memory does not
grow with the file, and returns findings, the ids it saw and a count.  Results
merge in task order, so a run with N processes gives the same findings, in the
same order, as a run with one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks import evidence, meaning, references
from validator.checks.schema import schema_problems
from validator.findings import Finding, make
from validator.loading import (
    MAX_FINDINGS_PER_FILE,
    MAX_LINE_BYTES,
    Problem,
    decode_utf8,
    escape,
    open_regular_file,
    parse_record,
)
from validator.positions import locate

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext

JSON = Any
RECORD_CHECKS = references.CHECKS + evidence.CHECKS + meaning.CHECKS
CHUNK_BYTES = 16 * 1024 * 1024  # a file larger than this is split between processes


@dataclass
class RecordIds:
    """Where each record id was first seen, and where it was seen again.

    The only cross-record state of a run: one small entry per id.  Indexes of
    consecutive chunks merge by keeping the earlier occurrence, so the merged
    index is the one a single pass would have built.
    """

    first: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    repeats: list[tuple[str, str, int, int]] = field(default_factory=list)

    def add(self, record_id: str, file: str, line: int, offset: int) -> None:
        """Note an id at `file:line` (whose line starts at byte `offset`)."""
        if record_id in self.first:
            self.repeats.append((record_id, file, line, offset))
        else:
            self.first[record_id] = (file, line, offset)

    def merge(self, later: RecordIds) -> None:
        """Fold in the index of a later chunk or dataset."""
        for record_id, (file, line, offset) in later.first.items():
            self.add(record_id, file, line, offset)
        self.repeats.extend(later.repeats)


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


@dataclass
class RecordResult:
    """What one task found."""

    findings: list[Finding]
    ids: RecordIds
    records: int
    capped: bool  # stopped at MAX_FINDINGS_PER_FILE


@functools.cache
def compiled(version: str, document: str) -> Any:  # noqa: ANN401 - a jsonschema-rs validator
    """A compiled, offline, format-asserting validator, built once per process."""
    import jsonschema_rs

    loaded = registry.load(version)
    resources = [(doc["$id"], doc) for doc in loaded.documents.values() if "$id" in doc]
    return jsonschema_rs.validator_for(
        loaded.documents[document], registry=jsonschema_rs.Registry(resources),
        validate_formats=True, retriever=refuse)


def refuse(uri: str) -> JSON:
    """The engines' retriever: nothing is ever fetched."""
    raise ValueError(f"offline: refusing to retrieve {uri}")


def _lines(handle: Any, end: int | None) -> Iterator[tuple[int, bytes | None]]:  # noqa: ANN401 - a binary file
    """(offset, line) of the lines that start before `end`, split on LF bytes only.

    U+2028 inside a string is not a line break.  A line longer than
    MAX_LINE_BYTES is skipped without being held in memory and comes out as None.
    """
    offset = handle.tell()
    while end is None or offset < end:
        chunk = handle.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        start = offset
        offset += len(chunk)
        if len(chunk) > MAX_LINE_BYTES:
            while chunk and not chunk.endswith(b"\n"):
                chunk = handle.readline(MAX_LINE_BYTES)
                offset += len(chunk)
            yield start, None
            continue
        yield start, chunk


def check_records(task: RecordTask) -> RecordResult:
    """Check every record of the task's byte range."""
    result = RecordResult([], RecordIds(), 0, capped=False)
    handle = open_regular_file(Path(task.root), task.path)
    if isinstance(handle, Problem):  # reported by the dataset layer, which opened it first
        return result
    validator = compiled(task.context.version, registry.RECORD_SCHEMA)
    with handle:
        handle.seek(task.start)
        for number, (offset, raw) in enumerate(_lines(handle, task.end), start=task.first_line):
            if len(result.findings) >= MAX_FINDINGS_PER_FILE:
                result.findings.append(make(
                    "too-many-findings", f"more than {MAX_FINDINGS_PER_FILE} findings; the rest "
                    "of the file is not checked", task.display, number, 1))
                result.capped = True
                break
            if raw is None:
                result.findings.append(make(
                    "file-too-large", f"line is longer than {MAX_LINE_BYTES} bytes",
                    task.display, number, 1))
                continue
            result.findings.extend(_record(raw, number, offset, task, validator, result))
    return result


def _record(raw: bytes, number: int, offset: int, task: RecordTask, validator: Any,  # noqa: ANN401
            result: RecordResult) -> Iterator[Finding]:
    line = raw.removesuffix(b"\n")
    name = task.display
    if number == 1 and line.startswith(b"\xef\xbb\xbf"):
        yield make("encoding-bom", "starts with a UTF-8 byte order mark", name, 1, 1)
        return
    if not line.strip():
        yield make("record-blank-line", "blank line; each line holds one record", name, number, 1)
        return
    record = parse_record(line)
    if isinstance(record, Problem):
        yield make(record.code, record.message, name, number, record.column)
        return
    if not isinstance(record, dict):
        yield make("record-not-object", f"a record is a JSON object, not {escape(record)}",
                   name, number, 1)
        return
    result.records += 1
    record_id = record.get("id")
    if isinstance(record_id, str):
        result.ids.add(record_id, name, number, offset)
    # The compiled engine decides; detailed errors are computed only for failures.
    problems = [] if validator.is_valid(record) else list(schema_problems(validator, record))
    if not problems:
        # Later layers assume the record's shape, so they run on valid records only.
        for check in RECORD_CHECKS:
            try:
                problems.extend(check(record, task.context))
            except Exception as error:  # noqa: BLE001 - the crash barrier: one record
                problems.append(Problem("internal-error", f"{check.__name__} failed: "
                                        f"{type(error).__name__}: {escape(str(error), 80)}"))
    if problems:
        text = line.decode("utf-8")  # parse_record accepted it, so it decodes
        for problem in problems:
            yield locate_in_line(text, problem, name, number)


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
            if not rest:
                break
            line += 1
            if offset > start:
                ranges.append((start, offset, start_line))
                start, start_line = offset, line
    ranges.append((start, None, start_line))
    return ranges


def id_finding(record_id: str, where: tuple[str, int, int], first: tuple[str, int, int],
               root_of: dict[str, tuple[str, str]]) -> Finding:
    """The finding for a repeated id, located by re-reading its one line."""
    file, line, offset = where
    column = 1
    root, relative = root_of.get(file, ("", ""))
    handle = open_regular_file(Path(root), relative) if root else None
    if handle is not None and not isinstance(handle, Problem):
        with handle:
            handle.seek(offset)
            text = decode_utf8(handle.readline(MAX_LINE_BYTES).removesuffix(b"\n"))
        if isinstance(text, str):
            column = locate(text, "/id")[1]
    return make("record-id-duplicate", f"id {escape(record_id)} is already used at "
                f"{first[0]}:{first[1]}", file, line, column, "/id")


def run_tasks(tasks: list[RecordTask], jobs: int) -> Iterator[RecordResult]:
    """Results of the tasks, in task order, from `jobs` processes (1: this one)."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(check_records, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    # fork, where there is one: workers inherit the loaded modules and schemas.
    method = "fork" if "fork" in get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context(method)) as pool:
        yield from pool.map(check_records, tasks, chunksize=1)
