"""Named mutations of a valid record, each declaring the rule code it targets.

One vocabulary for every test that breaks records on purpose: the property
tests (test_properties, test_ignore, test_one_record), the screens' tests and
the guard (test_screens, test_guard), and the case folders
(`case_mutations.py` builds those that break a record from these).

`apply(record, data, draw)` changes `record` in place and gives the pointer
of what it changed, or None when the record has no place for the change
(`data` is the record's dataset, see `strategies.datasets`, with its actors'
`names`; `draw` draws
from a strategy).  A *certain* mutation, once applied, breaks its rule and
no other, once, at that pointer, and draws nothing: so it also breaks the
records of the case folders.  Any other mutation changes what its rule reads
and may or may not break it: it is for the screens, which must agree with
their check either way.  Where a mutation chooses among the places of a kind
(any date, any span), it finds them in the record itself, not through the
validator's walk that it helps to test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from validator.pointers import pointer

JSON = Any
Draw = Callable[[st.SearchStrategy[Any]], Any]
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutation:
    """One way to break one rule in a record: the code it targets, and how."""

    code: str
    name: str
    apply: Callable[[dict[str, Any], dict[str, Any], Draw], str | None]
    certain: bool = True
    since: str = "1.0.0"  # the first schema version whose records it fits


def no_draw(strategy: st.SearchStrategy[Any]) -> Any:
    """The draw given to certain mutations, which draw nothing."""
    raise AssertionError(f"a certain mutation drew from {strategy!r}")


# --- The places of a kind in a record, found by their shape ----------------------

def _found(value: JSON, test: Callable[[Path, JSON], bool], path: Path = ()) -> Iterator[Path]:
    if test(path, value):
        yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        yield from _found(item, test, (*path, key))


def _is_date(path: Path, value: JSON) -> bool:
    """A date: with a start, or (schema 1.1.0) not given, with a reason."""
    return isinstance(value, dict) and "precision" in value \
        and ("start" in value or "reason" in value)


def _plain(date: JSON) -> bool:
    """A date given by its start (and end) alone: not `not_given`, no part of a month, and
    no open end (schema 1.1.0), which a change of its days or precision would also break."""
    return "start" in date and not {"month_part", "end_bound"} & date.keys()


def _is_span(path: Path, value: JSON) -> bool:
    return isinstance(value, dict) and {"source", "start", "end", "text"} <= value.keys()


def _is_place(path: Path, value: JSON) -> bool:
    return isinstance(value, dict) and {"name", "precision"} <= value.keys()


ACTOR_LISTS = {"actors", "visitors", "hosts", "delegation", "participants"}
ACTOR_FIELDS = {"actor", "on_behalf_of", "supplier", "recipient"}


def _is_actor(path: Path, value: JSON) -> bool:
    return isinstance(value, str) and len(path) >= 1 and (
        path[-1] in ACTOR_FIELDS or (len(path) >= 2 and path[-2] in ACTOR_LISTS))


def places_of(record: JSON, test: Callable[[Path, JSON], bool]) -> list[Path]:
    """The paths of the values in `record` that `test` picks, in document order."""
    return list(_found(record, test))


def at(record: JSON, path: Path) -> JSON:
    for step in path:
        record = record[step]
    return record


def _pick(record: JSON, test: Callable[[Path, JSON], bool], draw: Draw) -> Path:
    # Last first: hypothesis favours the first choice, and the places nested deepest
    # (a meeting's date, a response's span) are the ones a screen is likeliest to miss.
    return draw(st.sampled_from(places_of(record, test)[::-1]))


# --- Certain mutations: each breaks its rule once, at the pointer it gives --------

def _drop_summary(record, data, draw):
    del record["summary"]
    return ""


def _unknown_field(record, data, draw):
    record["confidence"] = 0.9
    return "/confidence"


def _bad_modality(record, data, draw):
    record["modality"] = "rumoured"
    return "/modality"


def _shift_span(record, data, draw):
    span = record["evidence"][0]
    text = data["text"]
    if type(span["start"]) is not int or type(span["end"]) is not int:
        return None  # an offset another mutation made a float: not one this shift can move
    if span["end"] + 1 > len(text) or text[span["start"] + 1:span["end"] + 1] == span["text"]:
        return None
    span["start"] += 1
    span["end"] += 1
    return "/evidence/0/start"


def _past_end(record, data, draw):
    if len(data["text"]) >= 99999:
        return None
    record["evidence"][0]["end"] = 99999
    return "/evidence/0/end"


def _supports_nothing(record, data, draw):
    record["evidence"].append(dict(record["evidence"][0]))  # what it cited stays cited
    record["evidence"][0]["supports"] = "/diplomatic_visit/guests/0"
    return "/evidence/0/supports"


def _end_before_start(record, data, draw):
    date = record["date"]
    if not _plain(date):
        return None
    date["end"] = (dt.date.fromisoformat(date["start"]) - dt.timedelta(days=6)).isoformat()
    return "/date/end"


def _not_a_month(record, data, draw):
    date = record["date"]
    if not _plain(date):
        return None
    start = dt.date.fromisoformat(date["start"])
    end = dt.date.fromisoformat(date.get("end", date["start"]))
    if "text" in date or (start.day == 1 and (end + dt.timedelta(days=1)).day == 1
                          and (start.year, start.month) == (end.year, end.month)):
        return None  # a text may name a day; or the range is a month
    date["precision"] = "month"
    return "/date/precision"


WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")


def _record_date_quotes(record: JSON) -> list[str]:
    """The quotes of the record's spans cited for its date or for the whole record (D11)."""
    return [span["text"] for span in record["evidence"]
            if span.get("supports", "") in {"", "/date"}]


