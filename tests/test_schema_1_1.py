"""Schema 1.1.0: each change accepts what it is for and refuses what it must.

Every example starts from a valid record of the valid case (a visit and an
arms allegation), moved to 1.1.0, and makes one change; `check_record` then
gives the findings the record has, so a test names the exact rule and
pointer.  Backward compatibility is tested record by record over every
dataset of the repository (and over generated records in test_upgrade.py).
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from legacy import actor_ids, records_1_0_0

from validator import check_record, registry
from validator.checks import meaning
from validator.findings import RULES, Layer

REPO = Path(__file__).parent.parent
BASE = Path(__file__).parent / "cases" / "valid" / "base"


def _actor_ids(folder: Path) -> list[str]:
    text = (folder / "actors.csv").read_text("utf-8")
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


ACTORS = _actor_ids(BASE)
ACTORS += ["five-partners", "g7"]  # groups, for the examples that name one

Record = dict[str, Any]


def _base(index: int) -> Record:
    record: Record = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[index])
    record["schema_version"] = "1.1.0"
    return record


def visit() -> Record:
    """Shoigu's visit to North Korea, at 1.1.0."""
    return _base(0)


def allegation() -> Record:
    """Blinken's claim that Russia seeks North Korean weapons, at 1.1.0."""
    return _base(2)


def findings(record: Record) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in check_record(record, actors=ACTORS)]


def test_the_examples_start_valid() -> None:
    assert findings(visit()) == []
    assert findings(allegation()) == []


def test_every_repository_record_is_valid_at_1_1_0_with_only_its_version_changed() -> None:
    """Backward compatibility: a minor version accepts every record of the one before
    (every record of datasets/ as it was at 1.0.0, with the same findings, and none of the
    schema's: rules of coding added since, such as date-text-uncited, may judge them)."""
    count = 0
    for name, records in records_1_0_0().items():
        actors = actor_ids(REPO / "datasets" / name)
        for record in records:
            old = [(f.code, f.pointer) for f in check_record(record, actors=actors)]
            new = [(f.code, f.pointer) for f in check_record(
                {**record, "schema_version": "1.1.0"}, actors=actors)]
            assert new == old
            assert not [code for code, _ in old if RULES[code].layer is Layer.RECORDS], old
            count += 1
    assert count >= 30


def _set(path: str, value: Any) -> Callable[[Record], None]:
    def edit(record: Record) -> None:
        *parents, last = path.split("/")
        target = record
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return edit


def _drop(path: str) -> Callable[[Record], None]:
    def edit(record: Record) -> None:
        *parents, last = path.split("/")
        target = record
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]
    return edit


def _cite_counterpart(record: Record) -> None:
    """Cite the first role, a counterpart (field-uncited), with the span where Shoigu meets Kim."""
    span = record[V]["meetings"][0]["evidence"][0]
    record["evidence"].append({**span, "supports": f"/{V}/roles/0"})


def _both(*edits: Callable[[Record], None]) -> Callable[[Record], None]:
    def edit(record: Record) -> None:
        for one in edits:
            one(record)
    return edit


A = "arms_allegation"
V = "diplomatic_visit"

# (name, the record it starts from, the edit): each valid at 1.1.0 and not at 1.0.0.
VALID: list[tuple[str, Callable[[], Record], Callable[[Record], None]]] = [
    ("unnamed sources", allegation, _set(f"{A}/claimant", {
        "attribution": "unnamed", "description": "Western intelligence sources",
        "on_behalf_of": "united-states"})),
    ("the article's own voice", allegation, _set(f"{A}/claimant", {"attribution": "article"})),
    ("a named claimant, said so", allegation, _set(f"{A}/claimant/attribution", "named")),
    ("on or before, on or after", visit, _set("date", {
        "start": "2023-07-26", "precision": "day", "start_bound": "on_or_before",
        "end_bound": "on_or_after"})),
    ("since September", visit, _set("date", {  # no text: no span of the record quotes one
        "start": "2022-09-01", "precision": "month", "end_bound": "open"})),
    ("a date not given", allegation, _set("date", {"precision": "not_given",
                                                   "reason": "not_stated"})),
    ("late July", visit, _set("date", {"start": "2023-07-21", "end": "2023-07-31",
                                       "precision": "part_of_month", "month_part": "late"})),
    ("early February", visit, _set("date", {"start": "2023-02-01", "end": "2023-02-10",
                                            "precision": "part_of_month",
                                            "month_part": "early"})),
    ("status unknown", visit, _set(f"{V}/status", "unknown")),
    ("not assessed", allegation, _set(f"{A}/verification", "not_assessed")),
    ("shipped", allegation, _set(f"{A}/stage", "shipped")),
    ("tested, with its date", allegation, _both(
        _set(f"{A}/stage", "tested"),
        _set(f"{A}/use_date", {"start": "2023-05-01", "end": "2023-05-31",
                               "precision": "month"}))),
    ("a hypothetical purchase", allegation, _set(f"{A}/transfer_modality", "hypothetical")),
    ("assistance with no weapon", allegation, _both(
        _set(f"{A}/weapons", []), _set(f"{A}/assistance", "military assistance"))),
    ("containers and their capacity", allegation, _set(f"{A}/weapons", [{
        "category": "ammunition", "calibre": "152 mm", "quantities": [
            {"value": 10000, "qualifier": "minimum", "unit": "containers"},
            {"value": 5000000, "qualifier": "maximum", "unit": "shells",
             "measure": "capacity"}]}])),
    ("a group as claimant", allegation, _both(
        _set(f"{A}/claimant", {"actor": "five-partners"}),
        _set("actors", ["five-partners", "united-states", "ukraine", "russia", "north-korea"]),
        _set("groups", [{"actor": "five-partners", "members": ["united-states", "ukraine"]}]))),
    ("Europe", visit, _set("location", {"name": "Europe", "precision": "supranational"})),
    ("roles at a meeting", visit, _both(
        _set(f"{V}/roles", [{"actor": "kim-jong-un", "role": "counterpart"},
                            {"actor": "china-delegation", "role": "observer", "side": "china"}]),
        _set("actors", ["sergei-shoigu", "north-korea", "kim-jong-un", "russia",
                        "china-delegation", "china"]),
        _cite_counterpart)),
    ("a link", visit, _set("links", [{"relation": "same_event",
                                      "record": "voa-7677701-004"}])),
    ("a phone call", visit, _both(
        _set("classification", {"cameo": "041", "plover_event": "CONSULT",
                                "plover_mode": "phone"}),
        _set(f"{V}/mode", "phone"))),
    ("disapprove", allegation, _set("classification", {
        "cameo": "111", "plover_event": "ACCUSE", "plover_mode": "disapprove"})),
    ("investigate", allegation, _set("classification", {
        "cameo": "093", "plover_event": "ACCUSE", "plover_mode": "investigate"})),
]


