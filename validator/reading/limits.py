"""The validator's limits: each breach is a located finding, never a hang."""

from __future__ import annotations

from typing import Final

DESCRIPTOR: Final = "datapackage.json"

# Limits of the validator; each breach is a located finding, never a hang.
MAX_DEPTH: Final = 64
MAX_INT_DIGITS: Final = 20
MAX_FILE_BYTES: Final = 64 * 1024 * 1024  # descriptors, tables and article texts
MAX_LINE_BYTES: Final = 1024 * 1024  # one JSON Lines record
MAX_FINDINGS_PER_FILE: Final = 1000  # then the file is reported as too broken to go on
# Then the rest are left out, with a note (findings-capped): a record's findings,
# and those of one rule in one file of a dataset's other layers (descriptor, tables).
MAX_FINDINGS_PER_RECORD: Final = 100
MAX_FINDINGS_PER_RULE: Final = 100
# orjson keeps an integer exact only within 64 bits and gives a float beyond;
# every integer of up to EXACT_DIGITS digits fits.
EXACT_DIGITS: Final = 18