def _a_day_in_a_year(record, data, draw):
    """A weekday the record's date spans quote, as the text of a date of a whole year."""
    named = next((found.group() for quote in _record_date_quotes(record)
                  if (found := WEEKDAY.search(quote))), None)
    if named is None:
        return None  # no span cited for the date names a weekday
    date = record["date"]
    if not _plain(date):
        return None
    year = date["start"][:4]
    date.update(precision="year", start=f"{year}-01-01", end=f"{year}-12-31", text=named,
                inferred_from_publication=True)
    return "/date/precision"


def _uncited_date_text(record, data, draw):
    """A date text that no span quotes (and that names no day, month or year)."""
    if "start" not in record["date"]:  # not given (schema 1.1.0): nothing to infer
        return None
    record["date"].update(text="the day before", inferred_from_publication=True)
    return "/date/text"


def _weekday_off(record, data, draw):
    """The date dated by a weekday of the article, cited for it, but starting another day."""
    found = WEEKDAY.search(data["text"])
    if found is None:
        return None
    named = found.group()
    date = record["date"]
    if not _plain(date):
        return None
    start = dt.date.fromisoformat(date["start"])
    if start.strftime("%A") == named:
        # A day later, unless that is after its report; else six days earlier (the claim
        # of an allegation then ends sooner: not before a transfer it reports).
        later = start + dt.timedelta(days=1)
        days = 1 if later <= data["published"] \
            or record["modality"] in {"planned", "hypothetical"} else -6
        last = dt.date.fromisoformat(date.get("end", date["start"])) + dt.timedelta(days=days)
        if days < 0 and any(day > last for day in _starts_of_stages(record)):
            return None
        for key in ("start", "end"):
            if key in date:
                date[key] = (dt.date.fromisoformat(date[key])
                             + dt.timedelta(days=days)).isoformat()
    date.update(precision="day", text=named, inferred_from_publication=True)
    record["evidence"].append({"source": data["source"], "start": found.start(),
                               "end": found.end(), "text": named, "supports": "/date"})
    return "/date/start"


def _starts_of_stages(record: JSON) -> list[dt.date]:
    allegation = record.get("arms_allegation", {})
    return [dt.date.fromisoformat(allegation[key]["start"])
            for key in ("transfer_date", "use_date") if "start" in allegation.get(key, {})]


def _unnamed_actor(record, data, draw):
    """A line of the article that does not name the visitor (or the claimant), cited for it."""
    if "diplomatic_visit" in record:
        target, actor = "/diplomatic_visit/visitors/0", record["diplomatic_visit"]["visitors"][0]
    else:
        claimant = record["arms_allegation"]["claimant"]
        if "actor" not in claimant:
            return None
        target, actor = "/arms_allegation/claimant", claimant["actor"]
    if actor not in data["names"]:
        return None  # an actor another mutation made up
    words = [word.casefold() for word in re.findall(r"\w+", data["names"][actor])]
    start = 0
    for line in data["text"].split("\n"):
        if line.strip() and not any(word in line.casefold() for word in words):
            record["evidence"].append({"source": data["source"], "start": start,
                                       "end": start + len(line), "text": line,
                                       "supports": target})
            return pointer("evidence", len(record["evidence"]) - 1, "text")
        start += len(line) + 1
    return None


def _inference_unmarked(record, data, draw):
    """A date whose text gives no year, no longer marked as inferred from publication."""
    date = record["date"]
    if not date.get("text") or re.search(r"(?<![0-9])[0-9]{4}(?![0-9])", date["text"]):
        return None
    date["inferred_from_publication"] = False
    return "/date/text"


def _shares_a_transfer(record, data):
    """Whether another record of the dataset reports the same transfer (codebook G3, F3)."""
    allegation = record["arms_allegation"]
    keys = {(allegation["supplier"], allegation["recipient"], weapon["category"])
            for weapon in allegation["weapons"]}
    return allegation["supplier"] is not None and allegation["recipient"] is not None and any(
        other["id"] != record["id"] and "arms_allegation" in other
        and keys & {(other["arms_allegation"]["supplier"], other["arms_allegation"]["recipient"],
                     weapon["category"]) for weapon in other["arms_allegation"]["weapons"]}
        for other in data.get("records", ()))