@pytest.mark.parametrize(("name", "start", "edit"), VALID, ids=[v[0] for v in VALID])
def test_a_new_field_or_code_says_what_1_0_0_could_not(
        name: str, start: Callable[[], Record], edit: Callable[[Record], None]) -> None:
    """Valid at 1.1.0; the same record at 1.0.0 is refused (so the change is a change)."""
    record = start()
    edit(record)
    assert findings(record) == [], name
    old = copy.deepcopy(record)
    old["schema_version"] = "1.0.0"
    assert findings(old) != []


# (name, the record it starts from, the edit, the findings it must give).
INVALID: list[tuple[str, Callable[[], Record], Callable[[Record], None],
                    list[tuple[str, str]]]] = [
    ("unnamed sources undescribed", allegation,
     _set(f"{A}/claimant", {"attribution": "unnamed"}),
     [("schema-missing-field", f"/{A}/claimant")]),
    ("the article's voice with an actor", allegation,
     _set(f"{A}/claimant/attribution", "article"),
     [("schema-unknown-field", f"/{A}/claimant/actor")]),
    ("no claimant at all", allegation, _set(f"{A}/claimant", {}),
     [("schema-missing-field", f"/{A}/claimant")]),
    ("an open end with an end", visit, _set("date/end_bound", "open"),
     [("schema-unknown-field", "/date/end")]),
    ("an open end from a month's fifth day", visit, _set("date", {
        "start": "2022-09-05", "precision": "month", "end_bound": "open"}),
     [("date-precision-mismatch", "/date/precision")]),
    ("not given, with a day", allegation, _set("date/precision", "not_given"),
     [("schema-missing-field", "/date"), ("schema-unknown-field", "/date/inferred_from_publication"),
      ("schema-unknown-field", "/date/start")]),
    ("a reason with a date", allegation, _set("date/reason", "unknown"),
     [("schema-unknown-field", "/date/reason")]),
    ("part of a month without the part", visit, _set("date", {
        "start": "2023-07-21", "end": "2023-07-31", "precision": "part_of_month"}),
     [("schema-missing-field", "/date")]),
    ("late July, with mid's days", visit, _set("date", {
        "start": "2023-07-11", "end": "2023-07-20", "precision": "part_of_month",
        "month_part": "late"}),
     [("date-precision-mismatch", "/date/precision")]),
    ("late February, a day short", visit, _set("date", {
        "start": "2024-02-21", "end": "2024-02-28", "precision": "part_of_month",
        "month_part": "late"}),
     [("date-precision-mismatch", "/date/precision")]),
    ("a part without its precision", visit, _set("date/month_part", "early"),
     [("schema-unknown-field", "/date/month_part")]),
    ("no weapon and no assistance", allegation, _set(f"{A}/weapons", []),
     [("schema-value", f"/{A}/weapons")]),
    ("quantity and quantities", allegation, _set(f"{A}/weapons", [{
        "category": "ammunition", "quantity": {"value": 1, "qualifier": "exact"},
        "quantities": [{"value": 2, "qualifier": "exact"}]}]),
     [("schema-unknown-field", f"/{A}/weapons/0/quantities")]),
    ("a measure not listed", allegation, _set(f"{A}/weapons", [{
        "category": "ammunition", "quantities": [
            {"value": 2, "qualifier": "exact", "measure": "weight"}]}]),
     [("schema-not-in-codelist", f"/{A}/weapons/0/quantities/0/measure")]),
    ("a supranational place with a country", visit, _set("location", {
        "name": "Europe", "country": "FRA", "precision": "supranational"}),
     [("schema-unknown-field", "/location/country")]),
    ("a group of one", allegation, _set("groups", [{"actor": "five-partners",
                                                    "members": ["united-states"]}]),
     [("schema-value", "/groups/0/members")]),
    ("a group member not listed", allegation, _set("groups", [{
        "actor": "united-states", "members": ["russia", "iran"]}]),
     [("actor-not-listed", "/groups/0/members/1")]),
    ("a role's actor unknown", visit, _both(_set(f"{V}/roles", [{"actor": "kim-jong-nu",
                                                                "role": "counterpart"}]),
                                           _cite_counterpart),
     [("actor-unknown", f"/{V}/roles/0/actor"), ("actor-not-listed", f"/{V}/roles/0/actor")]),
    ("a role not listed", visit, _set(f"{V}/roles", [{"actor": "north-korea", "role": "host"}]),
     [("schema-not-in-codelist", f"/{V}/roles/0/role")]),
    ("a link without relation", visit, _set("links", [{"record": "x-1"}]),
     [("schema-missing-field", "/links/0")]),
    ("a link relation not listed", visit, _set("links", [{"relation": "sequel",
                                                          "record": "x-1"}]),
     [("schema-not-in-codelist", "/links/0/relation")]),
    ("the same link twice", visit, _set("links", [{"relation": "part_of", "record": "x-1"}] * 2),
     [("schema-value", "/links")]),
    ("status postponed", visit, _set(f"{V}/status", "postponed"),
     [("schema-not-in-codelist", f"/{V}/status")]),
    ("a transfer modality not listed", allegation, _set(f"{A}/transfer_modality", "rumoured"),
     [("schema-not-in-codelist", f"/{A}/transfer_modality")]),
    ("a use date reversed", allegation, _set(f"{A}/use_date", {
        "start": "2023-05-31", "end": "2023-05-01", "precision": "window"}),
     [("date-range-reversed", f"/{A}/use_date/end")]),
    ("a phone call coded as a visit", visit, _set("classification", {
        "cameo": "041", "plover_event": "CONSULT", "plover_mode": "phone"}),
     [("classification-mismatch", f"/{V}/mode")]),
]


