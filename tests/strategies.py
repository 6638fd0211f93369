"""Hypothesis strategies for valid textevents data, named as plural nouns.

Only valid data is generated; invalid data comes from named mutations.  The
article text is drawn first, and spans are drawn inside it, so every span is
valid by construction (no filtering far from the draw).
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from typing import Any

from hypothesis import strategies as st
from record_strategies import DATE_TEXTS, HOST_KINDS, VERSIONS, records

from validator import registry
from validator.checks import duplicates
from validator.checks.context import DatasetContext
from validator.checks.visiting import multilateral_modes
from validator.findings import RULES, Finding, make

WORDS = ["minister", "visit", "Pyongyang", "weapons", "said", "on", "Wednesday", "talks",
         "Zürich", "Ω", "ministère", "drones", "denied", "the", "report", "—", "Kyiv", "🚀"]
IDENTIFIER_CHARS = string.ascii_lowercase + string.digits + "-"
# Actors' names: words of the articles, so that a span may name an actor (codebook E4).
NAMES = ["Pyongyang", "Kyiv", "Zürich", "ministère", "Ω", "drones", "minister"]
# Actors' kinds, in turn: a visit's host is a state or an organisation (codebook H1).
KINDS = ("person", "state", "organisation")


def json_values(keys: st.SearchStrategy[str] | None = None,
                max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value: null, booleans, integers past 64 bits, floats, strings, nested."""
    return st.recursive(
        st.none() | st.booleans() | st.integers(-(2**70), 2**70)
        | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) if keys is None else keys, inner, max_size=3),
        max_leaves=max_leaves)


def identifiers() -> st.SearchStrategy[str]:
    return st.text(IDENTIFIER_CHARS, min_size=1, max_size=12).map(lambda s: "a" + s)


def contents() -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, and bytes that are almost the file's own format."""
    fragments = st.sampled_from([b"{", b"}", b"[", b"]", b'"', b",", b":", b"\n", b"\r",
                                 b"NaN", b"1e999", b"\\ud800", b"\xef\xbb\xbf", b"\xff",
                                 b'"id"', b"null", b"\x00", b"id,name,kind\n"])
    return st.one_of(st.binary(max_size=3000),
                     st.lists(fragments, max_size=200).map(b"".join))


def schema_records(version: str = "1.0.0") -> st.SearchStrategy[Any]:
    """Records drawn straight from a released record schema by hypothesis-jsonschema.

    Deferred, and made once a version: building the strategy (its canonical
    schema) takes seconds, and a test that built it for each example spent
    most of its time there.
    """
    return st.deferred(lambda: _schema_records(version))


@functools.cache
def _schema_records(version: str) -> st.SearchStrategy[Any]:
    import jsonschema_rs  # here: only this strategy needs them
    from hypothesis_jsonschema import from_schema

    released = registry.load(version)
    resources = [(d["$id"], d) for d in released.documents.values() if "$id" in d]
    return from_schema(jsonschema_rs.dereference(released.record_schema,
                                                 registry=jsonschema_rs.Registry(resources)))


@st.composite
def articles(draw: st.DrawFn) -> str:
    """An article text: NFC, LF line ends, words with non-ASCII and astral characters,
    and the dates as records write them (a record's date text is a quote of its article)."""
    lines = draw(st.lists(st.lists(st.sampled_from(WORDS + DATE_TEXTS), min_size=1, max_size=12)
                          .map(" ".join), min_size=1, max_size=8))
    return "\n".join(lines) + "\n"


@st.composite
def spans(draw: st.DrawFn, text: str, source: str) -> dict[str, Any]:
    """A span inside `text`: offsets drawn in the text, the quote cut from it."""
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return {"source": source, "start": start, "end": end, "text": text[start:end]}


def calendar_dates() -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(1990, 1, 1), dt.date(2023, 12, 31))