def _delivered_after_claim(record, data, draw):
    """A delivery reported as fact, dated the day after the claim that reports it.

    Not in a record whose transfer another record reports: its stage would
    differ from theirs (stage-inconsistent is not this).
    """
    allegation = record.get("arms_allegation")
    if not allegation or _shares_a_transfer(record, data):
        return None
    claim = record["date"]
    transfer = allegation.get("transfer_date")
    if not _plain(claim) or (transfer is not None and "start" not in transfer):
        return None
    if record["modality"] in {"planned", "hypothetical"}:  # reported as fact, if it may be
        if dt.date.fromisoformat(claim["start"]) > data["published"]:
            return None
        record["modality"] = "asserted"
    last = max(dt.date.fromisoformat(claim[key]) for key in ("start", "end") if key in claim)
    allegation["stage"] = "delivered"
    if "transfer_modality" in allegation:  # actual: reported as fact (a span may cite it)
        allegation["transfer_modality"] = "actual"
    if transfer is None:
        allegation["transfer_date"] = {"start": (last + dt.timedelta(days=1)).isoformat(),
                                       "precision": "day"}
        return "/arms_allegation/transfer_date/start"
    # A transfer date of its own (which spans may cite) moves by 28 years, past the claim:
    # it keeps fitting its precision, its text and its weekdays.
    start = dt.date.fromisoformat(transfer["start"])
    years = 28 * ((last.year - start.year) // 28 + 1)
    for key in ("start", "end"):
        if key in transfer:
            moved = dt.date.fromisoformat(transfer[key])
            transfer[key] = moved.replace(year=moved.year + years).isoformat()
    return "/arms_allegation/transfer_date/start"


def _after_publication(record, data, draw):
    """Reported as fact, it starts after its report: a month after, or (a range) years after."""
    date = record["date"]
    if not _plain(date):
        return None
    record["modality"] = "asserted"
    visit = record.get("diplomatic_visit")
    if visit and visit["status"] in {"planned", "cancelled"}:  # as a fact, it took place
        visit["status"] = "completed"
    published = data["published"]
    if "end" not in date:  # whole weeks, to past the report: the weekday a text may name
        start = dt.date.fromisoformat(date["start"])
        weeks = (published - start).days // 7 + 5
        date["start"] = (start + dt.timedelta(weeks=weeks)).isoformat()
        return "/date/start"
    # A whole range moves by 28 years, so that it keeps fitting its precision and its weekdays.
    start, end = (dt.date.fromisoformat(date[key]) for key in ("start", "end"))
    years = 28 * ((published.year - start.year) // 28 + 1)
    date["start"] = start.replace(year=start.year + years).isoformat()
    date["end"] = end.replace(year=end.year + years).isoformat()
    return "/date/start"


HOST_KINDS = {"state", "organisation"}


def _listed(record, actor):
    """`actor` among the record's actors (added at the end if it was not)."""
    if actor not in record["actors"]:
        record["actors"].append(actor)


def _one_event_still(apply):
    """A mutation that changes an event's parties, skipped where it makes the record repeat
    another record's event (codebook K1): it must break its own rule only."""
    import functools

    from validator.checks import duplicates

    @functools.wraps(apply)
    def applied(record, data, draw):
        where = apply(record, data, draw)
        keys = set(duplicates.keys(record))
        others = [other for other in data["records"] if other is not record
                  and other.get("id") != record.get("id")]
        if where is not None and any(keys & set(duplicates.keys(other)) for other in others):
            return None
        return where
    return applied


@_one_event_still
def _visitor_is_host(record, data, draw):
    """A host of the visit (a state or organisation) also among its visitors.

    A visit with no host gets one: a state or organisation of the record or the
    dataset, which it also visits.
    """
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    if not visit["hosts"]:
        # A visitor first, so that the visit has no more parties (mode-not-multilateral);
        # not the state of a participant, who would then meet the visitors for the host (H2).
        sides = {(data.get("affiliations") or {}).get(actor)
                 for meeting in visit.get("meetings", ()) for actor in meeting["participants"]}
        states = [actor for actor in visit["visitors"] + record["actors"] + data["actors"]
                  if data["kinds"].get(actor) in HOST_KINDS and actor not in sides]
        if not states:
            return None
        _listed(record, states[0])
        visit["hosts"].append(states[0])
    host = visit["hosts"][0]
    if host not in visit["visitors"]:
        visit["visitors"].append(host)
    # The visitors cited as a list (no actor to name): field-uncited is not this.
    record["evidence"].append({**record["evidence"][0], "supports": "/diplomatic_visit/visitors"})
    if _multilateral_now(record, data):  # no visitor could host: a state of the dataset's
        return None  # made a third party (M1)
    return pointer("diplomatic_visit", "visitors", visit["visitors"].index(host))



@_one_event_still
def _person_hosts(record, data, draw):
    """A person of the record or the dataset, not a visitor, added to a visit's hosts."""
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    people = [actor for actor in record["actors"] + data["actors"]
              if data["kinds"].get(actor) == "person"
              and actor not in visit["visitors"] and actor not in visit["hosts"]]
    if not people:
        return None
    _listed(record, people[0])
    visit["hosts"].append(people[0])
    record["evidence"].append({**record["evidence"][0], "supports": "/diplomatic_visit/hosts"})
    if _multilateral_now(record, data):  # the person's state made a third party (M1)
        return None
    return pointer("diplomatic_visit", "hosts", len(visit["hosts"]) - 1)


def _multilateral_now(record, data) -> bool:
    """Whether a visit now has three or more parties but another mode (codebook M1)."""
    from validator.checks.context import DatasetContext
    from validator.checks.visiting import multilateral_modes

    context = DatasetContext(record["schema_version"], kinds=data["kinds"],
                             affiliations=data.get("affiliations"))
    return next(multilateral_modes(record, context), None) is not None


RECEIVING = ("counterpart", "convener")  # roles that receive the visitors (codebook H2, M3)


@_one_event_still
def _unreceived_participant(record, data, draw):
    """A host's person (by affiliation) in a visit's meeting with no role receiving the
    visitors for that host (records with roles: codebook H2).

    Their counterpart or convener roles for it become host_delegation (a visit with no roles
    gets that role for them); they join the first
    meeting (a new one, citing the record's first span, if there is none) unless they are in
    one; their host joins the hosts unless it would make other participants host-side.
    """
    visit = record.get("diplomatic_visit")
    if not visit or record["schema_version"] == "1.0.0":
        return None
    affiliations = data.get("affiliations") or {}
    meetings = visit.get("meetings", [])
    taking_part = [actor for meeting in meetings for actor in meeting["participants"]]
    for actor, side in sorted(affiliations.items()):
        if actor in {side, *visit["visitors"], *visit["hosts"], *visit.get("delegation", ())} \
                or side in visit["visitors"] or taking_part.count(actor) > 1 \
                or (side not in visit["hosts"] and any(
                    affiliations.get(other) == side for other in taking_part if other != actor)):
            continue
        holders = [visit, *meetings]
        demoted = [{**role, "role": "host_delegation"} if (role["actor"], role.get("side")) ==
                   (actor, side) and role["role"] in RECEIVING else role
                   for holder in holders for role in holder.get("roles", ())]
        if any(demoted.count(role) > 1 for role in demoted):
            continue  # a host_delegation role of theirs already: roles must differ
        for holder in holders:
            for role in holder.get("roles", ()):
                if (role["actor"], role.get("side")) == (actor, side) \
                        and role["role"] in RECEIVING:
                    role["role"] = "host_delegation"
        if not any("roles" in holder for holder in holders):  # roles coded, theirs wrong
            if any(affiliations.get(other) in visit["hosts"] for other in taking_part
                   if other not in {actor, *visit["visitors"], *visit.get("delegation", ())}):
                continue  # other host's people, judged once roles are coded
            visit["roles"] = [{"actor": actor, "role": "host_delegation", "side": side}]
        _listed(record, actor)
        if side not in visit["hosts"]:
            _listed(record, side)
            visit["hosts"].append(side)
        if actor not in taking_part:
            if not meetings:
                span = {key: value for key, value in record["evidence"][0].items()
                        if key != "supports"}
                visit["meetings"] = meetings = [{"participants": [visit["visitors"][0]],
                                                 "evidence": [span]}]
            meetings[0]["participants"].append(actor)
        number = next(i for i, meeting in enumerate(meetings) if actor in meeting["participants"])
        if _multilateral_now(record, data):  # a host of its own made a third party (M1)
            return None
        return pointer("diplomatic_visit", "meetings", number, "participants",
                       meetings[number]["participants"].index(actor))
    return None


def _status_unplanned(record, data, draw):
    """A visit's status that disagrees with its modality: completed if planned, else planned."""
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    visit["status"] = "completed" if record["modality"] == "planned" else "planned"
    return "/diplomatic_visit/status"


COVERS_PURPOSE = {"", "/diplomatic_visit"}  # pointers of the parts that hold the purpose


def _uncited_purpose(record, data, draw):
    """A visit's purpose that no span is cited for.

    A span cited for it now cites the summary; one cited for the whole record or
    visit now cites the date, and a copy of it the meetings (whose dates it may quote).
    """
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    holders = [(record["evidence"], True)] + [(meeting["evidence"], False)
                                              for meeting in visit.get("meetings", [])]
    for evidence, own in holders:
        for span in list(evidence):  # in place: a pointer may name a span by its index
            target = span.get("supports")
            if target == "/diplomatic_visit/purpose":
                span["supports"] = "/summary"
            elif target in COVERS_PURPOSE or (target is None and own):
                span["supports"] = "/date"
                if "meetings" in visit:
                    evidence.append({**span, "supports": "/diplomatic_visit/meetings"})
    visit.setdefault("purpose", "To talk.")
    # Its visitors and hosts stay cited, as lists (no actor to name): field-uncited is not this.
    for key in ("visitors", "hosts"):
        if visit[key]:
            record["evidence"].append({**record["evidence"][0],
                                       "supports": f"/diplomatic_visit/{key}"})
    _cite_the_rest(record, data, "diplomatic_visit")  # a visit's rest needs no name
    return "/diplomatic_visit/purpose"


def _recited(record, covers, copies):
    """Each span cited for one of `covers` (None: the record's own with no pointer) now
    cites the date, and for each that cited the record or its part, a copy cites each of
    `copies` (the parts whose dates it may quote)."""
    holders = [(record["evidence"], True)]
    holders += [(part["evidence"], False)
                for key in ("diplomatic_visit", "arms_allegation") if key in record
                for part in record[key].get("meetings", []) + record[key].get("responses", [])]
    for evidence, own in holders:
        for span in list(evidence):  # in place: a pointer may name a span by its index
            target = span.get("supports")
            if target in covers or (target is None and own):
                span["supports"] = "/date"
                if target in {None, "", "/diplomatic_visit", "/arms_allegation"}:
                    evidence.extend({**span, "supports": copy} for copy in copies)


def _uncited_place(record, data, draw):
    """A place that no span is cited for: spans cited for it, or for the whole record, now
    cite the date, with copies cited for the visit or allegation, and a copy of the
    record's first span cites that part too (every other decided field is in it)."""
    if "location" not in record:
        return None
    kind = "diplomatic_visit" if "diplomatic_visit" in record else "arms_allegation"
    for path in places_of(record, _is_span):  # cited for the place or a part inside it
        span = at(record, path)
        target = span.get("supports", "")
        if target == "/location" or target.startswith("/location/"):
            span["supports"] = "/date"
    _recited(record, {""}, [f"/{kind}"])  # the copies cite its dates' parts (D11)
    record["evidence"].append({**record["evidence"][0], "supports": f"/{kind}"})
    return "/location"


def _cite_the_rest(record, data, kind):
    """Copies of the record's first span cited for the decided fields (codebook E3) of
    `kind` ("diplomatic_visit" or "arms_allegation") besides its parties and purpose, and
    for the place; a named claimant by a span of its name.  False when the article has no
    such span: a mutation that re-cites the rest breaks one rule only, or none."""
    first = {key: value for key, value in record["evidence"][0].items() if key != "supports"}
    targets = ["/location"] if "location" in record else []
    part = record[kind]
    if kind == "diplomatic_visit":
        if part.get("status", "unknown") != "unknown":
            targets.append("/diplomatic_visit/status")
        if any(role["role"] == "counterpart" for role in part.get("roles", ())):
            targets.append("/diplomatic_visit/roles")
    else:
        targets += ["/arms_allegation/stage", "/arms_allegation/weapons",
                    "/arms_allegation/verification"]
        claimant = part["claimant"]
        inner = next((key for key in ("attribution", "on_behalf_of") if key in claimant), None)
        if inner is not None:  # a pointer inside the claimant cites it, naming no actor
            targets.append(f"/arms_allegation/claimant/{inner}")
        else:
            name = data["names"].get(claimant["actor"], "")
            found = re.search(rf"\b{re.escape(name)}\b", data["text"]) if name else None
            if found is None:
                return False
            record["evidence"].append({"source": data["source"], "start": found.start(),
                                       "end": found.end(), "text": name,
                                       "supports": "/arms_allegation/claimant"})
    record["evidence"].extend({**first, "supports": target} for target in targets)
    return True


@_one_event_still
def _uncited_party(record, data, draw):
    """A visit's first visitor, or an allegation's supplier, that no span is cited for.

    Every other decided field stays cited: a visit keeps its first visitor only
    (spans cited for the others now cite the date), and copies of its first span
    cite the purpose and the hosts as a list (no actor to name); an allegation's
    recipient becomes unknown.
    """
    visit = record.get("diplomatic_visit")
    first = record["evidence"][0]
    if visit:
        party = "/diplomatic_visit/visitors/0"
        _recited(record, {"", "/diplomatic_visit", "/diplomatic_visit/visitors",
                          *(pointer("diplomatic_visit", "visitors", index)
                            for index in range(len(visit["visitors"])))},
                 ["/diplomatic_visit/meetings"] if "meetings" in visit else [])
        del visit["visitors"][1:]
        if "purpose" in visit:
            record["evidence"].append({**first, "supports": "/diplomatic_visit/purpose"})
        if visit["hosts"]:
            record["evidence"].append({**first, "supports": "/diplomatic_visit/hosts"})
        return party if _cite_the_rest(record, data, "diplomatic_visit") else None
    allegation = record["arms_allegation"]
    if allegation["supplier"] is None:
        return None
    _recited(record, {"", "/arms_allegation", "/arms_allegation/supplier"},
             [pointer("arms_allegation", key) for key in ("transfer_date", "use_date", "responses")
              if key in allegation])
    allegation["recipient"] = None
    return "/arms_allegation/supplier" if _cite_the_rest(record, data, "arms_allegation") \
        else None


IN_ONE_PLACE = {"visit": ("042", "visit"), "third_location": ("044", "third-party"),
                "multilateral": ("040", "multilateral")}  # visit mode: CAMEO, PLOVER mode


@_one_event_still
def _supplier_is_recipient(record, data, draw):
    allegation = record.get("arms_allegation")
    if not allegation:
        return None
    if allegation["recipient"] is None:  # the claimant's actor is one of the record's
        allegation["recipient"] = allegation["claimant"].get("actor", record["actors"][0])
    allegation["supplier"] = allegation["recipient"]
    for path in places_of(record, _is_span):  # a span that named a party cites the allegation
        span = at(record, path)
        if span.get("supports") in {"/arms_allegation/supplier", "/arms_allegation/recipient"}:
            span["supports"] = "/arms_allegation"
    return "/arms_allegation/recipient"


def _not_a_country(record, data, draw):
    location = record.setdefault("location", {"name": "Nowhere", "precision": "country"})
    if location["precision"] == "supranational":  # which has no country (schema 1.1.0)
        location["precision"] = "country"
    location["country"] = "XXA"
    return "/location/country"


def _unknown_actor(record, data, draw):
    record["actors"].append("zz-nobody")
    return pointer("actors", len(record["actors"]) - 1)


def _unknown_source(record, data, draw):
    sources = record["reporting"]["sources"]
    sources.append("zz-elsewhere")
    return pointer("reporting", "sources", len(sources) - 1)


def _unlisted_actor(record, data, draw):
    spare = [actor for actor in data["actors"] if actor not in record["actors"]]
    if not spare:
        return None
    if "diplomatic_visit" in record:
        delegation = record["diplomatic_visit"].setdefault("delegation", [])
        delegation.append(spare[0])
        return pointer("diplomatic_visit", "delegation", len(delegation) - 1)
    record["arms_allegation"]["claimant"]["on_behalf_of"] = spare[0]
    return "/arms_allegation/claimant/on_behalf_of"


def _open_context(record, data, draw):
    """An open value as the first context (the others kept: a span may point at them)."""
    contexts = record["classification"].get("plover_context")
    if contexts:
        contexts[0] = "maritime"
    else:
        record["classification"]["plover_context"] = ["maritime"]
    return "/classification/plover_context/0"


# --- Perturbations: each changes what its rule reads, anywhere it reads it ---------

CODES_OF = {"date_precision": ["day", "week", "month", "year", "window"],
            "visit_mode": ["visit", "third_location", "multilateral"],
            "plover_context": ["military", "diplomatic", "zz-not-listed"],
            "response_kind": ["denial", "confirmation", "zz-not-listed"]}


def _move_span(record, data, draw):
    path = _pick(record, _is_span, draw)
    span = at(record, path)
    span["start"] = draw(st.integers(0, len(data["text"]) + 2))
    span["end"] = draw(st.integers(span["start"] + 1, len(data["text"]) + 3))
    return pointer(*path, "start")


def _big_offset(record, data, draw):
    path = _pick(record, _is_span, draw)
    key = draw(st.sampled_from(["start", "end"]))
    at(record, path)[key] = draw(st.sampled_from([10**19, float(10**19), 10**18 - 1, 10.0**18,
                                                  12.0]))
    return pointer(*path, key)


def _misname_actor(record, data, draw):
    path = _pick(record, _is_actor, draw)
    at(record, path[:-1])[path[-1]] = "zz-nobody"
    return pointer(*path)


def _drop_listed_actors(record, data, draw):
    record["actors"] = record["actors"][:draw(st.integers(1, len(record["actors"])))]
    return "/actors"


def _cite_elsewhere(record, data, draw):
    path = _pick(record, _is_span, draw)
    at(record, path)["source"] = draw(st.sampled_from([data["source"], "zz-elsewhere"]))
    return pointer(*path, "source")


def _point_anywhere(record, data, draw):
    path = _pick(record, _is_span, draw)
    at(record, path)["supports"] = draw(st.sampled_from(
        ["/date", "/actors/0", "/actors/9", "/nowhere", "/evidence/0/text", "/actors/01",
         "/diplomatic_visit/hosts", "/arms_allegation/weapons/0", "/location/coordinates"]))
    return pointer(*path, "supports")


def _redate(record, data, draw):
    path = _pick(record, _is_date, draw)
    date = at(record, path)
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)))
    date["start"] = start.isoformat()
    if draw(st.booleans()):
        days = draw(st.integers(-40, -1) | st.integers(0, 400))  # reversed half the time
        date["end"] = (start + dt.timedelta(days=days)).isoformat()
    else:
        date.pop("end", None)
    date["precision"] = draw(st.sampled_from(CODES_OF["date_precision"]))
    if draw(st.booleans()):
        date["text"] = draw(st.sampled_from(["on Friday", "in July", "in 2023", "July 26",
                                             "last week", "2023-07-26", "since September"]))
    return pointer(*path)


