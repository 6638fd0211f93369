"""The records layer: JSON Lines checked a chunk at a time, the hot path inline.

A `RecordTask` names a byte range of one events file, aligned to line starts,
with everything its checks need (all picklable).  `check_records` is a pure
function of the task and the file: it streams the lines, so memory does not
grow with the file, and returns findings, the ids it saw and a count.  Results
merge in task order, so a run with N processes gives the same findings, in the
same order, as a run with one.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.capping import capped
from validator.checks import records as record_rules
from validator.checks import year_zero
from validator.checks.context import DatasetContext
from validator.checks.duplicates import CODES as DUPLICATE_CODES
from validator.checks.links import RecordLinks
from validator.checks.schema import schema_problems
from validator.checks.transfers import CODES as TRANSFER_CODES
from validator.checks.transfers import Transfers
from validator.checks.walk import spans, view
from validator.engine import engines
from validator.engine.across import EventKeys
from validator.engine.engines import compiled
from validator.engine.ids import RecordIds, changed, id_digest, record_of
from validator.escaping import escape
from validator.findings import Finding, Problem, make
from validator.reading.fast_json import colons_agree, parse_record
from validator.reading.limits import (
    MAX_FINDINGS_PER_FILE,
    MAX_FINDINGS_PER_RECORD,
    MAX_LINE_BYTES,
    SIZES,
    Sizes,
)
from validator.reading.lines import blocks
from validator.reading.paths import open_regular_file
from validator.reading.positions import Locator
from validator.reading.strict_json import too_deep
from validator.recall import SETTLE_AT, Coverage

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from validator.checks.base import RecordCheck
    from validator.checks.walk import RecordView

JSON = Any


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
    sizes: Sizes = SIZES  # how the file is read (never what is found)
    recall: bool = True  # keep what the spans cite, for the recall aid (validator.recall)


@dataclass
class RecordResult:
    """What one task found."""

    findings: list[Finding]
    ids: RecordIds
    records: int
    links: RecordLinks = field(default_factory=RecordLinks)  # links to other records (1.1.0)
    covered: Coverage = field(default_factory=Coverage)  # what the spans cite (the recall aid)
    keys: EventKeys = field(default_factory=EventKeys)  # event keys, by id position (K1, K2)
    # The allegations' transfers, for the dataset's checks across its records (G3, F3).
    transfers: Transfers = field(default_factory=Transfers)


@dataclass(frozen=True)
class HotPath:
    """How the hot path decides a clean record: one engine call, then the screens left."""

    is_valid: Callable[[JSON], bool]
    screens: tuple[Callable[[RecordView, DatasetContext], bool], ...]
    exact_numbers: bool  # the engine bounds every number: blocks need no scan for digits


def hot_path(context: DatasetContext, size: int, ignore: frozenset[str] = frozenset(),
             narrow_bytes: int = SIZES.narrow_bytes) -> HotPath:
    """The hot path for `size` bytes of records of one dataset.

    A narrowed engine (see `validator.engines`) takes over the screens of the
    checks whose narrowing it holds.  From `narrow_bytes` on, it holds what the
    checks state about this dataset, its tables included.  Below, building
    one for the dataset costs more than it saves, so the engine holds what
    they state without any tables (assigned countries, listed open values):
    one engine per version, shared by every small dataset, and the screens
    of checks that need the tables still run.  If a narrowing names a place
    the version's schemas do not have, the released engine and every screen
    decide.  A check whose every code is in `ignore` takes no part.
    """
    if size >= narrow_bytes:
        return _hot_path(context, context, active_checks(ignore))
    checks = active_checks(ignore)
    shared, narrowed = _shared_hot_path(context.version, checks)
    # The shared engine holds a narrowing only where this dataset's is the same.
    differing = tuple(index for index, (check, extras) in enumerate(narrowed)
                      if check.narrowing is not None and check.narrowing(context) != extras)
    return _partly_shared(context.version, checks, differing) if differing else shared


@functools.lru_cache(maxsize=32)
def _shared_hot_path(version: str, checks: tuple[RecordCheck, ...],
                     ) -> tuple[HotPath, tuple[tuple[RecordCheck, JSON], ...]]:
    """The hot path of small datasets of a version, and the narrowings its engine holds.

    Made once a version: it was some 10 µs of each small dataset's time.
    """
    basis = DatasetContext(version)
    narrowed = tuple((check, check.narrowing(basis)) for check in checks
                     if check.narrowing is not None and check.narrowing(basis) is not None)
    return _hot_path(basis, basis, checks), narrowed


@functools.lru_cache(maxsize=64)
def _partly_shared(version: str, checks: tuple[RecordCheck, ...],
                   differing: tuple[int, ...]) -> HotPath:
    """The shared hot path, but the narrowings at `differing` (in its list) left to screens.

    A dataset whose tables give a narrowing of their own (names, say) gets the
    same as `_hot_path(DatasetContext(version), context, ...)` would build
    for it, made once for every dataset that differs at the same checks.
    """
    _, narrowed = _shared_hot_path(version, checks)
    basis = DatasetContext(version)
    return _hot_path(basis, basis, checks,
                     screened=frozenset(narrowed[index][0] for index in differing))


def _hot_path(basis: DatasetContext, context: DatasetContext,
              checks: tuple[RecordCheck, ...],
              screened: frozenset[RecordCheck] = frozenset()) -> HotPath:
    """The engine holding every narrowing `basis` gives the same as `context`, then the rest.

    The checks in `screened` keep their screens in any case.
    """
    narrowing: dict[str, JSON] = dict(year_zero.NARROWING)  # the engine refuses year 0000
    screens = []
    for check in checks:
        narrow = check.narrowing
        extras = narrow(basis) if narrow is not None else None
        if narrow is None or extras is None or check in screened \
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
                   (year_zero.passes, *(check.passes for check in checks)), exact_numbers=False)


def active_checks(ignore: frozenset[str]) -> tuple[RecordCheck, ...]:
    """The record checks a run must do: those with a code that `ignore` leaves."""
    return _active(record_rules.RECORD_CHECKS, ignore)


@functools.lru_cache(maxsize=64)  # asked for each events file: a small dataset's each
def _active(checks: tuple[RecordCheck, ...], ignore: frozenset[str]) -> tuple[RecordCheck, ...]:
    return tuple(check for check in checks if not check.codes <= ignore)


def check_records(task: RecordTask, at: int | None = None,
                  data: bytes | None = None) -> RecordResult:
    """Check every record of the task's byte range (`at`: as `check_whole_file`'s).

    `data`, if given, is the whole file, read already: it is not opened again.
    """
    result = RecordResult([], RecordIds(), 0)
    _check(task, result, at, data)
    result.covered.settle()
    return result


def _check(task: RecordTask, result: RecordResult,  # noqa: PLR0915 - the hot loop, inline
           at: int | None, data: bytes | None) -> None:
    """Check every record of the task's byte range into `result` (see check_records)."""
    import orjson

    handle = open_regular_file(task.root, task.path, at) if data is None else io.BytesIO(data)
    if isinstance(handle, Problem):  # the dataset layer opened it: it went since
        # Said by each of the file's tasks (the same finding: findings are a set), since
        # its first may have run before the change.
        result.findings.append(changed(task.display, f"{handle.message}{_UNCHECKED}"))
        return
    findings, ids, context, name, number = result.findings, result.ids, task.context, \
        task.display, task.first_line - 1
    validator = compiled(context.version, registry.RECORD_SCHEMA)
    size = task.end if task.end is not None else \
        len(data) if data is not None else os.fstat(handle.fileno()).st_size
    hot = hot_path(context, size - task.start, task.ignore, task.sizes.narrow_bytes)
    loads, dumps, is_valid, screens, fast_error = orjson.loads, orjson.dumps, hot.is_valid, \
        hot.screens, (orjson.JSONDecodeError, orjson.JSONEncodeError)
    ids.start_file(name)  # the hot loop below adds ids without `add`
    add_digest, add_line, add_offset = ids.digests.append, ids.lines.append, ids.offsets.append
    covered, keep, add_keys = result.covered, task.recall, \
        _no_keys if task.ignore >= DUPLICATE_CODES else result.keys.add  # event keys (K1, K2)
    cite = covered.spans.extend  # the spans of a clean record, settled a block at a time
    transfers = None if task.ignore >= TRANSFER_CODES else result.transfers.add
    with handle:
        handle.seek(task.start)
        for block_offset, lines, plain in blocks(handle, task.end, digits=not hot.exact_numbers,
                                                 block_bytes=task.sizes.block_bytes):
            offset = block_offset
            covered.settle(past=SETTLE_AT)
            for raw in lines:
                number += 1
                line_offset = offset
                if len(findings) >= MAX_FINDINGS_PER_FILE:
                    findings.append(make(
                        "too-many-findings", f"more than {MAX_FINDINGS_PER_FILE} findings; "
                        "the rest of the file is not checked", name, number, 1))
                    return
                if raw is None:
                    findings.append(make("file-too-large", "line is longer than "
                                         f"{MAX_LINE_BYTES} bytes", name, number, 1))
                    continue
                offset += len(raw) + 1
                # The hot path, for a clean record in a plain block: parse_record's
                # fast path, the (narrowed) engine's verdict and the screens, inline.
                # Anything else, including a screen that fails or raises, takes `_record`,
                # which is given the record when it is what parse_record would return.
                parsed = None
                if plain:
                    try:
                        record = loads(raw)
                        if type(record) is dict and is_valid(record) \
                                and colons_agree(raw, dumps(record)):
                            parsed = record
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
                                add_keys(record, len(ids.digests) - 1)
                                if keep:
                                    cite(facts.spans)
                                if "links" in record:  # the ids of other records
                                    result.links.add(record, len(ids.digests) - 1, id_digest)
                                if transfers is not None and "arms_allegation" in record:
                                    transfers(record, number, line_offset)
                                continue
                    except fast_error:
                        pass
                    except Exception:  # noqa: BLE001, S110 - a screen that crashed: see _record
                        pass
                findings.extend(_record(raw, number, line_offset, task, validator, result,
                                        parsed))
        if task.end is not None and handle.tell() < task.end:  # it shrank since it was split
            findings.append(changed(name, f"it ends at byte {handle.tell()}, before its lines "
                                    f"up to byte {task.end} were read{_UNCHECKED}"))


