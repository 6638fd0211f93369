"""Meaning: what a record says must make sense, beyond what JSON Schema can state."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.checks.countries import alpha3_codes
from validator.checks.walk import dates, places
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any


def is_country(code: str) -> bool:
    """Whether `code` is an assigned ISO 3166-1 alpha-3 code (from pycountry's database)."""
    return code in alpha3_codes()


def withdrawn(code: str) -> str:
    """'; it was withdrawn on …' for a former code (ISO 3166-3, from pycountry), else ''.

    Event data reach back before 1990: a coder may well write SUN or YUG.
    """
    import pycountry

    former = pycountry.historic_countries.get(alpha_3=code)
    if former is None:
        return ""
    return f"; it was withdrawn on {former.withdrawal_date} ({escape(former.name)[1:-1]})"


def country_hint(value: object) -> str:
    """What a country value not in alpha-3 may have meant, or '' (pycountry decides).

    A former code says when it was withdrawn; an alpha-2 code, a name or a
    lower-case code names the alpha-3 code it stands for.
    """
    if not isinstance(value, str) or not value:
        return ""
    former = withdrawn(value)
    if former:
        return former
    import pycountry

    try:
        found = pycountry.countries.get(alpha_2=value.upper()) if len(value) == 2 \
            else pycountry.countries.lookup(value)
    except LookupError:
        return ""
    if found is None or found.alpha_3 == value:
        return ""
    return f"; did you mean {escape(found.alpha_3)} ({escape(found.name)[1:-1]})?"


def bounds(date: JSON) -> tuple[dt.date, dt.date]:
    """The first and last day a date with a start allows.

    The last is its end, or the end of the period its precision names when
    its end is open (schema 1.1.0), or its start.
    """
    start = dt.date.fromisoformat(date["start"])
    if date.get("end_bound") == "open":  # schema 1.1.0: precision then speaks of start alone
        return start, _period_end(start, date["precision"], date.get("month_part"))
    end = dt.date.fromisoformat(date.get("end", date["start"]))
    return start, end


def _period_end(start: dt.date, precision: str, part: str | None) -> dt.date:
    """The last day of the `precision` that `start` begins (start itself for day and window)."""
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "year":
        return start.replace(month=12, day=31)
    if precision == "part_of_month":
        last = MONTH_PARTS.get(part or "", (0, 0))[1]
        return start.replace(day=last or calendar.monthrange(start.year, start.month)[1])
    return start


# The windows of codelist month_part (schema 1.1.0): first and last day; None is the month's end.
MONTH_PARTS: dict[str, tuple[int, int | None]] = {"early": (1, 10), "mid": (11, 20),
                                                  "late": (21, None)}


def _fits(start: dt.date, end: dt.date, precision: str, part: str | None = None) -> bool:
    """Whether start..end is one `precision` (any range fits 'day' and 'window').

    A part of a month (`part`, schema 1.1.0) is its window of days in one month.
    """
    if precision == "part_of_month":
        first, last = MONTH_PARTS.get(part or "", (0, 0))
        last = last or calendar.monthrange(end.year, end.month)[1]
        return (start.year, start.month, start.day, end.day) == (end.year, end.month, first, last)
    if precision == "week":
        return (end - start).days <= 7
    if precision == "month":
        return (start.day == 1 and (start.year, start.month) == (end.year, end.month)
                and end.day == calendar.monthrange(end.year, end.month)[1])
    if precision == "year":
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) \
            and start.year == end.year
    return True  # "day": a multi-day event known to the day on each end


def date_ranges(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A range's end is not before its start, and the range fits its precision."""
    for ptr, date in dates(record):
        if "start" not in date:  # schema 1.1.0: a date the text does not give
            continue
        start, end = bounds(date)
        precision = date["precision"]
        if end < start:
            yield Problem("date-range-reversed",
                          f"end {end.isoformat()} is before start {start.isoformat()}",
                          pointer=join(ptr, "end"))
        elif not _fits(start, end, precision, part := date.get("month_part")):
            what = f"the {part} part of a month" if part else f"one {precision}"
            yield Problem("date-precision-mismatch",
                          f"{start.isoformat()}..{end.isoformat()} is not {what}",
                          pointer=join(ptr, "precision"))


def _ranges_sound(view: RecordView, context: DatasetContext) -> bool:
    for date in view.dates:
        if (start := date.get("start")) is None:  # schema 1.1.0: not given
            continue
        if "end_bound" in date:  # schema 1.1.0: an open end; rare enough to take the long way
            first, last = bounds(date)
            if last < first or not _fits(first, last, date["precision"], date.get("month_part")):
                return False
            continue
        end = date.get("end", start)
        # RFC 3339 full-dates (the schema's format) compare as strings.
        if end < start or (date["precision"] not in {"day", "window"} and not _fits_written(
                start, end, date["precision"], date.get("month_part"))):
            return False
    return True


@functools.lru_cache(maxsize=4096)
def _fits_written(start: str, end: str, precision: str, part: str | None) -> bool:
    """`_fits` of two full-dates as written (a corpus repeats its months and years a lot)."""
    return _fits(dt.date.fromisoformat(start), dt.date.fromisoformat(end), precision, part)


_MONTHS = (r"jan(uary|\.)?|feb(ruary|\.)?|mar(ch|\.)?|apr(il|\.)?|may|june?|july?|"
           r"aug(ust|\.)?|sep(t|tember|\.)?|oct(ober|\.)?|nov(ember|\.)?|dec(ember|\.)?")
_DAY_CUE = re.compile(
    rf"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    rf"tomorrow|tonight)\b|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})|"
    r"\d{4}-\d{2}-\d{2}", re.IGNORECASE)