def _resupport(record, data, draw):
    """A span cited for something else (a date, a part, the record, nothing given), or cut."""
    texts = [at(record, place)["text"] for place in places_of(record, _is_date)
             if "text" in at(record, place)]
    quoting = [place for place in places_of(record, _is_span)
               if any(text in at(record, place)["text"] for text in texts)]
    # Mostly a span that quotes a date's text: the one a date's citation may hang on.
    path = draw(st.sampled_from(quoting[::-1])) if quoting and draw(st.integers(0, 3)) \
        else _pick(record, _is_span, draw)
    span = at(record, path)
    target = draw(st.sampled_from(
        [None, "", "/date", "/date/text", "/actors/0", "/diplomatic_visit",
         "/diplomatic_visit/meetings/0", "/diplomatic_visit/meetings/0/date",
         "/arms_allegation", "/arms_allegation/transfer_date",
         "/arms_allegation/responses/0/date", "/arms_allegation/responses/1", "/da~1te"]))
    if target is None:
        span.pop("supports", None)
    else:
        span["supports"] = target
    if draw(st.booleans()):  # the quote cut short (span-text-mismatch is not this rule's)
        span["text"] = span["text"][:draw(st.integers(1, len(span["text"])))]
    return pointer(*path, "supports")


def _reweekday(record, data, draw):
    """A date at day precision named by a weekday, its start drawn."""
    path = _pick(record, _is_date, draw)
    date = at(record, path)
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)))
    date.update(start=start.isoformat(), precision="day",
                text=draw(st.sampled_from(["on Friday", "Monday", "last Sunday", "Tuesday's"])))
    if draw(st.booleans()):
        date["end"] = (start + dt.timedelta(days=draw(st.integers(0, 3)))).isoformat()
    else:
        date.pop("end", None)
    return pointer(*path, "start")


