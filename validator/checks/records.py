"""The records layer's rules: the checks every record gets, and what a line must be.

`RECORD_CHECKS` is every rule about one record beyond its JSON Schema, each a
`RecordCheck` that states its screen, its detailed check and its narrowing
together (see `validator.checks.base`).  Adding a record rule means adding
its `RecordCheck` to a layer module's `CHECKS`.
"""

from __future__ import annotations

from typing import Any

from validator.checks import citing, dating, evidence, meaning, naming, references, visiting
from validator.escaping import escape, printable
from validator.findings import Problem

JSON = Any

RECORD_CHECKS = (references.CHECKS + evidence.CHECKS + citing.CHECKS + naming.CHECKS
                 + meaning.CHECKS + dating.CHECKS + visiting.CHECKS)


def no_records() -> Problem:
    """An events file that holds no record at all (a dataset just started, say)."""
    return Problem("events-empty", "the events file holds no record; add one record a line")


def blank_line() -> Problem:
    """A line of an events file that holds no record."""
    return Problem("record-blank-line", "blank line; each line holds one record", column=1)


def not_an_object(value: JSON) -> Problem:
    """A line whose JSON value is not an object."""
    return Problem("record-not-object", f"a record is a JSON object, not {escape(value)}",
                   column=1)


def duplicate_id(record_id: str, first_file: str, first_line: int) -> Problem:
    """An id already used by an earlier record of the run."""
    return Problem("record-id-duplicate", f"id {escape(record_id)} is already used "
                   f"at {printable(first_file)}:{first_line}", pointer="/id")  # as findings name it