_COARSE_CUE = re.compile(rf"\b(?:{_MONTHS})(?![a-z])|\b\d{{4}}\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _text_mismatch(text: str, precision: str) -> str | None:
    """Why a date's text disagrees with its precision, or None (texts repeat a lot)."""
    names_day = _DAY_CUE.search(text) is not None
    if names_day and precision in {"month", "year"}:
        return f"date text {escape(text)} names a day but precision is {precision}"
    if not names_day and precision == "day" and _COARSE_CUE.search(text):
        return f"date text {escape(text)} names no day but precision is day"
    return None


def date_texts(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """The date as written and its precision tell the same story."""
    for ptr, date in dates(record):
        text = date.get("text")
        if text and (message := _text_mismatch(text, date["precision"])):
            yield Problem("date-text-mismatch", message, pointer=join(ptr, "precision"))


def _texts_agree(view: RecordView, context: DatasetContext) -> bool:
    for date in view.dates:
        text = date.get("text")
        if text and _text_mismatch(text, date["precision"]):
            return False
    return True


NOT_FACT = frozenset({"planned", "hypothetical"})  # modalities that may follow their report


def _latest_report(record: JSON, context: DatasetContext) -> dt.date | None:
    """The latest publication date of the record's sources, if it is reported as fact."""
    sources = context.sources
    if record["modality"] in NOT_FACT or not sources:
        return None
    latest = None
    for source in record["reporting"]["sources"]:
        article = sources.get(source)
        if article is not None and (published := article.published) is not None \
                and (latest is None or published > latest):
            latest = published
    return latest


def after_publication(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """An event reported as fact does not start after every report of it."""
    latest = _latest_report(record, context)
    if latest is None or "start" not in record["date"]:  # 1.1.0: a date may be not given
        return
    start = dt.date.fromisoformat(record["date"]["start"])
    if start > latest:
        yield Problem("date-after-publication",
                      f"event starts {start.isoformat()}, after its latest report of "
                      f"{latest.isoformat()}; an event still to come has modality 'planned'",
                      pointer="/date/start")


def _before_reports(view: RecordView, context: DatasetContext) -> bool:
    # The latest report is on or after the start as soon as one report is.
    record, sources = view.record, context.sources
    if record["modality"] in NOT_FACT or not sources or "start" not in record["date"]:
        return True
    start, dated = None, False
    for source in record["reporting"]["sources"]:
        article = sources.get(source)
        if article is not None and (published := article.published) is not None:
            start = start or dt.date.fromisoformat(record["date"]["start"])
            if published >= start:
                return True
            dated = True
    return not dated


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


def _parties_distinct(view: RecordView, context: DatasetContext) -> bool:
    record = view.record
    visit = record.get("diplomatic_visit")
    if visit and not set(visit["hosts"]).isdisjoint(visit["visitors"]):
        return False
    allegation = record.get("arms_allegation")
    return not (allegation and allegation["supplier"] is not None
                and allegation["supplier"] == allegation["recipient"])


@functools.lru_cache(maxsize=4096)
def _disagreements(version: str, cameo_code: str, event: str, plover_mode: str,
                   visit_mode: str | None) -> tuple[Problem, ...]:
    """Problems of one combination of codes (a small, closed set: worth remembering)."""
    from validator.registry import load

    lists = load(version).codelists
    cameo = lists["cameo"].lookup(cameo_code) or {}
    mode = lists["plover_mode"].lookup(plover_mode) or {}
    found = []
    if cameo.get("plover_event") and cameo["plover_event"] != event:
        found.append(Problem(
            "classification-mismatch", f"CAMEO {cameo_code} is PLOVER {cameo['plover_event']}, "
            f"not {event}", pointer="/classification/plover_event"))
    elif cameo.get("plover_mode") and cameo["plover_mode"] != plover_mode:
        found.append(Problem(
            "classification-mismatch", f"CAMEO {cameo_code} is PLOVER mode "
            f"{cameo['plover_mode']}, not {plover_mode}", pointer="/classification/plover_mode"))
    elif mode.get("plover_event") and mode["plover_event"] != event:
        found.append(Problem(
            "classification-mismatch", f"PLOVER mode {plover_mode} belongs to "
            f"{mode['plover_event']}, not {event}", pointer="/classification/plover_mode"))
    if visit_mode is not None:
        expected = (lists["visit_mode"].lookup(visit_mode) or {}).get("plover_mode")
        if expected and expected != plover_mode:
            found.append(Problem(
                "classification-mismatch", f"visit mode {visit_mode} is PLOVER mode "
                f"{expected}, not {plover_mode}", pointer="/diplomatic_visit/mode"))
    return tuple(found)


def _codes(record: JSON, context: DatasetContext) -> tuple[Problem, ...]:
    codes = record["classification"]
    visit = record.get("diplomatic_visit")
    return _disagreements(context.version, codes["cameo"], codes["plover_event"],
                          codes["plover_mode"], visit["mode"] if visit else None)


def classification(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """CAMEO code, PLOVER event and mode, and the visit's mode agree with each other."""
    yield from _codes(record, context)


def _codes_agree(view: RecordView, context: DatasetContext) -> bool:
    return not _codes(view.record, context)


def countries(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Every country code is an assigned ISO 3166-1 alpha-3 code."""
    for ptr, place in places(record):
        code = place.get("country")
        if code is not None and not is_country(code):
            yield Problem("country-code-unknown",
                          f"{escape(code)} is not an ISO 3166-1 alpha-3 country code"
                          f"{country_hint(code)}", pointer=join(ptr, "country"))


def _countries_known(view: RecordView, context: DatasetContext) -> bool:
    codes = alpha3_codes()
    for place in view.places:
        code = place.get("country")
        if code is not None and code not in codes:
            return False
    return True


@functools.cache  # the same for every dataset (sorting 249 codes took 0.07 ms a dataset)
def _country_enum() -> dict[str, JSON]:
    return {"common.schema.json#/$defs/country_code": {"enum": sorted(alpha3_codes())}}


@functools.cache
def _code_set(version: str, name: str) -> frozenset[str]:
    from validator.registry import load

    return load(version).codelists[name].code_set


def _open_values(record: JSON) -> tuple[list[str], list[JSON]]:
    allegation = record.get("arms_allegation") or {}
    return record["classification"].get("plover_context", []), allegation.get("responses", [])


def open_codelists(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Values of open codelists outside the list are worth a second look."""
    contexts, responses = _open_values(record)
    values = [(join("/classification/plover_context", i), "plover_context", v)
              for i, v in enumerate(contexts)]
    values += [(join("/arms_allegation/responses", i, "kind"), "response_kind", r["kind"])
               for i, r in enumerate(responses)]
    for ptr, name, value in values:
        if value not in _code_set(context.version, name):
            yield Problem("codelist-open-value",
                          f"{escape(value)} is not in the open codelist {name}", pointer=ptr)


def _open_values_listed(view: RecordView, context: DatasetContext) -> bool:
    contexts, responses = _open_values(view.record)
    if contexts and not _code_set(context.version, "plover_context").issuperset(contexts):
        return False
    if responses:
        kinds = _code_set(context.version, "response_kind")
        return all(response["kind"] in kinds for response in responses)
    return True


def _listed_values(context: DatasetContext) -> dict[str, JSON]:
    return _listed_in(context.version)


@functools.cache  # the same for each dataset of a version
def _listed_in(version: str) -> dict[str, JSON]:
    return {f"codelists.schema.json#/$defs/{name}": {"enum": sorted(_code_set(version, name))}
            for name in ("plover_context", "response_kind")}


CHECKS = (RecordCheck(date_ranges, _ranges_sound,
                      codes=frozenset({"date-range-reversed", "date-precision-mismatch"})),
          RecordCheck(date_texts, _texts_agree, codes=frozenset({"date-text-mismatch"})),
          RecordCheck(after_publication, _before_reports,
                      codes=frozenset({"date-after-publication"})),
          RecordCheck(parties, _parties_distinct,
                      codes=frozenset({"visitor-is-host", "supplier-is-recipient"})),
          RecordCheck(classification, _codes_agree, codes=frozenset({"classification-mismatch"})),
          RecordCheck(countries, _countries_known, lambda _context: _country_enum(),
                      codes=frozenset({"country-code-unknown"})),
          RecordCheck(open_codelists, _open_values_listed, _listed_values,
                      codes=frozenset({"codelist-open-value"})))
