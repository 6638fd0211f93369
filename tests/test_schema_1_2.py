"""Schema 1.2.0: each change accepts what it is for and refuses what it must.

The changes are for other tools (docs/changes-1.2.0-notes.md): `$schema`, titles,
integer bounds, Table Schemas in the descriptor, dates as dates.  Backward
compatibility is tested over every record and table of datasets/ here, and over
a copy of datasets/ upgraded whole in test_upgrade.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from validator import changes, check_record, registry
from validator.checks import table_dates, tables

REPO = Path(__file__).parent.parent
NEW = registry.load("1.2.0")
RECORD_ID = "https://schema.textevents.org/1.2.0/event.schema.json"


def _repository_records() -> list[tuple[str, dict[str, Any]]]:
    return [(path.parent.name, json.loads(line))
            for path in sorted((REPO / "datasets").glob("*/events.jsonl"))
            for line in path.read_text("utf-8").splitlines()]


def _context(dataset: str) -> dict[str, Any]:
    """What check_record needs of a repository dataset: its texts, dates and actors."""
    folder = REPO / "datasets" / dataset
    sources = list(csv.DictReader(io.StringIO((folder / "sources.csv").read_text("utf-8"))))
    actors = list(csv.DictReader(io.StringIO((folder / "actors.csv").read_text("utf-8"))))
    import datetime as dt

    return {"texts": {r["id"]: (folder / r["path"]).read_text("utf-8") for r in sources},
            "published": {r["id"]: dt.date.fromisoformat(r["published"][:10]) for r in sources},
            "actors": [r["id"] for r in actors]}


def test_1_2_0_breaks_nothing_of_1_1_0() -> None:
    assert changes.breaking("1.1.0", "1.2.0") == []
    assert "Backward compatible" in changes.changes("1.1.0", "1.2.0")


def test_every_repository_record_is_valid_at_1_2_0_with_only_its_version_changed() -> None:
    """Every record of datasets/, at 1.2.0, gives the findings it gives now (none), with a
    `$schema` naming 1.2.0 or without one."""
    records = _repository_records()
    assert len(records) >= 40
    for dataset, record in records:
        context = _context(dataset)
        assert check_record(record, **context) == []
        moved = {**record, "schema_version": "1.2.0"}
        assert check_record(moved, **context) == [], record["id"]
        assert check_record({"$schema": RECORD_ID, **moved}, **context) == [], record["id"]


def test_every_repository_table_passes_its_1_2_0_table_schema() -> None:
    """The screen (which frictionless' verdict holds) and the ISO form: dates as dates."""
    for path in sorted((REPO / "datasets").glob("*/*.csv")):
        if path.stem not in NEW.tables:
            continue  # a table of a later version (aliases.csv, 1.3.0)
        table = tables.read_table(path.read_text("utf-8"))
        assert isinstance(table, tables.Table)
        schema = NEW.table_schema(path.stem)
        assert tables.passes(table, schema), path
        assert list(table_dates.iso_problems(table, schema)) == [], path


def test_dates_are_typed_as_dates() -> None:
    fields = {f["name"]: f for f in NEW.table_schema("sources")["fields"]}
    for name in ("published", "retrieved"):
        assert (fields[name]["type"], fields[name]["format"]) == ("datetime", "any")
        assert "pattern" not in fields[name].get("constraints", {})


def _integers(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        own = [value] if value.get("type") == "integer" else []
        return own + [s for item in value.values() for s in _integers(item)]
    if isinstance(value, list):
        return [s for item in value for s in _integers(item)]
    return []


def test_every_integer_is_bounded_within_what_every_parser_reads_exactly() -> None:
    """So that a generator's largest integers are ones validate and JavaScript read exactly."""
    found = _integers(list(NEW.documents.values()))
    assert len(found) >= 6
    assert all(0 <= s["maximum"] <= 2**53 - 1 for s in found), found


@pytest.mark.parametrize(("document", "title"), [
    ("event.schema.json", "Event record"), ("diplomatic-visit.schema.json", "Diplomatic visit"),
    ("arms-allegation.schema.json", "Arms allegation")])
def test_the_record_types_have_titles_without_the_version(document: str, title: str) -> None:
    """A code generator names types after titles; the version is in `$comment`."""
    assert NEW.documents[document]["title"] == title
    assert "1.2.0" in NEW.documents[document]["$comment"]


def test_schema_key_and_table_schema_are_optional_and_named_by_the_version() -> None:
    assert NEW.record_schema["properties"]["$schema"]["const"] == NEW.uri(registry.RECORD_SCHEMA)
    assert NEW.profile["properties"]["$schema"]["const"] == NEW.uri(registry.PROFILE_SCHEMA)
    assert "$schema" not in NEW.record_schema["required"]
    resource = NEW.profile["$defs"]["resource"]
    assert "schema" in resource["properties"]
    assert "schema" not in resource["required"]


def test_1_2_0_ids_and_versions() -> None:
    for name, document in NEW.documents.items():
        if "$id" in document:
            assert document["$id"] == f"https://schema.textevents.org/1.2.0/{name}"
    assert NEW.record_schema["properties"]["schema_version"]["const"] == "1.2.0"
    assert NEW.profile["properties"]["textevents_version"]["const"] == "1.2.0"
