"""Properties of the schema and the validator over generated datasets and records."""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import datasets
from writing import read_records, write_dataset

from validator import registry, validate
from validator.engine.engines import compiled

VERSION = registry.load("1.0.0")


def reference_validator() -> jsonschema.protocols.Validator:
    """python-jsonschema with the same offline registry and format checking."""
    return jsonschema.Draft202012Validator(
        VERSION.record_schema, registry=VERSION.registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def findings_of(data: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "ds", data)
        report = validate([str(folder)])
    return [(f.code, f.severity.value, f.line, f.pointer) for f in report.findings]


@given(datasets())
def test_generated_valid_datasets_give_no_findings(data) -> None:
    assert findings_of(data) == []


@given(datasets())
def test_write_then_read_gives_equal_records(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "ds", data)
        assert read_records(folder) == data["records"]


# --- Named mutations: each breaks one rule at a known pointer -------------------

@dataclass(frozen=True)
class RecordMutation:
    code: str
    name: str
    apply: Callable[[dict[str, Any], dict[str, Any]], str | None]  # -> pointer, or None


def _drop_summary(record, data):
    del record["summary"]
    return ""


def _unknown_field(record, data):
    record["confidence"] = 0.5
    return "/confidence"


def _shift_span(record, data):
    span = record["evidence"][0]
    if span["end"] + 1 > len(data["text"]):
        return None
    span["start"] += 1
    span["end"] += 1
    if data["text"][span["start"]:span["end"]] == span["text"]:
        return None
    return "/evidence/0/start"


def _reverse_dates(record, data):
    date = record["date"]
    if date.get("end", date["start"]) != date["start"]:
        date["start"], date["end"] = date["end"], date["start"]
        return "/date/end"
    return None


def _visitor_is_host(record, data):
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    visit["hosts"] = list(visit["visitors"])
    return "/diplomatic_visit/visitors/0"


def _supplier_is_recipient(record, data):
    allegation = record.get("arms_allegation")
    if not allegation:
        return None
    allegation["supplier"] = allegation["recipient"]
    return "/arms_allegation/recipient"


def _not_a_country(record, data):
    record["location"] = {"name": "Nowhere", "country": "XXA", "precision": "country"}
    return "/location/country"


def _bad_codelist(record, data):
    record["modality"] = "rumoured"
    return "/modality"


MUTATIONS = (
    RecordMutation("schema-missing-field", "drop-summary", _drop_summary),
    RecordMutation("schema-unknown-field", "unknown-field", _unknown_field),
    RecordMutation("schema-not-in-codelist", "bad-modality", _bad_codelist),
    RecordMutation("span-text-mismatch", "shift-span", _shift_span),
    RecordMutation("date-range-reversed", "reverse-dates", _reverse_dates),
    RecordMutation("visitor-is-host", "visitor-is-host", _visitor_is_host),
    RecordMutation("supplier-is-recipient", "supplier-is-recipient", _supplier_is_recipient),
    RecordMutation("country-code-unknown", "not-a-country", _not_a_country),
)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
@given(data=datasets(), which=st.integers(0, 3))
def test_each_mutation_gives_its_finding_and_no_other_error(mutation, data, which) -> None:
    index = which % len(data["records"])
    record = data["records"][index]
    pointer = mutation.apply(record, data)
    assume(pointer is not None)
    errors = [f for f in findings_of(data) if f[1] == "error"]
    assert errors == [(mutation.code, "error", index + 1, pointer)]


@given(datasets())
def test_a_broken_reference_is_found(data) -> None:
    data["records"][0]["actors"][0] = "zz-unknown"
    codes = {f[0] for f in findings_of(data)}
    assert "actor-unknown" in codes


@given(datasets())
def test_duplicate_ids_across_datasets_are_found(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_dataset(Path(tmp) / "one", data)
        write_dataset(Path(tmp) / "two", data)
        report = validate([tmp])
    codes = [f.code for f in report.findings]
    assert codes == ["record-id-duplicate"] * len(data["records"])


# --- The schema stage agrees with the reference implementation ---------------------

@given(data=datasets(), mutate=st.sampled_from((None, *MUTATIONS)))
def test_schema_verdict_equals_python_jsonschema(data, mutate) -> None:
    fast = compiled("1.0.0", registry.RECORD_SCHEMA)
    reference = reference_validator()
    for record in data["records"]:
        candidate = copy.deepcopy(record)
        if mutate is not None:
            mutate.apply(candidate, data)
        assert fast.is_valid(candidate) == reference.is_valid(candidate), json.dumps(candidate)


def test_specification_wins_where_python_jsonschema_is_lax() -> None:
    """'$' must not match before a trailing newline (ECMA-262); re.search lets it."""
    record = json.loads((Path(__file__).parent / "cases" / "valid" / "base" / "events.jsonl")
                        .read_text("utf-8").splitlines()[0])
    record["summary"] = "A summary.\n"
    assert not compiled("1.0.0", registry.RECORD_SCHEMA).is_valid(record)
    assert reference_validator().is_valid(record)  # the known python-jsonschema divergence


@pytest.mark.slow
@settings(max_examples=10)
@given(st.data())
def test_records_generated_from_the_schema_pass_the_schema_stage(data) -> None:
    """hypothesis-jsonschema draws records straight from the published schema."""
    import jsonschema_rs
    from hypothesis_jsonschema import from_schema

    resources = [(d["$id"], d) for d in VERSION.documents.values() if "$id" in d]
    flat = jsonschema_rs.dereference(VERSION.record_schema,
                                     registry=jsonschema_rs.Registry(resources))
    record = data.draw(from_schema(flat))
    assert compiled("1.0.0", registry.RECORD_SCHEMA).is_valid(record)
