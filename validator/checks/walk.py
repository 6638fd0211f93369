"""Where a record keeps its actor references, source references, spans and dates.

One place knows the record's shape, so that each check asks for what it needs
("every span", "every actor reference") instead of walking the record itself.
Records reach these functions only after they passed the JSON Schema.
Locations are tuples of keys and indexes (`Path`), turned into a JSON Pointer
only when a check reports something, since most records report nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

JSON = Any
Path = tuple[str | int, ...]


def _items(record: JSON, base: Path, key: str) -> Iterator[tuple[Path, JSON]]:
    for index, item in enumerate(record.get(key) or ()):
        yield (*base, key, index), item


def detail_actor_refs(record: JSON) -> Iterator[tuple[Path, str]]:
    """(path, actor id) of every actor named in the record type's details."""
    visit = record.get("diplomatic_visit")
    if visit:
        base: Path = ("diplomatic_visit",)
        for key in ("visitors", "hosts", "delegation"):
            for ptr, actor in _items(visit, base, key):
                yield ptr, actor
        yield from _role_refs(visit, base)
        for mptr, meeting in _items(visit, base, "meetings"):
            for index, actor in enumerate(meeting["participants"]):
                yield (*mptr, "participants", index), actor
            yield from _role_refs(meeting, mptr)
    allegation = record.get("arms_allegation")
    if allegation:
        base = ("arms_allegation",)
        claimant = allegation["claimant"]
        for key in ("actor", "on_behalf_of"):
            if key in claimant:
                yield (*base, "claimant", key), claimant[key]
        for key in ("supplier", "recipient"):
            if isinstance(allegation.get(key), str):
                yield (*base, key), allegation[key]
        for rptr, response in _items(allegation, base, "responses"):
            yield (*rptr, "actor"), response["actor"]
    for gptr, group in _items(record, (), "groups"):  # schema 1.1.0
        yield (*gptr, "actor"), group["actor"]
        for index, member in enumerate(group["members"]):
            yield (*gptr, "members", index), member


def _role_refs(holder: JSON, base: Path) -> Iterator[tuple[Path, str]]:
    """(path, actor id) of each role's actor and side (schema 1.1.0 visits and meetings)."""
    for rptr, role in _items(holder, base, "roles"):
        yield (*rptr, "actor"), role["actor"]
        if "side" in role:
            yield (*rptr, "side"), role["side"]


def _role_actors(holder: JSON) -> list[str]:
    """The actors of `_role_refs`, in its order, without paths (for the record view)."""
    actors: list[str] = []
    for role in holder.get("roles") or ():
        actors.append(role["actor"])
        if "side" in role:
            actors.append(role["side"])
    return actors


def actor_refs(record: JSON) -> Iterator[tuple[Path, str]]:
    """(path, actor id) of every actor reference in the record."""
    yield from _items(record, (), "actors")
    yield from detail_actor_refs(record)


def spans(record: JSON) -> Iterator[tuple[Path, JSON]]:
    """(path, span) of every evidence span in the record, wherever it is."""
    yield from _items(record, (), "evidence")
    visit = record.get("diplomatic_visit")
    if visit:
        for mptr, meeting in _items(visit, ("diplomatic_visit",), "meetings"):
            yield from _items(meeting, mptr, "evidence")
    allegation = record.get("arms_allegation")
    if allegation:
        for rptr, response in _items(allegation, ("arms_allegation",), "responses"):
            yield from _items(response, rptr, "evidence")


def source_refs(record: JSON) -> Iterator[tuple[Path, str]]:
    """(path, source id) of every source reference in the record."""
    yield from _items(record["reporting"], ("reporting",), "sources")
    for ptr, span in spans(record):
        yield (*ptr, "source"), span["source"]


def dates(record: JSON) -> Iterator[tuple[Path, JSON]]:
    """(path, date object) of every date in the record."""
    yield ("date",), record["date"]
    visit = record.get("diplomatic_visit")
    if visit:
        for mptr, meeting in _items(visit, ("diplomatic_visit",), "meetings"):
            if "date" in meeting:
                yield (*mptr, "date"), meeting["date"]
    allegation = record.get("arms_allegation")
    if allegation:
        if "transfer_date" in allegation:
            yield ("arms_allegation", "transfer_date"), allegation["transfer_date"]
        if "use_date" in allegation:  # schema 1.1.0
            yield ("arms_allegation", "use_date"), allegation["use_date"]
        for rptr, response in _items(allegation, ("arms_allegation",), "responses"):
            if "date" in response:
                yield (*rptr, "date"), response["date"]


def places(record: JSON) -> Iterator[tuple[Path, JSON]]:
    """(path, place object) of every place in the record."""
    if "location" in record:
        yield ("location",), record["location"]
    visit = record.get("diplomatic_visit")
    if visit:
        for mptr, meeting in _items(visit, ("diplomatic_visit",), "meetings"):
            if "location" in meeting:
                yield (*mptr, "location"), meeting["location"]


@dataclass(slots=True)
class RecordView:
    """The values the record checks look at, gathered in one walk and without paths.

    Screens (see `validator.checks.base`) test a whole record against these
    lists at once; the generators above, which also say where each value is,
    run only for a record that a screen does not pass.  Each list holds the
    same values, in the same order, as its generator (a test checks it).
    """

    record: JSON
    detail_actors: list[str]  # as detail_actor_refs
    spans: list[JSON]  # as spans
    dates: list[JSON]  # as dates

    @property
    def sources(self) -> list[str]:
        """As source_refs: the record's sources, then each span's."""
        return [*self.record["reporting"]["sources"], *[span["source"] for span in self.spans]]

    @property
    def places(self) -> list[JSON]:
        """As places (not gathered up front: on large files the engine checks countries)."""
        return [place for _, place in places(self.record)]


def view(record: JSON) -> RecordView:
    """The record's values, gathered in one walk (written out for speed: it runs per record)."""
    actors: list[str] = []
    spans = list(record["evidence"])
    dates = [record["date"]]
    visit = record.get("diplomatic_visit")
    if visit:
        actors += visit["visitors"]
        actors += visit["hosts"]
        if "delegation" in visit:
            actors += visit["delegation"]
        if "roles" in visit:
            actors += _role_actors(visit)
        meetings = visit.get("meetings") or ()
        for meeting in meetings:
            actors += meeting["participants"]
            if "roles" in meeting:
                actors += _role_actors(meeting)
            spans += meeting.get("evidence") or ()
            if "date" in meeting:
                dates.append(meeting["date"])
    allegation = record.get("arms_allegation")
    if allegation:
        claimant = allegation["claimant"]
        if "actor" in claimant:
            actors.append(claimant["actor"])
        if "on_behalf_of" in claimant:
            actors.append(claimant["on_behalf_of"])
        if isinstance(party := allegation.get("supplier"), str):
            actors.append(party)
        if isinstance(party := allegation.get("recipient"), str):
            actors.append(party)
        if "transfer_date" in allegation:
            dates.append(allegation["transfer_date"])
        if "use_date" in allegation:
            dates.append(allegation["use_date"])
        for response in allegation.get("responses") or ():
            actors.append(response["actor"])
            spans += response.get("evidence") or ()
            if "date" in response:
                dates.append(response["date"])
    for group in record.get("groups") or ():
        actors.append(group["actor"])
        actors += group["members"]
    return RecordView(record, actors, spans, dates)