def _reinfer(record, data, draw):
    """A date's text, with a year or without, and its inferred flag drawn (or dropped)."""
    path = _pick(record, _is_date, draw)
    date = at(record, path)
    date["text"] = draw(st.sampled_from(["in July", "in 2023", "last week", "July 2023",
                                         "2023-07-26", "20230", "on 12 May"]))
    flag = draw(st.sampled_from([None, True, False]))
    if flag is None:
        date.pop("inferred_from_publication", None)
    else:
        date["inferred_from_publication"] = flag
    return pointer(*path, "text")


ROLES = ["/diplomatic_visit/visitors/0", "/diplomatic_visit/visitors/1",
         "/diplomatic_visit/hosts/0", "/diplomatic_visit/meetings/0/participants/1",
         "/diplomatic_visit/meetings/1/participants/0", "/arms_allegation/claimant",
         "/arms_allegation/claimant/actor", "/arms_allegation/supplier",
         "/arms_allegation/recipient", "/diplomatic_visit/visitors/01", "/actors/0"]


def _recite_role(record, data, draw):
    """A span cited for a role (or what looks like one), whichever actor fills it."""
    path = _pick(record, _is_span, draw)
    at(record, path)["supports"] = draw(st.sampled_from(ROLES))
    return pointer(*path, "supports")


