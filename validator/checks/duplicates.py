"""One event, one record (codebook K1, K2): the keys of an event, and when two records match.

Two records may be the same event when they have the same event key and
their dates lie within two days of each other:

- a visit's key is its set of visitors and its set of hosts (actor ids, which
  are the same in every dataset: codebook AC1), and whether it is a call (a
  call is not a visit, §5, so a call and a trip never match);
- an arms allegation's key is its supplier, its recipient and one weapon
  category (one key for each category it names; none when a party is unknown,
  `null`, or when it names no weapon, only assistance).  Neither the stage nor the
  claimant nor the modality is part of it: two claims of one transfer, a
  later stage of it or a denial of it are the same transfer, coded once with
  its responses or linked (`same_event`, `related`, `follows`).

A date is the window of days it allows (`meaning.bounds`: start to end, or
to the end of the period an open end names; its "on or before" and "on or
after" bounds are not widened); an allegation is dated by its transfer when
`transfer_date` gives a start, else by its claim.  Two windows are within two
days when the gap between them is at most two days (they overlap, or one ends
at most two days before the other starts).  A record whose date gives no start
(`not_given`) has no key.

Whether two records match depends on every record of a run, so this is no
record check: a run keeps a digest of each key with its window
(`validator.engine.across`), finds the candidates among them, clears those
whose records link one to the other (by the digests of the ids the links
name), and reads the few records of the rest again to compare them here
(`shared` of their `event_keys`; a pair is cleared when either record's link
`targets` name the other).

This module is pure: it reads no file.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from typing import Any

from validator.checks.meaning import bounds
from validator.escaping import escape, printable
from validator.findings import Problem

JSON = Any

CODES = frozenset({"event-possible-duplicate", "event-possible-duplicate-elsewhere"})
TOLERANCE = 2  # days between two windows that may still be one event
_SEP, _ITEM = "\x1f", "\x1e"  # never in an actor id or a category (both are patterned)


def window(date: JSON) -> tuple[int, int] | None:
    """The first and last day a date allows, as ordinals, or None without a start."""
    start = date.get("start") if isinstance(date, dict) else None
    if start is None:
        return None
    try:
        if date.get("end_bound") == "open":  # to the end of its period: rare
            first, last = bounds(date)
            return first.toordinal(), last.toordinal()
        end = date.get("end")
        return _ordinal(start), _ordinal(end) if end is not None else _ordinal(start)
    except (ValueError, TypeError, KeyError):  # a date the schema let through unparsed
        return None


def _day(start: str) -> tuple[int, int] | None:
    """The window of a date that gives only its start (a day, mostly)."""
    try:
        day = _ordinal(start)
    except ValueError:  # a date the schema let through unparsed
        return None
    return day, day


@functools.lru_cache(maxsize=4096)
def _ordinal(text: str) -> int:
    """The ordinal of an ISO date (dates repeat a lot)."""
    return dt.date.fromisoformat(text).toordinal()


def key_digest(key: str) -> int:
    """A 64-bit digest of a key (CRC-32 and Adler-32 side by side, as record ids)."""
    data = key.encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


Keyed = tuple[tuple[str, int], ...]  # (key, its digest) of each key


# Not cached: visitors and hosts seldom repeat together (actors named per dataset), and a
# cache that missed cost a visit 1 µs more than the key (3.9 against 2.9 µs a record).
def _visit_keys(call: bool, visitors: list[str], hosts: list[str]) -> Keyed:
    key = _SEP.join(("call" if call else "visit", _ITEM.join(sorted(set(visitors))),
                     _ITEM.join(sorted(set(hosts)))))
    return ((key, key_digest(key)),)


@functools.lru_cache(maxsize=1 << 14)
def _transfer_keys(supplier: str, recipient: str, categories: tuple[str, ...]) -> Keyed:
    stem = _SEP.join(("transfer", supplier, recipient, ""))
    return tuple((stem + category, key_digest(stem + category))
                 for category in sorted(set(categories)))


def _keyed(record: JSON) -> Keyed:
    """The event keys of a schema-valid record with their digests, whatever its dates.

    An allegation's are cached by the values they are made of (the same parties and
    categories recur): a record costs a tuple and a lookup.
    """
    visit = record.get("diplomatic_visit")
    if visit is not None:
        return _visit_keys(visit["mode"] == "phone", visit["visitors"], visit["hosts"])
    allegation = record.get("arms_allegation")
    if allegation is None or allegation["supplier"] is None or allegation["recipient"] is None:
        return ()  # an unknown party matches no one
    return _transfer_keys(allegation["supplier"], allegation["recipient"],
                          tuple(weapon["category"] for weapon in allegation.get("weapons") or ()))


def keys(record: JSON) -> list[str]:
    """The event keys of a schema-valid record, whatever its dates (see above)."""
    return [key for key, _ in _keyed(record)]


def days(record: JSON) -> tuple[int, int] | None:
    """The window of days a record's event is dated by: its transfer's, else its own."""
    allegation = record.get("arms_allegation")
    date = allegation.get("transfer_date") if allegation is not None else None
    return window(record["date"] if date is None or "start" not in date else date)


def event_keys(record: JSON) -> list[tuple[str, int, int]]:
    """(key, first day, last day) for each event key of a schema-valid record with a date."""
    found = keys(record)
    dated = days(record) if found else None
    return [] if dated is None else [(key, *dated) for key in found]


def digests(record: JSON) -> tuple[tuple[int, ...], int, int] | None:
    """The digests of a schema-valid record's event keys, and its first and last day.

    None when it has no key or no date.  `event_keys` with digests, written
    flat: it runs on every record.
    """
    visit = record.get("diplomatic_visit")
    if visit is not None:
        keyed = _visit_keys(visit["mode"] == "phone", visit["visitors"], visit["hosts"])
        date = record["date"]
    else:
        keyed = _keyed(record)
        if not keyed:
            return None
        date = record["arms_allegation"].get("transfer_date")
        if date is None or "start" not in date:
            date = record["date"]
    start = date.get("start")
    if start is None:
        return None
    dated = window(date) if "end" in date or "end_bound" in date else _day(start)
    if dated is None:
        return None
    return tuple(digest for _, digest in keyed) if len(keyed) > 1 else (keyed[0][1],), \
        dated[0], dated[1]


def near(first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether two windows of days lie within TOLERANCE days of each other."""
    return first[0] <= second[1] + TOLERANCE and second[0] <= first[1] + TOLERANCE


