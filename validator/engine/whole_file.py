"""An events file checked in one task: its records, then what its records say together.

A dataset's allegations that report one transfer differently (codebook G3,
F3) are judged once its whole file is read; a file split in chunks has them
judged when the run merges its chunks (`validator.engine.run`).
"""

from __future__ import annotations

from validator.capping import capped_by_code
from validator.checks.transfers import CODES as TRANSFER_CODES
from validator.checks.transfers import Transfers, transfer_problems
from validator.engine.ids import reread
from validator.engine.records import RecordResult, RecordTask, check_records
from validator.findings import Finding, Problem, make
from validator.reading.limits import MAX_FINDINGS_PER_RULE


def check_whole_file(task: RecordTask, at: int | None = None,
                     data: bytes | None = None) -> RecordResult:
    """`check_records` over a whole events file, its transfers judged (G3, F3) and dropped.

    A dataset's transfers are judged once its file is read: kept to the run's end,
    they held some 600 bytes an allegation of every dataset of the run.  `at`, if
    given, is the dataset folder open already (`folder_opened`); `data`, if given,
    is the file's bytes, read already (`check_records`).
    """
    result = check_records(task, at, data)
    if result.transfers.found:
        result.findings.extend(transfer_findings(task, result.transfers))
        result.transfers = Transfers()
    return result


def transfer_findings(task: RecordTask, found: Transfers) -> list[Finding]:
    """The findings of one events file's records that report one transfer differently.

    `found` holds every transfer of the file (codebook G3, F3).  At most
    MAX_FINDINGS_PER_RULE of each rule, with a note of how many more, as in
    every file; only those kept are located, each in its line, read again.
    """
    offsets: dict[int, int] = {}
    unplaced = []
    for one, problem in transfer_problems(found.found, task.ignore):
        offsets[one.line] = one.offset
        unplaced.append(make(problem.code, problem.message, task.display, one.line, 1,
                             problem.pointer))
    return [reread(Problem(kept.code, kept.message, pointer=kept.pointer), task.root,
                   task.path, task.display, kept.line, offsets[kept.line])
            if kept.code in TRANSFER_CODES else kept
            for kept in capped_by_code(unplaced, MAX_FINDINGS_PER_RULE)]