def _restage(record, data, draw):
    """An allegation's stage, modality and transfer date drawn around its claim."""
    allegation = record.get("arms_allegation")
    if not allegation:
        return None
    # Mostly what the rule is about (a delivery or use reported as fact), now and then not:
    # the guard's fixed run of 30 datasets must meet the rule's case.
    allegation["stage"] = draw(st.sampled_from(["delivered", "used", "delivered", "sought"]))
    record["modality"] = draw(st.sampled_from(["asserted", "asserted", "asserted", "planned",
                                               "negated"]))
    if "transfer_modality" in allegation:  # actual: the rule's case (a span may cite it)
        allegation["transfer_modality"] = "actual"
    if not _plain(record["date"]):  # a claim dated by its day (schema 1.1.0 has others)
        record["date"] = {"start": data["published"].isoformat(), "precision": "day"}
    claim = dt.date.fromisoformat(record["date"]["start"])
    start = claim + dt.timedelta(days=draw(st.integers(-1, 6)))
    allegation["transfer_date"] = {"start": start.isoformat(), "precision": "day"}
    if draw(st.booleans()):
        record["date"]["end"] = (claim + dt.timedelta(days=draw(st.integers(0, 1)))).isoformat()
        record["date"]["precision"] = "window"
    return "/arms_allegation/transfer_date/start"