def matches(earlier: JSON, later: JSON) -> str | None:
    """The key two records share with windows within two days (its first), or None."""
    return shared(event_keys(earlier), event_keys(later))


def shared(earlier: list[tuple[str, int, int]], later: list[tuple[str, int, int]]) -> str | None:
    """The first key of `later` in `earlier` with windows within two days, or None."""
    keys = {key: (first, last) for key, first, last in earlier}
    for key, first, last in later:
        if key in keys and near(keys[key], (first, last)):
            return key
    return None


def targets(record: JSON) -> frozenset[str]:
    """The record ids a record's links name."""
    return frozenset(link["record"] for link in record.get("links") or ()
                     if isinstance(link, dict) and isinstance(link.get("record"), str))


def _shared(key: str) -> str:
    kind, *parts = key.split(_SEP)
    if kind == "transfer":
        supplier, recipient, category = parts
        return (f"the same supplier ({escape(supplier)}), recipient ({escape(recipient)}) "
                f"and weapon category ({escape(category)})")
    visitors, hosts = (", ".join(escape(actor) for actor in part.split(_ITEM)) or "none"
                       for part in parts)
    what = "call" if kind == "call" else "visit"
    return f"{what} with the same visitors ({visitors}) and hosts ({hosts})"


def pointer_of(record: JSON) -> str:
    """Where a duplicate is reported in a record: its visit or its allegation."""
    return "/diplomatic_visit" if "diplomatic_visit" in record else "/arms_allegation"


def duplicate(where: str, earlier: str, key: str, line: int,
              file: str | None = None) -> Problem:
    """The problem at `where` of a record that may repeat the record `earlier`.

    `earlier` stands at `line` of the same file, or of `file` if given.
    """
    other = f"record {escape(earlier)} (line {line})" if file is None else \
        f"record {escape(earlier)} at {printable(file)}:{line}"
    shared = _shared(key)
    if file is None:
        return Problem("event-possible-duplicate",
                       f"may be the same event as {other}: {shared}, dated within "
                       f"{TOLERANCE} days; code one record with both articles in "
                       "reporting.sources, or link the two if they are two events (codebook K1)",
                       pointer=where)
    return Problem("event-possible-duplicate-elsewhere",
                   f"may be the same event as {other}: {shared}, dated within {TOLERANCE} "
                   "days; link the two with same_event, or with another relation if they "
                   "are two events (codebook K2)", pointer=where)
