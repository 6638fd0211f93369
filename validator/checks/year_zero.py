"""Year 0000: a calendar date the schema admits and no reader of dates takes.

RFC 3339's full-date, the records' date format, allows the year 0000, and
JSON Schema engines accept it; the calendar has no year 0, and Python's
`datetime`, frictionless and spreadsheets refuse it.  A record with such a
date is read no further, as after a schema error (`date-year-zero`): the
meaning checks parse its dates, and the export types them.

The rule is stated three ways, side by side (a test holds them together):
`NARROWING` for the hot path's engine, `passes` its screen where that engine
is not used, and `year_zero` the detailed check that gives the findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.checks.walk import dates
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import pointer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.walk import RecordView

JSON = Any
YEAR = "0000"
CODE = "date-year-zero"
# Every calendar date of every released version is this definition's (start, end, coding).
NARROWING: dict[str, JSON] = {
    "common.schema.json#/$defs/calendar_date": {"not": {"pattern": f"^{YEAR}"}}}


def passes(view: RecordView, _context: object = None) -> bool:
    """Whether no calendar date of a schema-valid record is in year 0000 (the screen)."""
    if view.record["coding"]["date"].startswith(YEAR):
        return False
    return not any(date.get("start", "").startswith(YEAR)
                   or date.get("end", "").startswith(YEAR) for date in view.dates)


def year_zero(record: JSON) -> Iterator[Problem]:
    """A problem for each calendar date of a schema-valid record in year 0000."""
    places = [(pointer(*path, key), date[key]) for path, date in dates(record)
              for key in ("start", "end") if key in date]
    for where, value in [*places, ("/coding/date", record["coding"]["date"])]:
        if value.startswith(YEAR):
            yield Problem(CODE, f"{escape(value)} is in year 0000, which no calendar has and "
                          "programs that read dates refuse; give the date the text means "
                          "(the record is checked no further)", pointer=where)
