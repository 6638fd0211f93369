"""Meaning: what a record says must make sense, beyond what JSON Schema can state."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from validator.checks.walk import dates, places
from validator.loading import Problem, escape
from validator.pointers import join

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext

JSON = Any


@functools.cache
def _alpha3_codes() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


def is_country(code: str) -> bool:
    """Whether `code` is an assigned ISO 3166-1 alpha-3 code (from pycountry)."""
    return code in _alpha3_codes()


_WIKIDATA = re.compile(r"Q[1-9][0-9]*")


def is_wikidata_id(value: str) -> bool:
    """Whether `value` is a well-formed Wikidata item id."""
    return _WIKIDATA.fullmatch(value) is not None


def _span(date: JSON) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(date["start"])
    end = dt.date.fromisoformat(date.get("end", date["start"]))
    return start, end


def date_ranges(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A range's end is not before its start, and the range fits its precision."""
    for ptr, date in dates(record):
        start, end = _span(date)
        if end < start:
            yield Problem("date-range-reversed",
                          f"end {end.isoformat()} is before start {start.isoformat()}",
                          pointer=join(ptr, "end"))
            continue
        precision = date["precision"]
        fits = {
            "day": True,  # a multi-day event known to the day on each end
            "week": (end - start).days <= 7,
            "month": start.day == 1 and (start.year, start.month) == (end.year, end.month)
            and end.day == calendar.monthrange(end.year, end.month)[1],
            "year": (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
            and start.year == end.year,
        }.get(precision, True)
        if not fits:
            yield Problem("date-precision-mismatch",
                          f"{start.isoformat()}..{end.isoformat()} is not one {precision}",
                          pointer=join(ptr, "precision"))


_MONTHS = (r"jan(uary|\.)?|feb(ruary|\.)?|mar(ch|\.)?|apr(il|\.)?|may|june?|july?|"
           r"aug(ust|\.)?|sep(t|tember|\.)?|oct(ober|\.)?|nov(ember|\.)?|dec(ember|\.)?")
_DAY_CUE = re.compile(
    rf"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    rf"tomorrow|tonight)\b|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})|"
    r"\d{4}-\d{2}-\d{2}", re.IGNORECASE)
_COARSE_CUE = re.compile(rf"\b(?:{_MONTHS})(?![a-z])|\b\d{{4}}\b", re.IGNORECASE)


def date_texts(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """The date as written and its precision tell the same story."""
    for ptr, date in dates(record):
        text, precision = date.get("text"), date["precision"]
        if not text:
            continue
        names_day = _DAY_CUE.search(text) is not None
        if names_day and precision in {"month", "year"}:
            yield Problem("date-text-mismatch",
                          f"date text {escape(text)} names a day but precision is {precision}",
                          pointer=join(ptr, "precision"))
        elif not names_day and precision == "day" and _COARSE_CUE.search(text):
            yield Problem("date-text-mismatch",
                          f"date text {escape(text)} names no day but precision is day",
                          pointer=join(ptr, "precision"))


def after_publication(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """An event reported as fact does not start after every report of it."""
    if record["modality"] in {"planned", "hypothetical"}:
        return
    published = [article.published for source in record["reporting"]["sources"]
                 if (article := (context.sources or {}).get(source)) and article.published]
    if not published:
        return
    start, _ = _span(record["date"])
    latest = max(published)
    if start > latest:
        yield Problem("date-after-publication",
                      f"event starts {start.isoformat()}, after its latest report of "
                      f"{latest.isoformat()}; mark it planned if it is", pointer="/date/start")


def parties(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A visitor is not its own host; a supplier is not its own recipient."""
    visit = record.get("diplomatic_visit")
    if visit:
        hosts = set(visit["hosts"])
        for index, visitor in enumerate(visit["visitors"]):
            if visitor in hosts:
                yield Problem("visitor-is-host", f"{escape(visitor)} is both visitor and host",
                              pointer=join("/diplomatic_visit/visitors", index))
    allegation = record.get("arms_allegation")
    if allegation and allegation["supplier"] is not None \
            and allegation["supplier"] == allegation["recipient"]:
        yield Problem("supplier-is-recipient",
                      f"{escape(allegation['supplier'])} is both supplier and recipient",
                      pointer="/arms_allegation/recipient")


def classification(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """CAMEO code, PLOVER event and mode, and the visit's mode agree with each other."""
    codes = record["classification"]
    lists = context.schema.codelists
    cameo = lists["cameo"].lookup(codes["cameo"]) or {}
    mode = lists["plover_mode"].lookup(codes["plover_mode"]) or {}
    event = codes["plover_event"]
    if cameo.get("plover_event") and cameo["plover_event"] != event:
        yield Problem("classification-mismatch",
                      f"CAMEO {codes['cameo']} is PLOVER {cameo['plover_event']}, not {event}",
                      pointer="/classification/plover_event")
    elif cameo.get("plover_mode") and cameo["plover_mode"] != codes["plover_mode"]:
        yield Problem("classification-mismatch",
                      f"CAMEO {codes['cameo']} is PLOVER mode {cameo['plover_mode']}, "
                      f"not {codes['plover_mode']}", pointer="/classification/plover_mode")
    elif mode.get("plover_event") and mode["plover_event"] != event:
        yield Problem("classification-mismatch",
                      f"PLOVER mode {codes['plover_mode']} belongs to {mode['plover_event']}, "
                      f"not {event}", pointer="/classification/plover_mode")
    visit = record.get("diplomatic_visit")
    if visit:
        expected = (lists["visit_mode"].lookup(visit["mode"]) or {}).get("plover_mode")
        if expected and expected != codes["plover_mode"]:
            yield Problem("classification-mismatch",
                          f"visit mode {visit['mode']} is PLOVER mode {expected}, "
                          f"not {codes['plover_mode']}", pointer="/diplomatic_visit/mode")


def countries(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Every country code is an assigned ISO 3166-1 alpha-3 code."""
    for ptr, place in places(record):
        code = place.get("country")
        if code is not None and not is_country(code):
            yield Problem("country-code-unknown",
                          f"{escape(code)} is not an ISO 3166-1 alpha-3 country code",
                          pointer=join(ptr, "country"))


def open_codelists(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Values of open codelists outside the list are worth a second look."""
    lists = context.schema.codelists
    values = [(join("/classification/plover_context", i), "plover_context", v)
              for i, v in enumerate(record["classification"].get("plover_context", ()))]
    allegation = record.get("arms_allegation") or {}
    values += [(join("/arms_allegation/responses", i, "kind"), "response_kind", r["kind"])
               for i, r in enumerate(allegation.get("responses", ()))]
    for ptr, name, value in values:
        if value not in lists[name].code_set:
            yield Problem("codelist-open-value",
                          f"{escape(value)} is not in the open codelist {name}", pointer=ptr)


CHECKS = (date_ranges, date_texts, after_publication, parties, classification, countries,
          open_codelists)