@pytest.mark.parametrize(("name", "start", "edit", "expected"), INVALID,
                         ids=[v[0] for v in INVALID])
def test_a_new_field_refuses_what_it_must(name: str, start: Callable[[], Record],
                                          edit: Callable[[Record], None],
                                          expected: list[tuple[str, str]]) -> None:
    record = start()
    edit(record)
    assert sorted(findings(record)) == sorted(expected), name


def _usable(version: str) -> set[str]:
    """The PLOVER modes some record of `version` can carry without classification-mismatch."""
    lists = registry.load(version).codelists
    usable = set()
    visit_modes = [None, *lists["visit_mode"].codes]
    for cameo, mode, visit_mode in itertools.product(
            lists["cameo"].codes, lists["plover_mode"].codes, visit_modes):
        event = lists["cameo"].lookup(cameo)["plover_event"]
        event_type = lists["cameo"].lookup(cameo)["event_type"]
        if (visit_mode is None) != (event_type != "diplomatic_visit"):
            continue
        if not meaning._disagreements(version, cameo, event, mode, visit_mode):  # noqa: SLF001
            usable.add(mode)
    return usable


def test_every_plover_mode_is_usable_in_1_1_0() -> None:
    """1.0.0 lists modes no record can carry; 1.1.0 gives each one a CAMEO code."""
    modes = set(registry.load("1.1.0").codelists["plover_mode"].codes)
    assert _usable("1.1.0") == modes
    assert modes - _usable("1.0.0") == {"phone", "disapprove", "investigate"}


def test_month_parts_are_the_codelist_windows() -> None:
    """The meaning check's windows are the ones codelist month_part documents."""
    rows = registry.load("1.1.0").codelists["month_part"].rows
    assert {row["code"]: (int(row["first_day"]), int(row["last_day"]) if row["last_day"]
                          else None) for row in rows} == meaning.MONTH_PARTS


def test_the_actors_table_takes_every_actor_kind() -> None:
    for version in registry.versions():
        loaded = registry.load(version)
        (kind,) = [f for f in loaded.table_schema("actors")["fields"] if f["name"] == "kind"]
        assert kind["constraints"]["enum"] == list(loaded.codelists["actor_kind"].codes)


def test_1_1_0_ids_and_versions() -> None:
    loaded = registry.load("1.1.0")
    for name, document in loaded.documents.items():
        if "$id" in document:
            assert document["$id"] == f"https://schema.textevents.org/1.1.0/{name}"
    assert loaded.record_schema["properties"]["schema_version"] == {
        "description": "The version of this schema the record follows.", "const": "1.1.0"}
    assert loaded.profile["properties"]["textevents_version"]["const"] == "1.1.0"
