"""Dates against their words: the weekday a text names, a year it leaves out, a past stage.

Rules of the meaning layer (codebook D2, D10, D12) that read a date's text or
set one date against another; `validator.checks.meaning` holds the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.checks.meaning import NOT_FACT, bounds
from validator.checks.walk import dates
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _weekday_named(text: str) -> int | None:
    """The first weekday a date text names (Monday 0), or None (texts repeat a lot)."""
    found = _WEEKDAY.search(text)
    return None if found is None else _WEEKDAYS.index(found.group(1).lower())


def _weekday_wrong(date: JSON) -> int | None:
    """The weekday a day-precision date's text names when its start is another day, else None."""
    text = date.get("text")
    if not text or date["precision"] != "day" or "start" not in date:
        return None
    named = _weekday_named(text)
    if named is None or dt.date.fromisoformat(date["start"]).weekday() == named:
        return None
    return named


def weekdays(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A weekday named in a date's text is the weekday of its start (at day precision)."""
    for ptr, date in dates(record):
        named = _weekday_wrong(date)
        if named is not None:
            start = dt.date.fromisoformat(date["start"])
            yield Problem("date-weekday-mismatch",
                          f"date text {escape(date['text'])} names a "
                          f"{_WEEKDAYS[named].capitalize()}, but start {start.isoformat()} "
                          f"is a {start.strftime('%A')}", pointer=join(ptr, "start"))


def _weekdays_agree(view: RecordView, context: DatasetContext) -> bool:
    for date in view.dates:  # noqa: SIM110 - all() over a generator costs half again, per record
        if date.get("text") and _weekday_wrong(date) is not None:
            return False
    return True


_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def _inference_unmarked(date: JSON) -> bool:
    """Whether a dated text gives no four-digit year and the date does not say it was inferred.

    A date the text does not give (schema 1.1.0 `not_given`) has nothing to infer.
    """
    text = date.get("text")
    return bool(text) and "start" in date and date.get("inferred_from_publication") is not True \
        and not _gives_year(text)


@functools.lru_cache(maxsize=4096)
def _gives_year(text: str) -> bool:
    """Whether a date text writes a four-digit year (texts repeat a lot)."""
    return _YEAR.search(text) is not None


def inferences(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A date whose text gives no year says its year was inferred from publication."""
    for ptr, date in dates(record):
        if _inference_unmarked(date):
            yield Problem("date-inference-unmarked",
                          f"date text {escape(date['text'])} gives no year, so the date was "
                          "worked out from the publication date: set inferred_from_publication "
                          "to true", pointer=join(ptr, "text"))


def _inferences_marked(view: RecordView, context: DatasetContext) -> bool:
    for date in view.dates:  # noqa: SIM110 - any() over a generator costs half again, per record
        if date.get("text") and _inference_unmarked(date):
            return False
    return True


_PAST_STAGES = frozenset({"delivered", "used", "tested"})  # reported as having happened
_STAGE_DATES = ("transfer_date", "use_date")  # use_date: schema 1.1.0


def _claimed_by(record: JSON) -> dt.date | None:
    """The latest day of the claim, when the record reports a past stage as fact, else None."""
    allegation = record.get("arms_allegation")
    if not allegation or allegation["stage"] not in _PAST_STAGES \
            or record["modality"] in NOT_FACT or "start" not in record["date"] \
            or allegation.get("transfer_modality", "actual") != "actual":  # schema 1.1.0
        return None
    return max(bounds(record["date"]))  # a reversed range is date-range-reversed's to report


def stage_dates(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A delivery, use or test reported as past does not start after the claim that reports it."""
    claimed = _claimed_by(record)
    if claimed is None:
        return
    allegation = record["arms_allegation"]
    for key in _STAGE_DATES:
        date = allegation.get(key)
        if date and "start" in date and dt.date.fromisoformat(date["start"]) > claimed:
            yield Problem("stage-after-claim",
                          f"{key} starts {date['start']}, after the claim of "
                          f"{claimed.isoformat()} that reports the stage "
                          f"{allegation['stage']} as past", pointer=join("/arms_allegation",
                                                                         key, "start"))


def _stages_before_claims(view: RecordView, context: DatasetContext) -> bool:
    # Most records are visits, or claims of a stage not yet past: no date to compare.
    return _claimed_by(view.record) is None or next(stage_dates(view.record, context),
                                                     None) is None


CHECKS = (RecordCheck(weekdays, _weekdays_agree, codes=frozenset({"date-weekday-mismatch"})),
          RecordCheck(inferences, _inferences_marked,
                      codes=frozenset({"date-inference-unmarked"})),
          RecordCheck(stage_dates, _stages_before_claims, codes=frozenset({"stage-after-claim"})))