def _remodal(record, data, draw):
    """Another modality, and now and then a start around the report."""
    record["modality"] = draw(st.sampled_from(["asserted", "planned", "hypothetical",
                                               "negated"]))
    if draw(st.booleans()):
        days = dt.timedelta(days=draw(st.integers(-2, 40)))
        record["date"]["start"] = (data["published"] + days).isoformat()
        record["date"].pop("end", None)
    return "/modality"


def _restatus(record, data, draw):
    """A visit's status and modality, each drawn from its whole list."""
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    visit["status"] = draw(st.sampled_from(["planned", "ongoing", "completed", "cancelled",
                                            "unknown"]))
    record["modality"] = draw(st.sampled_from(["asserted", "planned", "hypothetical",
                                               "negated"]))
    return "/diplomatic_visit/status"


def _recite_purpose(record, data, draw):
    """Spans cited for the purpose, the visit, the record, another field or their meeting."""
    elsewhere = ["/summary", "/diplomatic_visit/status", "/diplomatic_visit/", "/date"]
    # Half the time none is cited for it (records have more spans than a draw each misses).
    targets = st.sampled_from(elsewhere if draw(st.booleans()) else
                              [*elsewhere, None, "", "/diplomatic_visit",
                               "/diplomatic_visit/purpose"])
    paths = places_of(record, _is_span)
    for place in paths:  # every span, so that sometimes none is cited for the purpose
        target, span = draw(targets), at(record, place)
        if target is None:
            span.pop("supports", None)
        else:
            span["supports"] = target
    path = paths[-1]
    visit = record.get("diplomatic_visit")
    if visit and draw(st.booleans()):
        visit["purpose"] = "To talk."
    return pointer(*path, "supports")


def _recite_fields(record, data, draw):
    """Spans cited for the record, a part, a decided field, a list of them, or elsewhere."""
    targets = st.sampled_from([None, "", "/date", "/summary", "/diplomatic_visit",
                               "/diplomatic_visit/", "/diplomatic_visit/visitors",
                               "/diplomatic_visit/visitors/0", "/diplomatic_visit/visitors/1",
                               "/diplomatic_visit/hosts/0", "/diplomatic_visit/hostsx",
                               "/arms_allegation", "/arms_allegation/supplier",
                               "/arms_allegation/recipient", "/arms_allegation/stage",
                               "/arms_allegation/weapons", "/arms_allegation/weapons/0",
                               "/arms_allegation/claimant/attribution",
                               "/arms_allegation/verification", "/location", "/location/name",
                               "/diplomatic_visit/status", "/diplomatic_visit/roles/0",
                               "/diplomatic_visit/roles/0/side",
                               "/diplomatic_visit/meetings/0/roles/0"])
    paths = places_of(record, _is_span)
    for place in paths:  # every span, so that sometimes none is cited for a field
        target, span = draw(targets), at(record, place)
        if target is None:
            span.pop("supports", None)
        else:
            span["supports"] = target
    return pointer(*paths[-1], "supports")


def _cite_all_elsewhere(record, data, draw):
    """Every span, or some, cites another article than the one the record lists."""
    paths = places_of(record, _is_span)
    every = draw(st.booleans())
    for place in paths:
        if every or draw(st.booleans()):
            at(record, place)["source"] = "zz-elsewhere"
    if draw(st.booleans()):
        record["reporting"]["sources"].append("zz-elsewhere")
    return "/reporting/sources/0"


def _reparty(record, data, draw):
    """A visit's visitors, hosts and mode (with codes that agree) drawn afresh."""
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    # Mostly every state and organisation of the dataset: three of them make a meeting.
    parties = [actor for actor in data["actors"] if data["kinds"].get(actor) in HOST_KINDS]
    everyone = dict.fromkeys(record["actors"] + data["actors"])
    visit["visitors"] = (parties if parties and draw(st.booleans()) else
                         [actor for actor in everyone if draw(st.booleans())]) \
        or [record["actors"][0]]
    visit["hosts"] = [actor for actor in data["actors"] if draw(st.booleans())]
    mode = draw(st.sampled_from(sorted(IN_ONE_PLACE)))
    cameo, plover_mode = IN_ONE_PLACE[mode]
    record["classification"].update(cameo=cameo, plover_mode=plover_mode)
    visit["mode"] = mode
    return "/diplomatic_visit/mode"


def _rehost(record, data, draw):
    """A visit's hosts drawn from the record's actors, whatever their kind."""
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    visit["hosts"] = [actor for actor in record["actors"] if draw(st.booleans())]
    return "/diplomatic_visit/hosts"


def _same_parties(record, data, draw):
    if "diplomatic_visit" in record:
        record["diplomatic_visit"]["hosts"] = [draw(st.sampled_from(record["actors"]))]
        return "/diplomatic_visit/hosts"
    record["arms_allegation"]["supplier"] = draw(st.sampled_from(record["actors"]))
    return "/arms_allegation/supplier"


def _reclassify(record, data, draw):
    codes = record["classification"]
    for name in ("cameo", "plover_event", "plover_mode"):
        codes[name] = draw(st.sampled_from(allowed(name, record["event_type"])))
    if "diplomatic_visit" in record:
        record["diplomatic_visit"]["mode"] = draw(st.sampled_from(CODES_OF["visit_mode"]))
    return "/classification"


