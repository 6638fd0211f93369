"""Hypothesis strategies for valid records: every optional field of the schema is drawn.

A record is drawn at one released version (`VERSIONS`): the first, 1.0.0, which
the frozen-version tests need, or the newest, with all it added (roles,
groups, links, bounds and parts of a month, unnamed claimants, assistance).
`test_strategies.py` walks each version's record schema and holds these
strategies to it: over a sample of records, every optional property path is present.
Values that record checks compare (codes, dates and their texts, actors)
are drawn from the schema version's codelists so that they agree.  A date's
text is drawn from the article (`articles` writes the texts of DATE_TEXTS
into it), and a span that quotes it is cited for the date, the part of the
record that holds it, or the record (codebook D11).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any

from hypothesis import strategies as st
from values import paths

from validator import registry
from validator.pointers import pointer

# The versions records are drawn at: the first (frozen) and the newest released.
VERSIONS = ("1.0.0", registry.versions()[-1])
LISTS = registry.load(VERSIONS[0]).codelists  # the codes every version has
FIRST = dt.date(1990, 1, 1)
# Date texts that agree with each precision (a day named, or not): see date-text-mismatch.
DAY_TEXTS = ["on Wednesday", "July 26", "26 July", "2023-07-26", "yesterday", "that day"]
COARSE_TEXTS = {"month": ["in July", "in late January", "that month"],
                "year": ["in 2023", "last year", "that year"]}
ANY_TEXTS = [*DAY_TEXTS, *COARSE_TEXTS["month"], *COARSE_TEXTS["year"], "last week"]
DATE_TEXTS = list(dict.fromkeys(ANY_TEXTS))  # every date text, once
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
# A transfer, use or test reported as past comes before its claim (codebook D12).
PAST_STAGES = {"delivered", "used", "tested"}
PLANNED_STATUSES = {"planned", "cancelled"}  # the statuses of a planned visit (codebook S3)
HOST_KINDS = {"state", "organisation"}  # the kinds of actor a host is (codebook H1)
COUNTRIES = ["PRK", "RUS", "USA", "SAU", "UKR", "CHN"]
# The windows of the parts of a month (codelist month_part): first and last day, None the end.
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}
# The roles of a host's people who receive the visitors (codebook H2, M3).
RECEIVING_ROLES = ("counterpart", "convener")


def words() -> st.SearchStrategy[str]:
    """A short free text on one line (summaries, names, notes)."""
    return st.text(string.ascii_letters + " .'", min_size=1, max_size=40).filter(str.strip)


def _last_day(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def _weekday(text: str) -> int | None:
    """The weekday a date text names (Monday 0), or None."""
    return next((day for day, name in enumerate(WEEKDAYS) if name in text.lower()), None)


def _lists(version: str) -> Any:
    return registry.load(version).codelists


@st.composite
def dates(draw: st.DrawFn, latest: dt.date, earliest: dt.date = FIRST,
          texts: tuple[str, ...] = (), version: str = VERSIONS[0]) -> dict[str, Any]:
    """A date of any precision of `version`, its range fitting the precision, starting in
    earliest..latest.

    Its text, if any, is one of `texts` (those the article has) that fits the
    precision; a weekday at day precision is the weekday of its start, and a
    text without a year marks the date inferred from publication.  From 1.1.0,
    a date may be not given (with a reason), a part of a month, and bounded.
    """
    lists = _lists(version)
    start = draw(st.dates(earliest, latest))
    # The precisions a version added are drawn as often as the first version's.
    added = [code for code in lists["date_precision"].codes
             if code not in LISTS["date_precision"].code_set]
    first = LISTS["date_precision"].codes
    precision = draw(st.sampled_from([*first, *added * (len(first) // max(len(added), 1))]))
    if precision == "not_given":
        return {"precision": precision, "reason": draw(st.sampled_from(
            lists["undated_reason"].codes))}
    end: dt.date | None = None
    part = None
    if precision == "month":
        start = start.replace(day=1)
        end = _last_day(start.year, start.month)
    elif precision == "part_of_month":
        # A part that starts no later than `start` (so no later than `latest`).
        part = draw(st.sampled_from([code for code in lists["month_part"].codes
                                     if MONTH_PARTS[code][0] <= start.day]))
        first, last = MONTH_PARTS[part]
        start, end = start.replace(day=first), start.replace(day=last) if last else \
            _last_day(start.year, start.month)
    elif precision == "year":
        start, end = start.replace(month=1, day=1), start.replace(month=12, day=31)
    elif draw(st.booleans()):  # day, week and window: one day, or a range
        longest = 7 if precision == "week" else 400
        end = start + dt.timedelta(days=draw(st.integers(0, longest)))
    fitting = [text for text in COARSE_TEXTS.get(
        "month" if precision == "part_of_month" else precision) or (
        DAY_TEXTS if precision == "day" else ANY_TEXTS) if text in texts]
    text = draw(st.sampled_from(fitting)) if fitting and draw(st.booleans()) else None
    if text is not None and precision == "day" and (named := _weekday(text)) is not None:
        back = dt.timedelta(days=(start.weekday() - named) % 7)  # to the weekday it names
        if start - back < earliest:
            text = None
        else:
            start, end = start - back, None if end is None else end - back
    date: dict[str, Any] = {"start": start.isoformat()}
    if end is not None:
        date["end"] = end.isoformat()
    date["precision"] = precision
    if part is not None:
        date["month_part"] = part
    if "start_bound" in lists and draw(st.booleans()):
        date["start_bound"] = draw(st.sampled_from(lists["start_bound"].codes))
    if "end_bound" in lists and draw(st.booleans()):
        date["end_bound"] = draw(st.sampled_from(lists["end_bound"].codes))
        if date["end_bound"] == "open":  # no end: the period of the precision from start
            date.pop("end", None)
    if text is not None:
        date["text"] = text
    if text is not None and YEAR.search(text) is None:
        date["inferred_from_publication"] = True
    elif draw(st.booleans()):
        date["inferred_from_publication"] = draw(st.booleans())
    return date


@st.composite
def places(draw: st.DrawFn, version: str = VERSIONS[0]) -> dict[str, Any]:
    """A place with an assigned country code, and sometimes its GeoNames id and coordinates.

    A supranational place (schema 1.1.0) has no country."""
    place: dict[str, Any] = {"name": draw(words())}
    precision = draw(st.sampled_from(_lists(version)["geo_precision"].codes))
    if precision != "supranational" and draw(st.booleans()):
        place["country"] = draw(st.sampled_from(COUNTRIES))
    if draw(st.booleans()):
        place["geonames_id"] = draw(st.integers(1, 10**8))
    if draw(st.booleans()):
        place["coordinates"] = {
            "latitude": draw(st.floats(-90, 90, allow_nan=False)),
            "longitude": draw(st.floats(-180, 180, allow_nan=False))}
    place["precision"] = precision
    return place


def _combinations(event_type: str, version: str) -> list[tuple[str, str, str, str | None]]:
    """(CAMEO, PLOVER event, PLOVER mode, visit mode) that agree, read from the codelists."""
    lists = _lists(version)
    found = []
    for row in lists["cameo"].rows:
        if row["event_type"] != event_type:
            continue
        event = row["plover_event"]
        for mode in [row["plover_mode"]] if row["plover_mode"] else \
                lists["plover_mode"].where("plover_event", event):
            if event_type == "diplomatic_visit":
                found += [(row["code"], event, mode, visit)
                          for visit in lists["visit_mode"].where("plover_mode", mode)]
            else:
                found.append((row["code"], event, mode, None))
    return found


@st.composite
def classifications(draw: st.DrawFn, event_type: str,
                    version: str = VERSIONS[0]) -> tuple[dict[str, Any], str | None]:
    """Codes that agree with each other, and the visit mode they imply (None: not a visit)."""
    cameo, event, mode, visit_mode = draw(st.sampled_from(_combinations(event_type, version)))
    codes: dict[str, Any] = {"cameo": cameo, "plover_event": event, "plover_mode": mode}
    if draw(st.booleans()):
        codes["plover_context"] = draw(st.lists(st.sampled_from(LISTS["plover_context"].codes),
                                                min_size=1, max_size=3, unique=True))
    return codes, visit_mode


def _some(draw: st.DrawFn, items: list[str], least: int = 0) -> list[str]:
    """Some of `items` (at least `least`, which there are), each once."""
    if not items:
        return []
    return draw(st.lists(st.sampled_from(items), min_size=least, max_size=len(items),
                         unique=True))


@st.composite
def roles(draw: st.DrawFn, actors: list[str], sides: list[str],
          version: str) -> list[dict[str, Any]]:
    """Roles of some of `actors` (at least one), each with a side among `sides` or none."""
    found = []
    for actor in _some(draw, actors, 1):
        role: dict[str, Any] = {"actor": actor, "role": draw(st.sampled_from(
            _lists(version)["visit_role"].codes))}
        if sides and draw(st.booleans()):
            role["side"] = draw(st.sampled_from(sides))
        found.append(role)
    return found


def receive(visit: dict[str, Any], affiliations: dict[str, str]) -> None:
    """Give each host's person who meets the visitors a counterpart role (codebook H2).

    A meeting's participant, not a visitor, host or delegation member, whose
    affiliation is a host, is a counterpart with that side, unless a role of
    the visit or of that meeting already receives the visitors for it.
    """
    hosts, others = set(visit["hosts"]), {*visit["visitors"], *visit["hosts"],
                                           *visit.get("delegation", ())}
    for meeting in visit.get("meetings", ()):
        held = [*visit.get("roles", ()), *meeting.get("roles", ())]
        for actor in meeting["participants"]:
            side = affiliations.get(actor)
            if side in hosts and actor not in others and not any(
                    (role["actor"], role["role"], role.get("side")) == (actor, name, side)
                    for role in held for name in RECEIVING_ROLES):
                visit.setdefault("roles", []).append(
                    {"actor": actor, "role": "counterpart", "side": side})
                held.append(visit["roles"][-1])


@st.composite
def visits(draw: st.DrawFn, *, actors: list[str], mode: str, evidence: Any,
           latest: dt.date, modality: str, kinds: dict[str, str],
           texts: tuple[str, ...] = (), version: str = VERSIONS[0],
           affiliations: dict[str, str] | None = None) -> dict[str, Any]:
    """The details of a diplomatic visit among `actors`, every optional part sometimes there.

    Its status fits the record's `modality`: planned or cancelled exactly when it is
    planned (status-modality-mismatch); its hosts are states and organisations
    (`kinds`, host-not-state).  From 1.1.0 the visit and its meetings have roles, and
    a host's person (`affiliations`) who meets the visitors is a counterpart (H2).
    """
    later = version != VERSIONS[0]
    if later:  # from 1.1.0 the hosts first, and visitors not of their side
        side = affiliations or {}
        hosts = _some(draw, [actor for actor in actors if kinds[actor] in HOST_KINDS])
        travel = [actor for actor in actors if actor not in hosts and side.get(actor) not in hosts]
        if not travel:
            hosts, travel = [], actors
        visitors = draw(st.lists(st.sampled_from(travel), min_size=1, max_size=2, unique=True))
    else:
        visitors = _some(draw, actors, 1)
        hosts = _some(draw, [a for a in actors if a not in visitors and kinds[a] in HOST_KINDS])
    visit: dict[str, Any] = {"visitors": visitors, "hosts": hosts}
    sides = [actor for actor in actors if kinds[actor] in HOST_KINDS]
    if draw(st.booleans()):  # the visitors' side: from 1.1.0, none of a host's people
        visit["delegation"] = _some(draw, [
            a for a in actors if a not in visitors
            and not (later and (affiliations or {}).get(a) in visit["hosts"])])
    if later and draw(st.booleans()):
        visit["roles"] = draw(roles(actors, sides, version))
    if draw(st.booleans()):
        visit["meetings"] = []
        for _ in range(draw(st.integers(1, 2))):
            meeting: dict[str, Any] = {"participants": _some(draw, actors, 2)}
            if draw(st.booleans()):
                meeting["date"] = draw(dates(latest, texts=texts, version=version))
            if draw(st.booleans()):
                meeting["location"] = draw(places(version))
            if draw(st.booleans()):
                meeting["description"] = draw(words())
            if later and draw(st.booleans()):
                meeting["roles"] = draw(roles(meeting["participants"], sides, version))
            meeting["evidence"] = draw(evidence)
            visit["meetings"].append(meeting)
    if draw(st.booleans()):
        visit["purpose"] = draw(words())
    statuses = [status for status in _lists(version)["visit_status"].codes
                if (status in PLANNED_STATUSES) is (modality == "planned")]
    visit["status"] = draw(st.sampled_from(statuses))
    visit["mode"] = mode
    if later:
        receive(visit, affiliations or {})
    return visit


def _quantity(draw: st.DrawFn, version: str) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": draw(st.integers(0, 10**6)), "qualifier": draw(
        st.sampled_from(LISTS["quantity_qualifier"].codes))}
    if draw(st.booleans()):
        quantity["unit"] = draw(st.sampled_from(["containers", "metric tons"]))
    if version != VERSIONS[0] and draw(st.booleans()):
        quantity["measure"] = draw(st.sampled_from(_lists(version)["quantity_measure"].codes))
    return quantity


@st.composite
def weapons(draw: st.DrawFn, version: str = VERSIONS[0]) -> dict[str, Any]:
    """A weapon; from 1.1.0 with a calibre, and several quantities instead of one."""
    later = version != VERSIONS[0]
    weapon: dict[str, Any] = {"category": draw(st.sampled_from(
        _lists(version)["weapon_category"].codes))}
    if draw(st.booleans()):
        weapon["designation"] = draw(st.sampled_from(["S-400", "Shahed-136", "9M723"]))
    if draw(st.booleans()):
        weapon["description"] = draw(words())
    if later and draw(st.booleans()):
        weapon["calibre"] = draw(st.sampled_from(["152 mm", "122mm"]))
    if draw(st.booleans()):
        if later and draw(st.booleans()):
            weapon["quantities"] = [_quantity(draw, version)
                                    for _ in range(draw(st.integers(1, 2)))]
        else:
            weapon["quantity"] = _quantity(draw, version)
    return weapon


@st.composite
def claimants(draw: st.DrawFn, actors: list[str], version: str) -> dict[str, Any]:
    """A named claimant; from 1.1.0 also unnamed sources, or the article itself."""
    attribution = draw(st.sampled_from(_lists(version)["attribution"].codes)) \
        if version != VERSIONS[0] and draw(st.booleans()) else None
    claimant: dict[str, Any] = {} if attribution is None else {"attribution": attribution}
    if attribution in {None, "named"}:
        claimant["actor"] = draw(st.sampled_from(actors))
    if attribution == "unnamed":
        claimant["description"] = draw(words())
    if draw(st.booleans()):
        claimant["on_behalf_of"] = draw(st.sampled_from(actors))
    return claimant


@st.composite
def allegations(draw: st.DrawFn, *, actors: list[str], evidence: Any,
                latest: dt.date, claimed: dt.date, texts: tuple[str, ...] = (),
                version: str = VERSIONS[0]) -> dict[str, Any]:
    """The details of an arms allegation among `actors`, every optional part sometimes there.

    `claimed` is the first day of the claim: a transfer, use or test starts no later
    (see PAST_STAGES).
    """
    later, lists = version != VERSIONS[0], _lists(version)
    claimant = draw(claimants(actors, version))
    supplier = draw(st.sampled_from([*actors, None]))
    allegation: dict[str, Any] = {
        "claimant": claimant, "supplier": supplier,
        "recipient": draw(st.sampled_from([None, *(a for a in actors if a != supplier)])),
        "stage": draw(st.sampled_from(lists["allegation_stage"].codes))}
    if later and draw(st.booleans()):
        allegation["transfer_modality"] = draw(st.sampled_from(
            lists["transfer_modality"].codes))
    before = max(min(latest, claimed), FIRST)
    if draw(st.booleans()):
        allegation["transfer_date"] = draw(dates(before, texts=texts, version=version))
    if later and draw(st.booleans()):
        allegation["use_date"] = draw(dates(before, texts=texts, version=version))
    assisted = later and draw(st.booleans())
    allegation["weapons"] = draw(st.lists(weapons(version), min_size=0 if assisted else 1,
                                          max_size=2))
    if assisted:
        allegation["assistance"] = draw(st.sampled_from(["military assistance", "military aid"]))
    if draw(st.booleans()):
        allegation["conflict"] = {"name": draw(words())}
        if draw(st.booleans()):
            allegation["conflict"]["ucdp_conflict_id"] = draw(st.integers(1, 20000))
    if draw(st.booleans()):
        allegation["responses"] = []
        for _ in range(draw(st.integers(1, 2))):
            response: dict[str, Any] = {"actor": draw(st.sampled_from(actors)), "kind": draw(
                st.sampled_from(LISTS["response_kind"].codes))}
            if draw(st.booleans()):
                response["date"] = draw(dates(latest, texts=texts, version=version))
            response["evidence"] = draw(evidence)
            allegation["responses"].append(response)
    allegation["verification"] = draw(st.sampled_from(lists["verification_status"].codes))
    return allegation


def _spans(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Every span of a drawn record (its lists of evidence are where the schema puts them)."""
    found = list(record["evidence"])
    for part in (record.get("diplomatic_visit", {}).get("meetings", [])
                 + record.get("arms_allegation", {}).get("responses", [])):
        found += part["evidence"]
    return found