@st.composite
def datasets(draw: st.DrawFn, most: int = 4, *,
             versions: tuple[str, ...] = VERSIONS) -> dict[str, Any]:
    """A whole dataset as data at one of `versions`: one article, its sources and actors
    rows, and records.

    Each actor's name is a word of the articles (`names`); its kind (`kinds`) is a
    person, a state or an organisation in turn, so that a visit has actors to host it;
    a person may be of a state or organisation (`affiliations`, codebook H2).
    The version is drawn first, so a failure shrinks towards the first.
    A record with an event key of one drawn before it (codebook K1: the same
    visitors and hosts, or supplier, recipient and weapon category) is linked to
    each such record (`same_event`), whatever its dates, so that the dataset
    codes one event once even after a mutation moves a date; at 1.0.0, which
    has no links, it is left out (no record links to it there).
    """
    version = draw(st.sampled_from(versions))
    text = draw(articles())
    source = draw(identifiers())
    actors = draw(st.lists(identifiers(), min_size=2, max_size=5, unique=True))
    names = dict(zip(actors, draw(st.permutations(NAMES)), strict=False))
    kinds = {actor: KINDS[index % len(KINDS)] for index, actor in enumerate(actors)}
    sides = [actor for actor in actors if kinds[actor] in HOST_KINDS]
    affiliations = {actor: draw(st.sampled_from(sides)) for actor in actors
                    if kinds[actor] == "person" and sides}
    published = draw(calendar_dates())
    count = draw(st.integers(1, most))
    ids = draw(st.lists(identifiers(), min_size=count, max_size=count, unique=True))
    drawn: list[dict[str, Any]] = []
    keyed: dict[str, list[str]] = {}  # the ids of the records drawn so far, by event key
    for record_id in ids:
        record = draw(records(text=text, source=source, actors=actors, published=published,
                              record_id=record_id, spans=spans(text, source), names=names,
                              kinds=kinds, version=version, affiliations=affiliations,
                              others=tuple(other for other in ids if other != record_id)))
        keys = duplicates.keys(record)
        same = list(dict.fromkeys(other for key in keys for other in keyed.get(key, ())))
        if same and version == "1.0.0":
            continue
        if same:  # appended: the pointers of its spans into its links still resolve
            links = record.setdefault("links", [])
            links.extend(link for link in ({"relation": "same_event", "record": other}
                                           for other in same) if link not in links)
        drawn.append(record)
        for key in keys:
            keyed.setdefault(key, []).append(record_id)
    following_the_codebook(drawn, DatasetContext(version, kinds=kinds, affiliations=affiliations))
    # A visit is not part of a multilateral meeting (codebook M7): such a link says related.
    multilateral = {record["id"] for record in drawn
                    if record.get("diplomatic_visit", {}).get("mode") == "multilateral"}
    for record in drawn:
        if record.get("diplomatic_visit", {}).get("mode") == "visit":
            for link in record.get("links", ()):
                if link["relation"] == "part_of" and link["record"] in multilateral:
                    link["relation"] = next(  # links are unique items
                        relation for relation in ("related", "follows", "same_event")
                        if {"relation": relation, "record": link["record"]}
                        not in record["links"])
    return {
        "version": version, "text": text, "source": source, "actors": actors,
        "names": names, "kinds": kinds, "affiliations": affiliations,
        "published": published, "records": drawn,
    }


# --- What the record strategies do not draw yet, made to hold after the draw ----------
# (codebook E3, M1, G3, F3; drawn from nothing, so that the records drawn after stay
# as they were).



def following_the_codebook(drawn: list[dict[str, Any]],
                           context: DatasetContext) -> list[dict[str, Any]]:
    """The records, with what field-uncited, mode-not-multilateral, stage-inconsistent and
    verification-inconsistent ask: every record cited as a whole, once (E3); a visit of
    three parties multilateral, as the check counts them (M1); one stage and one
    verification for the allegations of one transfer (G3, F3)."""
    for record in drawn:
        if not any(span.get("supports", "") == "" for span in record["evidence"]):
            record["evidence"].append({key: value for key, value in record["evidence"][0].items()
                                       if key != "supports"})
        visit = record.get("diplomatic_visit")
        if visit and next(multilateral_modes(record, context), None) is not None:
            visit["mode"] = "multilateral"
            record["classification"].update(cameo="040", plover_mode="multilateral")
    _one_account(drawn)
    return drawn


def _one_account(drawn: list[dict[str, Any]]) -> None:
    """The stage and verification of the first record of each transfer, on all its records."""
    transfers = [(allegation, {(allegation["supplier"], allegation["recipient"], weapon["category"])
                               for weapon in allegation["weapons"]})
                 for record in drawn if (allegation := record.get("arms_allegation"))
                 and allegation["supplier"] is not None and allegation["recipient"] is not None]
    first = list(range(len(transfers)))  # the first record of each one's transfer
    for index, (_, keys) in enumerate(transfers):
        for earlier in range(index):
            if keys & transfers[earlier][1]:
                both = {first[index], first[earlier]}
                first = [min(both) if root in both else root for root in first]
    for index, (allegation, _) in enumerate(transfers):
        root = transfers[first[index]][0]
        allegation.update(stage=root["stage"], verification=root["verification"])


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    """A catalogued finding with any message, file name, position and pointer.

    File names are made as the validator makes them (`make` prints them
    safely), from any text, absolute or relative; line 0 is a whole file.
    """
    line = draw(st.integers(0, 10**6))
    return make(draw(st.sampled_from(sorted(RULES))), draw(st.text(max_size=40)),
                draw(st.sampled_from(["", "/"])) + draw(st.text(min_size=1, max_size=30)),
                line, draw(st.integers(1, 10**4)) if line else 0,
                draw(st.just("") | st.text(max_size=20).map(lambda t: "/" + t)))