def allowed(name: str, event_type: str) -> list[str]:
    """The codes the schema allows for this record type (its generated enum)."""
    from validator import registry

    schema = registry.load("1.0.0").documents["codelists.schema.json"]
    return schema["$defs"][f"{name}_for_{event_type}"]["enum"]


def _recountry(record, data, draw):
    code = draw(st.sampled_from(["PRK", "XXA", "AAA", "USA", "SUN"]))
    places = places_of(record, _is_place)
    if not places or draw(st.booleans()):
        record["location"] = {"name": "Somewhere", "precision": "country", "country": code}
        return "/location/country"
    path = draw(st.sampled_from(places))
    at(record, path)["country"] = code
    return pointer(*path, "country")


def _open_lists(record, data, draw):
    record["classification"]["plover_context"] = [
        draw(st.sampled_from(CODES_OF["plover_context"]))]
    for response in record.get("arms_allegation", {}).get("responses", []):
        response["kind"] = draw(st.sampled_from(CODES_OF["response_kind"]))
    return "/classification/plover_context/0"


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("schema-missing-field", "drop-summary", _drop_summary),
    Mutation("schema-unknown-field", "unknown-field", _unknown_field),
    Mutation("schema-not-in-codelist", "bad-modality", _bad_modality),
    Mutation("span-text-mismatch", "shift-span", _shift_span),
    Mutation("span-out-of-range", "past-end", _past_end),
    Mutation("span-pointer-unresolved", "supports-nothing", _supports_nothing),
    Mutation("date-range-reversed", "end-before-start", _end_before_start),
    Mutation("date-precision-mismatch", "not-a-month", _not_a_month),
    Mutation("date-text-mismatch", "a-day-in-a-year", _a_day_in_a_year),
    Mutation("date-after-publication", "after-publication", _after_publication),
    Mutation("date-text-uncited", "uncited-date-text", _uncited_date_text),
    Mutation("date-weekday-mismatch", "weekday-off", _weekday_off),
    Mutation("date-inference-unmarked", "inference-unmarked", _inference_unmarked),
    Mutation("stage-after-claim", "delivered-after-claim", _delivered_after_claim),
    Mutation("span-actor-unnamed", "unnamed-actor", _unnamed_actor),
    Mutation("visitor-is-host", "visitor-is-host", _visitor_is_host),
    Mutation("status-modality-mismatch", "status-unplanned", _status_unplanned),
    Mutation("purpose-uncited", "uncited-purpose", _uncited_purpose),
    Mutation("host-not-state", "person-hosts", _person_hosts),
    Mutation("counterpart-missing", "unreceived-participant", _unreceived_participant,
             since="1.1.0"),
    Mutation("field-uncited", "uncited-party", _uncited_party),
    Mutation("field-uncited", "uncited-place", _uncited_place),
    Mutation("supplier-is-recipient", "supplier-is-recipient", _supplier_is_recipient),
    Mutation("country-code-unknown", "not-a-country", _not_a_country),
    Mutation("actor-unknown", "unknown-actor", _unknown_actor),
    Mutation("source-unknown", "unknown-source", _unknown_source),
    Mutation("actor-not-listed", "unlisted-actor", _unlisted_actor),
    Mutation("codelist-open-value", "open-context", _open_context),
    # Perturbations, for the screens:
    Mutation("span-text-mismatch", "move-span", _move_span, certain=False),
    Mutation("span-out-of-range", "big-offset", _big_offset, certain=False),
    Mutation("actor-unknown", "misname-actor", _misname_actor, certain=False),
    Mutation("actor-not-listed", "drop-listed-actors", _drop_listed_actors, certain=False),
    Mutation("source-not-listed", "cite-elsewhere", _cite_elsewhere, certain=False),
    Mutation("source-unknown", "cite-unknown", _cite_elsewhere, certain=False),
    Mutation("span-pointer-unresolved", "point-anywhere", _point_anywhere, certain=False),
    Mutation("date-range-reversed", "redate", _redate, certain=False),
    Mutation("date-text-mismatch", "redate-text", _redate, certain=False),
    Mutation("date-after-publication", "remodal", _remodal, certain=False),
    Mutation("date-text-uncited", "resupport", _resupport, certain=False),
    Mutation("date-text-uncited", "redate-cited", _redate, certain=False),
    Mutation("date-weekday-mismatch", "reweekday", _reweekday, certain=False),
    Mutation("date-inference-unmarked", "reinfer", _reinfer, certain=False),
    Mutation("stage-after-claim", "restage", _restage, certain=False),
    Mutation("span-actor-unnamed", "recite-role", _recite_role, certain=False),
    Mutation("visitor-is-host", "same-parties", _same_parties, certain=False),
    Mutation("status-modality-mismatch", "restatus", _restatus, certain=False),
    Mutation("purpose-uncited", "recite-purpose", _recite_purpose, certain=False),
    Mutation("host-not-state", "rehost", _rehost, certain=False),
    Mutation("field-uncited", "recite-fields", _recite_fields, certain=False),
    Mutation("source-uncited", "cite-all-elsewhere", _cite_all_elsewhere, certain=False),
    Mutation("mode-not-multilateral", "reparty", _reparty, certain=False),
    Mutation("classification-mismatch", "reclassify", _reclassify, certain=False),
    Mutation("country-code-unknown", "recountry", _recountry, certain=False),
    Mutation("codelist-open-value", "open-lists", _open_lists, certain=False),
)
CERTAIN = tuple(mutation for mutation in MUTATIONS if mutation.certain)