# The pointers of role references, and how a span names an actor (span-actor-unnamed).
ROLE = re.compile(r"/diplomatic_visit/(?:visitors|hosts)/[0-9]+"
                  r"|/diplomatic_visit/meetings/[0-9]+/participants/[0-9]+"
                  r"|/diplomatic_visit/(?:meetings/[0-9]+/)?roles/[0-9]+(?:/actor)?"
                  r"|/arms_allegation/(?:claimant(?:/actor)?|supplier|recipient)"
                  r"|/arms_allegation/responses/[0-9]+(?:/actor)?")


def _names(quote: str, name: str) -> bool:
    """Whether a quote names an actor of this one-word name, as a whole word, in any case."""
    return re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", quote.casefold()) is not None


def _may_support(record: dict[str, Any], span: dict[str, Any], target: str,
                 names: dict[str, str]) -> bool:
    """A span may be cited for anything but a role whose actor it does not name."""
    if not ROLE.fullmatch(target):
        return True
    actor = _at(record, tuple(int(key) if key.isdigit() else key
                              for key in target.split("/")[1:]))
    actor = actor.get("actor") if isinstance(actor, dict) else actor
    return actor is None or _names(span["text"], names[actor])


@st.composite
def records(draw: st.DrawFn, *, text: str, source: str, actors: list[str],
            published: dt.date, record_id: str, spans: Any,
            names: dict[str, str], kinds: dict[str, str], version: str = VERSIONS[0],
            affiliations: dict[str, str] | None = None, others: tuple[str, ...] = (),
            ) -> dict[str, Any]:
    """A valid record of either type at `version`, every optional part sometimes present.

    `spans` is the strategy of one span in the article (`text` is drawn first);
    `names` the actors' names, which a span cited for a role has; `kinds` their kinds;
    `affiliations` the states and organisations their people are of; `others` the ids
    of the dataset's other records, which a record may link to (schema 1.1.0).
    """
    later = version != VERSIONS[0]
    event_type = draw(st.sampled_from(LISTS["event_type"].codes))
    involved = _some(draw, actors, 2)
    evidence = st.lists(spans, min_size=1, max_size=3)
    # Planned and hypothetical events may come after their report.
    modality = draw(st.sampled_from(LISTS["modality"].codes))
    quoted = tuple(date_text for date_text in DATE_TEXTS if date_text in text)
    when = dates(published, texts=quoted, version=version)
    if modality in {"planned", "hypothetical"} and draw(st.booleans()):  # around the report
        when = dates(published + dt.timedelta(days=90), published - dt.timedelta(days=30),
                     texts=quoted, version=version)
    record: dict[str, Any] = {"id": record_id}
    if later and draw(st.booleans()):
        record["$schema"] = f"https://schema.textevents.org/{version}/event.schema.json"
    record.update({"schema_version": version, "event_type": event_type,
                   "summary": draw(words()), "date": draw(when)})
    if draw(st.booleans()):
        record["location"] = draw(places(version))
    codes, visit_mode = draw(classifications(event_type, version))
    record.update(actors=involved, classification=codes, modality=modality,
                  reporting={"sources": [source]})
    if later and len(involved) >= 3 and draw(st.booleans()):  # a group and two members
        group = draw(st.sampled_from(involved))
        record["groups"] = [{"actor": group, "members": _some(
            draw, [actor for actor in involved if actor != group], 2)}]
    if later and others and draw(st.booleans()):
        record["links"] = [{"relation": draw(st.sampled_from(
            _lists(version)["link_relation"].codes)), "record": other}
            for other in _some(draw, list(others), 1)]
    if draw(st.booleans()):
        record["reporting"]["original_source"] = draw(st.sampled_from(["AFP", "Reuters"]))
    record["coding"] = {"method": draw(st.sampled_from(LISTS["coding_method"].codes)),
                        "coder": "tester", "date": "2026-11-29"}
    if draw(st.booleans()):
        record["coding"]["note"] = draw(words())
    record["evidence"] = draw(evidence)
    if event_type == "diplomatic_visit":
        record[event_type] = draw(visits(actors=involved, mode=visit_mode, evidence=evidence,
                                         latest=published, modality=modality, kinds=kinds,
                                         texts=quoted, version=version,
                                         affiliations=affiliations))
    else:
        claimed = dt.date.fromisoformat(record["date"].get("start", published.isoformat()))
        record[event_type] = draw(allegations(
            actors=involved, evidence=evidence, latest=published, texts=quoted,
            claimed=claimed, version=version))
    targets = [pointer(*path) for path in paths(record)]  # each resolves in the record
    for span in _spans(record):
        if draw(st.booleans()):
            span["supports"] = draw(st.sampled_from(
                [target for target in targets if _may_support(record, span, target, names)]))
    visit = record.get("diplomatic_visit", {})
    # A span for the purpose (purpose-uncited) besides the first, which mutations repoint.
    if "purpose" in visit and not any(_covers_purpose(span) for span in record["evidence"][1:]) \
            and not any(span.get("supports") == "/diplomatic_visit/purpose"
                        for meeting in visit.get("meetings", []) for span in meeting["evidence"]):
        # The record's first span, cited for it too: drawn from nothing, so that the
        # records drawn after stay as they were.
        record["evidence"].append({**record["evidence"][0],
                                   "supports": "/diplomatic_visit/purpose"})
    for path in _dated(record):
        _cite(draw, record, path, text, source)
    return record