_UNCHECKED = "; its records were not all checked"  # of a file changed since it was split


def _no_keys(record: JSON, position: int) -> None:
    """Keep no event keys: a run that ignores both codes of K1 and K2."""


def check_line(line: bytes, context: DatasetContext, name: str,
               ignore: frozenset[str] = frozenset(), parsed: JSON | Problem = None,
               ) -> list[Finding]:
    """The findings of one record line (without its LF) outside any file: the full path.

    What needs the other records of a run (repeated ids) is not checked.
    `parsed`, if not None, is what `parse_record(line)` returned (so that a
    caller that had to parse the line first does not parse it twice).
    """
    task = RecordTask("", "", name, context, ignore=ignore)
    validator = compiled(context.version, registry.RECORD_SCHEMA)
    return _record(line, 1, 0, task, validator, RecordResult([], RecordIds(), 0), parsed)


def _record(line: bytes, number: int, offset: int, task: RecordTask,
            validator: Any, result: RecordResult,  # noqa: ANN401
            parsed: JSON | Problem = None) -> list[Finding]:
    """The findings of one line, every guard and check in full (off the hot path).

    `parsed`, if not None, is what `parse_record(line)` returns: the hot path's
    record when it parsed the line and kept every key, the caller's own parse.
    """
    name = task.display
    # A byte order mark is its problem too.
    record = parse_record(line) if parsed is None else parsed
    if isinstance(record, Problem):
        if not line.strip():
            record = record_rules.blank_line()
        return [make(record.code, record.message, name, number, record.column)]
    text = line.decode("utf-8")  # parse_record accepted it, so it decodes
    valid = isinstance(record, dict) and validator.is_valid(record)
    # The depth limit (see parse_record), where fewer brackets than the limit cannot hide it.
    if not valid and (deep := too_deep(text)) is not None:
        return [make(deep.code, deep.message, name, number, deep.column,
                     record=record_of(record))]
    if not valid and not isinstance(record, dict):
        wrong = record_rules.not_an_object(record)
        return [make(wrong.code, wrong.message, name, number, wrong.column)]
    result.records += 1
    record_id = record.get("id")
    if isinstance(record_id, str):
        result.ids.add(record_id, name, number, offset)
        if valid and not task.ignore >= DUPLICATE_CODES:
            result.keys.add(record, len(result.ids.digests) - 1)
    if valid and "links" in record:
        result.links.add(record, len(result.ids.digests) - 1, id_digest)
    if valid and not task.ignore >= TRANSFER_CODES:
        result.transfers.add(record, number, offset)
    if task.recall:
        for span in _span_objects(record):
            result.covered.add(span)
    # The compiled engine decided; detailed errors are computed only now.  Past
    # MAX_FINDINGS_PER_RECORD, the rest are neither computed nor located.  A date in year
    # 0000 stops the checks as a schema error does (they read dates: `year_zero`).
    zero = list(year_zero.year_zero(record)) if valid else []
    problems = [p for p in capped(zero or (_screened(record, task.context, task.ignore) if valid
                                           else schema_problems(validator, record)),
                                  MAX_FINDINGS_PER_RECORD, "in this record")
                if p.code not in task.ignore]  # the note too, if ignored
    if not problems:
        return []
    locator = Locator(text)  # each member and element of the line read once, for all
    about = record_of(record)  # the findings' record
    return [locator.located(problem, name, number, about) for problem in problems]


def _span_objects(record: JSON) -> list[JSON]:
    """The objects where a record, valid or not, keeps its spans (for the recall aid)."""
    try:
        return [span for _, span in spans(record)]
    except (TypeError, KeyError, AttributeError):  # a record too malformed to walk
        evidence = record.get("evidence")
        return evidence if isinstance(evidence, list) else []


def _screened(record: JSON, context: DatasetContext,
              ignore: frozenset[str]) -> Iterator[Problem]:
    """Problems of a schema-valid record: each check runs in full only if its screen fails.

    A check whose every code is in `ignore` does not run; one that runs may still
    yield an ignored code beside one that is not, and that problem is dropped here.
    Lazy, so that problems past the limit of a record are never computed.
    """
    facts = view(record)
    for check in active_checks(ignore):
        try:
            if not check.passes(facts, context):
                for problem in check.problems(record, context):
                    if problem.code not in ignore:
                        yield problem
        except Exception as error:  # noqa: BLE001 - the crash barrier: one record
            yield Problem("internal-error", f"{check.name} failed: "
                          f"{type(error).__name__}: {escape(str(error), 80)}")
