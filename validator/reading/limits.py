"""The validator's limits: each breach is a located finding, never a hang."""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from typing import Final

DESCRIPTOR: Final = "datapackage.json"

# Limits of the validator; each breach is a located finding, never a hang.
MAX_DEPTH: Final = 64
MAX_INT_DIGITS: Final = 20
MAX_FILE_BYTES: Final = 64 * 1024 * 1024  # descriptors, tables and article texts
# csv's limit of a field (131,072 characters) is the process's, and frictionless raises it
# when imported: a table with a long field read before that import gave table-format, and
# after it (a table of another dataset sent to frictionless) the field's own finding.
# Raised here, once, past any field a file within MAX_FILE_BYTES holds, every table is
# read alike whatever ran first (the authoring tools' and the export's readers too).
csv.field_size_limit(MAX_FILE_BYTES + 1)
MAX_LINE_BYTES: Final = 1024 * 1024  # one JSON Lines record
MAX_FINDINGS_PER_FILE: Final = 1000  # then the file is reported as too broken to go on
# Then the rest are left out, with a note (findings-capped): a record's findings,
# and those of one rule in one file of a dataset's other layers (descriptor, tables).
MAX_FINDINGS_PER_RECORD: Final = 100
MAX_FINDINGS_PER_RULE: Final = 100
# orjson keeps an integer exact only within 64 bits and gives a float beyond;
# every integer of up to EXACT_DIGITS digits fits.
EXACT_DIGITS: Final = 18


@dataclass(frozen=True, slots=True)
class Sizes:
    """How a run cuts its work.  These change speed and memory, never findings.

    The defaults suit this validator on today's machines; tests pass small
    sizes to make a small corpus take every path a large one does.
    """

    chunk_bytes: int = 16 * 1024 * 1024  # an events file larger than this is split in chunks
    block_bytes: int = 64 * 1024  # lines are read this much at a time: small enough for cache
    # From here an engine of the dataset's own pays for its building: it takes some
    # 1.5 ms and saves some 1.5 µs a record over the shared one (the table screens),
    # so it pays from about 1,000 records, and 4 MiB hold 1,000 records of 4 KB.
    narrow_bytes: int = 4 * 1024 * 1024
    parallel_bytes: int = 4 * 1024 * 1024  # below this much data, processes cost more than gain
    # Datasets go to processes in batches of about this much data (and at most
    # `batch_datasets` of them): a small dataset takes under a millisecond, as
    # long as sending it to a worker and its result back, so one task a dataset
    # made two processes slower than one.  Each batch still costs the parent some
    # 0.7 ms of CPU (sending, receiving, merging), which competes with the workers
    # for the cores: 2,000 small datasets took 315 ms of the parent's CPU in 128
    # batches of 512 KiB, 231 ms in 16 of 4 MiB.  Batches stay many enough to share out.
    batch_bytes: int = 4 * 1024 * 1024
    batch_datasets: int = 512
    # What a dataset's layers before its records (descriptor, tables, texts) weigh, in
    # bytes of records that take as long to check: some 0.55 ms, as 24 KB of records.
    layers_bytes: int = 24 * 1024

    def __reduce__(self) -> str | tuple[type[Sizes], tuple[int, ...]]:
        """The defaults by name (each task carries its sizes: 10 µs a task, sent and back)."""
        if self is SIZES:
            return "SIZES"
        return Sizes, dataclasses.astuple(self)


SIZES: Final = Sizes()