def _covers_purpose(span: dict[str, Any]) -> bool:
    """Whether one of the record's own spans is cited for the purpose or a part holding it."""
    return span.get("supports") in {None, "", "/diplomatic_visit", "/diplomatic_visit/purpose"}


def _dated(record: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """The paths of the record's dates that have a text."""
    found: list[tuple[str | int, ...]] = [("date",)]
    visit, allegation = record.get("diplomatic_visit", {}), record.get("arms_allegation", {})
    found += [("diplomatic_visit", "meetings", i, "date")
              for i, meeting in enumerate(visit.get("meetings", [])) if "date" in meeting]
    found += [("arms_allegation", key) for key in ("transfer_date", "use_date")
              if key in allegation]
    found += [("arms_allegation", "responses", i, "date")
              for i, response in enumerate(allegation.get("responses", [])) if "date" in response]
    return [path for path in found if "text" in _at(record, path)]


def _at(record: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        record = record[step]
    return record


def _cite(draw: st.DrawFn, record: dict[str, Any], path: tuple[str | int, ...], text: str,
          source: str) -> None:
    """Add a span around one place of the date's text in the article, cited for the date,
    for the part of the record that holds it, or for the record."""
    quote = _at(record, path)["text"]
    places = [found.start() for found in re.finditer(re.escape(quote), text)]
    at = draw(st.sampled_from(places))
    start = draw(st.integers(max(at - 20, 0), at))
    end = draw(st.integers(at + len(quote), min(at + len(quote) + 20, len(text))))
    span: dict[str, Any] = {"source": source, "start": start, "end": end,
                            "text": text[start:end]}
    holder = path[:-1] if len(path) > 2 else ()  # a meeting or a response, or the record
    cited_for = draw(st.sampled_from([None, pointer(*path), pointer(*path, "text"), "",
                                      pointer(*path[:1]) if len(path) > 1 else None,
                                      "holder" if holder else None]))
    if cited_for == "holder":
        _at(record, holder)["evidence"].append(span)
        return
    if cited_for is not None:
        span["supports"] = cited_for
    record["evidence"].append(span)
